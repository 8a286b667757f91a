"""Properties (Hypothesis): for any text, a page shows it literally and gains no element, a
Markdown field yields only its small subset, YAML keeps it exactly, an id stays a slug; and for
any sequence of ingest runs and edits, no edit is lost."""

from __future__ import annotations

import html
import re
import shutil
import tempfile
from pathlib import Path

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from mkdocs.utils.meta import get_data

from generator import ingest, render, yamlio
from generator import text as textmod
from generator.load import load_content
from generator.models import Digest, Located
from generator.models import Item
from generator.seedformats import _READ_MORE
from generator.text import ALLOWED_TAGS

from conftest import CORPUS, GOOD_ITEM, active_parts, count_work, parse

MARKUP = "<>&\"'`*_[](){}#!-=|\\/:;.~^$%@+\n \t\u00a0\u200b\u202e\u202c\u2066\u2069\u0301مabc1"
texts = st.one_of(st.text(alphabet=MARKUP, max_size=120), st.text(max_size=120)).filter(
    lambda t: yamlio.FORBIDDEN.search(t) is None)
visible = texts.filter(lambda t: t.strip())
SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

_digest, _ = load_content(CORPUS / "content", CORPUS)
_item = next(e for e in _digest.items if e.value.id == GOOD_ITEM)
PLAIN = ("title", "prepared_by", "reviewed_by")


def _page(text: str):
    """The item page with ``text`` in its plain fields, as MkDocs would turn it into HTML."""
    data = _item.value.model_dump(by_alias=True)
    data.update({field: text for field in PLAIN}, neutral_title="", questions=[text, "Q2"])
    data["provenance"][0]["note"] = text
    data["speakers"][0]["role_at_time"] = text
    item = Item.model_validate(data)
    digest = Digest(_digest.root, items=(Located(item, _item.path, _item.doc),),
                    outlets=_digest.outlets, actors=_digest.actors,
                    stakeholders=_digest.stakeholders, glossary=_digest.glossary,
                    timeline=_digest.timeline, lexicon=_digest.lexicon,
                    project_root=_digest.project_root)
    view = render.View(digest)
    body, meta = get_data(render.render_item(view, digest.items[0]).text)
    html_text = markdown.markdown(body, extensions=["attr_list", "admonition", "toc"])
    return meta, parse(html_text)


def _shape(doc):
    return [(el.tag, sorted(el.attrib.items())) for el in doc.iter() if isinstance(el.tag, str)]


def _words(text: str) -> str:
    return " ".join(textmod.bidi_balanced(text).split())


BASELINE = _shape(_page("x")[1])


@SETTINGS
@given(visible)
def test_plain_text_is_shown_literally_and_adds_no_element(text):
    meta, doc = _page(text)
    assert _shape(doc) == BASELINE
    title = textmod.bidi_balanced(" ".join(text.split()))
    assert meta["title"] == html.escape(title, quote=True)
    [h1] = [el for el in doc.iter("h1") if el.get("id") == "top"]
    assert " ".join("".join(h1.itertext()).split()) == _words(text)
    questions = [" ".join("".join(li.itertext()).split()) for li in doc.iter("li")
                 if li.get("dir") == "auto"]
    assert questions[0] == _words(text)


@SETTINGS
@given(st.text(st.characters(exclude_categories=())))
def test_any_title_makes_front_matter_that_parses(text):
    """Even text the loader refuses (control characters, lone surrogates): a front matter that
    failed to parse would be rendered as Markdown, links and attribute lists included."""
    body, meta = get_data(f"---\ntitle: {render.title_meta(text)}\n---\n\nBODY\n")
    assert body.strip() == "BODY"
    assert "<" not in meta["title"] and "\x7f" not in meta["title"]


