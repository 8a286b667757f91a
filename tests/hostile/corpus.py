"""Hostile corpora: projects whose text fields carry attack text, written to a tmp folder.

Two kinds of record. A *case* item holds one named attack or tricky script (``FILLS``) in
every text field, id reference and URL field; the registries hold every fill in every field
of every record type. A *carrier* item holds a chunk of the real-world payloads along every
rendering path (title, excerpt with its marked words, Markdown, plain text, URLs), successive
chunks taking the fields of each path in turn, so that every payload meets every path and every
field meets payloads; the registries that list all their entries on one page (glossary,
timeline, lexicon) carry the chunks too.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

import yaml

from generator.models import MAX_PHRASE, MAX_QUESTIONS, MAX_SOURCES

from conftest import ROOT, site_config

LIMIT = 19_000  # under the models' 20,000-character limit for a text field
# A chunk also fills lists (sources, questions...): at most as many as the shortest such list
# of one record may hold.
COUNT = min(MAX_SOURCES, MAX_QUESTIONS)

# The named cases of the brief, each an attack on its own.
CASES = {
    "script": "<script>alert('script')</script>",
    "script-upper": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "img-onerror": "<img src=x onerror=alert('img')>",
    "svg-onload": "<svg onload=alert('svg')><script>alert('svg2')</script></svg>",
    "svg-xlink": '<svg><a xlink:href="javascript:alert(\'xlink\')"><text>x</text></a></svg>',
    "js-link": "[click](javascript:alert('js'))",
    "js-link-entity": "[click](jav&#x61;script&#58;alert('ent'))",
    "js-link-tab": "[click](java\tscript:alert('tab'))",
    "js-autolink": "<javascript:alert('auto')>",
    "js-ref-link": "[click][r]\n\n[r]: javascript:alert('ref')",
    "data-link": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data-image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "js-image": "![x](javascript:alert('imgmd'))",
    "attr-list": "**bold**{ onclick=alert('attr') }\n\n# heading { onmouseover=alert('h') }",
    "attr-list-link": "[x](https://example.org/){: onclick=\"alert('al')\" }",
    "comment": "<!-- <script>alert('comment')</script> -->",
    "cdata": "<![CDATA[<script>alert('cdata')</script>]]>",
    "jinja": "{{ 7*7 }} {% for x in range(3) %}{{ x }}{% endfor %} {# c #} {{ config.__class__ }}",
    "break-out": "</div></section></article><script>alert('out')</script><div>",
    "quote-attr": "\" onmouseover=\"alert('q')\" x=\"' onfocus='alert(1)' autofocus '",
    "style": "<style>*{background:url(javascript:alert('css'))}</style>",
    "iframe": "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "object": "<object data=\"data:text/html,<script>alert('obj')</script>\"></object>",
    "meta-refresh": "<meta http-equiv=refresh content=\"0;url=javascript:alert('meta')\">",
    "base": "<base href=\"javascript:alert('base')//\">",
    "form": "<form action=\"javascript:alert('form')\"><button>x</button></form>",
    "html-in-md": "*<b onclick=alert('b')>x</b>*",
    "entities": "&lt;script&gt;alert('e')&lt;/script&gt; &#60;img src=x onerror=alert('n')&#62;",
    "front-matter": "x\n---\ntitle: <script>alert('fm')</script>\n---\n",
    "json-ld-break": "</script><script>alert('ld')</script>\u2028\u2029",
    "mathml": "<math><mtext><table><mglyph><style><img src=x onerror=alert('m')>",
    "noscript": "<noscript><p title=\"</noscript><img src=x onerror=alert('ns')>\">",
}


# Scripts, marks and invisible characters that must display intact and reorder nothing else.
UNICODE = {
    "arabic": "مجاهدي خلق: منظمة «إرهابية»؟ ١٢٣",
    "hebrew-mixed": "שלום world 123 עולם, (quoted) [x]",
    "persian": "سازمان مجاهدین خلق ایران\u200cها",
    "combining": "Z\u0338\u0321\u0322a\u0336\u0321l\u0337g\u0334o\u0335 Cafe\u0301 a" + "\u0301" * 300,
    "zero-width": "Ca\u200bmp\u200c A\u200dsh\ufeffraf\u2060 \u180e\u200b",
    "rlo-balanced": "Council \u202edecides\u202c today",
    "rlo-open": "abc \u202e reversed to the end of the page?",
    "isolates-open": "\u2067isolated \u2066nested \u202bembedded",
    "stray-closers": "x\u202cy\u2069z\u202c",
    "trojan-source": 'if access_level != "user\u202e \u2066// Check if admin\u2069 \u2066" {',
    "marks": "\u200fRTL mark\u200e LTR mark \u061c ALM \u200e",
    "emoji": "\U0001f469\u200d\U0001f469\u200d\U0001f467 \U0001f3f3\ufe0f\u200d\U0001f308 \U0001d573\U0001d58a",
    "width": "ＦＵＬＬＷＩＤＴＨ ｶﾀｶﾅ ﬁ ①",
    "separators": "a\u2028b\u2029c d",
}
FILLS = {**CASES, **UNICODE}


def payloads(path: Path) -> list[str]:
    """One payload a line, as published (blank lines dropped, duplicates kept once)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return list(dict.fromkeys(line for line in lines if line.strip()))


