"""Stage: render. Golden pages, inert record text, and links between pages."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from generator import render, templating, view
from generator import text as textmod
from generator.load import load_content

from conftest import PARALLAX, ROOT, active_parts, tree

from conftest import GOOD_ITEM

RTL_ITEM = "river-path-budget-moved-to-road-repairs"

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PARALLAX_UPDATE_GOLDEN") == "1"


def _pages(corpus):
    digest, problems = load_content(corpus.content, corpus.root)
    return {p.path: p.text for p in render.render_site(digest)}


@pytest.mark.parametrize("page,golden", [
    ("items/council-bulldozes-the-bike-lane-plan.md", "item.md"),
    ("index.md", "index.md"),
])
def test_golden_pages(corpus, page, golden):
    """Set PARALLAX_UPDATE_GOLDEN=1 to accept a deliberate change, then review the diff."""
    text = _pages(corpus)[page]
    path = GOLDEN / golden
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_every_page_type_is_rendered(corpus):
    paths = set(_pages(corpus))
    for expected in ("index.md", "items/index.md", "outlets/index.md", "outlets/city-gazette.md",
                     "stakeholders/index.md", "stakeholders/city-council.md", "glossary.md",
                     "timeline/index.md", "coverage/index.md", "methodology/checks.md",
                     "methodology/unverified.md", "teachers/index.md", "teachers/handouts/index.md",
                     "teachers/handouts/council-bulldozes-the-bike-lane-plan/index.html"):
        assert expected in paths, expected


def test_rendering_is_deterministic(corpus):
    assert _pages(corpus) == _pages(corpus)


def test_render_and_export_are_byte_identical_across_processes(tmp_path):
    """Two processes with different string hashes (so sets and dicts keyed by strings iterate in
    different orders) write the same pages and the same dataset, byte for byte."""
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        for command in ("render", "export"):
            out = tmp_path / seed / command
            run = subprocess.run([*PARALLAX, command, "--content", str(ROOT / "content"),
                                  "--out", str(out)], cwd=tmp_path, env=env, capture_output=True,
                                 text=True)
            assert run.returncode == 0, run.stderr[-2000:]
        outputs.append(tree(tmp_path / seed))
    first, second = outputs
    assert any(name.startswith("render/items/") for name in first)
    assert any(name.startswith("export/") for name in first)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "{{ 7*7 }} {% if %}",
    "[x](javascript:alert(1))", "**bold** {: onclick=alert(1) }", "<!-- c --> <![CDATA[x]]>",
    "[x](data:text/html;base64,PHNjcmlwdD4=)", "<svg onload=alert(1)>", "[x](jav&#x61;script:1)",
])
def test_markdown_fields_are_inert(text):
    out = str(textmod.markdown_html(text))
    assert active_parts(out) == []
    assert all(tag not in out for tag in ("<img", "<svg", "<script"))


def test_markdown_keeps_the_safe_subset():
    out = str(textmod.markdown_html("*a* **b** [c](https://example.org/x)\n\n- d\n- e"))
    assert "<em>a</em>" in out and "<strong>b</strong>" in out
    assert '<a href="https://example.org/x" rel="noopener noreferrer nofollow">c</a>' in out
    assert "<ul>" in out and "<li>d</li>" in out
    assert "\n\n" not in out


def test_raw_html_in_markdown_is_shown_as_text():
    out = str(textmod.markdown_html("Use <b>bold</b> & more"))
    assert "&lt;b&gt;bold&lt;/b&gt;" in out and "&amp; more" in out


@pytest.mark.parametrize("url,ok", [
    ("https://example.org/a", True), ("http://example.org", True), ("javascript:alert(1)", False),
    ("data:text/html,x", False), ("//example.org", False), ("https://exa mple.org", False),
    ("ftp://example.org/x", False), ("https:///x", False),
])
def test_safe_url(url, ok):
    assert (textmod.safe_url(url) is not None) is ok


def test_relative_links():
    assert render.relative("items/a.md", "items/b.md") == "../b/"
    assert render.relative("index.md", "items/b.md") == "items/b/"
    assert render.relative("items/a.md", "outlets/index.md") == "../../outlets/"
    assert render.relative("items/index.md", "items/page-2.md") == "page-2/"
    assert render.relative("items/a.md", "data/x.json") == "../../data/x.json"


def test_title_is_escaped_for_front_matter():
    assert render.title_meta('<b>"x"</b>') == '"&lt;b&gt;&quot;x&quot;&lt;/b&gt;"'


def test_highlight_marks_framing_and_lexicon_terms():
    from generator.lexicon import compile_term
    from generator.models import Framing

    out = str(view.highlight("A puppet <b> met.\n\nA massacre.", [Framing(term="puppet", note="n<1")],
                               [compile_term("massacre", "massacr*")]))
    assert out.count('<mark class="parallax-term"') == 2
    assert "&lt;b&gt;" in out and "n&lt;1" in out and out.count("<p>") == 2


def test_pagination_bounds_listing_pages():
    rows = list(range(120))
    pages = list(render.paginate(rows, "items/index.md", 50))
    assert [p[0] for p in pages] == ["items/index.md", "items/page-2.md", "items/page-3.md"]
    assert [len(p[1]) for p in pages] == [50, 50, 20]
    assert pages[1][4] == "items/index.md" and pages[1][5] == "items/page-3.md"


def test_reference_documents_every_field():
    from generator.models import REGISTRIES, Item

    page = render.render_reference().text
    for model in [Item, *REGISTRIES.values()]:
        assert f"## {model.__name__}" in page
        for name, field in model.model_fields.items():
            assert f"`{field.alias or name}`" in page, (model.__name__, name)
            assert field.description, f"{model.__name__}.{name} has no description"


def test_the_dataset_written_in_pieces_is_the_one_json_dumps_writes():
    import json
    from pathlib import Path

    from generator.export import dataset, to_json
    from generator.load import load_content

    for content, root in (("tests/fixtures/corpus/content", "tests/fixtures/corpus"),
                          ("content", ".")):
        base = Path(__file__).resolve().parents[1]
        digest, _ = load_content(base / content, base / root)
        assert digest.items
        expected = json.dumps(dataset(digest), indent=2, ensure_ascii=False) + "\n"
        assert to_json(digest) == expected


# --- reader-first pages ----------------------------------------------------------------------

def test_word_diff_marks_dropped_and_added_words_and_escapes_them():
    from generator.provenance import word_diff

    old = "The group <b>said</b> on Monday that talks would resume."
    new = "The terrorist group said talks would resume, a source added."
    html, dropped, added = word_diff(old, new)
    out = str(html)
    assert active_parts(out) == [] and "<b>" not in out and "&lt;b&gt;said&lt;/b&gt;" in out
    assert '<ins><span class="parallax-sr">added: </span>terrorist</ins>' in out
    assert "<del>" in out
    # dropped: "<b>said</b> on Monday that", "resume."; added: "terrorist", "said",
    # "resume, a source added."
    assert dropped == 5 and added == 6
    same, d, a = word_diff("a  b\nc", "a b c")
    assert (str(same), d, a) == ("a b c", 0, 0)


def test_codes_and_dates_in_words():
    from generator import words

    assert words.status_words("general-position") == "General position"
    assert words.status_words("not-located") == "Not located"
    assert words.status_words("some-new-code") == "Some new code"
    assert words.role_words("seed-page") == "Seed page"
    assert words.kind_words("state-media") == "State media"
    assert words.date_words("2011-04-18") == "18 April 2011"
    assert words.date_words("2011-04") == "April 2011" and words.date_words("2011") == "2011"
    assert words.accessed_words(["2024-04-20", "", "2024-04-01", "2024-04-20"]) == \
        "Accessed between 1 April 2024 and 20 April 2024."
    assert words.accessed_words(["", ""]) == ""
    assert words.short_title("one two three four", 12) == "one two…"


@pytest.mark.parametrize("text", ["*x* _y_ [a](https://e.org) {: #id onclick=x }",
                                  "<script>alert(1)</script> # h ## \\", "`code` ![i](x.png)"])
def test_record_text_in_a_markdown_heading_stays_text(text):
    import markdown

    out = markdown.markdown("## " + templating.md_inline(text) + " { #h }",
                            extensions=["attr_list", "toc"])
    assert active_parts(out) == [] and "<a" not in out and "<em" not in out and "<img" not in out
    assert out.startswith('<h2 id="h">')


def test_home_without_digest_yaml_falls_back_to_the_site_config(corpus):
    (corpus.content / "digest.yaml").unlink()
    digest, _ = load_content(corpus.content, corpus.root)
    site = render.SiteText("A digest of the river path", "Balanced context for one page.")
    pages = {p.path: p.text for p in render.render_site(digest, site=site)}
    assert "# A digest of the river path\n" in pages["index.md"]
    assert "Balanced context for one page." in pages["index.md"]
    assert "seeds/" not in pages["index.md"]
    item = pages[f"items/{GOOD_ITEM}.md"]
    assert "have not published an address for corrections" in item
    assert "parallax-suggest" not in item


def test_suggest_a_correction_goes_to_the_digest_edit_url(corpus):
    info = corpus.read("digest.yaml")
    info["edit_url"] = "https://code.example.org/digest/edit/main/"
    corpus.write("digest.yaml", info)
    digest, _ = load_content(corpus.content, corpus.root)
    item = {p.path: p.text for p in render.render_site(digest)}[f"items/{GOOD_ITEM}.md"]
    assert (f'class="parallax-suggest" href="https://code.example.org/digest/edit/main/'
            f'content/items/{GOOD_ITEM}.yaml"') in item


def test_a_record_without_gists_shows_party_and_status_only(corpus):
    digest, _ = load_content(corpus.content, corpus.root)
    item = {p.path: p.text for p in render.render_site(digest)}[f"items/{RTL_ITEM}.md"]
    glance = item[item.index('<ul class="parallax-glance">'):]
    glance = glance[:glance.index("</ul>")]
    assert glance.count("<li") == 3 and "parallax-gist" not in glance
    assert "roads needed urgent repairs" not in glance


def test_different_passages_are_shown_apart_and_a_cut_passage_as_a_difference():
    from generator.provenance import SIMILAR, similarity

    longer = "The minister said on Monday that the camp must close. He named no date."
    assert similarity(longer, "the camp must close.") == 1.0  # cut from the longer one
    assert similarity(longer, "Residents asked the UN for protection at once.") < SIMILAR


# --- finished HTML (``finish``) ----------------------------------------------------------------

_BLOCK_TAGS = ("address|article|aside|blockquote|details|summary|div|dl|dt|dd|figure|footer|form|"
               "h[1-6]|header|hr|main|nav|ol|p|pre|section|table|thead|tbody|tr|td|th|ul|li|script|"
               "label|select|option")


def _between_blocks(html: str) -> str:
    """``html`` without the line breaks beside block-level tags, which no reader sees (Python-
    Markdown puts one between two top-level raw HTML elements; ``finish`` keeps them as the
    template wrote them)."""
    import re

    html = re.sub(r"\s*\n\s*(?=</?(?:%s)[\s>])" % _BLOCK_TAGS, "", html)
    return re.sub(r"(</?(?:%s)(?:\s[^>]*)?>)\s*\n\s*" % _BLOCK_TAGS, r"\1", html)


def _markdown_pages(corpus):
    from generator.public import shown

    digest, _ = load_content(corpus.content, corpus.root)
    return {path: make() for path, make in render.plan_site(shown(digest, True))
            if path.endswith(".md")}


def test_finished_html_is_what_python_markdown_makes_of_the_page(corpus):
    """Every generated page: the same HTML (but for line breaks between blocks) and the same
    table of contents as Python-Markdown converting the whole page, with MkDocs' extensions."""
    import markdown

    from generator.finish import EXTENSION_CONFIGS, EXTENSIONS, finish, search_parts, split_front

    pages = _markdown_pages(corpus)
    assert len(pages) > 20
    for path, text in pages.items():
        md = markdown.Markdown(extensions=list(EXTENSIONS), extension_configs=EXTENSION_CONFIGS)
        whole = md.convert(split_front(text)[1])
        done = finish(text)
        assert _between_blocks(done.html) == _between_blocks(search_parts(whole)[0]), path
        assert [h.id for h in done.toc] == [t["id"] for t in md.toc_tokens], path
        assert [h.name for h in done.toc] == [t["name"] for t in md.toc_tokens], path
        assert done.front.startswith("---\ntitle: "), path


