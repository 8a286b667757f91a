"""Stage: ingest, the bundled seed's plain-text format."""

from __future__ import annotations

import hashlib
import shutil

from click.testing import CliRunner

from generator import ingest
from generator.cli import main
from generator.seedformats import parse_text
from conftest import ROOT

SEED = ROOT / "seeds" / "000_bc0ed269b0a63e78.txt"


def test_bundled_seed_yields_ten_items():
    title, items = parse_text(SEED.read_text(encoding="utf-8"))
    assert title == "Mujahedin Khalq Declining"
    assert len(items) == 10
    assert items[0].title == "MKO would leave Iraq by March"
    assert items[9].title == "Camp Ashraf residents announce readiness to leave Iraq"
    text = SEED.read_text(encoding="utf-8")
    assert all(i.excerpt in text for i in items)
    assert [i.position for i in items] == list(range(1, 11))


def test_ingest_is_idempotent_and_keeps_edits(tmp_path):
    project = tmp_path / "p"
    (project / "seeds").mkdir(parents=True)
    shutil.copy(SEED, project / "seeds" / SEED.name)
    content = project / "content"
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", str(project / "seeds" / SEED.name), "--content", str(content)])
    assert first.exit_code == 0, first.output
    files = sorted((content / "items").glob("*.yaml"))
    assert len(files) == 10
    before = {f.name: f.read_bytes() for f in files}
    edited = files[0]
    edited.write_text(edited.read_text() + "# a person's note\n")
    again = runner.invoke(main, ["ingest", str(project / "seeds" / SEED.name), "--content", str(content)])
    assert again.exit_code == 0
    assert "0 created, 10 unchanged, 0 in conflict" in again.output
    after = {f.name: f.read_bytes() for f in sorted((content / "items").glob("*.yaml"))}
    assert after[edited.name].endswith(b"# a person's note\n")
    assert {k: v for k, v in after.items() if k != edited.name} == \
        {k: v for k, v in before.items() if k != edited.name}
    check = runner.invoke(main, ["check", "--content", str(content)])
    assert check.exit_code == 0, check.output


def test_changed_seed_is_a_conflict(tmp_path):
    project = tmp_path / "p"
    (project / "seeds").mkdir(parents=True)
    seed = project / "seeds" / "s.txt"
    seed.write_text("Page\n\nHeadline one\n\nBody one.\n\nRead more\n")
    content = project / "content"
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(seed), "--content", str(content)]).exit_code == 0
    record = content / "items" / "headline-one.yaml"
    kept = record.read_bytes()
    seed.write_text("Page\n\nHeadline one\n\nBody one, changed.\n\nRead more\n")
    dry = runner.invoke(main, ["ingest", str(seed), "--content", str(content), "--dry-run"])
    assert "1 in conflict" in dry.output
    result = runner.invoke(main, ["ingest", str(seed), "--content", str(content)])
    assert result.exit_code == 1 and "ingest-conflict" in result.output
    assert record.read_bytes() == kept


def test_draft_records_hash_their_excerpt(tmp_path):
    plan = ingest.plan([SEED], tmp_path / "content", ROOT)
    for action in plan.actions:
        assert action.kind == "create"
        assert "status: draft" in action.text
    ex = parse_text(SEED.read_text(encoding="utf-8"))[1][3].excerpt
    assert hashlib.sha256(ex.encode()).hexdigest() in plan.actions[3].text
