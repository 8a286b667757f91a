"""Stage: render, the teacher kit. Input: the renderer's ``View``. Output: the kit's pages.

Two kinds of page:

- the guide (``teachers/index.md``) and the handouts index, theme pages in Markdown like the
  rest of the site;
- one standalone print page per handout, answer key and activity, and the pack, as static HTML
  files outside the theme (no navigation, no search index, no script), with their own print
  stylesheet (``teachers/print.css``, from ``generator/assets``).

A handout must print on one page, A4 or Letter. Rather than hoping it fits, ``fit_handout``
estimates the printed height of each part from its length (the page geometry below, measured
in lines of body type) and cuts by a fixed rule until the estimate fits: shorter answer space,
shorter key cells, fewer parties (with "and N more parties: see the address"), a summary cut at
a sentence, fewer key rows, a cut excerpt. An activity's passage is cut to the room its page
leaves (``passage_limit``). The browser tests print every handout and activity and count the
pages.

Everything printed comes from the content: no template names a topic.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from markupsafe import Markup, escape

from . import lexicon as lex
from .render import (View, _render, display_title, environment, first_sentence, page_url,
                     paginate, relative, title_meta)
from .text import balanced_html, markdown_html, plain

TEACHABLE = ("published", "reviewed")
DEFAULT_TITLE = "Parallax digest"  # a digest without content/digest.yaml
PACK_SIZE = 20  # handouts per pack file, one per printed page
INDEX_SIZE = 50  # rows per handouts index page

# Page geometry, in lines of 10 pt body type (line height 1.3 = 4.6 mm). Letter is the tighter
# page: 279 mm less 2 x 10 mm margins is 259 mm, 56.5 lines (A4 has 60). A text line holds about
# 115 characters of Liberation Sans or Arial at 10 pt (A4's 182 mm; Letter's 188 mm hold more);
# the estimate counts 110. Calibrated on Chromium's print of the bundled and fixture handouts,
# the estimate came out between 0.5 and 4 lines longer than the printed page: a budget of 55
# leaves at least a line and a half of the Letter page free.
PAGE_LINES = 55
LINE_CHARS = 110
HEADING = 1.5  # a section heading with its space, in body lines
MIN_PARTIES = 3
WORD_CAP = 18  # words of a key cell


def teachable(view: View) -> list:
    """The items the kit covers: published and reviewed ones (drafts and set-aside items stay
    out of handouts and the pack), oldest first."""
    return [e for e in view.items if e.value.status in TEACHABLE]


def address(site_url: str, path: str) -> str:
    """A page's printed address: the site's URL and the path, or the path from the site root
    when the site has no ``site_url``."""
    url = page_url(path) if path.endswith(".md") else path
    return (site_url.rstrip("/") + "/" + url) if site_url else url


# --- loaded words ----------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyTerm:
    """One loaded word of the excerpt as the printed key gives it."""

    number: int
    word: str  # as it stands in the excerpt (first occurrence)
    who: str  # who uses it, or what it signals
    neutral: str  # a neutral wording, where the record or lexicon gives one
    note: str  # the full note (the answer key prints it)


@dataclass(frozen=True)
class Marked:
    """The headline and the excerpt cut into plain runs and marked words: (text, key number or
    0); the key numbers the loaded words in reading order, the headline's first."""

    title_runs: tuple[tuple[str, int], ...]
    runs: tuple[tuple[str, int], ...]
    key: tuple[KeyTerm, ...]


_NEUTRAL = re.compile(r"\bNeutral (?:form|wording|equivalent|alternative|term)s?"
                      r"(?: in this digest)?:\s*(.+?)(?:\.(?=\s|$)|$)", re.IGNORECASE)


def neutral_wording(note: str) -> str:
    """The neutral wording a framing or lexicon note proposes ("Neutral wording: ..."), if any."""
    m = _NEUTRAL.search(note or "")
    return m.group(1).strip() if m else ""


