"""The guide "Start a new digest", followed step by step on a topic of its own (not the bundled
one) in a fresh folder: new, ingest, status, check, research, preview, publish."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, ROOT
from generator import yamlio
from generator.cli import main

TOPIC = FIXTURES / "newtopic"
GUIDE = ROOT / "docs" / "guides" / "start-a-new-digest.md"
BUNDLED_WORDS = ("Ashraf", "MEK", "Mojahedin", "Mujahedin", "Rajavi", "Iraq", "Zebari", "Nejat",
                 "MKO")


def guide_commands() -> list[tuple[str, tuple]]:
    """(subcommand, flags) of every `parallax` command in the guide's code blocks, in order."""
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", GUIDE.read_text(encoding="utf-8"), re.M | re.S)
    out = []
    for line in (l.strip() for b in blocks for l in b.splitlines()):
        if line.startswith("parallax "):
            words = line.split()
            out.append((words[1], tuple(w for w in words[2:] if w.startswith("--"))))
    return out


class Session:
    """Runs the command line as a person would, from the current folder, and keeps a log."""

    def __init__(self):
        self.log: list[tuple[str, tuple]] = []

    def __call__(self, *args: str, code: int = 0):
        result = CliRunner().invoke(main, list(args))
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output
        self.log.append((args[0], tuple(a for a in args[1:] if a.startswith("--"))))
        return result


def _research(project: Path) -> list[Path]:
    """Step 5, as an editor does it: the fixture's research written into each draft."""
    notes = yamlio.parse((TOPIC / "research.yaml").read_text(encoding="utf-8"), "research").data
    published = []
    for path in sorted((project / "content/items").glob("*.yaml")):
        record = yamlio.parse(path.read_text(encoding="utf-8"), str(path)).data
        found = notes.get(record["title"])
        if found is None:
            record["status"] = "set-aside"
        else:
            record.update({k: v for k, v in found.items() if k != "provenance"})
            record["provenance"] = record["provenance"][:1] + found["provenance"]
            record["status"] = "published"
            record["reviewed_by"] = "Ana Ferreira, editor (checked every claim against its source)"
            published.append(path)
        path.write_text(yamlio.dump(record), encoding="utf-8")
    return published


