"""Render, the view model. Input: a checked ``Digest``. Output: the digest arranged for pages
(``View``): lookups, orderings and indexes computed once, the seed pages, the excerpt with its
loaded words marked, the timeline's rows. No templates, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from markupsafe import Markup, escape

from . import lexicon as lex
from .models import Digest
from .text import balanced_html, plain, safe_url


def first_sentence(text: str, limit: int = 220) -> str:
    flat = plain(text)
    m = re.search(r"(?<=[.!?])\s", flat)
    one = flat[: m.start()] if m else flat
    return one if len(one) <= limit else one[: limit - 1].rstrip() + "…"


def _date_key(item) -> str:
    return item.date.value if item.date else "9999"


def display_title(item) -> str:
    return item.neutral_title or item.title


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class SiteText:
    """The site's own name and description (MkDocs' site_name and site_description): the home
    page's neutral wording when the digest has no content/digest.yaml."""

    name: str = "Parallax digest"
    description: str = ""
    url: str = ""  # MkDocs' site_url, where set: the handouts print full addresses with it


class View:
    """The digest arranged for pages: lookups, orderings and indexes computed once."""

    def __init__(self, digest: Digest, edit_url: str = "", site: SiteText = SiteText()):
        self.digest = digest
        self.site = site
        # content/digest.yaml, where there is one: the topic, the seeds, where corrections go.
        self.info = digest.info.value if digest.info is not None else None
        info_edit = self.info.edit_url if self.info is not None else ""
        self.edit_url = (info_edit if safe_url(info_edit) else "") or edit_url
        self.contact = self.info.contact if self.info is not None else ""
        # An address is written to ("write to …"); anything else is the editors' own sentence.
        self.contact_is_address = bool(safe_url(self.contact) or _EMAIL.match(self.contact))
        self.items = sorted(digest.items, key=lambda e: (_date_key(e.value), e.value.id))
        self.outlets = {e.value.id: e.value for e in digest.outlets}
        self.actors = {e.value.id: e.value for e in digest.actors}
        self.stakeholders = {e.value.id: e.value for e in digest.stakeholders}
        self.stakeholder_list = sorted(self.stakeholders.values(), key=lambda s: (s.order, s.name))
        self.order = {s.id: (s.order, s.name) for s in self.stakeholder_list}
        self.titles = {e.value.id: display_title(e.value) for e in digest.items}
        self.by_outlet: dict[str, list] = {}
        self.by_stakeholder: dict[str, list] = {}
        for e in self.items:
            for oid in dict.fromkeys(link.outlet for link in e.value.provenance if link.outlet):
                self.by_outlet.setdefault(oid, []).append(e)
            for pv in e.value.perspectives:
                self.by_stakeholder.setdefault(pv.stakeholder, []).append((e, pv))
        self.glossary = sorted((e.value for e in digest.glossary), key=lambda g: g.term.casefold())
        self.timeline = sorted((e.value for e in digest.timeline), key=lambda t: t.date)
        self.terms = lex.compile_lexicon(e.value for e in digest.lexicon)
        self.seeds = _seed_pages(self)
        self.seed_by_file = {s["file"]: s for s in self.seeds}
        self._excerpts: dict[tuple[str, str], Markup] = {}

    @cached_property  # kept by the view: a cache in the module would keep the digest alive
    def lexicon_notes(self) -> dict:
        """The lexicon's entries by term (case-folded)."""
        return {e.value.term.casefold(): e.value for e in self.digest.lexicon}

    def perspectives(self, item):
        """Perspectives in the stakeholders' documented display order."""
        return sorted(item.perspectives,
                      key=lambda pv: self.order.get(pv.stakeholder, (10**9, pv.stakeholder)))

    def missing(self, item):
        """Parties the item is about that have no perspective on it: shown as gaps on the item's
        page. Only the item's own ``about`` list is looked at, so a page never grows with the
        registry; the coverage matrix shows every party against every item."""
        heard = {pv.stakeholder for pv in item.perspectives}
        named = dict.fromkeys(s for s in item.about if s not in heard and s in self.stakeholders)
        return [self.stakeholders[s] for s in named]

    def unheard_count(self, item) -> int:
        """How many parties of the registry have no perspective on this item (a number, so the
        page stays the same size however large the registry grows)."""
        heard = {pv.stakeholder for pv in item.perspectives if pv.stakeholder in self.stakeholders}
        return len(self.stakeholders) - len(heard)

    def filter_options(self, entries):
        """The parties and outlets the shown entries name (the home page's filters)."""
        parties = {pv.stakeholder for e in entries for pv in e.value.perspectives}
        outlets = {l.outlet for e in entries for l in e.value.provenance if l.outlet}
        return ([s for s in self.stakeholder_list if s.id in parties],
                sorted((self.outlets[o] for o in outlets if o in self.outlets),
                       key=lambda o: (o.name, o.id)))

    def perspective_rows(self, item):
        """(stakeholder id, perspective or None) for every party, gaps in their display place."""
        rows = [(pv.stakeholder, pv) for pv in item.perspectives]
        rows += [(s.id, None) for s in self.missing(item)]
        return sorted(rows, key=lambda row: self.order.get(row[0], (10**9, row[0])))

    def heard(self, sid: str) -> int:
        """On how many items the party has a stated or general position."""
        return sum(pv.status != "no-statement-found" for _, pv in self.by_stakeholder.get(sid, []))

    def entry_kinds(self, entries) -> list[str]:
        """The outlet kinds the listed items' chains name, in a stable order (for the legend)."""
        return sorted({kind for e in entries for kind in self.outlet_kinds(e.value)})

    def outlet_kinds(self, item):
        kinds = [self.outlets[link.outlet].kind for link in item.provenance
                 if link.outlet in self.outlets]
        return list(dict.fromkeys(kinds))

    def excerpt_html(self, item) -> Markup:
        """The excerpt with its loaded words marked (computed once per item: the item page,
        its handout and the pack all show it)."""
        key = (item.id, item.seed.excerpt)
        if key not in self._excerpts:
            self._excerpts[key] = highlight(item.seed.excerpt, item.framing, self.terms)
        return self._excerpts[key]

    def seed(self, item) -> dict:
        """What is known of the seed page an item comes from (title, publisher, note)."""
        return self.seed_by_file[item.seed.file]

    def summary_line(self, item) -> str:
        return first_sentence(item.summary) if item.summary else ""