def words(text: str, cap: int) -> str:
    """``text`` cut to ``cap`` words, with an ellipsis when cut."""
    parts = (text or "").split()
    return " ".join(parts) if len(parts) <= cap else " ".join(parts[:cap]).rstrip(",;:") + " …"


@lru_cache(maxsize=1)  # one digest is rendered at a time
def _lexicon_notes(view: View) -> dict:
    """The lexicon's entries by term."""
    return {e.value.term.casefold(): e.value for e in view.digest.lexicon}


def _loaded(view: View, item, text: str) -> list[tuple[int, int, str, str, str]]:
    """(start, end, term, who, note) of the loaded words in ``text``: the record's framing terms
    and the lexicon's words; overlaps keep the longer, earlier word."""
    folded = text.casefold()
    lexicon_notes = _lexicon_notes(view)
    found: list[tuple[int, int, str, str, str]] = []
    for f in item.framing:
        term = f.term.strip()
        if not term:
            continue
        start = folded.find(term.casefold())
        while start >= 0:
            found.append((start, start + len(term), term, _who_uses(view, term), f.note))
            start = folded.find(term.casefold(), start + len(term))
    for hit in lex.find(view.terms, text):
        entry = lexicon_notes.get(hit.term.term.casefold())
        found.append((hit.start, hit.end, hit.term.term, hit.term.used_by,
                      entry.note if entry else ""))
    chosen, last = [], -1
    for start, end, term, who, note in sorted(found, key=lambda n: (n[0], -(n[1] - n[0]))):
        if start >= last:
            chosen.append((start, end, term, who, note))
            last = end
    return chosen


def mark_excerpt(view: View, item) -> Marked:
    """The headline's and the excerpt's loaded words, each numbered where it first appears."""
    numbers: dict[str, int] = {}
    key: list[KeyTerm] = []

    def runs_of(text: str) -> tuple[tuple[str, int], ...]:
        runs: list[tuple[str, int]] = []
        pos = 0
        for start, end, term, who, note in _loaded(view, item, text):
            name = term.casefold()
            if name not in numbers:
                numbers[name] = len(numbers) + 1
                key.append(KeyTerm(numbers[name], text[start:end],
                                   who or first_sentence(note, 160), neutral_wording(note), note))
            runs.append((text[pos:start], 0))
            runs.append((text[start:end], numbers[name]))
            pos = end
        runs.append((text[pos:], 0))
        return tuple(r for r in runs if r[0])

    title = runs_of(item.title)
    return Marked(title, runs_of(item.seed.excerpt), tuple(key))


def _who_uses(view: View, term: str) -> str:
    """Who uses a framing term: the lexicon's or the glossary's word on it, where either has one."""
    for hit in lex.find(view.terms, term):
        if hit.term.used_by:
            return hit.term.used_by
    name = term.casefold()
    for g in view.glossary:
        if g.used_by and name in {v.casefold() for v in [g.term, *g.variants]}:
            return g.used_by
    return ""


def marked_html(marked: Marked, numbered: bool = True, limit: int | None = None,
                title: bool = False) -> Markup:
    """The excerpt (or the headline) as escaped paragraphs; loaded words marked and numbered
    (or left plain); cut at a word after ``limit`` characters."""
    out, count = [], 0
    for text, number in (marked.title_runs if title else marked.runs):
        if limit is not None and count + len(text) > limit:
            text = text[: max(limit - count, 0)]
            cut = text.rsplit(" ", 1)[0] if " " in text else text
            out.append(escape(cut) + Markup(" […]"))
            break
        count += len(text)
        if number and numbered:
            out.append(Markup('<mark class="kit-term">{}<sup>{}</sup></mark>').format(text, number))
        else:
            out.append(escape(text))
    body = str(Markup("").join(out))
    if title:  # a span, so that its first text node is balanced like the others
        return Markup(balanced_html(f"<span>{body}</span>"))
    paras = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    return Markup(balanced_html("".join(f"<p>{p}</p>".replace("\n", "<br>") for p in paras)))


# --- fitting a handout on one page -----------------------------------------------------------