@pytest.mark.slow
def test_the_guide_step_by_step(tmp_path, monkeypatch):
    run = Session()
    monkeypatch.chdir(tmp_path)

    # 1. Create the project (and never over other files).
    run("new", "harbour-ferries", "--title", "Harbour ferries")
    again = run("new", "harbour-ferries", "--title", "Again", code=2)
    assert "not empty" in again.output
    project = tmp_path / "harbour-ferries"
    monkeypatch.chdir(project)
    for name in ("mkdocs.yml", "content/digest.yaml", "content/lexicon.yaml",
                 "schema/item.schema.json", "docs/guides/start-a-new-digest.md"):
        assert (project / name).is_file(), name

    # 2. Ingest: read-more lines in several forms and languages, a feed saved as .ts, and an
    # excerpt both seeds share (made once).
    for seed in (TOPIC / "seeds").iterdir():
        shutil.copy(seed, project / "seeds" / seed.name)
    dry = run("ingest", "seeds/porthaven-ferry-roundup.txt", "--dry-run")
    assert "3 would be created" in dry.output
    assert not list((project / "content/items").glob("*.yaml"))
    assert "3 created" in run("ingest", "seeds/porthaven-ferry-roundup.txt").output
    feed = run("ingest", "seeds/porthaven-ferry-feed.ts")
    assert "read as feed" in feed.output and "1 created" in feed.output
    assert "ingest-duplicate" in feed.output
    records = sorted((project / "content/items").glob("*.yaml"))
    assert len(records) == 4
    assert yamlio.parse(records[0].read_text(encoding="utf-8"), "r").data["seed"]["file"] \
        .startswith("seeds/porthaven-ferry-")
    info = yamlio.parse((project / "content/digest.yaml").read_text(encoding="utf-8"), "d").data
    assert info["title"] == "Harbour ferries"
    assert [(s["file"], s["title"], s["url"]) for s in info["seeds"]] == [
        ("seeds/porthaven-ferry-roundup.txt", "Porthaven Riders' Voice: Ferry Round-up", ""),
        ("seeds/porthaven-ferry-feed.ts", "Porthaven Riders' Voice: latest",
         "https://riders-voice.example.org/")]

    # 3. What each record needs, and where to start.
    text = run("status").output
    assert "missing (Publishing)" in text and "search for the original" in text
    status = json.loads(run("status", "--format", "json").output)
    assert len(status["records"]) == 4 and not any(r["ready"] for r in status["records"])
    fares = next(r for r in status["records"] if "gouge" in r["id"])
    assert any(s.startswith('"We carry more passengers') for s in fares["search"])
    assert "Marta Lind" in fares["search"]

    # 4. Empty registries are warned about; then filled.
    check = run("check")
    assert "content/lexicon.yaml:1: registry-empty" in check.output
    assert "content/stakeholders.yaml:1: registry-empty" in check.output
    for registry in (TOPIC / "content").iterdir():
        shutil.copy(registry, project / "content" / registry.name)

    # 5. Research: three records published, the feed's other item set aside.
    published = _research(project)
    assert len(published) == 3
    status = json.loads(run("status", "--format", "json").output)
    assert [r["ready"] for r in status["records"]] == [True, True, True]

    # 6. Check, preview with drafts, publish.
    run("check")
    preview = run("build", "--drafts", "--site-dir", "preview")
    assert "drafts shown" in preview.output
    run("check", "--strict")
    built = run("build")
    assert "built 3 items into site" in built.output
    site = project / "site"
    items = sorted(p.name for p in (site / "items").iterdir() if p.is_dir())
    assert items == sorted(p.stem for p in published)
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".csv", ".yaml", ".txt"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for word in BUNDLED_WORDS:
                assert not re.search(rf"\b{word}\b", text), f"{word!r} in {path}"
    assert "Stored copy" not in (site / "index.html").read_text(encoding="utf-8")

    # The guide's commands are the ones run here, in this order.
    guide = guide_commands()
    assert guide, "the guide has no commands"
    ran = iter(run.log)
    assert all(step in ran for step in guide), (guide, run.log)


@pytest.mark.parametrize("existing", ["file", "hidden"])
def test_new_refuses_anything_but_an_empty_folder(tmp_path, existing):
    target = tmp_path / "d"
    if existing == "file":
        target.write_text("x", encoding="utf-8")
    else:
        target.mkdir()
        (target / ".git").mkdir()
    result = CliRunner().invoke(main, ["new", str(target)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (target.read_text(encoding="utf-8") == "x") if existing == "file" else \
        [p.name for p in target.iterdir()] == [".git"]


def test_new_project_is_topic_neutral_and_loads_clean(tmp_path):
    from generator.check import run_checks
    from generator.load import load_content
    from generator.scaffold import DOCS

    result = CliRunner().invoke(main, ["new", str(tmp_path / "d"), "--title", "Ferries: a test"])
    assert result.exit_code == 0, result.output
    digest, problems = load_content(tmp_path / "d/content", tmp_path / "d")
    assert problems == [] and digest.info.value.title == "Ferries: a test"
    assert {p.code for p in run_checks(digest)} == {"registry-empty"}
    for name in ["mkdocs.yml", *(f"docs/{d}" for d in DOCS), "content/research.md"]:
        text = (tmp_path / "d" / name).read_text(encoding="utf-8")
        for word in BUNDLED_WORDS:
            assert not re.search(rf"\b{word}\b", text), f"{word!r} in {name}"


def test_status_search_strings_come_from_the_excerpt():
    from generator.status import search_strings

    excerpt = ('"We will not sign this agreement under any pressure," Minister Rosa Calder said '
               "on Monday. The Harbour Board disagreed, and «a deal is still within reach» said a clerk.")
    found = search_strings(excerpt, ["Rosa Calder"])
    assert found[0] == '"We will not sign this agreement under any pressure,"'
    assert '"a deal is still within reach"' in found
    assert "Rosa Calder" in found and "Harbour Board" in found
    assert search_strings("no names here, nothing quoted.", []) == []
