"""Stage: render, the teacher kit. Which pages it makes, what they hold, the cutting rule, and
that record text stays inert on the print pages. (The printed page counts are browser tests:
tests/test_teach_browser.py.)"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest

from generator import render, teach
from generator.load import load_content

from conftest import FIXTURES, ROOT, Corpus, config_text
from conftest import active_parts, parse

KIT = FIXTURES / "kit"
BIG = "winter-timetable-cut-to-one-crossing"
SMALL = "ferry-timetable-cut"
DRAFT = "port-authority-waves-through-fare-rise"
GUIDE_SECTIONS = ["objectives", "level", "materials", "background", "vocabulary", "plan-45",
                  "plan-90", "sensitivity", "differentiation", "exit-ticket", "practice", "kit"]


@pytest.fixture
def kit_corpus(tmp_path) -> Corpus:
    shutil.copytree(KIT, tmp_path / "kit")
    return Corpus(tmp_path / "kit")


def _view(corpus: Corpus) -> render.View:
    digest, _ = load_content(corpus.content, corpus.root)
    return render.View(digest)


def _pages(corpus: Corpus, site_url: str = "") -> dict[str, str]:
    digest, _ = load_content(corpus.content, corpus.root)
    return {p.path: p.text for p in render.render_site(digest, site=render.SiteText(url=site_url))}


def _main(page: str):
    [main] = list(parse(page).iter("main"))
    return main


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


# --- which pages ---------------------------------------------------------------------------

def test_every_published_or_reviewed_item_has_its_four_print_pages_and_drafts_none(kit_corpus):
    kit_corpus.edit_item(lambda d: d.update(status="reviewed"), SMALL)
    pages = _pages(kit_corpus)
    for item in (SMALL, BIG):
        for path in teach.kit_paths(item).values():
            assert path in pages, path
    assert not [p for p in pages if DRAFT in p and p.startswith("teachers/")]
    index = pages["teachers/handouts/index.md"]
    assert DRAFT not in index and index.count("<tr data-item=") == 2
    assert DRAFT not in pages["teachers/pack/index.html"]


def test_set_aside_items_stay_out_of_the_kit(kit_corpus):
    kit_corpus.edit_item(lambda d: d.update(status="set-aside"), SMALL)
    pages = _pages(kit_corpus)
    assert not [p for p in pages if SMALL in p and p.startswith("teachers/")]


def test_print_pages_are_standalone_link_their_stylesheet_and_the_item(kit_corpus):
    pages = _pages(kit_corpus)
    for kind, path in teach.kit_paths(SMALL).items():
        page = pages[path]
        assert page.startswith("<!doctype html>") and "md-content" not in page, kind
        assert "<script" not in page and "@import" not in page
        [css] = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
        here = "http://site/" + path[: -len("index.html")]  # the page's URL is its folder
        assert urljoin(here, css) == "http://site/teachers/print.css", kind
        links = {urljoin(here, h) for h in re.findall(r'href="([^"]+)"', page)}
        assert f"http://site/items/{SMALL}/" in links, kind  # back to the item page
    assert pages["teachers/print.css"] == (ROOT / "generator/assets/print.css").read_text()


def test_the_pack_holds_every_handout_one_per_page(kit_corpus):
    pages = _pages(kit_corpus)
    pack = _main(pages["teachers/pack/index.html"])
    handouts = [el for el in pack.iter("article") if "parallax-handout" in el.get("class", "")]
    assert [el.get("data-item") for el in handouts] == [SMALL, BIG]  # oldest first, no draft
    css = pages["teachers/print.css"]
    assert re.search(r"\.kit-pack \.kit-page \{[^}]*break-after: page", css)


def test_the_handouts_index_links_every_page_of_each_item(kit_corpus):
    index = _pages(kit_corpus)["teachers/handouts/index.md"]
    row = re.search(rf'<tr data-item="{BIG}">(.*?)</tr>', index).group(1)
    for href in (f"{BIG}/", f"{BIG}/answers/", f"{BIG}/spot-the-framing/",
                 f"{BIG}/trace-the-source/", f"../../items/{BIG}/"):
        assert f'href="{href}"' in row, href
    assert "2025-01-06" in row and "Ferry company" in row  # date and parties heard
    assert "Tourism board" not in row  # no statement found: not heard


# --- the guide -----------------------------------------------------------------------------

def test_the_guide_has_every_section_and_draws_its_background_from_the_content(kit_corpus):
    guide = _pages(kit_corpus)["teachers/index.md"]
    ids = re.findall(r'<h2 id="([a-z0-9-]+)"', guide)
    assert ids == GUIDE_SECTIONS
    assert "one crossing a day. Islanders, fishers" in guide  # digest.yaml `about`
    assert "The port authority approves a fare rise." in guide  # the timeline
    assert "lifeline route" in guide  # the glossary
    assert "Secondary-school students, 15 to 18" in guide  # digest.yaml `audience`
    for kind in ("", "answers/", "spot-the-framing/", "trace-the-source/"):
        assert f'href="handouts/{BIG}/{kind}"' in guide
    for source in ("https://cor.inquirygroup.org/", "https://www.lib.sfu.ca/"):
        assert source in guide  # the practice it follows, cited


def test_the_guide_works_without_a_digest_file(corpus):
    (corpus.content / "digest.yaml").unlink(missing_ok=True)
    guide = _pages(corpus)["teachers/index.md"]
    assert re.findall(r'<h2 id="([a-z0-9-]+)"', guide) == GUIDE_SECTIONS
    assert "Parallax digest" in guide


def test_no_template_of_the_kit_names_a_topic():
    """Topic words come from content/: none of the bundled or fixture digests' names is in the
    kit's templates, stylesheet or code."""
    digests = [ROOT / "content", KIT / "content", FIXTURES / "corpus" / "content"]
    names = set()
    for content in digests:
        digest, _ = load_content(content, content.parent)
        names |= {e.value.name for e in digest.stakeholders} | {e.value.name for e in digest.outlets}
        names |= {e.value.term for e in digest.glossary if len(e.value.term) > 3}
    sources = [*sorted((ROOT / "generator/templates/teachers").glob("*.j2")),
               ROOT / "generator/assets/print.css", ROOT / "generator/teach.py"]
    for path in sources:
        text = path.read_text(encoding="utf-8").casefold()
        assert [n for n in names if re.search(rf"\b{re.escape(n.casefold())}\b", text)] == [], path


