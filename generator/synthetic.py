"""Synthetic content for the bench: a project folder of N realistic records that pass every check.

Input: a record count and a seed for the random generator. Output: ``seeds/``, ``content/`` (items
and every registry, sized to match) written under a folder. The same count and seed always give
the same files. Every record's shape (how many perspectives, sources, links and questions) comes
from a short cycle, so a hundred records already hold the largest shape; a larger digest differs
only in how many records there are, which is what the bench measures. The records are as large
and as full as the bundled items (``record_stats`` measures both; a test holds them within 15%).
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from . import yamlio
from .sitedir import write_file

SEED_ITEMS = 25  # items per seed file: a seed is one round-up page
STAKEHOLDER_KINDS = ("government", "armed-or-opposition-group", "intergovernmental",
                     "human-rights-organisation", "independent-research", "former-members")
INDEPENDENT = ("intergovernmental", "human-rights-organisation", "independent-research")
OUTLET_KINDS = ("state-media", "semi-official-agency", "state-funded-international-broadcaster",
                "advocacy-group", "ngo", "independent-media", "intergovernmental")
LOADED = ("terroris*|terror group*", "regime*", "cult*", "martyr*", "puppet*", "mercenar*",
          "traitor*", "propagandist*", "thug*", "extremis*", "fanatic*", "brainwash*",
          "hypocrit*", "henchm*n", "butcher*", "stooge*", "lackey*", "zealot*", "despot*",
          "tyrant*")
WORDS = """
the a an of in on to for with by from at about after before during between under over
government ministry council committee office agency court parliament delegation mission
residents camp group members families officials spokesman minister envoy representative
statement report interview letter briefing meeting visit hearing resolution agreement plan
said stated announced reported described noted added explained confirmed wrote argued
relocation transfer deadline timetable process review inquiry monitoring access assistance
humanitarian legal political security regional international national local independent
year month week day morning evening spring summer autumn winter period date schedule
country city province border region area site facility building road convoy
people person family relatives visitors observers journalists lawyers doctors staff
question answer position view concern request proposal decision response position policy
new several many some other further earlier later recent current previous following
""".split()
NAMES = ("Amir", "Leila", "Hassan", "Maryam", "Karim", "Nadia", "Tariq", "Sara", "Yusuf", "Huda",
         "Omar", "Rana", "Faris", "Dina", "Samir", "Layla", "Adel", "Noor", "Jamal", "Salma")
SURNAMES = ("Haddad", "Karimi", "Rahimi", "Saleh", "Tehrani", "Jaber", "Nasser", "Sadeghi",
            "Mansour", "Hosseini", "Rashid", "Farahani", "Aziz", "Moradi", "Khalil", "Bakr")


class _Text:
    """Neutral sentences from a fixed vocabulary; the lexicon's words never occur in them."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def words(self, n: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(n))

    def sentence(self, n: int = 14) -> str:
        text = self.words(n)
        return text[0].upper() + text[1:] + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))


def _source(k: int) -> dict:
    """Source number ``k``: the same URL always has the same title and publisher."""
    year = 2003 + k % 11
    return {"title": f"Report {k} on the camp and the relocation process",
            "publisher": f"Publisher {k % 97}",
            "url": f"https://reports{k % 97}.example.org/{year}/report-{k}",
            "date": f"{year}-{k % 12 + 1:02d}-{k % 28 + 1:02d}",
            "accessed": "2024-05-02"}


def _date(rng: random.Random) -> str:
    return f"{rng.randint(2003, 2013)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _registries(n: int, rng: random.Random) -> dict:
    text = _Text(rng)
    n_stakeholders = 12 + n // 1000
    n_outlets = 10 + n // 20
    n_actors = 10 + n // 10
    n_glossary = 20 + n // 100
    n_timeline = 20 + n // 10
    n_lexicon = len(LOADED) + n // 1000
    stakeholders = [{
        "id": f"party-{i}", "name": f"Party {i:03d}",
        "kind": STAKEHOLDER_KINDS[i % len(STAKEHOLDER_KINDS)],
        "description": text.paragraph(2), "names_used": text.sentence(10), "order": i,
    } for i in range(n_stakeholders)]
    outlets = [{
        "id": f"outlet-{i}", "name": f"Outlet {i}", "kind": OUTLET_KINDS[i % len(OUTLET_KINDS)],
        "country": f"Country {i % 23}", "affiliation": text.sentence(18),
        "evidence": [_source(10_000 + i), _source(20_000 + i)], "contested": i % 7 == 0,
        "names_used": text.sentence(10),
    } for i in range(n_outlets)]
    actors = [{
        "id": f"actor-{i}", "name": f"{NAMES[i % len(NAMES)]} {SURNAMES[i % len(SURNAMES)]} {i}",
        "spellings": [f"{NAMES[i % len(NAMES)]} {SURNAMES[i % len(SURNAMES)]}-{i}"],
        "roles": [{"title": "Spokesman", "organisation": f"Office {i % 31}", "from": "2005",
                   "to": "2012", "source": _source(30_000 + i)}],
    } for i in range(n_actors)]
    glossary = [{
        "term": f"label {i}", "variants": [f"label-{i}", f"labels {i}"],
        "used_by": f"Party {i % n_stakeholders:03d}", "connotation": "contested",
        "note": text.sentence(16),
    } for i in range(n_glossary)]
    timeline = [{"date": _date(rng), "event": text.sentence(16),
                 "sources": [_source(40_000 + i)]} for i in range(n_timeline)]
    lexicon = [{"term": pattern.split("|")[0].rstrip("*"), "pattern": pattern,
                "used_by": f"Party {i % n_stakeholders:03d}", "note": text.sentence(8)}
               for i, pattern in enumerate(LOADED)]
    lexicon += [{"term": f"loadedword{i}", "used_by": "several parties", "note": text.sentence(8)}
                for i in range(len(LOADED), n_lexicon)]
    return {"stakeholders": stakeholders, "outlets": outlets, "actors": actors,
            "glossary": glossary, "timeline": timeline, "lexicon": lexicon}


