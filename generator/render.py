"""Stage: render. Input: a checked ``Digest``. Output: ``Page`` values (path and Markdown text).

The one home of Jinja2. Record text never reaches a page as markup: plain fields are HTML-escaped
inside raw HTML blocks (so MkDocs' Markdown never parses them); Markdown fields are rendered by
``recordmd`` (raw HTML shown as text), then sanitised by nh3 to a small allow-list, with links
restricted to http and https. Bidi controls in record text are balanced, so that no text can
reorder the page around it. Templates are compiled once per process.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable
from urllib.parse import urlsplit

import nh3
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from .check import url_problem
from . import lexicon as lex
from . import recordmd
from .load import Digest, Located

PAGE_SIZE = 50
ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "br", "code", "blockquote"}
SCHEMES = {"http", "https"}


@dataclass(frozen=True)
class Page:
    """One page of the site: where it goes and its Markdown source."""

    path: str
    text: str


# --- safe text -------------------------------------------------------------------------------

_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_OPENERS = {"\u202a": "e", "\u202b": "e", "\u202d": "e", "\u202e": "e",  # embeddings, overrides
            "\u2066": "i", "\u2067": "i", "\u2068": "i"}  # isolates
_CLOSERS = {"e": "\u202c", "i": "\u2069"}


def bidi_balanced(text: str) -> str:
    """``text`` with every bidi embedding, override and isolate it opens closed at its end, and
    closers that close nothing dropped: it can reorder itself, never the page around it."""
    if text.isascii() or not _BIDI.search(text):
        return text
    out, stack, isolates, pos = [], [], 0, 0
    for m in _BIDI.finditer(text):
        char, keep = m.group(), True
        if char in _OPENERS:
            stack.append(_OPENERS[char])
            isolates += stack[-1] == "i"
        elif char == "\u202c":  # PDF closes the innermost embedding, unless an isolate is open
            keep = bool(stack) and stack[-1] == "e"
            if keep:
                stack.pop()
        elif isolates:  # PDI closes the innermost isolate and everything opened inside it
            while stack.pop() != "i":
                pass
            isolates -= 1
        else:
            keep = False
        out.append(text[pos:m.start()] + (char if keep else ""))
        pos = m.end()
    out.append(text[pos:])
    out.extend(_CLOSERS[kind] for kind in reversed(stack))
    return "".join(out)


def _balanced_html(markup: str) -> str:
    """Balance the bidi controls of each text node of generated HTML."""
    if markup.isascii() or not _BIDI.search(markup):
        return markup
    return re.sub(r">([^<]+)", lambda m: ">" + bidi_balanced(m.group(1)), markup)


def _finalize(value):
    """Every ``{{ value }}`` of the templates: plain text has its bidi controls balanced."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return bidi_balanced(value)
    return value


@lru_cache(maxsize=1 << 16)  # a field is shown on several pages (item, handout, listings)
def markdown_html(text: str) -> Markup:
    """Render a record's Markdown field to sanitised HTML (no raw HTML, http(s) links only)."""
    if not text:
        return Markup("")
    # The record Markdown subset escapes all text itself (raw HTML is shown as text) and is
    # linear on any input; nh3 then holds the result to the allow-list.
    rendered = recordmd.to_html(text, safe_url)
    clean = nh3.clean(rendered, tags=ALLOWED_TAGS, attributes={"a": {"href"}},
                      url_schemes=SCHEMES, link_rel="noopener noreferrer nofollow",
                      strip_comments=True, attribute_filter=_http_only)
    return Markup(_balanced_html(_no_blank_lines(clean)))


def _http_only(tag: str, attr: str, value: str) -> str | None:
    """Links in records are absolute http(s) URLs; relative or other links lose their href."""
    if attr == "href" and safe_url(html.unescape(value)) is None:
        return None
    return value


def _no_blank_lines(text: str) -> str:
    """Blank lines would end a raw HTML block in the page's Markdown; HTML does not need them."""
    return re.sub(r"\n\s*\n", "\n", text)


@lru_cache(maxsize=1 << 16)
def safe_url(url: str) -> str | None:
    """``url`` if it is a well-formed http(s) URL, else None: nothing else becomes a link."""
    if not url or url_problem(url):
        return None
    return url