def lines(text: str, width: float = 1.0) -> float:
    """Estimated printed lines of a paragraph at ``width`` of the text column."""
    per_line = max(int(LINE_CHARS * width), 8)
    return sum(max(1, math.ceil(len(p) / per_line)) for p in (text or "").split("\n\n")) \
        if text.strip() else 0


@dataclass(frozen=True)
class Party:
    name: str
    status: str
    gist: str


@dataclass(frozen=True)
class Handout:
    """What one printed handout shows, after the cutting rule."""

    marked: Marked
    excerpt_limit: int | None  # characters of the excerpt printed (None: all of it)
    key: tuple[KeyTerm, ...]  # the key rows printed
    more_terms: int  # marked words left to the answer key
    who_words: int  # words of the "who uses it" cells
    summary: Markup
    summary_cut: bool
    parties: tuple[Party, ...]
    more_parties: int
    questions: tuple[str, ...]
    answer_lines: int
    estimate: float  # estimated lines, for the tests and the docs
    cuts: tuple[str, ...] = field(default=())
    sections: tuple[float, ...] = field(default=())  # the estimate, section by section
    authorship: str = ""  # who prepared and who checked the record, printed above the address


def party_rows(view: View, item) -> list[tuple[int, Party]]:
    """(priority, party) in display order; lower priority numbers are kept longest: the parties
    the item is about, then stated positions, general positions, and gaps."""
    rank = {"stated": 1, "general-position": 2, "no-statement-found": 3}
    rows = []
    for pv in view.perspectives(item):
        sh = view.stakeholders.get(pv.stakeholder)
        name = sh.name if sh else pv.stakeholder
        gist = pv.gist or (first_sentence(pv.position, 200) if pv.position else "")
        if pv.status == "no-statement-found" and not gist:
            gist = "No statement on this matter was found."
        prio = 0 if pv.stakeholder in item.about else rank.get(pv.status, 3)
        rows.append((prio, Party(name, pv.status.replace("-", " "), gist)))
    return rows


# Estimated heights, in body lines, calibrated on Chromium's print of the bundled handouts.
HEAD_LINES = 1.6  # the meta line and the rule
NAME_WIDTH = 0.5  # what the name and date blanks leave of the digest line
TITLE_WIDTH = 0.83  # a 12 pt title line holds that much of a body line
TITLE_LINE = 1.1  # and is that much taller
QUOTE_WIDTH = 0.95  # the excerpt, indented
LIST_WIDTH = 1.0  # list items, indented
ITEM_GAP = 0.0
QUESTION_GAP = 0.1
ANSWER_LINE = 1.35  # one ruled answer line (6 mm)
ROW_EXTRA = 0.35  # a key row's padding and border
FOOT_LINES = 1.6
SECTION_GAPS = 2.0  # the space between the sections, all told


def header_lines(view: View, item, label: str) -> float:
    """Estimated lines of a print page's header: the digest line (beside the name and date
    blanks), the item's title in 12 pt, the meta line."""
    info = view.digest.info.value if view.digest.info else None
    digest_line = f"{info.title if info and info.title else DEFAULT_TITLE} · {label}"
    return (HEAD_LINES + lines(digest_line, NAME_WIDTH)
            + lines(display_title(item), TITLE_WIDTH) * TITLE_LINE)


# The activities' fixed parts (instructions, tables, answer space), measured like the handout;
# the passage, printed with room to mark it (line height 2), gets what is left of the page.
FRAMING_FIXED = 33.5
TRACE_FIXED = 21.0
TRACE_STEP = 6.8
PASSAGE_LINE = 1.55  # a line of the passage, in body lines
PASSAGE_MIN = 300  # characters: an activity always has a passage to work on
FRAMING_LABEL = "Activity: spot the framing"
TRACE_LABEL = "Activity: trace the source"


def trace_steps(item) -> int:
    """The empty steps between the page students have and the original speaker: as many as the
    record's chain has links after the seed page, from two to three."""
    return min(max(len(item.provenance), 3), 4) - 1


