"""Paths: ids and file references that try to leave their folder are refused, symlinks out of
content/ or seeds/ are refused, and output never lands outside its folder or on sources."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from generator import ingest
from generator.cli import main
from generator.sitedir import replace_dir, safe_target, unsafe_output, write_pages
from generator.templating import Page

from conftest import site_config


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("item_id", ["../../etc/passwd", "/etc/passwd", "..", "a/b", "a\\b",
                                     "c:\\x", "café", "a b", "%2e%2e"])
def test_ids_that_are_not_slugs_are_refused(corpus, item_id):
    corpus.edit_item(lambda d: d.update(id=item_id))
    problems = [p for p in corpus.problems() if p.code == "schema"]
    assert problems and problems[0].message.startswith("id:")


@pytest.mark.parametrize("field,value,code", [
    ("related", ["../../etc/passwd"], "ref-item"),
    ("about", ["../secrets"], "ref-stakeholder"),
])
def test_references_that_leave_the_registry_are_refused(corpus, field, value, code):
    corpus.edit_item(lambda d: d.update({field: value}))
    assert code in corpus.codes("error")


@pytest.mark.parametrize("seed_file", ["../outside.txt", "/etc/passwd", "seeds/../../outside.txt",
                                       "seeds-evil/riverside.txt", "content/items/x.txt",
                                       "seeds/link.txt"])
def test_seed_files_outside_seeds_are_refused(corpus, seed_file):
    (corpus.root.parent / "outside.txt").write_text("secret\n")
    (corpus.root / "seeds-evil").mkdir()
    shutil.copy(corpus.root / "seeds/riverside.txt", corpus.root / "seeds-evil/riverside.txt")
    (corpus.root / "seeds/link.txt").symlink_to(corpus.root / "seeds-evil/riverside.txt")
    corpus.edit_item(lambda d: d["seed"].update(file=seed_file))
    messages = [p.message for p in corpus.problems() if p.code == "seed"]
    assert any("outside seeds/" in m for m in messages), messages


def test_items_folder_linked_out_of_content_is_refused(corpus, tmp_path):
    outside = tmp_path / "elsewhere"
    shutil.move(corpus.content / "items", outside)
    (corpus.content / "items").symlink_to(outside)
    problems = corpus.problems()
    assert {p.code for p in problems} >= {"path-outside"}
    assert not any(p.code == "schema" for p in problems)


def test_registry_linked_out_of_content_is_refused(corpus, tmp_path):
    outside = tmp_path / "outlets.yaml"
    shutil.move(corpus.content / "outlets.yaml", outside)
    (corpus.content / "outlets.yaml").symlink_to(outside)
    assert "path-outside" in corpus.codes("error")


def test_a_seed_linked_out_of_seeds_is_not_ingested(corpus, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret page\n\nPassword list\n\nhunter2\n\nRead more\n")
    link = corpus.root / "seeds" / "secret.txt"
    link.symlink_to(secret)
    for extra in ([], ["--dry-run"]):
        result = run("ingest", link, "--content", corpus.content, *extra)
        assert result.exit_code == 1
        assert "seed-outside" in result.output
    assert not list((corpus.content / "items").glob("password*"))


def test_a_seed_name_linked_out_of_seeds_is_not_followed(corpus, tmp_path):
    """A planted seeds/NAME link does not make ingest read or write through it."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    (corpus.root / "seeds" / "new.txt").symlink_to(victim)
    incoming = tmp_path / "incoming" / "new.txt"
    incoming.parent.mkdir()
    incoming.write_text("Page\n\nHeadline\n\nBody.\n\nRead more\n")
    result = run("ingest", incoming, "--content", corpus.content)
    assert result.exit_code == 1 and "seed-outside" in result.output
    assert victim.read_text() == "keep me\n"


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_special_files_are_not_copied_as_seeds(corpus, tmp_path, kind):
    import os
    path = tmp_path / "seed.txt"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    result = run("ingest", path, "--content", corpus.content)
    assert result.exit_code == 1 and "seed-unreadable" in result.output
    assert not (corpus.root / "seeds" / "seed.txt").exists()


@pytest.mark.parametrize("rel", ["../x.md", "/etc/x.md", "a/../../x.md", "", "."])
def test_pages_never_land_outside_the_output_folder(tmp_path, rel):
    with pytest.raises(ValueError):
        safe_target(tmp_path / "out", rel)
    with pytest.raises(ValueError):
        write_pages([Page(rel, "x")], tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_output_is_written_afresh_not_through_links(tmp_path):
    """A link planted in the old output folder cannot redirect the new output."""
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "items").symlink_to(outside)
    write_pages([Page("items/a.md", "new")], out)
    assert list(outside.iterdir()) == []
    assert (out / "items/a.md").read_text() == "new" and not (out / "items").is_symlink()


@pytest.mark.parametrize("target", [".", "content", "content/items", "seeds", "docs", "..",
                                    "docs/assets"])
def test_output_may_not_replace_sources(corpus, target):
    site_config(corpus.root)
    before = sorted(p.relative_to(corpus.root) for p in corpus.root.rglob("*"))
    site = run("build", "--content", corpus.content, "--site-dir", corpus.root / target,
               "--config", corpus.root / "mkdocs.yml")
    out = run("render", "--content", corpus.content, "--out", corpus.root / target)
    assert site.exit_code == 2 and "--site-dir" in site.output
    assert out.exit_code == 2 and "--out" in out.output
    assert sorted(p.relative_to(corpus.root) for p in corpus.root.rglob("*")) == before


def test_unsafe_output_allows_a_folder_of_its_own(tmp_path):
    sources = {"content folder": tmp_path / "content", "docs folder": tmp_path / "docs"}
    assert unsafe_output(tmp_path / "site", sources) is None
    assert unsafe_output(tmp_path / "content", sources)


def test_replace_dir_keeps_the_old_folder_on_failure(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("old")
    with pytest.raises(RuntimeError):
        with replace_dir(out) as tmp:
            (tmp / "index.html").write_text("half")
            raise RuntimeError("killed")
    assert (out / "index.html").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
    with replace_dir(out) as tmp:
        (tmp / "index.html").write_text("new")
    assert (out / "index.html").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