def test_finished_html_of_lines_of_spaces_and_headings_after_blocks_is_python_markdowns():
    """The two cases ``finish`` looks for only where they could be (a line of spaces; a heading
    line inside a raw block's chunk), and pages without them: the same HTML and contents."""
    import markdown

    from generator.finish import EXTENSION_CONFIGS, EXTENSIONS, finish, search_parts

    pages = [
        "---\ntitle: x\n---\n<div>\n<p>a</p>\n</div>\n\n## After { #after }\n\ntext",
        "<div>\n<p>a</p>\n   \n</div>\n\n## After\n",  # a line of spaces inside a block
        "<div>\n<p>a</p>\n</div>\n  \n<section>\n<p>b</p>\n</section>\n",  # between blocks
        "<div>\n<p>a</p>\n</div>\n## Right after the block\n\n<p>b</p>\n",
        "<div>\n<p>a</p>\n</div>\n#Not a heading\n\n<p>b # c</p>\n",
        "<div>\n<p>a</p>\n</div>\n######\n\ntext \nwith a trailing space\n",
        "<p>one</p>\n\t\n<p>two</p>\n \n## Three\n",
    ]
    for text in pages:
        md = markdown.Markdown(extensions=list(EXTENSIONS), extension_configs=EXTENSION_CONFIGS)
        whole = md.convert(text.split("---\n", 2)[-1])
        done = finish(text)
        assert _between_blocks(done.html) == _between_blocks(search_parts(whole)[0]), text
        assert [h.id for h in done.toc] == [t["id"] for t in md.toc_tokens], text