def _excerpt(rng: random.Random, text: _Text, k: int) -> str:
    # The original is one-sided: its excerpt may use the lexicon's words, which is its framing.
    loaded = LOADED[k % len(LOADED)].split("|")[0].rstrip("*")
    return f"{text.paragraph(2)} Officials called them the {loaded} group. {text.paragraph(1 + k % 3)}"


# The shape of a record: every figure below cycles over ten records, so a hundred records hold
# every shape. The cycles follow the bundled items (measured with ``record_stats``): about 8.6
# perspectives an item, two sources a perspective, 4.6 provenance links, 5.4 search-log entries
# and two located excerpts an item, three or four questions with guidance, and 24-25 KB a file.
PERSPECTIVES = (9, 8, 9, 9, 8, 9, 8, 9, 9, 8)
SOURCES = (1, 2, 2, 3, 2, 1, 2, 3, 1, 3)
LINKS = (6, 4, 4, 5, 5, 4, 5, 3, 5, 5)
QUESTIONS = (4, 3, 4, 4, 3, 4, 4, 3, 4, 4)
ROLES = ("republication", "original-report", "primary-statement")


def _item(i: int, n: int, reg: dict, rng: random.Random, seed: dict) -> dict:
    text = _Text(rng)
    shape = i % 10  # shape 0 is the largest: every cycle of ten records holds it
    status = "draft" if shape == 9 else ("reviewed" if shape == 8 else "published")
    stakeholders = reg["stakeholders"]
    s = len(stakeholders)
    independent = [x for x in stakeholders if x["kind"] in INDEPENDENT]
    other = [x for x in stakeholders if x["kind"] not in INDEPENDENT]
    about = other[i % len(other)]
    heard = [about, other[(i + 1) % len(other)], independent[i % len(independent)]]
    for extra in range(s):
        if len(heard) == PERSPECTIVES[shape]:
            break
        candidate = stakeholders[(i + 3 + extra) % s]
        if candidate not in heard:
            heard.append(candidate)
    perspectives = []
    for j, party in enumerate(heard):
        status_pv = ("no-statement-found" if j == 3 and shape % 5 == 0
                     else "general-position" if j == 2 else "stated")
        pv = {"stakeholder": party["id"],
              "gist": f"{party['name']} said that {text.words(22)}.",
              "status": status_pv, "date": _date(rng)}
        if status_pv != "no-statement-found":
            link = _source(i * 5 + j)
            pv["position"] = (f"{party['name']} said that {text.words(30)}; it *stated* that "
                              f"{text.words(20)} ([statement]({link['url']})). {text.paragraph(2)}")
            pv["sources"] = [_source(i * 5 + j + k) for k in range(SOURCES[(i + j) % 10])]
        else:
            pv["position"] = f"No statement by {party['name']} on this matter was found."
        perspectives.append(pv)
    outlets = reg["outlets"]
    provenance = [{"role": "seed-page", "outlet": outlets[i % len(outlets)]["id"],
                   "url": seed["link"], "title": f"Round-up page {i // SEED_ITEMS}",
                   "date": "2011-05-01", "accessed": "2024-05-01", "status": "located",
                   "note": text.paragraph(3),
                   "search_log": [text.sentence(28) for _ in range(2)]}]
    for j in range(LINKS[shape] - 1):
        role = ROLES[min(j, 2)]
        if j >= 2 and (shape + j) % 2:
            provenance.append({"role": role, "status": "not-located",
                               "note": f"Searched the archive of the ministry for {text.words(6)}. "
                                       f"{text.paragraph(3)}",
                               "search_log": [text.sentence(28) for _ in range(2)]})
        else:
            k = (i * 3 + j + 1) % len(outlets)
            link = {"role": role, "outlet": outlets[k]["id"],
                    "url": f"https://outlet{k}.example.net/news/{i}-{j}",
                    "title": text.sentence(8), "date": "2011-04-2" + str(j % 10),
                    "accessed": "2024-05-01", "status": "located", "note": text.paragraph(3)}
            if j < 2:
                link["excerpt"] = text.paragraph(5)
            if j < 2:
                link["search_log"] = [text.sentence(28)]
            provenance.append(link)
    actors = reg["actors"]
    glossary = reg["glossary"]
    date = _date(rng)
    item = {
        "id": f"item-{i:06d}",
        "title": seed["title"],
        "neutral_title": text.sentence(14)[:-1],
        "status": status,
        "date": {"value": date, "precision": "day",
                 "basis": f"The date given in the original report. {text.paragraph(4)}"},
        "seed": {k: seed[k] for k in ("file", "position", "excerpt", "sha256", "link")},
        "provenance": provenance,
        "speakers": [{"actor": actors[(i + k) % len(actors)]["id"], "role_at_time": "Spokesman"}
                     for k in range(1 + shape % 2)],
        "about": [about["id"]],
        "summary": (f"{text.paragraph(5)} The *timetable* was set out in "
                    f"[a statement]({_source(i)['url']}).\n\n{text.paragraph(4 + shape % 2)}"),
        "framing": [{"term": glossary[(i + k) % len(glossary)]["term"], "note": text.paragraph(3)}
                    for k in range(3 + shape % 3)],
        "perspectives": perspectives,
        "context": (f"{text.paragraph(8)} See [the background report]({_source(i + 1)['url']}).\n\n"
                    f"{text.paragraph(10 + shape % 3)}"),
        "questions": [{"question": text.sentence(26)[:-1] + "?", "guidance": text.paragraph(4)}
                      for _ in range(QUESTIONS[shape])],
        "related": [f"item-{(i + k) % n:06d}" for k in (1, 2)[: shape % 3] if (i + k) % n != i],
        "corrections": ([{"date": "2024-05-03", "note": text.sentence(12)}] if shape % 4 == 0 else []),
        "prepared_by": "Bench Writer",
        "reviewed_by": "Bench Reviewer" if status != "draft" else "",
    }
    if status == "draft":
        item["neutral_title"] = ""
    return item


