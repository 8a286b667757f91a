"""The check cache (generator/cache.py): the verdict with it is the verdict without it.

Every test compares the cached path (``Cache.load`` then ``Cache.check``) with the plain one
(``load_content`` then ``run_checks``) on the same tree: the list of problems, to the line and
the message, and the records loaded.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS
from generator import verdict, yamlio
from generator.cache import FOLDER, open_cache
from generator.check import run_checks
from generator.cli import main
from generator.load import load_content
from generator.synthetic import write_content
from generator.verdict import FILE, checked
from hostile.corpus import FILLS

HOSTILE = [None, "", 7, True, [], {"x": 1}, "terrorist group", "regime", "2099-01-01",
           "javascript:alert(1)", "x" * 30_000, "party-0", "outlet-1", "actor-2",
           "published", "draft", "reviewed", "no-statement-found", "a\u202eb",
           *list(FILLS.values())[::6]]
REGISTRY_NAMES = ("outlets", "actors", "stakeholders", "glossary", "lexicon", "timeline")


def plain(project: Path):
    digest, problems = load_content(project / "content", project)
    return run_checks(digest, problems), [e.value for e in digest.items]


def _as_the_command_line_reads(project: Path):
    cache = open_cache(project)
    cache.frugal = False  # as `parallax check` reads: fast rather than small
    return cache


def cached(project: Path, cache=None):
    cache = cache or _as_the_command_line_reads(project)
    digest, problems = cache.load(project / "content", project)
    return cache.check(digest, problems), [e.value for e in digest.items]


def kept_verdict(project: Path, cache=None):
    """What ``parallax check`` gives: the kept verdict when nothing changed (``verdict``)."""
    return checked(cache or _as_the_command_line_reads(project), project / "content", project)


def same_verdict(project: Path, cache=None) -> None:
    expected = plain(project)
    got = cached(project, cache)
    assert got[0] == expected[0]
    assert got[1] == expected[1]
    assert kept_verdict(project, cache) == (len(expected[1]), expected[0])


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    """Two projects to edit: eight synthetic records, and the fixture corpus."""
    synthetic = tmp_path_factory.mktemp("synthetic") / "project"
    write_content(synthetic, 8)
    fixture = tmp_path_factory.mktemp("fixture") / "project"
    shutil.copytree(CORPUS, fixture)
    return {"synthetic": synthetic, "fixture": fixture}


def _items(project: Path) -> list[Path]:
    return sorted((project / "content" / "items").glob("*.yaml"))


def _pick(seq, k: int):
    return seq[k % len(seq)] if seq else None


def _load(path: Path):
    try:
        return yamlio.parse(path.read_text(encoding="utf-8"), str(path)).data
    except (yamlio.YamlProblem, UnicodeDecodeError):
        return None


def _paths(data, prefix=()):
    """Every place in ``data``, as a path of keys and indexes."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, prefix + (i,))


def _set(data, path, value, delete=False):
    *parents, last = path
    for step in parents:
        data = data[step]
    if delete:
        del data[last]
    else:
        data[last] = value