def test_finished_html_keeps_heading_anchors_and_the_title(corpus):
    from generator.finish import finish

    done = finish(_markdown_pages(corpus)[f"items/{GOOD_ITEM}.md"])
    # The headings written in Markdown make the contents list (the page's own <h1> and the
    # columns' <h2> are HTML the template wrote, as before).
    assert [h.id for h in done.toc] == ["glance", "context", "perspectives", "provenance",
                                        "questions", "record"]
    assert [h.id for h in done.toc[3].children] == ["changes"]
    assert '<h2 id="glance">' in done.html and 'href="#glance"' in done.html
    assert {"top", "glance", "perspectives"} <= done.anchors
    assert "---" not in done.html.split("\n", 1)[0]


def test_a_heading_right_after_a_block_is_still_a_heading():
    from generator.finish import finish

    done = finish('---\ntitle: "T"\n---\n<div class="x"><p>a</p></div>\n## Next { #next }\n\n<p>b</p>')
    assert '<h2 id="next">Next' in done.html and [h.id for h in done.toc] == ["next"]


def test_finished_item_page_golden(corpus):
    """The finished HTML of the golden item page (PARALLAX_UPDATE_GOLDEN=1 to accept a change)."""
    from generator.finish import finish

    html = finish(_pages(corpus)[f"items/{GOOD_ITEM}.md"]).html
    path = GOLDEN / "item.html"
    if UPDATE:
        path.write_text(html, encoding="utf-8")
    assert html == path.read_text(encoding="utf-8")


