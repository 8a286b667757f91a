"""Stage: ingest, seeds of any topic: read-more forms in several languages, the structural
fallback, one-item warnings, detection by content, duplicate excerpts, and digest.yaml's seeds."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from generator import ingest, yamlio
from generator.cli import main
from generator.seedformats import SeedError, detect, parse_text, read_items

TOPIC = FIXTURES / "newtopic"


def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("marker", [
    "Read more", "Continue reading", "Continue reading →", "Read More... | Comment",
    "Read More... | 3 Comments", "Leer más", "Lire la suite »", "Weiterlesen", "ادامه مطلب",
    "اقرأ المزيد", "Leggi tutto", "Continue reading this entry »", "[Read more]"])
def test_read_more_forms_end_items(marker):
    text = (f"Page title\n\nFirst headline\n\nFirst body.\n\n{marker}\n\n"
            f"Second headline\n\nSecond body.\n\n{marker}\n")
    title, items = parse_text(text)
    assert title == "Page title"
    assert [(i.title, i.excerpt) for i in items] == [("First headline", "First body."),
                                                     ("Second headline", "Second body.")]


@pytest.mark.parametrize("line", ["Read more about the budget in the minutes.",
                                  "Continue reading the report, the mayor said."])
def test_a_body_line_that_starts_with_the_words_stays_body(line):
    title, items = parse_text(f"Title\n\nHeadline\n\nBody.\n\n{line}\n\nRead more\n")
    assert len(items) == 1 and line in items[0].excerpt


def test_structure_splits_a_page_without_read_more_lines():
    text = ("Harbour news\n\nFares rise again\n\nThe board raised fares on Monday.\n\n"
            "Riders were not asked.\n\nNight boat kept\n\nThe 23:00 sailing stays.\n")
    title, items = parse_text(text)
    assert title == "Harbour news"
    assert [i.title for i in items] == ["Fares rise again", "Night boat kept"]
    assert items[0].excerpt == "The board raised fares on Monday.\n\nRiders were not asked."
    assert all(i.excerpt in text for i in items)


def test_a_long_seed_of_one_item_is_warned(tmp_path):
    project = tmp_path / "p"
    (project / "seeds").mkdir(parents=True)
    body = " ".join(["The board met and discussed the ferry timetable at length."] * 40)
    (project / "seeds/long.txt").write_text(f"One headline\n\n{body}\n", encoding="utf-8")
    result = run("ingest", str(project / "seeds/long.txt"), "--content", str(project / "content"))
    assert result.exit_code == 0, result.output
    assert "seed-one-item: warning" in result.output and "1 created" in result.output


def test_a_short_seed_of_one_item_is_not_warned(tmp_path):
    project = tmp_path / "p"
    (project / "seeds").mkdir(parents=True)
    (project / "seeds/short.txt").write_text("Headline\n\nA short body.\n", encoding="utf-8")
    result = run("ingest", str(project / "seeds/short.txt"), "--content", str(project / "content"))
    assert result.exit_code == 0 and "seed-one-item" not in result.output


def test_format_goes_by_content_not_name():
    feed = (TOPIC / "seeds/porthaven-ferry-feed.ts").read_text(encoding="utf-8")
    assert detect(feed, ".ts") == "feed"
    assert detect("Saved 2024-06-20\n" + feed, ".ts") == "feed"
    assert len(read_items(feed, "feed")[1]) == 2


def test_a_broken_feed_gives_a_clear_error():
    text = "junk before <rss version='2.0'>\n<channel><item><title>x"
    fmt = detect(text, ".ts")
    assert fmt == "feed"
    with pytest.raises(SeedError) as info:
        read_items(text[: text.index("<item")], fmt)
    assert info.value.code == "seed-no-items" and "pass --format" in info.value.message


def _project(tmp_path, digest_yaml: str | None):
    project = tmp_path / "p"
    shutil.copytree(TOPIC / "seeds", project / "seeds")
    (project / "content").mkdir()
    if digest_yaml is not None:
        (project / "content/digest.yaml").write_text(digest_yaml, encoding="utf-8")
    return project


def test_duplicate_excerpts_across_seeds_are_reported_and_made_once(tmp_path):
    project = _project(tmp_path, None)
    result = run("ingest", str(project / "seeds/porthaven-ferry-roundup.txt"),
                 str(project / "seeds/porthaven-ferry-feed.ts"), "--content", str(project / "content"))
    assert result.exit_code == 0, result.output
    assert result.output.count("ingest-duplicate") == 1
    shas = [yamlio.parse(p.read_text(encoding="utf-8"), "r").data["seed"]["sha256"]
            for p in (project / "content/items").glob("*.yaml")]
    assert len(shas) == 4 == len(set(shas))


HAND_WRITTEN = """# Our digest (a person's comment)
title: "Ferries"
seeds:
  # the round-up, described by hand
  - file: seeds/porthaven-ferry-roundup.txt
    title: "Our own title for the round-up"
    publisher: ""
    url: ""
    accessed: "2024-06-20"
    note: "Saved by hand."