def passage_limit(view: View, item, label: str, fixed: float) -> int:
    """Characters of the excerpt an activity page prints: as many whole lines as fit."""
    room = PAGE_LINES - header_lines(view, item, label) - fixed
    text_lines = max(int(room / PASSAGE_LINE), 0)
    return max(text_lines * int(LINE_CHARS * QUOTE_WIDTH) - 20, PASSAGE_MIN)


def _key_lines(key, who_words: int) -> float:
    if not key:
        return 0.0
    return HEADING + 1.4 + sum(ROW_EXTRA + max(lines(k.word, 0.22),
                                               lines(words(k.who, who_words), 0.45),
                                               lines(words(k.neutral, WORD_CAP), 0.26))
                               for k in key)


def authorship(item) -> str:
    """Who prepared and who checked the record, as its page says it, for the printed page."""
    def sentence(text: str) -> str:
        text = " ".join(text.split())
        return text if text.endswith((".", "!", "?")) else text + "."
    return (f"Prepared: {sentence(item.prepared_by or 'not recorded')} "
            f"Checked: {sentence(item.reviewed_by or 'not yet reviewed')}")


def fit_handout(view: View, item, budget: float = PAGE_LINES,
                marked: Marked | None = None) -> Handout:
    """The handout of ``item`` cut by rule to fit ``budget`` lines. The steps, in order, until
    the estimate fits: two answer lines a question instead of three; shorter "who uses it"
    cells in the key; parties dropped (lowest priority first: gaps, then general positions,
    then stated positions; the parties the item is about last) down to three; the summary cut
    to two sentences, then one; the key down to three words (the answer key has them all); the
    parties down to one; one answer line a question; the excerpt cut at a word (never below 300
    characters)."""
    marked = marked or mark_excerpt(view, item)
    rows = party_rows(view, item)
    questions = tuple(q.question for q in item.discussion[:3])
    summary_full = plain(item.summary)
    sentences = re.split(r"(?<=[.!?])\s+", summary_full) if summary_full else []
    excerpt = item.seed.excerpt
    credit = authorship(item)
    state = {"answer_lines": 3, "who": WORD_CAP, "keep": len(rows), "sentences": len(sentences),
             "terms": len(marked.key), "excerpt": len(excerpt)}
    cuts: list[str] = []

    def kept() -> tuple[Party, ...]:
        order = sorted(range(len(rows)), key=lambda i: (rows[i][0], i))[: state["keep"]]
        return tuple(rows[i][1] for i in sorted(order))

    def shown_key() -> tuple[KeyTerm, ...]:
        limit, count, seen = state["excerpt"], 0, {n for _, n in marked.title_runs}
        for text, number in marked.runs:  # only the words the printed excerpt shows
            if count + len(text) > limit:
                break
            count += len(text)
            seen.add(number)
        return tuple(k for k in marked.key if k.number in seen)[: state["terms"]]

    def sections() -> tuple[float, ...]:
        """Estimated lines of the header, the original, the key, the summary, the parties, the
        questions and the footer."""
        key = shown_key()
        return (
            header_lines(view, item, "Handout"),
            HEADING + lines("Headline: " + item.title)
            + lines(excerpt[: state["excerpt"]], QUOTE_WIDTH)
            + (1 if state["excerpt"] < len(excerpt) else 0),
            _key_lines(key, state["who"]) + (1 if len(key) < len(marked.key) else 0),
            HEADING + lines(" ".join(sentences[: state["sentences"]]))
            + (1 if state["sentences"] < len(sentences) else 0),
            HEADING + sum(lines(f"{p.name} ({p.status}): {p.gist}", LIST_WIDTH) + ITEM_GAP
                          for p in kept()) + (1 if state["keep"] < len(rows) else 0),
            HEADING + sum(lines(q, LIST_WIDTH) + ANSWER_LINE * state["answer_lines"]
                          + QUESTION_GAP for q in questions),
            FOOT_LINES + SECTION_GAPS + lines(credit),
        )

    def estimate() -> float:
        return sum(sections())

    def shrink(name: str, key: str, floor: int, step: int = 1) -> None:
        while estimate() > budget and state[key] > floor:
            state[key] = max(state[key] - step, floor)
            if name not in cuts:
                cuts.append(name)

    shrink("answer space", "answer_lines", 2)
    shrink("key notes", "who", 10, 4)
    shrink("parties", "keep", min(MIN_PARTIES, len(rows)))
    shrink("summary", "sentences", min(2, len(sentences)))
    shrink("summary", "sentences", min(1, len(sentences)))
    shrink("key", "terms", min(3, len(marked.key)))
    shrink("parties", "keep", min(1, len(rows)))
    shrink("answer space", "answer_lines", 1)
    shrink("excerpt", "excerpt", min(300, len(excerpt)), 100)
    summary_cut = state["sentences"] < len(sentences)
    summary = (Markup("<p>{}</p>").format(" ".join(sentences[: state["sentences"]]))
               if summary_cut else markdown_html(item.summary))
    key = shown_key()
    return Handout(marked, state["excerpt"] if state["excerpt"] < len(excerpt) else None,
                   key, len(marked.key) - len(key), state["who"], summary, summary_cut, kept(),
                   len(rows) - state["keep"], questions, state["answer_lines"],
                   round(estimate(), 1), tuple(cuts), tuple(round(x, 1) for x in sections()),
                   credit)