def feed_texts(folder: Path) -> list[str]:
    """Each hostile feed as written (entity-encoded markup) and decoded (live markup)."""
    out = []
    for path in sorted(folder.glob("*.xml")):
        raw = path.read_bytes().decode("utf-8", "replace")
        out += [raw, html.unescape(raw)]
    return out


def chunks(texts: list[str], limit: int = LIMIT, count: int = COUNT) -> list[list[str]]:
    """Batches whose one-a-paragraph join stays under ``limit`` characters, of at most
    ``count`` texts."""
    out, current, size = [], [], 0
    for text in texts:
        text = text[: limit - 10]
        if current and (size + len(text) + 2 > limit or len(current) >= count):
            out.append(current)
            current, size = [], 0
        current.append(text)
        size += len(text) + 2
    if current:
        out.append(current)
    return out


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _source(text: str, url: str = "https://example.org/source") -> dict:
    return {"title": text, "publisher": text, "url": url, "date": "2024", "accessed": "2024-04-01",
            "note": text}


def _url(text: str) -> str:
    return text if len(text) <= 2000 else "https://example.org/long"


def case_item(n: int, fill: str, status: str = "draft", refs: int = 1) -> dict:
    """An item whose every text field, id reference and URL field is ``fill``."""
    k = n % refs
    return {
        "id": f"hostile-{n:03d}",
        "title": fill,
        "neutral_title": fill if n % 2 else "",
        "status": status,
        "date": {"value": "2024-03-05", "precision": "day", "basis": fill},
        "seed": {"file": "seeds/hostile.txt", "position": n + 1, "excerpt": fill,
                 "sha256": sha256(fill), "link": _url(fill)},
        "provenance": [
            {"role": "seed-page", "outlet": f"outlet-{k:03d}", "url": "https://example.org/seed",
             "title": fill, "date": "2024-03-05", "accessed": "2024-04-01", "status": "located",
             "note": fill},
            {"role": "original-report", "outlet": fill, "url": _url(fill), "title": fill,
             "date": "", "accessed": "", "status": "not-located", "note": fill},
        ],
        "speakers": [{"actor": f"actor-{k:03d}", "role_at_time": fill},
                     {"actor": fill, "role_at_time": fill, "status": "unverified"}],
        "about": [f"sh-{k:03d}", fill],
        "summary": fill,
        "framing": [{"term": fill, "note": fill}],
        "perspectives": [
            {"stakeholder": f"sh-{k:03d}", "position": fill, "status": "stated", "date": "2024",
             "sources": [_source(fill), _source(fill, _url(fill))]},
            {"stakeholder": fill, "position": fill, "status": "general-position"},
        ],
        "context": fill,
        "questions": [fill],
        "related": [f"hostile-{n:03d}", fill],
        "corrections": [{"date": "2024-03-06", "note": fill}],
        "prepared_by": fill,
        "reviewed_by": fill,
    }


# Where a chunk goes in an item, by rendering path: each path has several fields, and
# successive chunks take turns, so every payload meets every path and every field is used.
PLAIN = ("date.basis", "provenance.0.title", "provenance.0.note", "speakers.0.role_at_time",
         "prepared_by", "reviewed_by", "questions", "corrections", "framing-notes")
MARKDOWN = ("summary", "context", "perspectives.0.position")


def carry(item: dict, n: int, chunk: list[str]) -> dict:
    """Put ``chunk`` into one title field, the excerpt, one Markdown field, one plain field and
    the reference and URL lists of ``item``."""
    plain, md = "\n".join(chunk), "\n\n".join(chunk)
    item["title" if n % 2 == 0 else "neutral_title"] = plain
    excerpt = f"hostileterm{n} " + plain
    item["seed"].update(excerpt=excerpt, sha256=sha256(excerpt))
    item["framing"] = [{"term": c, "note": ""} for c in chunk[:20]]
    slot = MARKDOWN[n % len(MARKDOWN)]
    if slot == "perspectives.0.position":
        item["perspectives"][0]["position"] = md
    else:
        item[slot] = md
    slot = PLAIN[n % len(PLAIN)]
    if slot == "questions":
        item["questions"] = list(chunk)
    elif slot == "corrections":
        item["corrections"] = [{"date": "2024-03-06", "note": c} for c in chunk]
    elif slot == "framing-notes":
        item["framing"] = [{"term": c, "note": c} for c in chunk]
    else:
        *path, last = slot.split(".")
        target = item
        for part in path:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = plain
    # URLs: every payload as a source's address (only http(s) ones may become links).
    item["perspectives"][0]["sources"] = [_source("s", _url(c)) for c in chunk]
    return item