# --- the handout ---------------------------------------------------------------------------

def test_a_handout_that_fits_is_not_cut(kit_corpus):
    handout = teach.fit_handout(_view(kit_corpus), kit_corpus_item(kit_corpus, SMALL))
    assert handout.cuts == () and handout.more_parties == 0 and handout.answer_lines == 3
    assert handout.estimate <= teach.PAGE_LINES


def kit_corpus_item(corpus: Corpus, item_id: str):
    view = _view(corpus)
    [entry] = [e for e in view.items if e.value.id == item_id]
    return entry.value


def test_an_oversized_record_is_cut_by_the_rule_not_spilled(kit_corpus):
    view = _view(kit_corpus)
    item = kit_corpus_item(kit_corpus, BIG)
    handout = teach.fit_handout(view, item)
    assert handout.estimate <= teach.PAGE_LINES
    assert "parties" in handout.cuts and "summary" in handout.cuts
    assert handout.more_parties == len(item.perspectives) - len(handout.parties) > 0
    # The parties kept are the ones the item is about, first.
    assert handout.parties[0].name == "Ferry company"
    page = _pages(kit_corpus)[teach.kit_paths(BIG)["handout"]]
    assert f"And {handout.more_parties} more parties: see items/{BIG}/" in page
    # Three questions, each with its answer lines.
    [questions] = [el for el in _main(page).iter("ol") if "kit-questions" in el.get("class", "")]
    assert len(questions) == 3
    assert all(len([s for s in q.iter("span") if s.get("class") == "kit-line"])
               == handout.answer_lines for q in questions)


