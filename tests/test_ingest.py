"""Stage: ingest. Seeds in every format, malformed seeds, pre-filling, and never losing work.

Fixture seeds live in tests/fixtures/seeds (a council round-up, a climate tag archive, a health
category page, a sports feed, a transit Atom feed, school-board notes in Markdown); small
registries for pre-filling in tests/fixtures/registries. Real feeds come from feedparser's test
suite, copied into tests/data.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import cli, seedformats, textfile, urls, yamlio
from generator import ingest as ing
from generator.check import run_checks
from generator.load import load_content
from generator.prefill import Prefill, find_date
from generator.ingest import parse_seed
from generator.seedformats import detect

from conftest import DATA, FIXTURES, ROOT, tree

SEEDS = FIXTURES / "seeds"
REGISTRIES = FIXTURES / "registries"

COUNCIL = SEEDS / "riverton-council-roundup.txt"
CLIMATE = SEEDS / "climate-tag-archive.html"
HEALTH = SEEDS / "health-category.html"
SPORTS = SEEDS / "harbor-sports-feed.xml"
TRANSIT = SEEDS / "transit-updates.atom"
SCHOOL = SEEDS / "school-board-notes.md"
ALL_SEEDS = [COUNCIL, CLIMATE, HEALTH, SPORTS, TRANSIT, SCHOOL]


# --- helpers --------------------------------------------------------------------------------

def read(path: Path, fmt: str | None = None):
    doc, problems = parse_seed(path, f"seeds/{path.name}", fmt)
    assert problems == [], problems
    return doc


def project(root: Path, registries: bool = True) -> Path:
    """A project folder with an empty content/ (and the fixture registries)."""
    (root / "content").mkdir(parents=True)
    if registries:
        for path in REGISTRIES.glob("*.yaml"):
            shutil.copy(path, root / "content" / path.name)
    return root


def run(root: Path, *seeds: Path, fmt: str | None = None) -> ing.Plan:
    """Plan and apply an ingest, the way the command does."""
    content = root / "content"
    digest, _ = load_content(content, root)
    result = ing.plan(list(seeds), content, root, fmt, Prefill(digest))
    ing.apply(result)
    return result


def record(root: Path, item_id: str) -> dict:
    doc, problems = yamlio.load(root / "content" / "items" / f"{item_id}.yaml", item_id)
    assert problems == []
    return doc.data


def errors(root: Path) -> list:
    digest, problems = load_content(root / "content", root)
    return [p for p in run_checks(digest, problems) if p.severity == "error"]


def invoke(root: Path, *args: str, monkeypatch=None):
    if monkeypatch is not None:
        monkeypatch.chdir(root)
    return CliRunner().invoke(cli.main, ["ingest", *args], catch_exceptions=False)


@pytest.fixture
def proj(tmp_path):
    return project(tmp_path / "proj")


# --- plain-text digests ---------------------------------------------------------------------

def test_text_digest_items_paragraphs_and_read_more_lines():
    doc = read(COUNCIL)
    assert doc.format == "text"
    assert doc.title == "Riverton Council Watch: This Week's Round-up"
    assert [i.title for i in doc.items] == [
        "Council rams through reckless parking hike", "Library hours cut again",
        "Whitfeld defends bike lane plan", "Snow budget overspent by a third"]
    first = doc.items[0].excerpt
    assert first.count("\n\n") == 2  # three paragraphs, kept as written
    assert "\nRead more about the fee schedule in the council minutes" in first  # body, not an end
    assert doc.items[3].excerpt.startswith("The public works department")  # no final `Read more`


def test_text_excerpts_are_verbatim():
    text = COUNCIL.read_text(encoding="utf-8")
    for item in read(COUNCIL).items:
        assert item.excerpt in text


@pytest.mark.parametrize("transform", [
    lambda b: b.replace(b"\n", b"\r\n"),
    lambda b: b"\xef\xbb\xbf" + b,
    lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"),
    lambda b: b.replace(b"\n", b"\r"),
    lambda b: b.rstrip(b"\n"),
], ids=["crlf", "bom", "bom-crlf", "cr", "no-final-newline"])
def test_text_variants_read_the_same(tmp_path, transform):
    variant = tmp_path / COUNCIL.name
    variant.write_bytes(transform(COUNCIL.read_bytes()))
    assert read(variant).items == read(COUNCIL).items


def test_text_digest_without_a_page_title():
    title, items = seedformats.parse_text("Budget passes\n\nThe council agreed.\n\nRead more\n\n"
                                          "Pool reopens\n\nSwimmers return.\n")
    assert title == ""
    assert [(i.title, i.excerpt) for i in items] == [("Budget passes", "The council agreed."),
                                                      ("Pool reopens", "Swimmers return.")]


def test_text_read_more_variants_end_items():
    text = "Page\n\nA\n\none\n\nRead more…\n\nB\n\ntwo\n\nREAD MORE »\n\nC\n\nthree\n\nRead more:\n"
    assert [i.excerpt for i in seedformats.parse_text(text)[1]] == ["one", "two", "three"]


def test_bundled_seed_is_unchanged_by_ingest():
    bundled = sorted((ROOT / "seeds").glob("*.txt"))
    assert bundled
    result = ing.plan(bundled, ROOT / "content", ROOT)
    assert result.problems == []
    assert result.count("unchanged") == 10 and result.count("create") == 0


# --- saved HTML listing pages ---------------------------------------------------------------

def test_html_tag_archive_reads_articles_and_ignores_chrome():
    doc = read(CLIMATE)
    assert doc.format == "html"
    assert doc.title == "Climate | Heartland Energy Voice"
    assert [i.title for i in doc.items] == [
        "Climate alarmists demand yet more wind farm subsidies",
        "Bureaucrats come for your gas stove", "Coal towns left behind"]
    text = "\n".join(i.title + "\n" + i.excerpt for i in doc.items)
    for chrome in ("Injected by a script", "Popular posts", "Home", "Privacy", "Tags:",
                   "Share this", "Continue reading", "color: red", "Tag: Climate"):
        assert chrome not in text
    assert "<" not in text


def test_html_links_are_absolute_and_never_javascript():
    links = [i.link for i in read(CLIMATE).items]
    assert links == ["https://heartland-energy-voice.example/2023/05/wind-farm-subsidies/",
                     "https://heartland-energy-voice.example/2023/04/gas-stoves/", ""]


def test_html_excerpt_is_plain_text_paragraphs_and_date_from_time():
    first = read(CLIMATE).items[0]
    assert first.excerpt.split("\n\n")[1].startswith("The Prairie Climate Coalition wants")
    assert first.date == "2023-05-09" and "<time>" in first.date_basis


def test_html_repeated_blocks_without_article_elements():
    doc = read(HEALTH)
    assert [i.title for i in doc.items] == ["Clinic closure puts lives at risk",
                                            "Vaccine van returns to rural towns",
                                            "Hospital merger: who really benefits?"]
    assert doc.items[0].link == "https://valley-watchdog.example/health/clinic-closure.html"
    assert all("Sections" not in i.excerpt and "reader-funded" not in i.excerpt for i in doc.items)
    assert doc.items[2].excerpt.startswith("Read more about the merger")  # body, kept


@pytest.mark.parametrize("body", [
    # a flat list: headings and paragraphs as siblings
    "<div><h2><a href='https://a.example/1'>One</a></h2><p>uno</p>"
    "<h2><a href='https://a.example/2'>Two</a></h2><p>dos</p></div>",
    # list items
    "<ul><li><h3><a href='https://a.example/1'>One</a></h3><p>uno</p></li>"
    "<li><h3><a href='https://a.example/2'>Two</a></h3><p>dos</p></li></ul>",
])
def test_html_listing_layouts(body):
    title, items = seedformats.parse_html(f"<html><body><nav><h2>Menu</h2></nav>{body}</body></html>")
    assert [(i.title, i.excerpt, i.link) for i in items] == [
        ("One", "uno", "https://a.example/1"), ("Two", "dos", "https://a.example/2")]


def test_html_relative_links_without_a_page_address_are_left_out():
    _, items = seedformats.parse_html("<article><h2><a href='/x'>A</a></h2><p>a</p></article>"
                                      "<article><h2><a href='/y'>B</a></h2><p>b</p></article>")
    assert [i.link for i in items] == ["", ""]


def test_html_deep_nesting_is_read_without_crashing():
    html = "<html><body>" + "<div>" * 5000 + "<article><h2>Deep</h2><p>x</p></article></body></html>"
    _, items = seedformats.parse_html(html)
    assert [i.title for i in items] == ["Deep"]


# --- RSS and Atom feeds ---------------------------------------------------------------------

def test_rss_feed_items_links_dates_and_plain_text():
    doc = read(SPORTS)
    assert doc.format == "feed" and doc.title == "Harbor City Fan Zone – Sports"
    first, second, third = doc.items
    assert first.title == "Greedy owners hold the Mariners hostage"
    assert first.link == "https://fanzone.example/sports/2023/11/stadium-deal"
    assert first.excerpt == ("Owner Victor Lang says the team will leave unless the city pays for "
                             "a new stadium.\n\nThe Harbor Gazette confirmed the deadline.")
    assert first.date == "2023-11-05"  # in the feed's own time zone, not UTC's 6 November
    assert second.date == "2023-10-30" and "Saturday's" in second.excerpt
    assert third.link == "https://fanzone.example/sports/2023/10/youth-league"  # made absolute
    assert third.date == "" and doc.date == "2023-11-06" and "feed's own" in doc.date_basis


def test_atom_feed_entries():
    doc = read(TRANSIT)
    assert doc.format == "feed"
    first, second, third = doc.items
    assert first.title == "Transit authority slashes night service"
    assert first.link == "https://busriders.example/2024/02/night-service"  # from xml:base
    assert first.date == "2024-02-19" and "published" in first.date_basis
    assert first.excerpt.endswith("Director Helen Brandt said ridership after 10 p.m. fell by half.")
    assert (second.excerpt, second.date) == ("Riders will pay no more than $5 a day.", "2024-01-15")
    assert "updated" in second.date_basis
    # type="text": angle brackets are words, not markup
    assert third.title == "Why the <blink> map is back"
    assert third.excerpt.endswith("<by popular demand>.")


def test_feed_is_never_fetched_or_opened_from_its_text(tmp_path, monkeypatch):
    real = tmp_path / "real.xml"
    real.write_bytes(SPORTS.read_bytes())
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("ingest tried to fetch a URL")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    for text in (str(real), "https://fanzone.example/feed.xml"):
        seed = tmp_path / "pointer.txt"
        seed.write_text(text)
        doc, problems = parse_seed(seed, "seeds/pointer.txt", "feed")
        assert doc is None and problems[0].code == "seed-no-items"


@pytest.mark.parametrize("name, field, expected", [
    ("rss/item_link.xml", "link", "http://example.com/"),
    ("rss/item_guid_isPermaLink_map_link.xml", "link", "http://guid.example.com/"),
    ("rss/item_title.xml", "title", "Item 1 title"),
    ("rss/item_description_br.xml", "excerpt", "article title\n\narticle byline\n\ntext of article"),
    ("rss/item_content_encoded.xml", "excerpt", "Example content"),
    ("rss/item_xhtml_body.xml", "excerpt", "Example content"),
    ("atom10/entry_link_href.xml", "link", "http://www.example.com/"),
    ("atom10/entry_title_inline_markup.xml", "title", "Example Atom"),
    ("atom10/entry_content_escaped_markup.xml", "excerpt", "Example Atom"),
    ("atom10/entry_summary_base64.xml", "excerpt", "Example Atom"),
    ("atom10/entry_content_text_plain_brackets.xml", "excerpt", "History of the <blink> tag"),
])
def test_real_feeds(name, field, expected):
    path = DATA.joinpath("feeds", name)
    doc = read(path)
    assert doc.format == "feed"
    assert getattr(doc.items[0], field) == expected


@pytest.mark.parametrize("folder", ["rss", "atom10", "sanitize", "illformed"])
def test_every_real_feed_reads_or_fails_cleanly(folder):
    paths = sorted(p for p in DATA.joinpath("feeds", folder).rglob("*") if p.is_file())
    assert paths
    for path in paths:
        doc, problems = parse_seed(path, f"seeds/{path.name}")
        if doc is None:
            assert len(problems) == 1 and problems[0].path == str(path)
            continue
        for item in doc.items:
            assert "<script" not in (item.title + item.excerpt).lower()
            assert item.link == "" or urls.is_http(item.link)
            assert item.date == "" or seedformats.iso_date(item.date) == item.date


@pytest.mark.parametrize("url, accepted", [
    ("https://example.org/a?b=c#d", True),
    ("http://example.org", True),
    ("HTTPS://EXAMPLE.ORG/x", True),
    ("https://xn--bcher-kva.example/x", True),
    ("http://localhost/x", False),
    ("http://intranet/x", False),
    ("http://127.0.0.1/x", True),
    ("javascript:alert(1)", False),
    ("ftp://example.org/f", False),
    ("https://", False),
    ("//example.org/x", False),
    ("https://example.org/" + "a" * 2_000, False),
])
def test_ingest_keeps_a_link_exactly_when_the_checks_accept_it(corpus, url, accepted):
    """One URL policy (``generator.urls``): ingest never writes a link the checks refuse, and
    drops none they accept."""
    seed = corpus.root / "seeds" / "links.md"
    seed.write_text(f"# Links\n\n## [A headline]({url})\n\nThe body of the item.\n",
                    encoding="utf-8")
    doc = read(seed, "markdown")
    kept = doc.items[0].link == url
    corpus.edit_item(lambda data: data["seed"].__setitem__("link", url))
    checked = not [p for p in corpus.problems() if p.severity == "error"]
    assert kept == checked == accepted


def test_hostile_html_payloads_never_become_links_or_markup(tmp_path):
    payloads = DATA.joinpath("xss", "payloadbox-xss-payload-list.txt").read_text(
        encoding="utf-8", errors="replace").splitlines()
    sample = random.Random(7).sample(payloads, 400)
    for payload in sample:
        _, items = seedformats.parse_html(
            f"<article><h2><a href=\"{payload}\">T</a></h2><p>{payload}</p></article>")
        for item in items:
            assert item.link == "" or item.link.startswith(("http://", "https://"))
        assert "javascript:" not in "".join(i.link.lower() for i in items)


# --- Markdown -------------------------------------------------------------------------------

def test_markdown_items_by_level_two_headlines():
    doc = read(SCHOOL)
    assert doc.format == "markdown"
    assert doc.title == "Parents for Accountability: School Board Notes"
    first, second, third = doc.items
    assert first.title == "Board rubber-stamps another budget"
    assert first.link == "https://parents-accountability.example/2024/06/budget"
    assert first.excerpt == ('On 11 June 2024 the board approved a $212 million budget with no '
                             'public debate. Superintendent Grace Okafor called it "a responsible '
                             'plan."\n\n- Class sizes rise to 28\n- Two counsellor posts cut')
    assert second.excerpt.endswith("The survey is online.")  # a link keeps its words
    assert second.link == "https://parents-accountability.example/2024/05/start-times"
    assert third.excerpt == "Eleven titles were removed from the middle-school library pending review."
    assert all("Share widely" not in i.excerpt for i in doc.items)  # the intro is not an item


# --- detection ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, suffix, expected", [
    ('<?xml version="1.0"?>\n<!-- c -->\n<rss version="2.0"><channel/></rss>', ".txt", "feed"),
    ('<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "", "feed"),
    ('<rdf:RDF xmlns:rdf="x"></rdf:RDF>', ".rdf", "feed"),
    ("<!DOCTYPE html>\n<html><body></body></html>", ".txt", "html"),
    ("<div><h2>A</h2></div>", ".md", "html"),
    ("# T\n\n## One\n\nBody\n", ".txt", "markdown"),
    ("Title\n\n## One\n\nBody\n\nRead more\n", ".md", "text"),
    ("Title\n\nHeadline\n\nBody\n\nRead more\n", ".html", "text"),
    ("Just a line\n", ".md", "markdown"),
    ("Just a line\n", ".xml", "feed"),
    ("Just a line\n", "", "text"),
])
def test_detect_judges_content_first(text, suffix, expected):
    assert detect(text, suffix) == expected


def test_fixtures_are_detected_by_content_not_name(tmp_path):
    for path in ALL_SEEDS:
        renamed = tmp_path / (path.stem + ".dat")
        renamed.write_bytes(path.read_bytes())
        assert read(renamed).format == read(path).format


def test_format_option_overrides_detection(tmp_path):
    doc = read(SCHOOL, "text")
    assert doc.format == "text" and doc.items != read(SCHOOL).items
    assert read(SPORTS, "rss").format == "feed"  # aliases are accepted
    doc, problems = parse_seed(COUNCIL, "seeds/x", "html")
    assert doc is None and problems[0].code == "seed-no-items"


# --- malformed seeds ------------------------------------------------------------------------

BAD_SEEDS = {
    "empty.txt": (b"", "seed-empty", 1),
    "blank.txt": (b"  \n\r\n\t\n", "seed-empty", 1),
    "binary.txt": (b"Title\n\nHeadline\n\x00\x01\x02", "seed-binary", 4),
    "latin1.txt": ("Title\n\nHeadline\n\nCaf\u00e9 au lait\n".encode("latin-1"), "seed-encoding", 5),
    "no-items.txt": (b"Only one line\n", "seed-no-items", 1),
    "no-items.html": (b"<html><body><nav><a href='/'>Home</a></nav><p>Hello</p></body></html>",
                      "seed-no-items", 1),
    "no-items.xml": (b'<rss version="2.0"><channel><title>Empty</title></channel></rss>',
                     "seed-no-items", 1),
    "broken.xml": (b'<rss version="2.0"><channel><item><title>Cut off', "seed-no-items", 1),
    "no-items.md": (b"# Only a title\n\nSome text.\n", "seed-no-items", 1),
}


@pytest.mark.parametrize("name", sorted(BAD_SEEDS))
def test_bad_seed_gets_one_clear_problem(tmp_path, name):
    data, code, line = BAD_SEEDS[name]
    path = tmp_path / name
    path.write_bytes(data)
    doc, problems = parse_seed(path, f"seeds/{name}")
    assert doc is None
    assert [(p.path, p.line, p.code) for p in problems] == [(str(path), line, code)]
    assert problems[0].message


def test_too_large_seed(tmp_path, monkeypatch):
    monkeypatch.setattr(textfile, "MAX_SEED_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_bytes(COUNCIL.read_bytes())
    doc, problems = parse_seed(path, "seeds/big.txt")
    assert doc is None and problems[0].code == "seed-too-large" and "split it" in problems[0].message


def test_missing_seed_and_folder(tmp_path):
    for path, words in ((tmp_path / "nope.txt", "no such file"), (tmp_path, "folder")):
        doc, problems = parse_seed(path, "seeds/x")
        assert doc is None and problems[0].code == "seed-unreadable" and words in problems[0].message


@pytest.mark.parametrize("name", sorted(BAD_SEEDS))
def test_cli_bad_seed_writes_nothing(proj, monkeypatch, name):
    data, code, line = BAD_SEEDS[name]
    bad = proj.parent / name
    bad.write_bytes(data)
    before = tree(proj)
    result = invoke(proj, str(bad), monkeypatch=monkeypatch)
    assert result.exit_code == 1
    assert f"{bad}:{line}: {code}: " in result.stderr
    assert "Traceback" not in result.output
    assert tree(proj) == before  # no copy in seeds/, no record


def test_cli_good_seeds_are_ingested_beside_a_bad_one(proj, monkeypatch):
    bad = proj.parent / "empty.txt"
    bad.write_bytes(b"")
    result = invoke(proj, str(bad), str(COUNCIL), monkeypatch=monkeypatch)
    assert result.exit_code == 1
    assert f"{bad}:1: seed-empty: " in result.stderr
    assert "4 created, 0 unchanged, 0 in conflict, 1 errors" in result.stderr
    assert not (proj / "seeds" / "empty.txt").exists()


# --- pre-filling ----------------------------------------------------------------------------

def test_prefill_speakers_outlets_framing_and_dates(proj):
    run(proj, COUNCIL)
    rec = record(proj, "whitfeld-defends-bike-lane-plan")
    assert rec["speakers"] == [{"actor": "dana-whitfield", "role_at_time": "", "status": "unverified"}]
    assert [(p["role"], p["outlet"], p["status"]) for p in rec["provenance"]] == [
        ("seed-page", "", "unverified"), ("original-report", "riverton-ledger", "unverified")]
    assert [f["term"] for f in rec["framing"]] == ["radical"]
    first = record(proj, "council-rams-through-reckless-parking-hike")
    assert first["date"]["value"] == "2023-03-14" and first["date"]["precision"] == "day"
    assert "'14 March 2023'" in first["date"]["basis"]
    assert record(proj, "library-hours-cut-again")["date"] == {
        "value": "2023-03", "precision": "month",
        "basis": "proposed by ingest from the words 'March 2023' in the excerpt; not checked"}


def test_prefill_outlet_spellings_and_page_outlet(proj):
    run(proj, CLIMATE)
    rec = record(proj, "climate-alarmists-demand-yet-more-wind-farm-subsidies")
    seed_page = rec["provenance"][0]
    assert seed_page["url"] == rec["seed"]["link"]  # the item's link is the first link
    assert seed_page["outlet"] == "heartland-energy-voice" and seed_page["status"] == "unverified"
    assert rec["provenance"][1]["outlet"] == "plains-daily-record"
    assert rec["framing"][0]["term"] == "Climate alarmists"
    assert rec["date"]["value"] == "2023-05-09"  # the item's own date comes first


def test_prefill_invents_nothing(proj):
    run(proj, *ALL_SEEDS)
    for path in (proj / "content" / "items").glob("*.yaml"):
        rec = record(proj, path.stem)
        assert rec["status"] == "draft"
        assert rec["neutral_title"] == "" and rec["summary"] == ""
        for absent in ("perspectives", "questions", "about", "context", "related", "reviewed_by"):
            assert absent not in rec
        assert all(link["status"] == "unverified" and not link["accessed"]
                   for link in rec["provenance"])
        assert all(s["status"] == "unverified" for s in rec.get("speakers", []))


def test_prefill_feed_dates(proj):
    run(proj, SPORTS)
    youth = record(proj, "youth-league-registration-opens")
    assert youth["date"]["value"] == "2023-11-06" and "feed's own" in youth["date"]["basis"]
    assert record(proj, "greedy-owners-hold-the-mariners-hostage")["provenance"][0]["date"] == "2023-11-05"


def test_find_date_skips_impossible_and_future_dates():
    assert find_date("on 31 February 2023, then on 2 March 2023") == ("2023-03-02", "2 March 2023")
    assert find_date("planned for 1 January 2999") is None
    assert find_date("in 2023-13-01 or March 2023") == ("2023-03", "March 2023")


def test_without_registries_nothing_is_proposed(tmp_path):
    root = project(tmp_path / "bare", registries=False)
    run(root, COUNCIL)
    rec = record(root, "whitfeld-defends-bike-lane-plan")
    assert "speakers" not in rec and "framing" not in rec and len(rec["provenance"]) == 1


# --- records, ids, checks -------------------------------------------------------------------

def test_all_formats_ingest_into_records_that_pass_the_checks(proj):
    result = run(proj, *ALL_SEEDS)
    assert result.problems == [] and result.count("create") == 19
    assert errors(proj) == []
    formats = {record(proj, p.stem)["seed"]["format"] for p in (proj / "content/items").glob("*")}
    assert formats == {"text", "html", "feed", "markdown"}
    assert tree(proj)["seeds/climate-tag-archive.html"] == tree(SEEDS)["climate-tag-archive.html"]


def test_ids_are_unique_across_seeds_and_stable(proj, tmp_path):
    twin = tmp_path / "other-roundup.txt"
    twin.write_text("Other page\n\nLibrary hours cut again\n\nA different story.\n")
    run(proj, COUNCIL, twin)
    assert record(proj, "library-hours-cut-again")["seed"]["file"] == "seeds/riverton-council-roundup.txt"
    assert record(proj, "library-hours-cut-again-2")["seed"]["file"] == "seeds/other-roundup.txt"
    again = project(tmp_path / "again")
    run(again, COUNCIL, twin)
    assert tree(again / "content" / "items") == tree(proj / "content" / "items")


def test_a_seed_named_twice_is_read_once(proj):
    result = run(proj, COUNCIL, COUNCIL)
    assert result.count("create") == 4 and result.problems == []


def test_a_different_seed_with_a_taken_name_is_refused(proj, tmp_path):
    run(proj, COUNCIL)
    other = tmp_path / "elsewhere" / COUNCIL.name
    other.parent.mkdir()
    other.write_text("Page\n\nNew headline\n\nNew body.\n")
    before = tree(proj)
    result = run(proj, other)
    assert [p.code for p in result.problems] == ["ingest-seed-name"]
    assert tree(proj) == before


def test_a_seed_inside_the_project_is_kept_under_seeds(proj):
    inbox = proj / "inbox"
    inbox.mkdir()
    shutil.copy(TRANSIT, inbox / TRANSIT.name)
    run(proj, inbox / TRANSIT.name)
    assert (proj / "seeds" / TRANSIT.name).read_bytes() == TRANSIT.read_bytes()
    assert record(proj, "fare-cap-finally-arrives")["seed"]["file"] == f"seeds/{TRANSIT.name}"
    assert errors(proj) == []


def test_an_item_that_cannot_become_a_record_is_reported(proj, tmp_path):
    seed = tmp_path / "long.txt"
    seed.write_text("Page\n\n" + "x" * 30_000 + "\n\nBody.\n\nRead more\n\nFine\n\nBody.\n")
    result = run(proj, seed)
    assert [p.code for p in result.problems] == ["ingest-item"]
    assert result.count("create") == 1 and record(proj, "fine")["seed"]["position"] == 2


# --- the seed check, for every format -------------------------------------------------------

def _edit(root: Path, item_id: str, change) -> None:
    path = root / "content" / "items" / f"{item_id}.yaml"
    data = yamlio.parse(path.read_text(), "x").data
    change(data)
    path.write_text(yamlio.dump(data))


def _rehash(data: dict, excerpt: str) -> None:
    data["seed"]["excerpt"] = excerpt
    data["seed"]["sha256"] = ing.sha256(excerpt)


@pytest.mark.parametrize("seed, item_id", [
    (COUNCIL, "library-hours-cut-again"),
    (CLIMATE, "bureaucrats-come-for-your-gas-stove"),
    (SPORTS, "referee-scandal-league-covers-up-again"),
    (SCHOOL, "library-books-pulled"),
])
def test_seed_check_catches_an_excerpt_that_is_not_the_seeds(proj, seed, item_id):
    run(proj, seed)
    _edit(proj, item_id, lambda d: _rehash(d, d["seed"]["excerpt"] + " (edited)"))
    found = errors(proj)
    assert [(p.code, p.path) for p in found] == [("seed", f"content/items/{item_id}.yaml")]


def test_seed_check_position_and_empty_format(proj):
    run(proj, CLIMATE)
    _edit(proj, "coal-towns-left-behind", lambda d: d["seed"].update(position=9))
    assert "has 3 items, not 9" in errors(proj)[0].message
    _edit(proj, "coal-towns-left-behind", lambda d: d["seed"].update(position=3, format=""))
    assert errors(proj) == []  # an empty format is judged from the content


def test_seed_check_reads_each_seed_once(proj, monkeypatch):
    run(proj, CLIMATE, SPORTS)
    calls = []
    real = seedformats.read_items
    monkeypatch.setattr(seedformats, "read_items", lambda *a: calls.append(a[1]) or real(*a))
    assert errors(proj) == []
    assert sorted(calls) == ["feed", "html"]


# --- never losing work ----------------------------------------------------------------------

def test_ingest_is_idempotent(proj):
    run(proj, *ALL_SEEDS)
    before = tree(proj)
    result = run(proj, *ALL_SEEDS)
    assert result.count("create") == 0 and result.count("unchanged") == 19
    assert result.problems == [] and tree(proj) == before
    again = run(proj, *sorted((proj / "seeds").iterdir()))  # the kept copies say the same
    assert again.count("unchanged") == 19 and tree(proj) == before


def test_an_edited_record_is_never_overwritten(proj):
    run(proj, COUNCIL)
    _edit(proj, "library-hours-cut-again", lambda d: d.update(
        summary="The council's budget committee voted to close a branch on Mondays.",
        status="reviewed", neutral_title="Eastside library to close on Mondays"))
    before = tree(proj)
    assert run(proj, COUNCIL).count("unchanged") == 4
    assert tree(proj) == before


def _change_seed(root: Path, name: str, old: str, new: str) -> None:
    path = root / "seeds" / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("seed, old, new, item_id", [
    (COUNCIL, "on Mondays", "on Mondays and Tuesdays", "library-hours-cut-again"),
    (CLIMATE, "indoor air quality", "indoor air", "bureaucrats-come-for-your-gas-stove"),
    (TRANSIT, "$5 a day", "$6 a day", "fare-cap-finally-arrives"),
])
def test_a_changed_seed_excerpt_is_a_conflict_and_both_stay(proj, seed, old, new, item_id):
    run(proj, seed)
    _change_seed(proj, seed.name, old, new)
    before = tree(proj)
    result = run(proj, proj / "seeds" / seed.name)
    conflicts = [a for a in result.actions if a.kind == "conflict"]
    assert [a.item_id for a in conflicts] == [item_id]
    assert "sha256 differs" in conflicts[0].message
    assert result.count("create") == 0 and tree(proj) == before


def test_cli_conflict_and_dry_run(proj, monkeypatch):
    invoke(proj, str(COUNCIL), monkeypatch=monkeypatch)
    _change_seed(proj, COUNCIL.name, "on Mondays", "on Fridays")
    before = tree(proj)
    seed = f"seeds/{COUNCIL.name}"
    dry = invoke(proj, seed, "--dry-run")
    assert dry.exit_code == 1
    assert "conflict: content/items/library-hours-cut-again.yaml" in dry.stdout
    assert ("content/items/library-hours-cut-again.yaml:1: ingest-conflict: the seed's excerpt "
            "for item 2") in dry.stderr
    assert "0 would be created, 3 unchanged, 1 in conflict, 0 errors" in dry.stderr
    real = invoke(proj, seed)
    assert real.exit_code == 1 and "1 in conflict" in real.stderr
    assert tree(proj) == before


def test_dry_run_writes_nothing(proj, monkeypatch):
    before = tree(proj)
    result = invoke(proj, *map(str, ALL_SEEDS), "--dry-run", monkeypatch=monkeypatch)
    assert result.exit_code == 0
    assert "would create: content/items/fare-cap-finally-arrives.yaml" in result.stdout
    assert "19 would be created, 0 unchanged, 0 in conflict, 0 errors" in result.stderr
    assert tree(proj) == before


def test_an_unreadable_record_blocks_new_items_and_is_left_alone(proj, tmp_path):
    run(proj, COUNCIL)
    broken = proj / "content" / "items" / "library-hours-cut-again.yaml"
    broken.write_text("id: [unclosed\n")
    before = tree(proj)
    result = run(proj, COUNCIL, SPORTS)
    codes = sorted(p.code for p in result.problems)
    assert codes == ["ingest-blocked", "ingest-blocked", "yaml-syntax"]
    assert tree(proj) == before


def test_a_record_that_appears_meanwhile_is_not_overwritten(proj):
    content = proj / "content"
    result = ing.plan([COUNCIL], content, proj)
    target = result.actions[0].path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("someone else's record\n")
    written = ing.apply(result).written
    assert target.read_text() == "someone else's record\n"
    assert len(written) == 3


@pytest.mark.parametrize("where", ["fsync", "link"])
def test_an_interrupted_write_leaves_no_half_file(tmp_path, monkeypatch, where):
    target = tmp_path / "items" / "x.yaml"

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, where, interrupt)
    with pytest.raises(KeyboardInterrupt):
        yamlio.write_new(target, "id: x\n" * 1000)
    assert list(target.parent.iterdir()) == []


def test_write_new_never_replaces(tmp_path):
    target = tmp_path / "x.yaml"
    assert yamlio.write_new(target, "one\n") is True
    assert yamlio.write_new(target, "two\n") is False
    assert target.read_text() == "one\n" and sorted(tmp_path.iterdir()) == [target]


# Edits a person might make: any field, any text, saved by an editor; or raw keystrokes.
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)
_FIELD_EDITS = st.fixed_dictionaries({}, optional={
    "neutral_title": _TEXT, "summary": _TEXT, "context": _TEXT,
    "status": st.sampled_from(["draft", "reviewed", "published"]),
    "questions": st.lists(_TEXT, max_size=4),
    "about": st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), max_size=3),
    "title": _TEXT,
})


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = project(tmp_path_factory.mktemp("template") / "proj")
    run(root, COUNCIL, CLIMATE)
    return root


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_edits_survive_re_ingest(ingested, tmp_path_factory, data):
    root = tmp_path_factory.mktemp("edit") / "proj"
    shutil.copytree(ingested, root)
    items = sorted((root / "content" / "items").iterdir())
    path = data.draw(st.sampled_from(items))
    text = path.read_bytes().decode("utf-8")
    if data.draw(st.booleans()):
        fields = yamlio.parse(text, "x").data
        fields.update(data.draw(_FIELD_EDITS))
        edited = yamlio.dump(fields, ing.SCHEMA_REF)
    else:
        at = data.draw(st.integers(0, len(text)))
        edited = text[:at] + data.draw(_TEXT) + text[at:]
    path.write_bytes(edited.encode("utf-8"))
    before = tree(root)
    result = run(root, root / "seeds" / COUNCIL.name, root / "seeds" / CLIMATE.name)
    after = tree(root)
    assert path.read_bytes() == edited.encode("utf-8")
    assert {k: v for k, v in after.items() if k in before} == before  # nothing rewritten
    if result.count("create") == 0:
        assert after == before


# --- the command line -----------------------------------------------------------------------

def test_cli_ingest_prints_plain_lines_and_a_summary(proj, monkeypatch):
    result = invoke(proj, *map(str, ALL_SEEDS), monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert f"{COUNCIL}: read as text: 4 new, 0 unchanged, 0 in conflict" in result.stdout
    assert "created: content/items/library-books-pulled.yaml" in result.stdout
    assert "19 created, 0 unchanged, 0 in conflict, 0 errors" in result.stderr
    second = invoke(proj, *map(str, ALL_SEEDS))
    assert second.exit_code == 0 and "0 created, 19 unchanged, 0 in conflict" in second.stderr


def test_cli_shows_a_progress_bar_on_a_terminal(proj, monkeypatch):
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    result = invoke(proj, *map(str, ALL_SEEDS), monkeypatch=monkeypatch)
    assert result.exit_code == 0
    assert "Reading seeds" in result.stderr and "Writing records" in result.stderr
    assert "created:" not in result.stdout


def test_cli_format_option(proj, monkeypatch):
    result = invoke(proj, str(SCHOOL), "--format", "text", monkeypatch=monkeypatch)
    assert result.exit_code == 0 and "read as text" in result.stdout
    bad = invoke(proj, str(SCHOOL), "--format", "pdf")
    assert bad.exit_code == 2 and "pdf" in bad.stderr


def test_cli_missing_seed_is_a_problem_not_a_traceback(proj, monkeypatch):
    result = invoke(proj, "nope.txt", monkeypatch=monkeypatch)
    assert result.exit_code == 1
    assert "nope.txt:1: seed-unreadable: no such file" in result.stderr


# --- the guide ------------------------------------------------------------------------------

def test_the_guide_covers_every_format_and_option():
    guide = (ROOT / "docs" / "guides" / "add-a-seed.md").read_text(encoding="utf-8")
    for word in (*seedformats.PARSERS, "--dry-run", "--format", "conflict", "parallax check",
                 "status: published", "seed-no-items"):
        assert word in guide, word


@pytest.mark.parametrize("value", ["2011", "2011-04", "2011-04-18", "2012-02-29", "2011-02-29",
                                   "2011-13", "2011-00", "2011-04-31", "٢٠١١-٠٤-١٨", "2011-4-18"])
def test_seed_dates_follow_the_records_date_rule(value):
    """Ingest proposes a date only where a record may hold it: one rule, in the models."""
    from generator.models import ItemDate, precision_of, valid_date
    from generator.prefill import find_date

    try:
        ItemDate.model_validate({"value": value, "precision": precision_of(value)})
        loads = True
    except Exception:
        loads = False
    assert valid_date(value) is loads
    assert (seedformats.iso_date(value) == value) is loads
    found = find_date(f"On {value} the council met.")
    assert (found is not None and found[0] == value) is (loads and len(value) == 10)


def test_run_is_the_whole_ingest_and_the_command_only_formats_it(proj):
    """``ingest.run`` plans and writes; its Result is what the command reports."""
    content = proj / "content"
    dry = ing.run([COUNCIL], content, dry_run=True)
    n = dry.count("create")
    assert dry.dry_run and dry.written == () and n > 1
    assert not any(a.path.exists() for a in dry.plan.actions)
    heard = []
    first = ing.run([COUNCIL], content, on_record=heard.append)
    assert [a.path for a in first.written] == [a.path for a in heard]
    assert len(first.written) == n and all(a.path.is_file() for a in first.written)
    again = ing.run([COUNCIL], content)
    assert again.written == () and again.count("unchanged") == n and not again.failed
    cli_run = CliRunner().invoke(cli.main, ["ingest", str(COUNCIL), "--content", str(content)])
    assert cli_run.exit_code == 0
    assert f"0 created, {n} unchanged, 0 in conflict, 0 errors" in cli_run.output