@SETTINGS
@given(texts)
def test_markdown_fields_yield_only_their_subset(text):
    out = str(textmod.markdown_html(text))
    doc = parse(out)
    tags = {el.tag for el in doc.iter() if isinstance(el.tag, str)}
    assert tags <= ALLOWED_TAGS | {"html", "head", "body"}
    assert active_parts(doc) == []
    for a in doc.iter("a"):
        assert textmod.safe_url(a.get("href") or "") is not None
    if "](" not in text:  # no link, whose address is not shown: no letter is lost or added
        shown = "".join(doc.itertext())
        assert [c for c in shown if c.isalpha()] == [c for c in text if c.isalpha()]


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet="[]()`*_\\<>!-1. \n#>&a", min_size=1, max_size=40).map(
    lambda t: t * (50_000 // len(t) + 1)))
def test_markdown_work_is_linear_on_any_markup(text):
    """A Markdown field at its length limit, made of one pattern of markup repeated, costs at
    most 2.5 times the work of its first half (work counted, not timed)."""
    _, half = count_work(lambda: textmod.markdown_html(text[:25_000]))
    _, full = count_work(lambda: textmod.markdown_html(text[:50_000]))
    assert full <= 2.5 * half, (half, full)


@SETTINGS
@given(texts)
def test_yaml_keeps_any_text_exactly(text):
    data = {"k": text, "list": [text], text or "e": 1}
    assert yamlio.parse(yamlio.dump(data), "x").data == data


@SETTINGS
@given(texts)
def test_ids_are_always_ascii_slugs(text):
    slug = ingest.slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) and len(slug) <= 80


# --- any sequence of ingest runs and edits --------------------------------------------------

line = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
               min_size=1, max_size=25).filter(
    lambda s: s.strip() and not _READ_MORE.match(s) and yamlio.FORBIDDEN.search(s) is None)


class IngestAndEdit(RuleBasedStateMachine):
    """Seeds grow and change, ingest runs, people edit records; no edit is ever lost."""

    def __init__(self):
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="parallax-state-"))
        (self.root / "seeds").mkdir()
        self.content = self.root / "content"
        self.seeds = {"a.txt": [], "b.txt": []}
        self.edited: dict[Path, bytes] = {}

    def teardown(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def _write_seed(self, name):
        blocks = [f"{head}\n\n{body}" for head, body in self.seeds[name]]
        (self.root / "seeds" / name).write_text("Page\n\n" + "\n\nRead more\n\n".join(blocks)
                                                + "\n\nRead more\n", encoding="utf-8")

    def _records(self):
        return sorted((self.content / "items").glob("*.yaml")) if self.content.exists() else []

    @rule(name=st.sampled_from(["a.txt", "b.txt"]), head=line, body=line)
    def add_item(self, name, head, body):
        self.seeds[name].append((head.strip(), body.strip()))
        self._write_seed(name)

    @precondition(lambda self: any(self.seeds.values()))
    @rule(data=st.data(), body=line)
    def change_item(self, data, body):
        name = data.draw(st.sampled_from([n for n, items in self.seeds.items() if items]))
        index = data.draw(st.integers(0, len(self.seeds[name]) - 1))
        self.seeds[name][index] = (self.seeds[name][index][0], body.strip())
        self._write_seed(name)

    @rule()
    def run_ingest(self):
        paths = [self.root / "seeds" / n for n, items in self.seeds.items() if items]
        plan = ingest.plan(paths, self.content, self.root)
        ingest.apply(plan)

    @precondition(lambda self: self._records())
    @rule(data=st.data(), text=line, how=st.sampled_from(["summary", "title", "comment"]))
    def edit_record(self, data, text, how):
        path = data.draw(st.sampled_from(self._records()))
        if how == "comment":
            path.write_text(path.read_text(encoding="utf-8") + f"# {text}\n", encoding="utf-8")
        else:
            record = yamlio.parse(path.read_text(encoding="utf-8"), str(path)).data
            record[how] = text
            path.write_text(yamlio.dump(record), encoding="utf-8")
        self.edited[path] = path.read_bytes()

    @invariant()
    def no_edit_is_lost(self):
        for path, content in self.edited.items():
            assert path.read_bytes() == content, path.name

    @invariant()
    def every_record_loads_and_no_item_has_two(self):
        seen = set()
        for path in self._records():
            record = Item.model_validate(yamlio.parse(path.read_text("utf-8"), str(path)).data)
            key = (record.seed.file, record.seed.position)
            assert key not in seen
            seen.add(key)


IngestAndEdit.TestCase.settings = settings(max_examples=60, stateful_step_count=20,
                                           deadline=None)
TestIngestAndEdit = IngestAndEdit.TestCase