def test_the_rule_cuts_further_on_a_smaller_page_and_in_its_order(kit_corpus):
    view = _view(kit_corpus)
    item = kit_corpus_item(kit_corpus, BIG)
    roomy = teach.fit_handout(view, item, budget=200)
    assert roomy.cuts == () and len(roomy.parties) == len(item.perspectives)
    order = ["answer space", "key notes", "parties", "summary", "key", "excerpt"]
    last = ()
    for budget in (70, 60, 50, 40, 30):
        handout = teach.fit_handout(view, item, budget=budget)
        assert [c for c in order if c in handout.cuts] == list(handout.cuts)  # the rule's order
        assert set(last) <= set(handout.cuts)  # a smaller page never cuts less
        last = handout.cuts
    assert "excerpt" in last and teach.fit_handout(view, item, 30).excerpt_limit >= 300


def test_the_rule_gives_what_it_gives_when_every_estimate_is_worked_out_anew(
        kit_corpus, tmp_path, monkeypatch):
    """The cutting rule works a section's estimate out once for each value of the settings it
    reads; a section given a setting it does not say it reads cannot read it. On every page
    size, for records of every shape, the handout and the answer key are the ones an estimate
    worked out anew at every step, from all the settings, gives."""
    from generator import teachfit
    from generator.synthetic import write_content

    synthetic = tmp_path / "synthetic"
    write_content(synthetic, 12)
    views = [_view(kit_corpus), _view(Corpus(synthetic))]

    def anew(self):
        return tuple(part(dict(self.state)) for _, part in self.parts)

    fits = 0
    for budget in (15, 25, 35, 45, 55, 70, 120):
        for view in views:
            for entry in view.items:
                item = entry.value
                with monkeypatch.context() as m:
                    m.setattr(teachfit._Rule, "sections", anew)
                    expected = (teach.fit_handout(view, item, budget),
                                teach.fit_answers(view, item, budget))
                got = (teach.fit_handout(view, item, budget), teach.fit_answers(view, item, budget))
                assert got == expected
                fits += bool(got[0].cuts) + bool(got[1].cuts)
    assert fits > 50  # most of them cut something


def test_the_address_is_the_site_url_when_set_and_the_path_otherwise(kit_corpus):
    plain_page = _pages(kit_corpus)[teach.kit_paths(SMALL)["handout"]]
    assert f">items/{SMALL}/</a>" in plain_page
    full = _pages(kit_corpus, "https://digest.example.org/sub/")[teach.kit_paths(SMALL)["handout"]]
    assert f">https://digest.example.org/sub/items/{SMALL}/</a>" in full


def test_the_handout_shows_excerpt_publisher_key_gists_and_questions(kit_corpus):
    page = _pages(kit_corpus)[teach.kit_paths(BIG)["handout"]]
    main = _main(page)
    text = _text(main)
    assert "Excerpt published by Island Voice" in text
    assert "Name:" in text and "Date:" in text
    marks = [_text(m) for m in main.iter("mark")]
    # Numbered in reading order, the headline first; a word keeps its number.
    assert marks[:5] == ["Greedy1", "cartel2", "greedy1", "cartel2", "betrayed3"]
    [key] = [t for t in main.iter("table") if "kit-key" in t.get("class", "")]
    rows = [[_text(td) for td in tr.iter("td")] for tr in key.iter("tr")][1:]
    assert rows[1] == ["2", "cartel", "island campaigners, of the ferry company", "the ferry company"]
    assert "The ferry company said the winter timetable should be judged" in text  # the gist
    assert "(stated)" in text


def test_absent_gists_and_guidance_are_handled(kit_corpus):
    def strip(d):
        for pv in d["perspectives"]:
            pv["gist"] = ""
        d["questions"] = [q["question"] if isinstance(q, dict) else q for q in d["questions"]]
    kit_corpus.edit_item(strip, SMALL)
    pages = _pages(kit_corpus)
    handout = _text(_main(pages[teach.kit_paths(SMALL)["handout"]]))
    assert "The company said winter crossings carried fewer than twenty passengers on most days." in handout
    answers = _text(_main(pages[teach.kit_paths(SMALL)["answers"]]))
    assert answers.count("No guidance is written for this question yet") == 3


