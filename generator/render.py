"""Stage: render. Input: a checked ``Digest``. Output: ``Page`` values (path and Markdown text).

The one home of Jinja2. Record text never reaches a page as markup: plain fields are HTML-escaped
inside raw HTML blocks (so MkDocs' Markdown never parses them); Markdown fields go through
``text.markdown_html`` (sanitised HTML, http and https links only). Bidi controls in record text
are balanced, so that no text can reorder the page around it. Templates are compiled once per
process.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from . import lexicon as lex
from . import provenance, words
from .models import Digest, Located
from .text import (FORBIDDEN, balanced_html, bidi_balanced, markdown_html, no_blank_lines,
                   paragraphs, plain, safe_url)

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    """One page of the site: where it goes and its Markdown source."""

    path: str
    text: str


# --- Jinja ---------------------------------------------------------------------------------

def _finalize(value):
    """Every ``{{ value }}`` of the templates: plain text has its bidi controls balanced."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return bidi_balanced(value)
    return value


def json_script(data) -> Markup:
    """JSON for a <script type="application/ld+json"> element that no content can break out of."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def attr_id(text: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", text.lower())


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()>#+\-.!])")  # Python-Markdown's escapable signs


def md_inline(text: str) -> Markup:
    """Plain record text for a Markdown line (a heading the contents list picks up): one line,
    HTML-escaped, every Markdown sign backslash-escaped, so it can only ever read as text."""
    flat = " ".join(bidi_balanced(text or "").split())
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False).replace("&", "\x00"))
    return Markup(escaped.replace("\x00", "&"))


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
                       json_script=json_script, attr_id=attr_id, block=no_blank_lines,
                       md_inline=md_inline,
                       status_words=words.status_words, role_words=words.role_words,
                       kind_words=words.kind_words, date_words=words.date_words,
                       short_title=words.short_title, sentence=words.sentence)
    env.globals.update(words=words, prov=provenance)
    return env


def _render(template: str, path: str, **context) -> Page:
    env = environment()
    text = env.get_template(template).render(path=path, rel=lambda to: relative(path, to),
                                             **context)
    return Page(path, text)


# --- the digest arranged for pages -----------------------------------------------------------

def item_path(item_id: str) -> str:
    return RECORD_PAGES["items"][0].format(item_id)


def first_sentence(text: str, limit: int = 220) -> str:
    flat = plain(text)
    m = re.search(r"(?<=[.!?])\s", flat)
    one = flat[: m.start()] if m else flat
    return one if len(one) <= limit else one[: limit - 1].rstrip() + "…"


def _date_key(item) -> str:
    return item.date.value if item.date else "9999"


def display_title(item) -> str:
    return item.neutral_title or item.title


def title_meta(text: str) -> str:
    """The page title for MkDocs' front matter: Material prints it unescaped, so escape it here.

    The front matter must always parse: if it did not, MkDocs would render it as Markdown, links
    and attribute lists included."""
    # Records never hold these characters, but the front matter must parse whatever it is given.
    text = bidi_balanced(FORBIDDEN.sub("\ufffd", " ".join(text.split())))
    return json.dumps(html.escape(text, quote=True), ensure_ascii=False)


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
    return Markup(balanced_html("".join(f"<p>{p.strip()}</p>".replace("\n", "<br>")
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


# --- timeline ------------------------------------------------------------------------------

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


# --- pages -----------------------------------------------------------------------------------

def later_page(first_path: str, n: int) -> str:
    """The path of page ``n`` (2, 3, ...) of a list whose first page is ``first_path``."""
    stem = first_path[:-len("index.md")] if first_path.endswith("index.md") else first_path[:-3] + "-"
    return f"{stem}page-{n}.md"


def reserved_name(record_id: str) -> bool:
    """True when a record's page named ``record_id`` could be one of a list's own pages in its
    folder, whatever the lists' lengths now: the first (``index``), or a later page of the
    folder's list (``page-N``) or of another record's list (``<id>-page-N``)."""
    page = f"x/{record_id}.md"
    if page == "x/index.md":
        return True
    head, sep, n = record_id.rpartition("page-")
    if not (sep and n.isascii() and n.isdigit() and (head == "" or head.endswith("-"))):
        return False
    first = f"x/{head[:-1]}.md" if head else "x/index.md"
    return int(n) >= 2 and later_page(first, int(n)) == page


def output_path(path: str) -> str:
    """The file a generated path becomes in the built site (pages: directory URLs)."""
    return page_url(path) + "index.html" if path.endswith(".md") else path


def paginate(rows: list, first_path: str, size: int = PAGE_SIZE):
    """(path, chunk, number, total, prev_path, next_path) for every page of a long list."""
    chunks = [rows[i:i + size] for i in range(0, len(rows), size)] or [[]]
    paths = [first_path] + [later_page(first_path, n) for n in range(2, len(chunks) + 1)]
    for n, chunk in enumerate(chunks, 1):
        yield (paths[n - 1], chunk, n, len(chunks), paths[n - 2] if n > 1 else None,
               paths[n] if n < len(chunks) else None)


# The pages a record's id names, by registry: the only paths record text chooses.
RECORD_PAGES = {"items": ("items/{}.md", "teachers/handouts/{}.md", "data/records/{}.yaml"),
                "outlets": ("outlets/{}.md",), "stakeholders": ("stakeholders/{}.md",)}


def site_paths(digest: Digest) -> list[str]:
    """Every path the site generates for ``digest`` (pages, data files, record files)."""
    return ([path for path, _ in plan_site(digest)] + data_file_names()
            + [path for path, _ in record_files(digest)])


def render_item(view: View, entry: Located) -> Page:
    item = entry.value
    path = item_path(item.id)
    return _render("item.md.j2", path, item=item, view=view, source_path=entry.path,
                   title=title_meta(display_title(item)),
                   json_ld=json_ld(view, item))


def plan_site(digest: Digest, edit_url: str = "",
              site: SiteText = SiteText()) -> list[tuple[str, Callable[[], str]]]:
    """Every generated page of the site, in a stable order: its path, and how to render it.
    ``site.url`` (MkDocs' site_url, where set) makes the addresses printed on handouts full.

    The paths are known at once; each page is rendered only when asked for, so a caller can
    hand the list of pages to MkDocs before any of them is rendered (see ``site``)."""
    view = View(digest, edit_url, site)
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
        add_pages("outlet.md.j2", view.by_outlet.get(oid, []),
                  RECORD_PAGES["outlets"][0].format(oid),
                  outlet=outlet, entries=lambda c, n: c, title=title_meta(outlet.name))
    add("stakeholders.md.j2", "stakeholders/index.md", view=view,
        title=title_meta("Parties"))
    for sh in view.stakeholder_list:
        add_pages("stakeholder.md.j2", view.by_stakeholder.get(sh.id, []),
                  RECORD_PAGES["stakeholders"][0].format(sh.id), sh=sh, rows=lambda c, n: c,
                  title=title_meta(sh.name))
    add("glossary.md.j2", "glossary.md", view=view, title=title_meta("Glossary"))
    add_pages("timeline.md.j2", timeline_rows(view), "timeline/index.md", rows=lambda c, n: c,
              title=lambda c, n: title_meta("Timeline" if n == 1 else f"Timeline, page {n}"))
    add_pages("coverage.md.j2", view.items, "coverage/index.md", entries=lambda c, n: c,
              title=title_meta("Coverage"))
    gaps = [(e, link) for e in view.items for link in e.value.provenance
            if link.status != "located"]
    add_pages("unverified.md.j2", gaps, "methodology/unverified.md", 100, rows=lambda c, n: c,
              title=title_meta("What could not be verified"))
    add("research.md.j2", "methodology/research.md", sections=research_sections(digest.research),
        title=title_meta("How this digest was researched"))
    fixes = sorted(((c, e) for e in view.items for c in e.value.corrections),
                   key=lambda row: (row[0].date, row[1].value.id), reverse=True)
    add_pages("corrections.md.j2", fixes, "methodology/corrections.md", 100, rows=lambda c, n: c,
              title=title_meta("Corrections"))
    plan.append(("methodology/checks.md", lambda: render_checks().text))
    plan.append(("guides/record-reference.md", lambda: render_reference().text))
    from .teach import plan_kit  # the teacher kit: the guide, handouts, keys and activities

    plan += plan_kit(view, site.url)
    return plan


def render_site(digest: Digest, edit_url: str = "", site: SiteText = SiteText()) -> list[Page]:
    """Every generated page of the site, rendered, in a stable order."""
    return [Page(path, render()) for path, render in plan_site(digest, edit_url, site)]


_SECTION = re.compile(r"^##[ \t]+(.+?)[ \t#]*$", re.M)


def research_sections(text: str) -> list[tuple[str, str]]:
    """``content/research.md`` as (heading, Markdown) sections, split at its `## ` lines (the
    record Markdown subset has no headings; the page gives each section its own)."""
    parts = _SECTION.split(text or "")
    sections = [("", parts[0])] + list(zip(parts[1::2], parts[2::2]))
    return [(h.strip(), body.strip()) for h, body in sections if h.strip() or body.strip()]


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
    out.update(feeds(digest))
    return out


def record_files(digest: Digest) -> list[tuple[str, str]]:
    """(site path, record file) for every item: the site serves each record's own file."""
    return [(RECORD_PAGES["items"][2].format(e.value.id), str(digest.project_root / e.path))
            for e in digest.items]


def data_file_names() -> list[str]:
    """The names of ``data_files``, known before any of them is made."""
    from .schema import schema_names

    return ([f"data/schema/{name}" for name in schema_names()]
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