def case_registries(fills: list[str]) -> dict[str, list]:
    """Every registry, one entry per fill, every text field carrying it."""
    out = {name: [] for name in ("outlets", "actors", "stakeholders", "glossary", "timeline",
                                 "lexicon")}
    for n, fill in enumerate(fills):
        out["outlets"].append({
            "id": f"outlet-{n:03d}", "name": fill, "kind": fill, "country": fill,
            "affiliation": fill, "evidence": [_source(fill, _url(fill))],
            "contested": bool(n % 2), "names_used": fill})
        out["actors"].append({
            "id": f"actor-{n:03d}", "name": fill, "spellings": [fill],
            "roles": [{"title": fill, "organisation": fill, "from": "2020", "to": "",
                       "source": _source(fill)}]})
        out["stakeholders"].append({
            "id": f"sh-{n:03d}", "name": fill, "kind": fill, "description": fill,
            "names_used": fill, "order": n})
        out["glossary"].append({
            "term": f"{fill} {n}", "variants": [fill], "used_by": fill, "connotation": fill,
            "note": fill, "sources": [_source(fill)]})
        out["timeline"].append({"date": f"{2000 + n % 25}-0{1 + n % 9}-1{n % 9}", "event": fill,
                                "sources": [_source(fill)]})
        out["lexicon"].append({
            # (an exception phrase is never shown, and is bounded: the fill's first part)
            "term": f"lexterm{n}", "pattern": "", "language": "en",
            "exceptions": [fill[:MAX_PHRASE]],
            "used_by": fill, "note": fill})
    return out


def chunk_registries(regs: dict, chunks_: list[list[str]]) -> dict:
    """Add each chunk to the registries whose pages list every entry, field by field in turn."""
    fields = ("term", "variants", "used_by", "connotation", "note")
    for n, chunk in enumerate(chunks_):
        plain = "\n".join(chunk)
        entry = {"term": f"chunk {n}", "variants": [], "used_by": "", "connotation": "", "note": ""}
        field = fields[n % len(fields)]
        entry[field] = list(chunk) if field == "variants" else (
            f"{plain} {n}" if field == "term" else plain)
        regs["glossary"].append(entry)
        regs["timeline"].append({"date": f"{2000 + n % 25}-1{n % 3}-2{n % 9}", "event": plain})
        regs["lexicon"].append({"term": f"hostileterm{n}", "used_by": plain})
    return regs


def _dump(data) -> str:
    """YAML by libyaml's emitter: the same values as ``yamlio.dump``, several times faster."""
    return yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, width=1_000_000,
                     sort_keys=False)


def write_project(root: Path, items: list[dict], regs: dict[str, list],
                  seed_text: str | None = None) -> Path:
    """A project folder (mkdocs.yml, docs/, seeds/, content/) holding these records."""
    site_config(root)
    (root / "seeds").mkdir()
    if seed_text is None:
        seed_text = "Hostile seed\n\n" + "\n\nRead more\n\n".join(
            f"Headline {i}\n\n{item['seed']['excerpt']}" for i, item in enumerate(items))
    (root / "seeds" / "hostile.txt").write_text(seed_text, encoding="utf-8")
    content = root / "content"
    (content / "items").mkdir(parents=True)
    for name, entries in regs.items():
        (content / f"{name}.yaml").write_text(_dump(entries), encoding="utf-8")
    for item in items:
        (content / "items" / f"{item['id']}.yaml").write_text(_dump(item), encoding="utf-8")
    return root


def hostile_project(root: Path, texts: list[str], limit: int = LIMIT) -> Path:
    """A project with every fill in every field, and ``texts`` carried along every path.

    Each fill has an item of its own; the registries hold three entries, each with every
    fill in every field (one page per outlet and per stakeholder, so few of them)."""
    fills = list(FILLS.values())
    statuses = ("draft", "reviewed", "published")
    items = [case_item(n, fill, statuses[n % 3], 3) for n, fill in enumerate(fills)]
    batches = chunks(texts, limit)
    for m, chunk in enumerate(batches):
        n = len(fills) + m
        items.append(carry(case_item(n, fills[m % len(fills)], statuses[n % 3], 3), m, chunk))
    joined = ["\n".join(CASES.values()), "\n".join(UNICODE.values()),
              " ".join(fills[::-1])]
    regs = chunk_registries(case_registries(joined), batches)
    return write_project(root, items, regs)