def paragraphs(text: str) -> Markup:
    """Plain text as escaped paragraphs."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return Markup("".join(f"<p>{escape(bidi_balanced(p))}</p>".replace("\n", "<br>")
                          for p in parts))


def json_script(data) -> Markup:
    """JSON for a <script type="application/ld+json"> element that no content can break out of."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def attr_id(text: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", text.lower())


# --- URLs between pages ----------------------------------------------------------------------

def page_url(path: str) -> str:
    """The directory URL MkDocs gives a page (use_directory_urls)."""
    if path == "index.md":
        return ""
    stem = path[:-3]
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative(from_path: str, to_path: str) -> str:
    """A link from one page to another (or to a site file when ``to_path`` has no .md).

    Generated paths are plain (no ``.`` or ``..`` parts), so this is ``posixpath.relpath`` on
    the two directory URLs without asking the OS for the working directory."""
    page = to_path.endswith(".md")
    base = [p for p in page_url(from_path).split("/") if p]
    target = [p for p in (page_url(to_path) if page else to_path).split("/") if p]
    common = 0
    for a, b in zip(base, target):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(base) - common) + target[common:]) or "."
    if page:
        rel = "./" if rel == "." else rel + "/"
    return rel


# --- environment -----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("generator", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, finalize=_finalize)
    env.filters.update(md=markdown_html, paragraphs=paragraphs, safe_url=safe_url,
                       json_script=json_script, attr_id=attr_id, block=_no_blank_lines,
                       host=lambda u: urlsplit(u).hostname or "")
    return env


def _render(template: str, path: str, **context) -> Page:
    env = environment()
    text = env.get_template(template).render(path=path, rel=lambda to: relative(path, to),
                                             **context)
    return Page(path, text)


# --- the digest arranged for pages -----------------------------------------------------------

def item_path(item_id: str) -> str:
    return f"items/{item_id}.md"


@lru_cache(maxsize=1 << 16)
def plain(text: str) -> str:
    """A Markdown field as plain text (for one-line summaries and feeds)."""
    html_text = nh3.clean(str(markdown_html(text)), tags=set())
    return " ".join(html.unescape(html_text).split())


def first_sentence(text: str, limit: int = 220) -> str:
    flat = plain(text)
    m = re.search(r"(?<=[.!?])\s", flat)
    one = flat[: m.start()] if m else flat
    return one if len(one) <= limit else one[: limit - 1].rstrip() + "…"


def _date_key(item) -> str:
    return item.date.value if item.date else "9999"


def display_title(item) -> str:
    return item.neutral_title or item.title


# Characters YAML cannot hold even escaped, or refuses raw (records never contain them).
_YAML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def title_meta(text: str) -> str:
    """The page title for MkDocs' front matter: Material prints it unescaped, so escape it here.

    The front matter must always parse: if it did not, MkDocs would render it as Markdown, links
    and attribute lists included."""
    text = bidi_balanced(_YAML_UNSAFE.sub("\ufffd", " ".join(text.split())))
    return json.dumps(html.escape(text, quote=True), ensure_ascii=False)


class View:
    """The digest arranged for pages: lookups, orderings and indexes computed once."""

    def __init__(self, digest: Digest, edit_url: str = ""):
        self.digest = digest
        self.edit_url = edit_url
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
        self.item_dates = [e.value.date.value for e in self.items if e.value.date]
        self.timeline_years = sorted({d[:4] for d in [t.date for t in self.timeline]
                                      + self.item_dates})
        self.seeds = _seed_pages(self)
        self._excerpts: dict[tuple[str, str], Markup] = {}

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

    def summary_line(self, item) -> str:
        return first_sentence(item.summary) if item.summary else ""

    def json_ld(self, item, path: str) -> dict:
        return json_ld(self, item)


def _seed_pages(view: View) -> list[dict]:
    """For each seed file: its title, and the page and outlet it was taken from, where known."""
    seeds: dict[str, dict] = {}
    for e in view.items:
        item = e.value
        info = seeds.setdefault(item.seed.file, {"file": item.seed.file, "title": "", "url": "",
                                                 "outlet": None, "count": 0})
        info["count"] += 1
        for link in item.provenance[:1]:
            if link.role == "seed-page":
                info["title"] = info["title"] or link.title
                if link.status == "located" and not info["url"]:
                    info["url"] = link.url
                if link.outlet in view.outlets and info["outlet"] is None:
                    info["outlet"] = view.outlets[link.outlet]
    return [seeds[k] for k in sorted(seeds)]