# --- the answer key and the activities -------------------------------------------------------

def test_the_answer_key_gives_guidance_the_chain_and_the_framing_key(kit_corpus):
    pages = _pages(kit_corpus)
    main = _main(pages[teach.kit_paths(SMALL)["answers"]])
    text = _text(main)
    assert "A good answer names 'betray'" in text
    assert "Not found. The notice was not found on the company's website." in text
    assert ("As it printed it: The company said the winter crossings carried fewer than twenty "
            "passengers on most days.") in text
    assert "betray1" in text and "the company changed the timetable" in text  # the headline's word
    assert "Name:" not in text  # the teacher's copy
    big = _text(_main(pages[teach.kit_paths(BIG)["answers"]]))
    assert "eviction notice" in big and "a timetable change" in big  # the whole framing key


def test_an_answer_key_that_fits_is_not_cut(kit_corpus):
    key = teach.fit_answers(_view(kit_corpus), kit_corpus_item(kit_corpus, SMALL))
    assert key.cuts == () and key.more_questions == 0 and not key.guidance_cut
    assert key.excerpt_limit is None and key.estimate <= teach.PAGE_LINES


def test_the_answer_key_is_cut_by_its_rule_in_its_order_and_keeps_what_it_must(kit_corpus):
    """A smaller page cuts more, in the rule's order; the handout's questions, every link of the
    chain and every marked word stay; what is cut says where the rest is."""
    view = _view(kit_corpus)

    def long_guidance(d):
        d["questions"] = [{"question": f"Question {n}?", "guidance": " ".join(
            f"Sentence {n}.{k} of the guidance says what a good answer notices." for k in range(8))}
            for n in range(1, 6)]
    kit_corpus.edit_item(long_guidance, BIG)
    view = _view(kit_corpus)
    item = kit_corpus_item(kit_corpus, BIG)
    roomy = teach.fit_answers(view, item, budget=500)
    assert roomy.cuts == () and len(roomy.questions) == 5
    order = ["questions", "what each link printed", "key notes", "link notes", "excerpt",
             "what changed", "guidance", "link titles"]
    last: tuple = ()
    for budget in (120, 90, 70, 55, 45, 35):
        key = teach.fit_answers(view, item, budget=budget)
        assert [c for c in order if c in key.cuts] == list(key.cuts)  # the rule's order
        assert set(last) <= set(key.cuts)  # a smaller page never cuts less
        last = key.cuts
        assert [q for q, _, on in key.questions if on] == [q.question for q in item.discussion[:3]]
        assert len(key.chain) == len(item.provenance) and len(key.key) > 0
        if key.estimate > budget:  # only once every cut is made
            assert "link titles" in key.cuts
    assert {"questions", "guidance", "excerpt"} <= set(last)
    pages = _pages(kit_corpus)
    fitted = teach.fit_answers(view, item)
    assert fitted.more_questions == 2
    text = _text(_main(pages[teach.kit_paths(BIG)["answers"]]))
    assert "2 more questions for discussion, not on the handout" in text
    assert "Question 4?" not in text and "Question 3?" in text
    # The item's page has every question with its guidance in full.
    item_page = pages[f"items/{BIG}.md"]
    assert "Question 5?" in item_page and "Sentence 5.7 of the guidance" in item_page


def test_the_answer_key_says_what_each_link_changed_from_the_one_it_drew_on(kit_corpus):
    def attributed(d):
        d["provenance"][1]["excerpt"] = "According to the ferry company, " + d["seed"]["excerpt"]
    kit_corpus.edit_item(attributed, SMALL)
    text = _text(_main(_pages(kit_corpus)[teach.kit_paths(SMALL)["answers"]]))
    assert "From Coast Radio: dropped “According to the ferry company,”." in text
    kit_corpus.edit_item(lambda d: d["provenance"][1].update(excerpt="Nothing alike at all."),
                         SMALL)
    text = _text(_main(_pages(kit_corpus)[teach.kit_paths(SMALL)["answers"]]))
    assert "A different passage from Coast Radio's." in text