contact: "editors@example.org"
"""


def test_seed_entries_are_added_and_never_rewritten(tmp_path):
    project = _project(tmp_path, HAND_WRITTEN)
    for seed in ("porthaven-ferry-roundup.txt", "porthaven-ferry-feed.ts"):
        result = run("ingest", str(project / "seeds" / seed), "--content", str(project / "content"))
        assert result.exit_code == 0, result.output
    text = (project / "content/digest.yaml").read_text(encoding="utf-8")
    assert text.startswith(HAND_WRITTEN.split("contact:")[0])  # every hand-written line kept
    assert 'contact: "editors@example.org"' in text
    data = yamlio.parse(text, "d").data
    assert [s["title"] for s in data["seeds"]] == ["Our own title for the round-up",
                                                   "Porthaven Riders' Voice: latest"]
    assert data["seeds"][1]["url"] == "https://riders-voice.example.org/"
    assert run("check", "--content", str(project / "content")).exit_code == 0


@pytest.mark.parametrize("start", ["title: x\nseeds: []\n", "title: x\n", "title: x\nseeds:\n"])
def test_seed_entries_go_into_any_plain_form(tmp_path, start):
    path = tmp_path / "digest.yaml"
    path.write_text(start, encoding="utf-8")
    entry = {"file": "seeds/a.txt", "title": "A", "publisher": "", "url": "", "accessed": "",
             "note": ""}
    assert ingest.add_seed_entries(path, [entry]) is None
    assert yamlio.parse(path.read_text(encoding="utf-8"), "d").data["seeds"] == [entry]
    assert ingest.add_seed_entries(path, [entry]) is None  # listed: nothing added twice
    assert yamlio.parse(path.read_text(encoding="utf-8"), "d").data["seeds"] == [entry]


def test_a_seeds_list_it_cannot_extend_is_left_alone(tmp_path):
    path = tmp_path / "digest.yaml"
    before = 'title: x\nseeds: [{file: "seeds/b.txt", title: "B"}]\n'
    path.write_text(before, encoding="utf-8")
    entry = {"file": "seeds/a.txt", "title": "A", "publisher": "", "url": "", "accessed": "",
             "note": ""}
    problem = ingest.add_seed_entries(path, [entry])
    assert problem is not None and problem.code == "ingest-seed-entry" and "by hand" in problem.message
    assert path.read_text(encoding="utf-8") == before


def test_set_aside_items_are_never_ingested_again(tmp_path):
    project = _project(tmp_path, None)
    seed = str(project / "seeds/porthaven-ferry-roundup.txt")
    assert run("ingest", seed, "--content", str(project / "content")).exit_code == 0
    path = next((project / "content/items").glob("*.yaml"))
    path.write_text(path.read_text(encoding="utf-8").replace("status: draft", "status: set-aside"),
                    encoding="utf-8")
    again = run("ingest", seed, "--content", str(project / "content"))
    assert "0 created, 3 unchanged" in again.output
    assert "status: set-aside" in path.read_text(encoding="utf-8")


def test_seed_entries_follow_the_lists_own_indentation(tmp_path):
    path = tmp_path / "digest.yaml"
    path.write_text('title: x\nseeds:\n- file: "seeds/b.txt"\n  title: "B"\nlanguage: en\n',
                    encoding="utf-8")
    entry = {"file": "seeds/a.txt", "title": "A", "publisher": "", "url": "", "accessed": "",
             "note": ""}
    assert ingest.add_seed_entries(path, [entry]) is None
    data = yamlio.parse(path.read_text(encoding="utf-8"), "d").data
    assert [s["file"] for s in data["seeds"]] == ["seeds/b.txt", "seeds/a.txt"]
    assert data["language"] == "en"


def test_an_html_seed_is_listed_with_its_title_canonical_address_and_publisher(tmp_path):
    project = tmp_path / "p"
    (project / "seeds").mkdir(parents=True)
    (project / "content").mkdir()
    shutil.copy(FIXTURES / "registries/outlets.yaml", project / "content/outlets.yaml")
    (project / "content/digest.yaml").write_text('title: "Energy"\nseeds: []\n', encoding="utf-8")
    seed = project / "seeds/climate-tag-archive.html"
    shutil.copy(FIXTURES / "seeds/climate-tag-archive.html", seed)
    result = run("ingest", str(seed), "--content", str(project / "content"))
    assert result.exit_code == 0, result.output
    [entry] = yamlio.parse((project / "content/digest.yaml").read_text(encoding="utf-8"),
                           "d").data["seeds"]
    assert entry["title"] == "Climate | Heartland Energy Voice"
    assert entry["url"] == "https://heartland-energy-voice.example/tag/climate/"
    assert entry["publisher"] == "heartland-energy-voice"