def write_content(project: Path, n: int, seed: int = 1) -> None:
    """Write ``n`` synthetic records, their seeds and their registries under ``project``."""
    rng = random.Random(seed)
    content, seeds = project / "content", project / "seeds"
    (content / "items").mkdir(parents=True, exist_ok=True)
    seeds.mkdir(parents=True, exist_ok=True)
    reg = _registries(n, rng)
    for name, entries in reg.items():
        write_file(content / f"{name}.yaml", yamlio.dump(entries), sync=False)
    text = _Text(rng)
    for first in range(0, n, SEED_ITEMS):
        number = first // SEED_ITEMS + 1
        rel = f"seeds/bench-{number:05d}.txt"
        parts, records = [], []
        for i in range(first, min(first + SEED_ITEMS, n)):
            excerpt = _excerpt(rng, text, i)
            seed_entry = {"file": rel, "position": i - first + 1, "excerpt": excerpt,
                          "sha256": hashlib.sha256(excerpt.encode("utf-8")).hexdigest(),
                          "link": f"https://seedsite.example.com/tag/page/{number}#item-{i}",
                          "title": text.sentence(8)[:-1]}
            parts.append(f"{seed_entry['title']}\n\n{excerpt}\n")
            records.append(_item(i, n, reg, rng, seed_entry))
        write_file(project / rel, "\n".join(parts), sync=False)
        for record in records:
            path = content / "items" / f"{record['id']}.yaml"
            write_file(path, yamlio.dump(record, "../../schema/item.schema.json"), sync=False)


def record_stats(paths) -> dict:
    """The size and shape of item files, as means per record: bytes, perspectives, sources per
    perspective, provenance links, perspectives with a gist, questions with guidance, located
    excerpts and search-log entries. The bench compares its records with the bundled ones by
    these figures (``parallax bench`` reports both)."""
    rows = []
    for path in paths:
        path = Path(path)
        raw = path.read_bytes()
        data = yamlio.parse(raw.decode("utf-8-sig"), str(path)).data
        if not isinstance(data, dict):
            continue
        views = [pv for pv in data.get("perspectives") or [] if isinstance(pv, dict)]
        links = [ln for ln in data.get("provenance") or [] if isinstance(ln, dict)]
        questions = data.get("questions") or []
        rows.append((len(raw), len(views), sum(len(pv.get("sources") or []) for pv in views),
                     len(links), sum(bool(pv.get("gist")) for pv in views),
                     sum(isinstance(q, dict) and bool(q.get("guidance")) for q in questions),
                     sum(bool(ln.get("excerpt")) for ln in links),
                     sum(len(ln.get("search_log") or []) for ln in links)))
    if not rows:
        return {"records": 0}
    n = len(rows)
    total = [sum(column) for column in zip(*rows)]
    return {"records": n,
            "bytes_mean": round(total[0] / n),
            "perspectives_mean": round(total[1] / n, 2),
            "sources_per_perspective": round(total[2] / total[1], 2) if total[1] else 0.0,
            "provenance_links_mean": round(total[3] / n, 2),
            "gists_per_perspective": round(total[4] / total[1], 2) if total[1] else 0.0,
            "questions_with_guidance_mean": round(total[5] / n, 2),
            "excerpts_mean": round(total[6] / n, 2),
            "search_log_entries_mean": round(total[7] / n, 2)}