# --- loaded words in the original ------------------------------------------------------------

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
    return Markup(_balanced_html("".join(f"<p>{p.strip()}</p>".replace("\n", "<br>")
                                         for p in paras)))


# --- structured data -------------------------------------------------------------------------

def json_ld(view: View, item) -> dict:
    """schema.org and PROV-O for one item: only fields that exist in those vocabularies."""
    from .export import item_updated

    def source(s):
        node = {"@type": "CreativeWork", "name": s.title, "url": s.url}
        if s.publisher:
            node["publisher"] = {"@type": "Organization", "name": s.publisher}
        if s.date:
            node["datePublished"] = s.date
        return node

    chain = [link for link in item.provenance if link.url and link.status == "located"]
    primary = [l.url for l in chain if l.role == "primary-statement"]
    quoted = [l.url for l in chain if l.role in ("original-report", "primary-statement")]
    seed_links = [l for l in chain if l.role == "seed-page"]
    data = {
        "@context": {"@vocab": "https://schema.org/", "prov": "http://www.w3.org/ns/prov#"},
        "@type": "CreativeWork",
        "identifier": item.id,
        "headline": display_title(item),
        "alternativeHeadline": item.title,
        "creativeWorkStatus": item.status,
        "abstract": plain(item.summary),
        "dateModified": item_updated(item),
        "publisher": {"@type": "Organization", "name": "Parallax digest"},
        "isBasedOn": {"@type": "CreativeWork", "name": item.title, "text": item.seed.excerpt,
                      **({"url": seed_links[0].url} if seed_links else {})},
        "citation": [source(s) for pv in item.perspectives for s in pv.sources if s.url],
        "correction": [{"@type": "CorrectionComment", "text": c.note, "datePublished": c.date}
                       for c in item.corrections],
        "about": [{"@type": "Organization", "name": view.stakeholders[s].name}
                  for s in item.about if s in view.stakeholders],
        "prov:wasDerivedFrom": [{"@id": l.url} for l in chain],
        "prov:wasQuotedFrom": [{"@id": u} for u in quoted],
        "prov:hadPrimarySource": [{"@id": u} for u in primary],
        "prov:wasAttributedTo": [{"@type": "prov:Agent",
                                  "name": view.actors[s.actor].name if s.actor in view.actors else s.actor}
                                 for s in item.speakers],
    }
    if item.date:
        data["temporalCoverage"] = item.date.value
    return data


# --- timeline SVG ----------------------------------------------------------------------------