# --- pages -----------------------------------------------------------------------------------

def kit_paths(item_id: str) -> dict[str, str]:
    """The printed pages of one item (static HTML files; their URL is the folder)."""
    base = f"teachers/handouts/{item_id}/"
    return {"handout": base + "index.html", "answers": base + "answers/index.html",
            "framing": base + "spot-the-framing/index.html",
            "trace": base + "trace-the-source/index.html"}


def pack_path(n: int) -> str:
    return "teachers/pack/index.html" if n == 1 else f"teachers/pack/page-{n}/index.html"


def _as_page(path: str) -> str:
    """The Markdown-page path whose URL is this static file's folder (for ``relative``)."""
    return path[: -len(".html")] + ".md"


def _environment():
    """The renderer's Jinja environment, with the kit's two helpers added (once)."""
    env = environment()
    env.filters.setdefault("words", words)
    env.globals.setdefault("marked_html", marked_html)
    return env


def stylesheet() -> str:
    return resources.files("generator").joinpath("assets/print.css").read_text(encoding="utf-8")


class Kit:
    """The teacher kit of one digest: what its pages need, computed once."""

    def __init__(self, view: View, site_url: str = ""):
        self.view = view
        self.site_url = site_url
        self.entries = teachable(view)
        info = view.digest.info.value if view.digest.info else None
        self.info = info
        self.digest_title = info.title if info and info.title else DEFAULT_TITLE
        self.publishers = {s.file: view.outlets[s.publisher].name
                           for s in (info.seeds if info else []) if s.publisher in view.outlets}

        # An item's four pages are planned one after the other: what they share is computed
        # once, for the item of the moment (holding every item's would grow with the digest).
        self._memo: tuple[str, Marked, Handout | None] | None = None

    def marked(self, item) -> Marked:
        if self._memo is None or self._memo[0] != item.id:
            self._memo = (item.id, mark_excerpt(self.view, item), None)
        return self._memo[1]

    def handout(self, item) -> Handout:
        marked = self.marked(item)
        if self._memo[2] is None:
            self._memo = (item.id, marked, fit_handout(self.view, item, marked=marked))
        return self._memo[2]

    def address(self, path: str) -> str:
        return address(self.site_url, path)

    def publisher(self, item) -> str:
        """Who published the seed page the item was taken from."""
        for link in item.provenance[:1]:
            if link.role == "seed-page" and link.outlet in self.view.outlets:
                return self.view.outlets[link.outlet].name
        return self.publishers.get(item.seed.file, "")

    def chain(self, item) -> list[dict]:
        """The provenance chain as the trace-the-source key gives it."""
        out = []
        for n, link in enumerate(item.provenance, 1):
            outlet = self.view.outlets.get(link.outlet)
            out.append({"n": n, "role": link.role.replace("-", " "), "status": link.status,
                        "outlet": outlet.name if outlet else (link.outlet or "unknown"),
                        "kind": outlet.kind.replace("-", " ") if outlet else "",
                        "title": link.title, "date": link.date,
                        "url": link.url if link.status == "located" else "",
                        "note": link.note, "excerpt": link.excerpt})
        return out

    def parties_heard(self, item) -> list[str]:
        return [self.view.stakeholders[pv.stakeholder].name if pv.stakeholder in
                self.view.stakeholders else pv.stakeholder
                for pv in self.view.perspectives(item) if pv.status != "no-statement-found"]

    def render(self, template: str, path: str, **context) -> str:
        here = _as_page(path) if path.endswith(".html") else path

        def to(target: str) -> str:  # a link to another print page (a static file's folder)
            return relative(here, _as_page(target))

        _environment()
        page = _render(template, here, kit=self, view=self.view, to=to, paths_of=kit_paths,
                       kit_pack=to(pack_path(1)), css=relative(here, "teachers/print.css"),
                       **context)
        return page.text

    def item_page(self, kind: str, entry) -> str:
        item = entry.value
        paths = kit_paths(item.id)
        template = {"handout": "teachers/handout.html.j2", "answers": "teachers/answers.html.j2",
                    "framing": "teachers/framing.html.j2", "trace": "teachers/trace.html.j2"}[kind]
        extra: dict = {}
        if kind == "handout":
            extra = {"handout": self.handout(item)}
        elif kind == "framing":
            extra = {"label": FRAMING_LABEL,
                     "limit": passage_limit(self.view, item, FRAMING_LABEL, FRAMING_FIXED)}
        elif kind == "trace":
            steps = trace_steps(item)
            extra = {"label": TRACE_LABEL, "steps": steps, "limit": passage_limit(
                self.view, item, TRACE_LABEL, TRACE_FIXED + TRACE_STEP * steps)}
        return self.render(template, paths[kind], item=item, paths=paths,
                           marked=self.marked(item), **extra)

    def pack(self, chunk, n, total, prev_n, next_n) -> str:
        path = pack_path(n)
        handouts = [(e.value, self.handout(e.value)) for e in chunk]
        return self.render("teachers/pack.html.j2", path, handouts=handouts, number=n, total=total,
                           prev=pack_path(prev_n) if prev_n else None,
                           next=pack_path(next_n) if next_n else None)