def edit(project: Path, kind: str, k: int, value) -> None:
    """One edit to the tree: hostile values, broken files, removed or added entries."""
    items = _items(project)
    content = project / "content"
    if kind in ("set", "delete") and (item := _pick(items, k)) is not None:
        data = _load(item)
        if isinstance(data, dict):
            places = [p for p in _paths(data) if p]
            place = _pick(places, k // 7)
            _set(data, place, value, delete=kind == "delete")
            item.write_text(yamlio.dump(data), encoding="utf-8")
    elif kind == "break" and (item := _pick(items, k)) is not None:
        garbage = ["\n  - : [", "\x00", "key: [unclosed", "\t\tbad: indent\n", "&a x\n*a", ""]
        text = item.read_bytes()
        item.write_bytes(text[: k % max(1, len(text))] + _pick(garbage, k).encode()
                         if k % 5 else b"\xff\xfe not utf-8")
    elif kind == "copy" and (item := _pick(items, k)) is not None:
        if item.name != f"copy-{k % 3}.yaml":
            shutil.copy(item, item.with_name(f"copy-{k % 3}.yaml"))
    elif kind == "remove" and len(items) > 1:
        _pick(items, k).unlink()
    elif kind == "registry":
        path = content / f"{_pick(REGISTRY_NAMES, k)}.yaml"
        entries = _load(path) if path.exists() else None
        if isinstance(entries, list) and entries:
            if k % 3 == 0:
                del entries[k // 3 % len(entries)]
            elif k % 3 == 1 and isinstance(entries[0], dict):
                entry = dict(entries[k // 3 % len(entries)])
                field = _pick(sorted(entry), k // 9)
                entry[field] = value
                entries[k // 3 % len(entries)] = entry
            else:  # a new loaded word the items' own voice uses
                lexicon = content / "lexicon.yaml"
                words = _load(lexicon) or []
                words.append({"term": _pick(["the", "camp", "said", "council", "plan"], k),
                              "used_by": "a test", "note": "added by a test"})
                lexicon.write_text(yamlio.dump(words), encoding="utf-8")
                return
            path.write_text(yamlio.dump(entries), encoding="utf-8")
    elif kind == "seed":
        seeds = sorted((project / "seeds").glob("*"))
        if seed := _pick(seeds, k):
            text = seed.read_text(encoding="utf-8", errors="replace")
            seed.write_text(text[: len(text) * (k % 4) // 4], encoding="utf-8")
    elif kind == "cache":
        folder = project / FOLDER
        files = sorted(p for p in folder.rglob("*.json")) if folder.is_dir() else []
        if target := _pick(files, k):
            junk = [b"", b"{", b"[]", json.dumps({"format": 1, "code": "x", "data": {}}).encode(),
                    json.dumps({"format": 1, "code": "?", "results": {"0" * 64: ["k", [[1]]]}}).encode(),
                    b"\x00" * 10]
            target.write_bytes(_pick(junk, k))
    elif kind == "wipe":
        shutil.rmtree(project / FOLDER, ignore_errors=True)
    elif kind == "touch" and (item := _pick(items + sorted((project / "seeds").glob("*")), k)):
        os.utime(item, ns=(k, k))  # new times, the same text
    elif kind == "same-size" and (item := _pick(items, k)) is not None:
        # One letter changed, the size and the modification time kept (a tool that restores
        # times): only the change time moves, so the clock must tick first.
        before = item.stat()
        data = bytearray(item.read_bytes())
        letters = [i for i, b in enumerate(data) if chr(b).isalpha()]
        if letters:
            time.sleep(0.02)
            spot = _pick(letters, k // 11)
            data[spot] = ord("q") if data[spot] != ord("q") else ord("z")
            item.write_bytes(bytes(data))
            os.utime(item, ns=(before.st_atime_ns, before.st_mtime_ns))


def _tree(project: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for top in ("content", "seeds") for p in (project / top).rglob("*")
            if p.is_file()}


def _time_passes(project: Path, before: dict[Path, bytes], tick: int) -> None:
    """Give every file an edit changed a modification time of its own, as time passing
    between edits would (a change within one tick of the clock is the racy case, tested on its
    own below)."""
    for path, data in _tree(project).items():
        if before.get(path) != data:
            os.utime(path, ns=(tick, tick))


EDITS = st.tuples(st.sampled_from(["set", "set", "delete", "break", "copy", "remove",
                                   "registry", "registry", "seed", "cache", "wipe", "touch",
                                   "same-size"]),
                  st.integers(0, 10_000), st.sampled_from(HOSTILE))


@pytest.mark.parametrize("base", ["synthetic", "fixture"])
@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(EDITS, min_size=1, max_size=6), keep=st.booleans(), trust=st.booleans())
def test_cached_and_uncached_verdicts_agree_after_any_edits(bases, base, edits, keep, trust):
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        project = Path(tmp) / "project"
        shutil.copytree(bases[base], project)
        if trust:  # every file old enough for its size and times to be trusted (no racy file)
            mp.setattr(verdict, "_clock", lambda: time.time_ns() + 10 * verdict.RACY_NS)
        cache = open_cache(project) if keep else None  # one cache object, as `mkdocs serve` keeps
        same_verdict(project, cache)
        for n, (kind, k, value) in enumerate(edits):
            before = _tree(project)
            edit(project, kind, k, value)
            if kind != "same-size":
                _time_passes(project, before, 1_000_000_000 * (1_000_000 + n))
            same_verdict(project, cache)
            same_verdict(project, cache)  # warm


def test_an_unchanged_tree_is_not_parsed_again(bases, tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(bases["synthetic"], project)
    cached(project)
    parsed = []
    real = yamlio.parse
    monkeypatch.setattr(yamlio, "parse",
                        lambda text, path, **kw: parsed.append(path) or real(text, path, **kw))
    same_verdict(project)
    parsed.clear()
    cached(project)
    assert parsed and not any("/items/" in p for p in parsed)  # registries only
    edit(project, "set", 3, "Another neutral title")
    parsed.clear()
    cached(project)
    assert len([p for p in parsed if "/items/" in p]) == 1


def test_a_registry_edit_invalidates_the_per_record_results(bases, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(bases["synthetic"], project)
    before, _ = cached(project)
    assert not [p for p in before if p.severity == "error"]
    outlets = project / "content" / "outlets.yaml"
    entries = _load(outlets)
    used = _load(_items(project)[0])["provenance"][0]["outlet"]
    outlets.write_text(yamlio.dump([e for e in entries if e["id"] != used]), encoding="utf-8")
    after, _ = cached(project)
    assert any(p.code == "ref-outlet" for p in after)
    assert after == plain(project)[0]


def test_a_corrupt_or_foreign_cache_is_ignored(bases, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(bases["fixture"], project)
    cached(project)
    folder = project / FOLDER
    assert (folder / "checks.json").is_file() and list((folder / "records").rglob("*.json"))
    for path in [folder / "checks.json", *(folder / "records").rglob("*.json")]:
        path.write_bytes(b"\x00not json")
    same_verdict(project)
    (folder / "checks.json").write_text(json.dumps({"format": 999, "results": {}}))
    same_verdict(project)
    shutil.rmtree(folder)
    same_verdict(project)


def test_a_cache_folder_that_is_a_link_is_not_used(bases, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(bases["fixture"], project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / FOLDER).symlink_to(elsewhere)
    same_verdict(project)
    assert not list(elsewhere.iterdir())


def test_the_cache_can_be_turned_off(bases, tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(bases["fixture"], project)
    monkeypatch.setenv("PARALLAX_CACHE", "off")
    same_verdict(project)
    assert not (project / FOLDER).exists()


def test_parallax_check_uses_the_cache_and_says_the_same(bases, tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(bases["fixture"], project)
    edit(project, "registry", 0, None)  # a verdict with problems in it
    monkeypatch.chdir(project)
    runs = [CliRunner().invoke(main, ["check", "--content", "content", "--format", "json"])
            for _ in range(2)]
    assert (project / FOLDER / "checks.json").is_file()
    assert runs[0].output == runs[1].output
    assert runs[0].exit_code == runs[1].exit_code
    assert json.loads(runs[0].output) == [p.as_dict() for p in plain(project)[0]]


# --- the kept verdict (generator/verdict.py) -----------------------------------------------

def _old_files(monkeypatch) -> None:
    """As if every file had last changed more than two seconds before the run looked at it."""
    monkeypatch.setattr(verdict, "_clock", lambda: time.time_ns() + 10 * verdict.RACY_NS)


def _counting_hashes(monkeypatch) -> list:
    hashed: list = []
    real = verdict._hash_file
    monkeypatch.setattr(verdict, "_hash_file", lambda path: hashed.append(path) or real(path))
    return hashed


def test_an_unchanged_tree_is_answered_without_loading_or_reading(bases, tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(bases["fixture"], project)
    _old_files(monkeypatch)
    expected = kept_verdict(project)
    assert expected == (len(plain(project)[1]), plain(project)[0])
    assert (project / FOLDER / FILE).is_file() and (project / FOLDER / ".gitignore").is_file()
    hashed = _counting_hashes(monkeypatch)
    monkeypatch.setattr("generator.cache.Cache.load", lambda *a, **k: pytest.fail("loaded"))
    assert kept_verdict(project) == expected
    assert hashed == []  # every file's size and times were trusted


def test_a_file_changed_within_the_racy_window_is_read_again(bases, tmp_path, monkeypatch):
    """An edit in the same tick of the file system's clock as the run that kept the verdict
    leaves the file's size and times as they were: only its hash shows it. Such a file (changed
    less than RACY_NS before that run began) is always hashed again."""
    project = tmp_path / "project"
    shutil.copytree(bases["fixture"], project)
    record = _items(project)[0]
    kept_verdict(project)
    text = record.read_text(encoding="utf-8")
    before = record.stat()
    assert "status: published" in text
    # The same size, and the modification time set back: what a same-tick edit looks like.
    record.write_text(text.replace("status: published", "status: publishes", 1), encoding="utf-8")
    os.utime(record, ns=(before.st_atime_ns, before.st_mtime_ns))
    # And the kept list of files told the file's new size and times, with the old hash.
    path = project / FOLDER / FILE
    kept = json.loads(path.read_text(encoding="utf-8"))
    now = record.stat()
    rel = f"content/items/{record.name}"
    kept["files"][rel][:5] = [now.st_size, now.st_mtime_ns, now.st_ctime_ns, now.st_ino, now.st_dev]
    path.write_text(json.dumps(kept), encoding="utf-8")
    hashed = _counting_hashes(monkeypatch)
    count, problems = kept_verdict(project)
    assert str(record) in hashed
    assert (count, problems) == (len(plain(project)[1]), plain(project)[0])
    assert any(p.code == "schema" and p.path == rel for p in problems)


def test_an_edit_that_keeps_size_and_modification_time_is_caught(bases, tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(bases["fixture"], project)
    _old_files(monkeypatch)  # not racy: the change time, which an edit always moves, tells it
    record = _items(project)[0]
    kept_verdict(project)
    before = record.stat()
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("status: published", "status: publishes", 1), encoding="utf-8")
    os.utime(record, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert record.stat().st_size == before.st_size
    assert kept_verdict(project) == (len(plain(project)[1]), plain(project)[0])
    assert any(p.code == "schema" for p in kept_verdict(project)[1])


def test_a_seed_edit_invalidates_what_depends_on_it(bases, tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(bases["fixture"], project)
    _old_files(monkeypatch)
    count, before = kept_verdict(project)
    assert not [p for p in before if p.code == "seed"]
    seed = sorted((project / "seeds").glob("*"))[0]
    seed.write_text("An unrelated text.\n", encoding="utf-8")
    count, after = kept_verdict(project)
    assert any(p.code == "seed" for p in after)
    assert (count, after) == (len(plain(project)[1]), plain(project)[0])
    assert cached(project)[0] == after  # the per-record results follow the seed too


def test_a_registry_edit_invalidates_the_kept_verdict(bases, tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(bases["synthetic"], project)
    _old_files(monkeypatch)
    kept_verdict(project)
    stakeholders = project / "content" / "stakeholders.yaml"
    entries = _load(stakeholders)
    stakeholders.write_text(yamlio.dump(entries[1:]), encoding="utf-8")
    count, after = kept_verdict(project)
    assert any(p.code == "ref-stakeholder" for p in after)
    assert (count, after) == (len(plain(project)[1]), plain(project)[0])


def _hostile_verdicts(good: bytes) -> list:
    kept = json.loads(good)
    wrong_line = {**kept, "problems": [["content/items/x.yaml", "1", "schema", "m", "error"]]}
    wrong_severity = {**kept, "problems": [["content/items/x.yaml", 1, "schema", "m", "fatal"]]}
    wrong_files = {**kept, "files": {"content/items/x.yaml": [1, 2, 3]}}
    return [b"", b"{", good[: len(good) // 2], b"\xff\xfe\x00", b"[]", b"null",
            json.dumps({**kept, "format": 999}).encode(), json.dumps({**kept, "key": 7}).encode(),
            json.dumps({**kept, "items": -1}).encode(), json.dumps(wrong_line).encode(),
            json.dumps(wrong_severity).encode(), json.dumps(wrong_files).encode(),
            json.dumps({**kept, "started": "soon"}).encode(), b"[" * 100_000 + b"]" * 100_000]


def test_a_corrupt_truncated_foreign_or_hostile_verdict_is_ignored(bases, tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(bases["fixture"], project)
    edit(project, "registry", 0, None)  # a verdict with problems in it
    monkeypatch.chdir(project)
    expected = [p.as_dict() for p in plain(project)[0]]
    run = CliRunner().invoke(main, ["check", "--content", "content", "--format", "json"])
    assert json.loads(run.output) == expected
    path = project / FOLDER / FILE
    good = path.read_bytes()
    for junk in _hostile_verdicts(good):
        path.write_bytes(junk)
        run = CliRunner().invoke(main, ["check", "--content", "content", "--format", "json"])
        assert run.exception is None or isinstance(run.exception, SystemExit), junk[:40]
        assert json.loads(run.output) == expected
    path.unlink()
    os.mkfifo(path)  # a file that would block whoever opens it to read
    run = CliRunner().invoke(main, ["check", "--content", "content", "--format", "json"])
    assert json.loads(run.output) == expected


_IMPORTS = """
import sys
from generator.cli import main
try:
    main(["check", "--content", "content"])
except SystemExit:
    pass
print(" ".join(sorted(m for m in ("pydantic", "generator.models", "generator.load", "yaml",
                                  "jinja2") if m in sys.modules)))
"""


def test_a_warm_check_imports_neither_pydantic_nor_the_models(bases, tmp_path):
    import subprocess
    import sys

    project = tmp_path / "project"
    shutil.copytree(bases["fixture"], project)
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    runs = [subprocess.run([sys.executable, "-c", _IMPORTS], cwd=project, env=env,
                           capture_output=True, text=True, check=True) for _ in range(2)]
    assert "pydantic" in runs[0].stdout.split()  # the first run loads and checks
    assert runs[1].stdout.split() == []
    assert runs[0].stderr == runs[1].stderr  # and both say the same


def test_the_date_check_is_kept_for_its_day_only(bases, tmp_path, monkeypatch):
    """`date` compares with today's date: its results are kept for the day they were found; on
    another day it runs again on every item, and the other per-record results stay kept."""
    import dataclasses
    import datetime
    import sys
    import types

    from generator import cache as cache_module
    from generator import check as chk

    class Day(datetime.date):
        now = datetime.date(1990, 1, 1)

        @classmethod
        def today(cls):
            return cls.now

    class Clock(types.ModuleType):  # the datetime module, with a date whose today is Day.now
        date = Day

        def __getattr__(self, name):
            return getattr(datetime, name)

    # Wherever the generator asks `dt.date.today()` (the checks, or loading where it notes the
    # day it read the content), and where the cache asks for today.
    for name, module in list(sys.modules.items()):
        if name.startswith("generator") and getattr(module, "dt", None) is datetime:
            monkeypatch.setattr(module, "dt", Clock("datetime"))
    monkeypatch.setattr(cache_module, "today", lambda: Day.now.isoformat())
    monkeypatch.setattr(verdict, "today", lambda: Day.now.isoformat())
    project = tmp_path / "project"
    shutil.copytree(bases["synthetic"], project)
    early, _ = cached(project)
    assert any(p.code == "date" and "in the future" in p.message for p in early)
    assert early == plain(project)[0]
    Day.now = datetime.date.today()
    ran: list = []
    monkeypatch.setattr(chk, "CHECKS", [dataclasses.replace(
        c, func=lambda ctx, f=c.func, code=c.code: ran.append((code, len(ctx.digest.items)))
        or f(ctx)) for c in chk.CHECKS])
    later, records = cached(project)
    assert not any("in the future" in p.message for p in later)
    assert {n for code, n in ran if code in cache_module.PER_RECORD - cache_module.DAILY} == {0}
    assert ("date", len(records)) in ran
    assert later == plain(project)[0]
    assert kept_verdict(project) == (len(records), later)


_OPENED: list | None = None  # the files opened while a test listens (an audit hook stays)


def _listen(event, args):
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, os.PathLike)):
        _OPENED.append(os.path.abspath(args[0]))


def test_loading_and_checking_read_only_files_the_kept_verdict_looks_at(bases, tmp_path):
    """The kept verdict's key covers content/, content/items/ and seeds/, the generator and the
    installed libraries: loading and checking must read nothing else."""
    import sys

    global _OPENED
    project = tmp_path / "project"
    shutil.copytree(bases["fixture"], project)
    for item in _items(project):  # a seed file named outside seeds/ is refused, not read
        item.write_text(item.read_text(encoding="utf-8").replace(
            'file: "seeds/riverside.txt"', 'file: "outside.txt"'), encoding="utf-8")
        break
    (project / "outside.txt").write_text("A text outside seeds/.\n", encoding="utf-8")
    if not getattr(sys, "_parallax_listening", False):
        sys.addaudithook(_listen)
        sys._parallax_listening = True
    _OPENED = []
    try:
        problems, _ = plain(project)
    finally:
        opened, _OPENED = _OPENED, None
    assert any(p.code == "seed" for p in problems)
    allowed = [str((project / "content").resolve()), str((project / "seeds").resolve()),
               str(Path(verdict.__file__).parent.resolve()), sys.prefix, sys.base_prefix]
    read = [p for p in opened if not any(os.path.realpath(p).startswith(a + os.sep) for a in allowed)]
    assert opened and read == []


def test_a_value_written_in_many_records_is_held_once(bases, tmp_path):
    """Dates, names and addresses recur from record to record; a loaded digest holds each once,
    whether the files were parsed or their data came from the cache. Long text is not shared."""
    project = tmp_path / "project"
    shutil.copytree(bases["synthetic"], project)

    def shared(items):
        values: dict = {}
        copies = short = 0
        for item in items:
            for pv in item.perspectives:
                for src in pv.sources:
                    for value in (src.accessed, src.url, src.publisher):
                        if isinstance(value, str) and value:
                            short += 1
                            first = values.setdefault(value, value)
                            copies += first is not value
        return short, copies

    cold = cached(project, open_cache(project))[1]  # parsed, and kept
    warm = cached(project, open_cache(project))[1]  # the kept data
    for items in (cold, warm):
        short, copies = shared(items)
        assert short > 20 and copies == 0
    assert [i.model_dump() for i in cold] == [i.model_dump() for i in warm]
    long = [i.summary for i in cold]
    assert all(len(text) > yamlio.SHARED_LENGTH for text in long)


def test_the_command_lines_check_compresses_no_text_and_a_build_holds_it_compressed(
        bases, tmp_path, monkeypatch):
    """`parallax check` lets the digest go once judged, so it reads neither parsed files nor
    kept data into compressed text (the time is a tenth of an after-edit check); a build keeps
    the digest and holds each item's text compressed. The text, and the verdict, is the same
    either way."""
    project = tmp_path / "project"
    shutil.copytree(bases["fixture"], project)
    expected = plain(project)

    def held(cache):
        digest, problems = cache.load(project / "content", project)
        return digest, cache.check(digest, problems)

    items = {path.read_bytes() for path in _items(project)}
    compress = yamlio.zlib.compress

    def refuse(data, *args, **kwargs):  # an item's text (the registries are few and small)
        assert data not in items, "an item's text was compressed"
        return compress(data, *args, **kwargs)

    frugal = {}
    for reading in ("parsed", "kept"):
        with monkeypatch.context() as m:
            m.setattr(yamlio.zlib, "compress", refuse)
            digest, problems = held(_as_the_command_line_reads(project))
        assert problems == expected[0]
        assert digest.items and all(isinstance(e.doc.packed_text, str) for e in digest.items)
        frugal[reading] = held(open_cache(project))[0]
        assert all(isinstance(e.doc.packed_text, bytes) for e in frugal[reading].items)
        assert ([e.doc.text for e in frugal[reading].items]
                == [e.doc.text for e in digest.items]
                == [path.read_text(encoding="utf-8") for path in _items(project)])


def _note_parses(monkeypatch, log: Path) -> None:
    """Each item file parsed, in whichever process, noted in ``log`` as "<pid> <file>"."""
    from generator import cache as cache_module

    original = cache_module.Cache._parsed

    def parsed(self, text, digest, display, compress):
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {display}\n")
        return original(self, text, digest, display, compress)

    monkeypatch.setattr(cache_module.Cache, "_parsed", parsed)


def test_item_files_parsed_ahead_in_workers_give_the_verdict_and_records_of_one_process(
        bases, tmp_path, monkeypatch):
    """A cold load parses the item files without kept data in forked workers first, keeping
    their data, then loads as a warm one. On hostile edits (broken YAML, hostile values, a file
    that is not text), the verdict and the records are those of the plain load, and every file
    the workers could parse was parsed there, once."""
    from generator import cache as cache_module
    from generator import workers as shared

    project = tmp_path / "project"
    shutil.copytree(bases["synthetic"], project)
    for n, value in enumerate(HOSTILE[:12]):
        edit(project, "set", 7 * n + 1, value)
    edit(project, "break", 5, None)
    (project / "content/items/not-text.yaml").write_bytes(b"\xff\xfe\x00binary")
    pids = tmp_path / "pids"
    monkeypatch.setenv("PARALLAX_WORKERS", "2")
    monkeypatch.setattr(cache_module, "PARSE_AHEAD_FROM", 0)
    monkeypatch.setattr(cache_module, "PARSE_RUN", 2)
    monkeypatch.setattr(shared, "RUNS_PER_WORKER", 2)
    _note_parses(monkeypatch, pids)
    expected = plain(project)
    assert any(p.severity == "error" for p in expected[0])  # the broken files are reported
    assert cached(project) == expected
    lines = [line.split(" ", 1) for line in pids.read_text(encoding="utf-8").splitlines()]
    ahead = [name for pid, name in lines if pid != str(os.getpid())]
    here = [name for pid, name in lines if pid == str(os.getpid())]
    assert len({pid for pid, _ in lines} - {str(os.getpid())}) > 1  # in more than one worker
    items = [p for p in _items(project) if _load(p) is not None]
    assert sorted(ahead) == sorted(str(p) for p in items)  # each parsable file, once
    # Here, only what the workers could not keep: the files that do not parse.
    assert not any(Path(name).name in {p.name for p in items} for name in here)
    pids.unlink()
    # Warm: a record that loads is read back; the data of one that does not validate is not
    # kept (as without workers), so only those files are parsed again.
    assert cached(project) == expected
    again = {Path(line.split(" ", 1)[1]).stem
             for line in pids.read_text(encoding="utf-8").splitlines()}
    loaded = {record.id for record in expected[1]}
    assert loaded and again and not again & loaded


def test_files_are_parsed_ahead_when_many_have_no_data_kept_by_this_version(
        bases, tmp_path, monkeypatch):
    """Parsing ahead reads every item file once more: it is done when the cache holds the data
    of few of them (or data kept by another version of the generator), not after a few edits."""
    from generator import cache as cache_module

    project = tmp_path / "project"
    shutil.copytree(bases["synthetic"], project)
    where = tmp_path / "where"
    reads: list[Path] = []

    def run() -> list[str]:
        expected = plain(project)
        where.unlink(missing_ok=True)
        reads.clear()
        assert cached(project) == expected
        lines = where.read_text(encoding="utf-8").splitlines() if where.exists() else []
        return sorted(f"{'here' if pid == str(os.getpid()) else 'ahead'} {Path(name).name}"
                      for pid, name in (line.split(" ", 1) for line in lines))

    monkeypatch.setenv("PARALLAX_WORKERS", "2")
    monkeypatch.setattr(cache_module, "PARSE_AHEAD_FROM", 3)
    monkeypatch.setattr(cache_module, "PARSE_RUN", 2)
    _note_parses(monkeypatch, where)
    names = [p.name for p in _items(project)]
    assert run() == sorted(f"ahead {n}" for n in names)  # cold: all ahead
    record = _items(project)[3]
    text = record.read_text(encoding="utf-8")
    assert "neutral_title: " in text
    record.write_text(text.replace("neutral_title: ", "neutral_title: 'Edited' #", 1),
                      encoding="utf-8")
    from generator import textfile

    read_text = textfile.read_text
    monkeypatch.setattr(textfile, "read_text",
                        lambda path, *a: reads.append(path) or read_text(path, *a))
    changed = run()
    assert len(changed) == 1 and changed[0].startswith("here ")  # one edit: here
    # ... and no file was read twice to find it (the cache holds most records' data)
    assert sorted(p.name for p in reads if p.parent.name == "items") == names
    assert run() == []  # unchanged
    monkeypatch.setattr(cache_module, "code_key", lambda: "another version")
    assert run() == sorted(f"ahead {n}" for n in names)  # kept by another version: all ahead