def timeline_svg(view: View, events=None, width: int = 960) -> Markup:
    """A build-time SVG of dated events (labelled: ``events``, by default all of them) on the
    axis of the whole digest, and the items (counted per month). The axis spans every event and
    item, so the pages of a long timeline share one scale."""
    events = list(view.timeline if events is None else events)
    item_dates = view.item_dates
    years = view.timeline_years
    if not years:
        return Markup("")
    first, last = int(years[0]), int(years[-1]) + 1
    span = max(last - first, 1)
    left, right = 60, width - 20

    def x(value: str) -> float:
        y, m, d = (value.split("-") + ["07", "15"])[:3] if len(value) == 4 else \
            (value.split("-") + ["15"])[:3]
        frac = (int(y) - first) + (int(m) - 1) / 12 + (int(d) - 1) / 365
        return round(left + (right - left) * frac / span, 1)

    rows = len(events)
    height = 90 + 18 * rows
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="parallax-timeline-svg" role="img" '
             f'aria-labelledby="timeline-title" viewBox="0 0 {width} {height}" width="100%">',
             '<title id="timeline-title">Timeline of dated events and items</title>',
             f'<line x1="{left}" y1="40" x2="{right}" y2="40" stroke="currentColor"/>']
    step = max(1, span // 12)
    for year in range(first, last + 1, step):
        xx = x(str(year)) if year < last else right
        parts.append(f'<line x1="{xx}" y1="34" x2="{xx}" y2="46" stroke="currentColor"/>'
                     f'<text x="{xx}" y="28" font-size="11" text-anchor="middle" '
                     f'fill="currentColor">{year}</text>')
    months: dict[str, int] = {}
    for d in item_dates:
        months[d[:7]] = months.get(d[:7], 0) + 1
    for month, count in sorted(months.items()):
        xx = x(month if len(month) == 7 else month + "-06")
        h = min(4 + 3 * count, 30)
        parts.append(f'<rect x="{xx - 2}" y="{46}" width="4" height="{h}" fill="currentColor">'
                     f'<title>{escape(month)}: {count} item(s)</title></rect>')
    for n, t in enumerate(events):
        xx = x(t.date)
        yy = 90 + 18 * n
        anchor = "end" if xx > width * 0.6 else "start"
        dx = -6 if anchor == "end" else 6
        label = t.event if len(t.event) <= 70 else t.event[:69] + "…"
        parts.append(f'<g><line x1="{xx}" y1="40" x2="{xx}" y2="{yy - 4}" stroke="currentColor" '
                     f'stroke-dasharray="2 2" opacity="0.5"/><circle cx="{xx}" cy="{yy - 4}" r="3" '
                     f'fill="currentColor"/><text x="{xx + dx}" y="{yy}" font-size="11" '
                     f'text-anchor="{anchor}" fill="currentColor">{escape(t.date)}: '
                     f'{escape(label)}</text></g>')
    parts.append("</svg>")
    return Markup(_balanced_html("".join(parts)))


# --- pages -----------------------------------------------------------------------------------

def paginate(rows: list, first_path: str, size: int = PAGE_SIZE):
    """(path, chunk, number, total, prev_path, next_path) for every page of a long list."""
    stem = first_path[:-len("index.md")] if first_path.endswith("index.md") else first_path[:-3] + "-"
    chunks = [rows[i:i + size] for i in range(0, len(rows), size)] or [[]]
    paths = [first_path] + [f"{stem}page-{n}.md" for n in range(2, len(chunks) + 1)]
    for n, chunk in enumerate(chunks, 1):
        yield (paths[n - 1], chunk, n, len(chunks), paths[n - 2] if n > 1 else None,
               paths[n] if n < len(chunks) else None)


def render_item(view: View, entry: Located) -> Page:
    item = entry.value
    path = item_path(item.id)
    return _render("item.md.j2", path, item=item, view=view, source_path=entry.path,
                   title=title_meta(display_title(item)),
                   json_ld=json_ld(view, item))


def plan_site(digest: Digest, edit_url: str = "",
              site_url: str = "") -> list[tuple[str, Callable[[], str]]]:
    """Every generated page of the site, in a stable order: its path, and how to render it.
    ``site_url`` (MkDocs' setting, where set) makes the addresses printed on handouts full.

    The paths are known at once; each page is rendered only when asked for, so a caller can
    hand the list of pages to MkDocs before any of them is rendered (see ``site``)."""
    view = View(digest, edit_url)
    plan: list[tuple[str, Callable[[], str]]] = []

    def add(template: str, path: str, **context) -> None:
        plan.append((path, lambda: _render(template, path, **context).text))

    def add_pages(template: str, listing: list, first: str, size: int = PAGE_SIZE, **context):
        for path, chunk, n, total, prev_p, next_p in paginate(listing, first, size):
            add(template, path, view=view, number=n, total=total, prev_path=prev_p,
                next_path=next_p, **{k: (v(chunk, n) if callable(v) else v)
                                     for k, v in context.items()})

    add("index.md.j2", "index.md", view=view, entries=view.items[:PAGE_SIZE],
        count=len(view.items), title=title_meta("Home"))
    add_pages("listing.md.j2", view.items, "items/index.md", entries=lambda c, n: c,
              count=len(view.items), title=lambda c, n: title_meta(f"All items, page {n}"))
    for e in view.items:
        plan.append((item_path(e.value.id), lambda e=e: render_item(view, e).text))
    add_pages("outlets.md.j2", sorted(view.outlets.values(), key=lambda o: (o.name, o.id)),
              "outlets/index.md", outlets=lambda c, n: c,
              title=lambda c, n: title_meta("Outlets" if n == 1 else f"Outlets, page {n}"))
    for oid, outlet in sorted(view.outlets.items()):
        add_pages("outlet.md.j2", view.by_outlet.get(oid, []), f"outlets/{oid}.md",
                  outlet=outlet, entries=lambda c, n: c, title=title_meta(outlet.name))
    add("stakeholders.md.j2", "stakeholders/index.md", view=view,
        title=title_meta("Stakeholders"))
    for sh in view.stakeholder_list:
        add_pages("stakeholder.md.j2", view.by_stakeholder.get(sh.id, []),
                  f"stakeholders/{sh.id}.md", sh=sh, rows=lambda c, n: c,
                  title=title_meta(sh.name))
    add("glossary.md.j2", "glossary.md", view=view, title=title_meta("Glossary"))
    add_pages("timeline.md.j2", view.timeline, "timeline/index.md", events=lambda c, n: c,
              svg=lambda c, n: timeline_svg(view, c),
              title=lambda c, n: title_meta("Timeline" if n == 1 else f"Timeline, page {n}"))
    add_pages("coverage.md.j2", view.items, "coverage/index.md", entries=lambda c, n: c,
              title=title_meta("Coverage"))
    gaps = [(e, link) for e in view.items for link in e.value.provenance
            if link.status != "located"]
    add_pages("unverified.md.j2", gaps, "methodology/unverified.md", 100, rows=lambda c, n: c,
              title=title_meta("What could not be verified"))
    plan.append(("methodology/checks.md", lambda: render_checks().text))
    plan.append(("guides/record-reference.md", lambda: render_reference().text))
    from .teach import plan_kit  # the teacher kit: the guide, handouts, keys and activities

    plan += plan_kit(view, site_url)
    return plan


def render_site(digest: Digest, edit_url: str = "", site_url: str = "") -> list[Page]:
    """Every generated page of the site, rendered, in a stable order."""
    return [Page(path, render()) for path, render in plan_site(digest, edit_url, site_url)]


def render_checks() -> Page:
    from .check import CHECKS, GROUPS
    return _render("checks.md.j2", "methodology/checks.md", checks=CHECKS, groups=GROUPS,
                   title=title_meta("Checks"))


def data_files(digest: Digest, with_json: bool = True) -> dict[str, str]:
    """The non-page files the site serves: the dataset, its schema, the feeds (the records
    themselves are served from their files). Their names are ``data_file_names()``;
    ``with_json`` false leaves out data/digest.json (``export.iter_json`` writes it in pieces)."""
    from .export import feeds, files

    out = {f"data/{name}": text for name, text in files(digest, with_json=with_json).items()}
    out.update(feeds(digest, plain))
    return out


def record_files(digest: Digest) -> list[tuple[str, str]]:
    """(site path, record file) for every item: the site serves each record's own file."""
    return [(f"data/records/{e.value.id}.yaml", str(digest.project_root / e.path))
            for e in digest.items]


def data_file_names() -> list[str]:
    """The names of ``data_files``, known before any of them is made."""
    from .export import schemas

    return ([f"data/schema/{name}" for name in schemas()]
            + ["data/digest.json", "data/items.csv", "feed.xml", "corrections.xml"])


def render_reference() -> Page:
    """The record format reference, generated from the models' field descriptions."""
    from .models import REGISTRIES, Item, Model

    def rows(model: type[Model]):
        out = []
        for name, field in model.model_fields.items():
            out.append((field.alias or name, field.description or "",
                        "required" if field.is_required() else "optional"))
        return out

    nested = {}
    for model in [Item, *REGISTRIES.values()]:
        for field in model.model_fields.values():
            for sub in _models_in(field.annotation):
                nested.setdefault(sub.__name__, sub)
    sections = [("content/items/&lt;id&gt;.yaml", "Item", rows(Item))]
    sections += [(f"content/{name}.yaml (a list)", model.__name__, rows(model))
                 for name, model in REGISTRIES.items()]
    sections += [(f"inside other records", name, rows(model))
                 for name, model in sorted(nested.items())]
    return _render("reference.md.j2", "guides/record-reference.md", sections=sections,
                   title=title_meta("Record format reference"))


def _models_in(annotation) -> list:
    from typing import get_args

    from .models import Model

    found = []
    if isinstance(annotation, type) and issubclass(annotation, Model):
        found.append(annotation)
    for arg in get_args(annotation):
        found += _models_in(arg)
    return found