def plan_kit(view: View, site_url: str = "") -> list[tuple[str, object]]:
    """Every page of the teacher kit: its path and how to render it."""
    kit = Kit(view, site_url)
    plan: list[tuple[str, object]] = [
        ("teachers/index.md", lambda: kit.render("teachers/guide.md.j2", "teachers/index.md",
                                                 title=title_meta("For teachers"))),
        ("teachers/print.css", stylesheet),
    ]
    for path, chunk, n, total, prev_p, next_p in paginate(kit.entries, "teachers/handouts/index.md",
                                                          INDEX_SIZE):
        plan.append((path, lambda path=path, chunk=chunk, n=n, total=total, prev_p=prev_p,
                     next_p=next_p: kit.render(
                         "teachers/handouts.md.j2", path, entries=chunk, number=n, total=total,
                         prev_path=prev_p, next_path=next_p,
                         title=title_meta("Handouts" if n == 1 else f"Handouts, page {n}"))))
    for e in kit.entries:
        for kind, path in kit_paths(e.value.id).items():
            plan.append((path, lambda kind=kind, e=e: kit.item_page(kind, e)))
    chunks = [kit.entries[i:i + PACK_SIZE] for i in range(0, len(kit.entries), PACK_SIZE)] or [[]]
    for n, chunk in enumerate(chunks, 1):
        plan.append((pack_path(n), lambda chunk=chunk, n=n: kit.pack(
            chunk, n, len(chunks), n - 1 if n > 1 else None, n + 1 if n < len(chunks) else None)))
    return plan