def _seed_pages(view: View) -> list[dict]:
    """For each seed file: its title, and the page and outlet it was taken from, where known
    (content/digest.yaml first, then the items' seed-page links)."""
    listed = {s.file: s for s in (view.info.seeds if view.info is not None else [])}
    seeds: dict[str, dict] = {}
    for s in (view.info.seeds if view.info is not None else []):
        seeds[s.file] = {"file": s.file, "title": s.title, "url": s.url if safe_url(s.url) else "",
                         "outlet": view.outlets.get(s.publisher), "note": s.note,
                         "accessed": s.accessed, "count": 0}
    for e in view.items:
        item = e.value
        entry = listed.get(item.seed.file)
        info = seeds.setdefault(item.seed.file, {"file": item.seed.file, "title": "", "url": "",
                                                 "outlet": None, "note": "", "accessed": "",
                                                 "count": 0})
        info["count"] += 1
        for link in item.provenance[:1]:
            if link.role == "seed-page" and entry is None:
                if not item.seed.link:  # the link is the page's, not the item's own
                    info["title"] = info["title"] or link.title
                    if link.status == "located" and not info["url"]:
                        info["url"] = link.url
                if link.outlet in view.outlets and info["outlet"] is None:
                    info["outlet"] = view.outlets[link.outlet]
    return [seeds[k] for k in sorted(seeds)]


def highlight(text: str, framing, terms) -> Markup:
    """The excerpt as escaped paragraphs, its loaded words marked and explained on hover/focus."""
    notes: list[tuple[int, int, str, str]] = []
    folded = text.casefold()
    for f in framing:
        term = f.term.strip()
        if not term:
            continue
        start = folded.find(term.casefold())
        while start >= 0:
            notes.append((start, start + len(term), f.term, f.note))
            start = folded.find(term.casefold(), start + len(term))
    for hit in lex.find(terms, text):
        who = f"Used by {hit.term.used_by}." if hit.term.used_by else ""
        notes.append((hit.start, hit.end, hit.term.term, f"A loaded term ({hit.term.term}). {who}"))
    chosen, last = [], -1
    for start, end, term, note in sorted(notes, key=lambda n: (n[0], -(n[1] - n[0]))):
        if start >= last:
            chosen.append((start, end, term, note))
            last = end
    out, pos = [], 0
    for n, (start, end, term, note) in enumerate(chosen, 1):
        out.append(escape(text[pos:start]))
        out.append(Markup('<mark class="parallax-term" tabindex="0" aria-describedby="term-note-{n}">'
                          '{word}<span class="parallax-tip" role="tooltip" id="term-note-{n}">'
                          '{note}</span></mark>').format(n=n, word=text[start:end],
                                                          note=note or term))
        pos = end
    out.append(escape(text[pos:]))
    body = Markup("").join(out)
    paras = [p for p in re.split(r"\n\s*\n", str(body)) if p.strip()]
    return Markup(balanced_html("".join(f"<p>{p.strip()}</p>".replace("\n", "<br>")
                                         for p in paras)))


def timeline_rows(view: View) -> list[dict]:
    """The dated events and the items, in one list, oldest first (events before items on the
    same date): the vertical timeline, grouped by year and month on its pages."""
    rows = [{"date": t.date, "event": t} for t in view.timeline]
    rows += [{"date": e.value.date.value, "entry": e} for e in view.items if e.value.date]
    for row in rows:
        row["year"] = row["date"][:4]
        row["month"] = row["date"][:7] if len(row["date"]) >= 7 else row["date"][:4]
    return sorted(rows, key=lambda r: (r["date"], "entry" in r,
                                       r["entry"].value.id if "entry" in r else ""))