def test_a_markdown_setup_that_is_not_plain_data_leaves_the_pages_to_mkdocs():
    """An extension given as an object, or a setting that is a function, cannot be carried to
    the generator: its pages then go to MkDocs as Markdown, converted the way MkDocs would."""
    import markdown

    from generator.finish import Markdown
    from generator.publish import page

    assert Markdown.of(["toc", "attr_list"], {"toc": {"permalink": True}}) is not None
    assert Markdown.of([markdown.extensions.Extension()], {}) is None
    assert Markdown.of(["toc"], {"toc": {"slugify": lambda text, sep: text}}) is None
    text = '---\ntitle: "T"\n---\n# T\n\n<p>x</p>\n'
    assert page("a.md", text, None).html is None and page("a.md", text, None).markdown == text
    assert page("a.md", text).html.startswith('<h1 id="t">T')


def test_search_parts_leave_out_the_marked_elements_and_the_marks():
    from generator.finish import search_parts

    page = ('<h2 id="a">A</h2><p>kept</p><details class="x" data-search-exclude="true"><summary>'
            's</summary><details><p>inner</p></details><p>gone</p></details><p>after</p>'
            '<div data-search-exclude="true"><div><p>deep</p></div></div><ul><li>end</li></ul>')
    shown, search = search_parts(page)
    assert shown == page.replace(' data-search-exclude="true"', "")
    assert search == '<h2 id="a">A</h2><p>kept</p><p>after</p><ul><li>end</li></ul>'
    assert search_parts("<p>nothing marked</p>") == ("<p>nothing marked</p>", None)
