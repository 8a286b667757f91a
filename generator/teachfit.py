"""Stage: render, fitting the teacher kit's print pages on one page, A4 or Letter.

Rather than hoping a page fits, ``fit_handout`` and ``fit_answers`` estimate the printed height
of each part from its length (the page geometry below, measured in lines of body type) and cut
by a fixed rule until the estimate fits; an activity's passage is cut to the room its page
leaves (``passage_limit``). The browser tests print every page and count the pages.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import Markup

from .render import View, display_title, first_sentence
from .teachchain import Link, chain
from .teachmarks import KeyTerm, Marked, mark_excerpt, words
from .text import markdown_html, plain

DEFAULT_TITLE = "Parallax digest"  # a digest without content/digest.yaml

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


@lru_cache(maxsize=8192)  # the cutting rules measure the same texts at every step
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


def header_lines(view: View, item, label: str, width: float = NAME_WIDTH) -> float:
    """Estimated lines of a print page's header: the digest line (beside the name and date
    blanks on a student's page), the item's title in 12 pt, the meta line."""
    info = view.digest.info.value if view.digest.info else None
    digest_line = f"{info.title if info and info.title else DEFAULT_TITLE} · {label}"
    return (HEAD_LINES + lines(digest_line, width)
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


def _key_rows(key, who_cell) -> float:
    """Estimated lines of a printed key's table: its header and a row per word, each as tall
    as its tallest cell (``who_cell`` gives the "who uses it" cell's text)."""
    return 1.4 + sum(ROW_EXTRA + max(lines(k.word, 0.22), lines(who_cell(k), 0.45),
                                     lines(words(k.neutral, WORD_CAP), 0.26)) for k in key)


def _key_lines(key, who_words: int) -> float:
    if not key:
        return 0.0
    return HEADING + _key_rows(key, lambda k: words(k.who, who_words))


class _Rule:
    """A cutting rule at work: the settings it may lower (``state``), the page's estimate from
    them, section by section (``parts``), and the cuts made so far, in the order first made.

    Each part is (the settings it reads, a function of them): it is given only those settings,
    so it cannot read another, and its estimate is worked out once for each value they take (a
    cut lowers one setting at a time, and most sections do not read it)."""

    def __init__(self, state: dict, parts, budget: float):
        self.state, self.parts, self.budget = state, parts, budget
        self.cuts: list[str] = []
        self._known: list[dict] = [{} for _ in parts]

    def sections(self) -> tuple[float, ...]:
        out = []
        for (keys, part), known in zip(self.parts, self._known):
            at = tuple(self.state[k] for k in keys)
            if at not in known:
                known[at] = part({k: self.state[k] for k in keys})
            out.append(known[at])
        return tuple(out)

    def estimate(self) -> float:
        return sum(self.sections())

    def shrink(self, name: str, key: str, floor: int, step: int = 1) -> None:
        """Lower ``state[key]`` by ``step`` down to ``floor`` while the page does not fit."""
        while self.estimate() > self.budget and self.state[key] > floor:
            self.state[key] = max(self.state[key] - step, floor)
            if name not in self.cuts:
                self.cuts.append(name)


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

    def kept(s) -> tuple[Party, ...]:
        order = sorted(range(len(rows)), key=lambda i: (rows[i][0], i))[: s["keep"]]
        return tuple(rows[i][1] for i in sorted(order))

    def shown_key(s) -> tuple[KeyTerm, ...]:
        limit, count, seen = s["excerpt"], 0, {n for _, n in marked.title_runs}
        for text, number in marked.runs:  # only the words the printed excerpt shows
            if count + len(text) > limit:
                break
            count += len(text)
            seen.add(number)
        return tuple(k for k in marked.key if k.number in seen)[: s["terms"]]

    def key_lines(s) -> float:
        key = shown_key(s)
        return _key_lines(key, s["who"]) + (1 if len(key) < len(marked.key) else 0)

    # Estimated lines of the header, the original, the key, the summary, the parties, the
    # questions and the footer.
    parts = (
        ((), lambda s: header_lines(view, item, "Handout")),
        (("excerpt",), lambda s: HEADING + lines("Headline: " + item.title)
         + lines(excerpt[: s["excerpt"]], QUOTE_WIDTH) + (1 if s["excerpt"] < len(excerpt) else 0)),
        (("excerpt", "terms", "who"), key_lines),
        (("sentences",), lambda s: HEADING + lines(" ".join(sentences[: s["sentences"]]))
         + (1 if s["sentences"] < len(sentences) else 0)),
        (("keep",), lambda s: HEADING + sum(lines(f"{p.name} ({p.status}): {p.gist}", LIST_WIDTH)
                                            + ITEM_GAP for p in kept(s))
         + (1 if s["keep"] < len(rows) else 0)),
        (("answer_lines",), lambda s: HEADING + sum(lines(q, LIST_WIDTH)
                                                    + ANSWER_LINE * s["answer_lines"]
                                                    + QUESTION_GAP for q in questions)),
        ((), lambda s: FOOT_LINES + SECTION_GAPS + lines(credit)),
    )

    rule = _Rule(state, parts, budget)
    shrink, estimate, cuts = rule.shrink, rule.estimate, rule.cuts

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
    key = shown_key(state)
    return Handout(marked, state["excerpt"] if state["excerpt"] < len(excerpt) else None,
                   key, len(marked.key) - len(key), state["who"], summary, summary_cut,
                   kept(state), len(rows) - state["keep"], questions, state["answer_lines"],
                   round(estimate(), 1), tuple(cuts),
                   tuple(round(x, 1) for x in rule.sections()), credit)


# --- fitting an answer key on one page -------------------------------------------------------

ANSWER_GAP = 0.3  # the space after a question, a link of the chain (1.2 mm)
HANDOUT_QUESTIONS = 3  # a handout prints the first three questions
NOTE_WORDS = 60  # words of a chain link's note, uncut
SAID_WORDS = 45  # words of what a link printed, uncut
KEY_NOTE_WORDS = 40  # words of a key row's full note, uncut
CHANGED_WORDS = 40  # words of what a link changed, uncut
ANSWERS_LABEL = "Answer key (teacher's copy)"
NO_GUIDANCE = ("No guidance is written for this question yet: the full record's summary, sources "
               "and provenance hold the material for an answer.")


@lru_cache(maxsize=256)  # a cutting rule asks for the same texts at every step
def _sentences(text: str) -> tuple[str, ...]:
    return tuple(re.split(r"(?<=[.!?])\s+", " ".join(text.split())))


def sentences_of(text: str, keep: int) -> str:
    """The first ``keep`` sentences of ``text``."""
    return " ".join(_sentences(text or "")[:keep])


@dataclass(frozen=True)
class AnswerKey:
    """What one printed answer key shows, after the cutting rule."""

    questions: tuple[tuple[str, str, bool], ...]  # (question, guidance, on the handout)
    guidance_cut: bool  # some guidance printed in part (the item's page has all of it)
    more_questions: int  # questions left to the item's page
    chain: tuple[Link, ...]
    note_words: int
    said_words: int
    changed_words: int
    titles: bool  # the links' titles printed
    excerpt_limit: int | None  # characters of the excerpt (None: all; 0: left to the handout)
    key: tuple[KeyTerm, ...]
    who_words: int
    key_note_words: int
    estimate: float
    cuts: tuple[str, ...] = field(default=())
    sections: tuple[float, ...] = field(default=())


def fit_answers(view: View, item, budget: float = PAGE_LINES,
                marked: Marked | None = None) -> AnswerKey:
    """The answer key of ``item`` cut by rule to fit ``budget`` lines. The steps, in order, until
    the estimate fits: the questions the handout does not print go to the item's page; what each
    link printed, then the key's notes, then the links' notes are shortened; what each link
    printed goes; the key's notes go; the excerpt is cut at a word to 300 characters, then left
    to the handout (which prints it marked and numbered); the links' notes, the "who uses it"
    cells and what each link changed are shortened; the guidance is cut to three sentences, then two; the links' notes go;
    the guidance is cut to one sentence; the "who uses it" cells are shortened again; the links'
    titles go (their addresses stay); what each link changed goes. The questions of the handout, every link of the chain
    (outlet, title, date, address and whether it was found) and every marked word are always
    printed; the item's page has the rest."""
    marked = marked or mark_excerpt(view, item)
    links = chain(view, item)
    asked = [(q.question, " ".join((q.guidance or "").split()), i < HANDOUT_QUESTIONS)
             for i, q in enumerate(item.discussion)]
    excerpt = item.seed.excerpt
    most = max((len(re.split(r"(?<=[.!?])\s+", g)) for _, g, _ in asked if g), default=1)
    state = {"questions": len(asked), "guidance": most, "note": NOTE_WORDS, "said": SAID_WORDS,
             "key_note": KEY_NOTE_WORDS, "who": WORD_CAP, "excerpt": len(excerpt), "titles": 1,
             "changed": CHANGED_WORDS}

    def shown(s) -> list[tuple[str, str, bool]]:
        return [(q, sentences_of(g, s["guidance"]), on) for q, g, on in asked[: s["questions"]]]

    def key_cell(s, k: KeyTerm) -> str:
        cell = words(k.who, s["who"])
        if s["key_note"] and k.note and k.note != k.who:
            cell += ". " + words(k.note, s["key_note"])
        return cell

    # Estimated lines of the header, the questions, the chain, the framing and the foot.
    parts = (
        ((), lambda s: header_lines(view, item, ANSWERS_LABEL, 1.0)),
        (("questions", "guidance"), lambda s: HEADING + sum(
            lines(q + ("" if on else " (not on the handout)"), LIST_WIDTH)
            + lines(g or NO_GUIDANCE, LIST_WIDTH) + ANSWER_GAP for q, g, on in shown(s))
         + (1 if s["questions"] < len(asked) else 0)),
        (("titles", "note", "said", "changed"), lambda s: HEADING + sum(
            lines(link.line(s["titles"]) + " " + words(link.note, s["note"])
                  if s["note"] else link.line(s["titles"]), LIST_WIDTH)
            + (lines("As it printed it: " + words(link.excerpt, s["said"]), LIST_WIDTH)
               if s["said"] and link.excerpt else 0)
            + (lines(words(link.changed, s["changed"]), LIST_WIDTH)
               if s["changed"] and link.changed else 0)
            + ANSWER_GAP for link in links)),
        (("excerpt", "who", "key_note"), lambda s: HEADING + lines("Headline: " + item.title)
         + (lines(excerpt[: s["excerpt"]], QUOTE_WIDTH) if s["excerpt"] else 1)
         + (1 if 0 < s["excerpt"] < len(excerpt) else 0)
         + (_key_rows(marked.key, lambda k: key_cell(s, k)) if marked.key else 1)),
        ((), lambda s: FOOT_LINES + SECTION_GAPS),
    )

    rule = _Rule(state, parts, budget)
    shrink, estimate, cuts = rule.shrink, rule.estimate, rule.cuts

    shrink("questions", "questions", min(HANDOUT_QUESTIONS, len(asked)))
    shrink("what each link printed", "said", 25, 20)
    shrink("key notes", "key_note", 20, 20)
    shrink("link notes", "note", 30, 30)
    shrink("what each link printed", "said", 0, 25)
    shrink("key notes", "key_note", 0, 20)
    shrink("excerpt", "excerpt", min(PASSAGE_MIN, len(excerpt)), 100)
    shrink("excerpt", "excerpt", 0, PASSAGE_MIN)
    shrink("link notes", "note", 15, 15)
    shrink("key notes", "who", 10, 4)
    shrink("what changed", "changed", 20, 20)
    shrink("guidance", "guidance", min(3, most))
    shrink("guidance", "guidance", min(2, most))
    shrink("link notes", "note", 0, 15)
    shrink("guidance", "guidance", 1)
    shrink("key notes", "who", 6, 4)
    shrink("link titles", "titles", 0)
    shrink("what changed", "changed", 0, 20)
    kept = shown(state)
    return AnswerKey(tuple(kept), any(g != full for (_, g, _), (_, full, _) in zip(kept, asked)),
                     len(asked) - len(kept), links, state["note"], state["said"],
                     state["changed"], bool(state["titles"]),
                     state["excerpt"] if state["excerpt"] < len(excerpt) else None, marked.key,
                     state["who"], state["key_note"], round(estimate(), 1), tuple(cuts),
                     tuple(round(x, 1) for x in rule.sections()))