def test_spot_the_framing_prints_the_excerpt_unmarked_with_an_empty_key(kit_corpus):
    main = _main(_pages(kit_corpus)[teach.kit_paths(BIG)["framing"]])
    assert list(main.iter("mark")) == []
    assert "greedy ferry cartel" in _text(main)
    [table] = list(main.iter("table"))
    cells = [_text(td) for td in table.iter("td")]
    assert cells[1::4] == ["", "", "", "", ""]  # five empty rows to fill


def test_trace_the_source_prints_an_empty_chain_from_seed_to_speaker(kit_corpus):
    main = _main(_pages(kit_corpus)[teach.kit_paths(BIG)["trace"]])
    text = _text(main)
    steps = [el for el in main.iter("ol") if el.get("class") == "kit-steps"][0]
    assert len(steps) == 4  # the page you have, steps 2 and 3, the original speaker
    assert "published by Island Voice" in text
    assert "Coast Radio" not in text and "coast-radio.example.org" not in text  # the answer


# --- inert record text -----------------------------------------------------------------------

ATTACK = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_record_text_is_inert_on_every_print_page(kit_corpus):
    def poison(d):
        d["title"] = d["neutral_title"] = ATTACK
        d["framing"].append({"term": "cartel", "note": ATTACK})
        d["perspectives"][0]["gist"] = ATTACK
        d["questions"][0] = {"question": ATTACK, "guidance": ATTACK}
        d["provenance"][1]["note"] = d["provenance"][1]["excerpt"] = ATTACK
        d["summary"] = f"{ATTACK} [x](javascript:alert(3))"
    kit_corpus.edit_item(poison, BIG)
    pages = _pages(kit_corpus)
    for path in [*teach.kit_paths(BIG).values(), "teachers/pack/index.html"]:
        main = _main(pages[path])
        assert active_parts(main) == [], path
        assert ATTACK in "".join(main.itertext()), path  # shown as written, as text


def test_a_build_prints_mkdocs_site_url_on_the_handouts(tmp_path):
    """A build hands MkDocs' ``site_url`` to the kit: the printed address is the full one."""
    from generator.site import build

    project = tmp_path / "project"
    shutil.copytree(KIT, project)
    shutil.copytree(ROOT / "docs", project / "docs")
    (project / "mkdocs.yml").write_text(config_text() + "site_url: https://digest.example.org/\n",
                                        encoding="utf-8")
    build(project / "mkdocs.yml", project / "content", project / "site")
    page = (project / "site" / teach.kit_paths(SMALL)["handout"]).read_text(encoding="utf-8")
    assert f">https://digest.example.org/items/{SMALL}/</a>" in page


def test_an_activity_cuts_a_long_passage_at_a_word_by_the_room_left(kit_corpus):
    view = _view(kit_corpus)
    item = kit_corpus_item(kit_corpus, BIG)
    limit = teach.passage_limit(view, item, teach.FRAMING_LABEL, teach.FRAMING_FIXED)
    assert teach.PASSAGE_MIN <= limit < len(item.seed.excerpt)
    main = _main(_pages(kit_corpus)[teach.kit_paths(BIG)["framing"]])
    [passage] = [el for el in main.iter("blockquote")]
    shown = _text(passage)
    assert shown.endswith(" […]")
    assert item.seed.excerpt.startswith(shown[: -len(" […]")]) and len(shown) <= limit + 4
    # A short passage is printed whole.
    small = _text([*_main(_pages(kit_corpus)[teach.kit_paths(SMALL)["framing"]]).iter("blockquote")][0])
    assert small == kit_corpus_item(kit_corpus, SMALL).seed.excerpt
