"""Stage: check. Every check fires on a bad record and stays quiet on the good one."""

from __future__ import annotations

import hashlib
import html

import pytest

from generator.check import CHECKS, run_checks
from generator.load import load_content


def test_good_corpus_is_clean(corpus):
    assert [str(p) for p in corpus.problems() if p.severity != "info"] == []


def _set(path, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _seed_excerpt_edit(data):
    data["seed"]["excerpt"] = data["seed"]["excerpt"].replace("Tuesday", "Monday")
    data["seed"]["sha256"] = hashlib.sha256(data["seed"]["excerpt"].encode()).hexdigest()


BAD_EDITS = {
    # code: (change to the good item, expected severity)
    "ref-outlet": (_set(["provenance", 1, "outlet"], "no-such-outlet"), "error"),
    "ref-actor": (_set(["speakers", 0, "actor"], "nobody"), "error"),
    "ref-stakeholder": (_set(["perspectives", 0, "stakeholder"], "nobody"), "error"),
    "ref-item": (_set(["related"], ["no-such-item"]), "error"),
    "date": (_set(["provenance", 1, "date"], "2024-05-01"), "error"),  # after accessed
    "seed": (_set(["seed", "sha256"], "0" * 64), "error"),
    "framing-glossary": (_set(["framing"], [{"term": "scrap", "note": "x"}]), "error"),
    "neutral-voice": (_set(["summary"], "The committee's massacre of the plan."), "error"),
    "balance-count": (lambda d: d["perspectives"].pop(), "error"),
    "balance-about": (lambda d: d["perspectives"].pop(0), "error"),
    "balance-independent": (lambda d: d["perspectives"].pop(), "warning"),
    "provenance-seed": (lambda d: d["provenance"].pop(0), "error"),
    "provenance-link": (_set(["provenance", 1, "accessed"], ""), "error"),
    "provenance-depth": (lambda d: d["provenance"].pop(1) and d["provenance"][0].update(note=""), "error"),
    "source-fields": (_set(["perspectives", 0, "sources", 0, "publisher"], ""), "error"),
    "url": (_set(["perspectives", 0, "sources", 0, "url"], "javascript:alert(1)"), "error"),
    "source-conflict": (_set(["perspectives", 1, "sources", 0],
                             {"title": "Other title", "publisher": "City Council",
                              "url": "https://city.example.gov/minutes/2024-03-05",
                              "date": "2024-03-05", "accessed": "2024-04-01"}), "warning"),
    "publish-complete": (_set(["questions"], ["Only one?"]), "error"),
    "draft": (_set(["status"], "draft"), "info"),
    "duplicate-perspective": (lambda d: d["perspectives"].append(dict(d["perspectives"][0])),
                              "error"),
    "publish-reviewer": (_set(["reviewed_by"], "not yet reviewed"), "error"),
    "editor-note": (_set(["provenance", 1, "note"], "[Added by the helper: check this]"),
                    "warning"),
}


def test_every_check_has_a_bad_case():
    assert {c.code for c in CHECKS} - set(BAD_EDITS) <= {"duplicate-id", "lexicon-pattern",
                                                        "outlet-evidence", "stakeholder-unheard",
                                                        "stakeholder-order", "registry-empty",
                                                        "id-reserved"}  # tests/hostile


@pytest.mark.parametrize("code", sorted(BAD_EDITS))
def test_check_fires_on_bad_record(corpus, code):
    assert code not in corpus.codes()
    change, severity = BAD_EDITS[code]
    corpus.edit_item(change)
    problems = [p for p in corpus.problems() if p.code == code]
    assert problems, f"{code} did not fire"
    if severity:
        assert {p.severity for p in problems} == {severity}
    assert all(p.path.endswith(".yaml") and p.line >= 1 for p in problems)


def test_a_source_cited_again_in_other_case_or_spacing_is_no_conflict(corpus):
    """The timeline and the item cite the council's minutes as "Minutes, 5 March 2024" / "City
    Council". Citing them again with the same words, up to case and spacing, agrees; citing them
    with another title conflicts, and the problem names where they were first cited."""
    minutes = {"url": "https://city.example.gov/minutes/2024-03-05", "date": "2024-03-05",
               "accessed": "2024-04-01"}

    def cite(*titles):
        def change(data):
            for n, title in enumerate(titles):
                data["perspectives"][n]["sources"][0] = dict(minutes, title=title,
                                                             publisher="city  COUNCIL")
        return change

    corpus.edit_item(cite("minutes,  5 MARCH 2024", "Minutes, 5 March 2024"))
    assert "source-conflict" not in corpus.codes()
    corpus.edit_item(cite("minutes,  5 MARCH 2024", "Minutes of another day"))
    problems = [p for p in corpus.problems() if p.code == "source-conflict"]
    assert len(problems) == 1
    assert "differently at content/items/council-bulldozes-the-bike-lane-plan.yaml:" in \
        problems[0].message
    assert "'Minutes of another day'" in problems[0].message


def test_balance_about_names_the_missing_party(corpus):
    corpus.edit_item(lambda d: d["perspectives"].pop(0))
    msgs = [p.message for p in corpus.problems() if p.code == "balance-about"]
    assert any("city-council" in m for m in msgs)


def test_seed_excerpt_must_stay_verbatim(corpus):
    corpus.edit_item(_seed_excerpt_edit)
    problems = [p for p in corpus.problems() if p.code == "seed"]
    assert len(problems) == 1 and "not found verbatim" in problems[0].message


def test_seed_file_outside_seeds_is_refused(corpus):
    corpus.edit_item(_set(["seed", "file"], "../../etc/passwd"))
    assert any("outside seeds/" in p.message for p in corpus.problems() if p.code == "seed")


def test_duplicate_ids_in_registries(corpus):
    outlets = corpus.read("outlets.yaml")
    outlets.append(dict(outlets[0]))
    corpus.write("outlets.yaml", outlets)
    problems = [p for p in corpus.problems() if p.code == "duplicate-id"]
    assert len(problems) == 1 and problems[0].path.endswith("outlets.yaml")


def test_outlet_without_evidence(corpus):
    outlets = corpus.read("outlets.yaml")
    outlets[1]["evidence"] = []
    corpus.write("outlets.yaml", outlets)
    assert "outlet-evidence" in corpus.codes("error")


def test_stakeholder_never_heard_is_reported(corpus):
    shs = corpus.read("stakeholders.yaml")
    shs.append({"id": "silent-party", "name": "Zz silent party", "kind": "government", "order": 9})
    corpus.write("stakeholders.yaml", shs)
    problems = [p for p in corpus.problems() if p.code == "stakeholder-unheard"]
    assert [p.severity for p in problems] == ["warning"] and "silent-party" in problems[0].message


def test_bad_lexicon_pattern(corpus):
    lex = corpus.read("lexicon.yaml")
    lex.append({"term": "everything", "pattern": "*"})
    corpus.write("lexicon.yaml", lex)
    assert "lexicon-pattern" in corpus.codes("error")


def test_stakeholder_order_follows_names(corpus):
    shs = corpus.read("stakeholders.yaml")
    shs[0]["order"], shs[2]["order"] = shs[2]["order"], shs[0]["order"]
    corpus.write("stakeholders.yaml", shs)
    assert "stakeholder-order" in corpus.codes("error")


# --- neutral voice ----------------------------------------------------------------------------

VOICE_CASES = [
    # (text, flagged?)
    ('A residents\' group called the vote "a massacre of the city\'s green future".', False),
    ("The vote was a massacre of the plan.", True),
    ('The vote, "a massacre", angered riders.', True),  # quoted but not attributed
    ("Massacred plans are common.", True),  # inflection, capitalised
    ('“They are puppets,” the union said.', False),  # curly quotes, cue after the quote
    ("The committee is the mayor's PUPPET.", True),
    ("See [the report](https://example.org/massacre-report).", False),  # URLs are not prose
    ('The union said: "The committee met. It is a puppet." Nobody replied.', False),
]


@pytest.mark.parametrize("text,flagged", VOICE_CASES)
def test_neutral_voice_attribution(corpus, text, flagged):
    corpus.edit_item(_set(["summary"], text))
    assert ("neutral-voice" in corpus.codes()) is flagged


def test_neutral_voice_checks_every_voice_field(corpus):
    corpus.edit_item(_set(["perspectives", 0, "position"], "They bulldozed it."))
    corpus.edit_item(_set(["neutral_title"], "Puppet committee votes"))
    problems = [p for p in corpus.problems() if p.code == "neutral-voice"]
    fields = {p.message.split(" in ")[1].split(" ")[0] for p in problems}
    assert fields == {"perspectives.0.position", "neutral_title"}
    assert all("quote it and say who used it" in p.message for p in problems)


def test_neutral_voice_names_the_line_inside_a_block(corpus):
    corpus.edit_item(_set(["summary"], "First line.\nSecond line.\nA massacre here.\n"))
    [problem] = [p for p in corpus.problems() if p.code == "neutral-voice"]
    text = corpus.item_path().read_text().splitlines()
    assert "massacre" in text[problem.line - 1]


def test_neutral_voice_other_scripts(corpus):
    lex = corpus.read("lexicon.yaml")
    lex.append({"term": "منافقین", "pattern": "منافقین|منافقين", "language": "fa",
                "used_by": "Iranian officials"})
    corpus.write("lexicon.yaml", lex)
    corpus.edit_item(_set(["context"], "گروه منافقین در عراق"))
    assert "neutral-voice" in corpus.codes()
    corpus.edit_item(_set(["context"], 'Officials called the group "منافقین".'))
    assert "neutral-voice" not in corpus.codes()


def test_neutral_voice_words_from_each_side(corpus):
    lex = corpus.read("lexicon.yaml")
    lex += [{"term": "regime", "pattern": "regime|regimes", "used_by": "side A"},
            {"term": "cult", "pattern": "cult|cults", "used_by": "side B"}]
    corpus.write("lexicon.yaml", lex)
    for word in ("regime", "cult"):
        corpus.edit_item(_set(["summary"], f"The {word} met on Tuesday."))
        assert "neutral-voice" in corpus.codes(), word
        corpus.edit_item(_set(["summary"], f'Side X called it a "{word}" on Tuesday.'))
        assert "neutral-voice" not in corpus.codes(), word


def test_problems_are_sorted_and_unique(corpus):
    corpus.edit_item(_set(["summary"], "Massacre. Puppet. Bulldozed."))
    problems = corpus.problems()
    assert problems == sorted(set(problems))


def test_checks_are_documented():
    for c in CHECKS:
        assert c.rationale, f"check {c.code} has no docstring"
        assert c.rationale.endswith("."), c.code
    assert len({c.code for c in CHECKS}) == len(CHECKS)


def test_methodology_lists_every_check():
    from generator.render import render_checks

    page = render_checks().text
    for c in CHECKS:
        assert f"`{c.code}`" in page and c.rationale in html.unescape(page)


@pytest.mark.parametrize("value", ["not yet reviewed", "TBD", "none", "N/A", "Pending.",
                                   "to be reviewed", "-", "awaiting review", "Reviewer"])
def test_publish_gate_refuses_placeholder_reviewers(corpus, value):
    corpus.edit_item(_set(["reviewed_by"], value))
    problems = [p for p in corpus.problems() if p.code == "publish-reviewer"]
    assert len(problems) == 1 and problems[0].severity == "error"
    assert "reviewed_by" in problems[0].message and "placeholder" in problems[0].message


@pytest.mark.parametrize("value", ["Jane Doe", "Anna Smith, editor", "parallax ingest 0.1.0",
                                   "Noor Haddad (checked every claim against its source)"])
def test_publish_gate_accepts_names(corpus, value):
    corpus.edit_item(_set(["reviewed_by"], value))
    assert "publish-reviewer" not in corpus.codes()


def test_publish_gate_is_a_warning_before_publication(corpus):
    corpus.edit_item(lambda d: d.update(status="reviewed", reviewed_by="not yet reviewed"))
    assert {p.severity for p in corpus.problems() if p.code == "publish-reviewer"} == {"warning"}


@pytest.mark.parametrize("name", ["lexicon", "stakeholders"])
def test_empty_registries_are_warned(corpus, name):
    assert "registry-empty" not in corpus.codes()
    (corpus.content / f"{name}.yaml").write_text("# none yet\n", encoding="utf-8")
    problems = [p for p in corpus.problems() if p.code == "registry-empty"]
    assert [(p.path, p.line, p.severity) for p in problems] == \
        [(f"content/{name}.yaml", 1, "warning")]


def test_the_editor_note_screen_finds_what_the_pattern_finds():
    """``editor_note`` runs the pattern only on a text holding one of its words; on random texts
    made of the pattern's bracketed notes, phrases and letters in any case, with letters swapped
    for those whose lower case is not the letter they match (İ and ı for i, ſ for s, the Kelvin
    sign for k), it finds exactly what the pattern finds, where the pattern finds it."""
    import random

    from generator.check.publishing import _EDITOR_NOTE, editor_note

    in_brackets = ["added by", "editor", "editors", "editor's", "editors note", "ed note",
                   "ed. note", "note to the editor", "note for editors", "for the editor",
                   "todo", "tk", "fixme", "xxx", "check", "verify", "to do", "research note",
                   "researcher's note"]
    phrases = ["for the editor", "left to the editors", "over to the editor", "editor's note",
               "editors note", "note to self", "todo", "fixme", "not researched",
               "not yet researched", "this task", "the task", "the brief", "this brief",
               "fresh brief", "helper",
               "helpers", "pages corpus", "github index", "first researcher"]
    filler = ["", " ", "  ", "a", "the", "text", "said", "index", "check", "(", ")", ".", "\n"]
    odd = {"i": ["\u0130", "\u0131"], "s": ["\u017f"], "k": ["\u212a"]}
    rng = random.Random(17)

    def segment():
        kind = rng.random()
        if kind < 0.4:
            return ("[" + rng.choice(["", " ", "  "]) + rng.choice(in_brackets)
                    + rng.choice(["", ":", " x", "s", " what?"])
                    + rng.choice(["]", "](", "] (", "", " "]))
        if kind < 0.8:
            return rng.choice(phrases)
        return rng.choice(filler)

    notes = 0
    for _ in range(20000):
        text = rng.choice(filler).join(segment() for _ in range(rng.randint(1, 3)))
        text = "".join(rng.choice(odd[c.lower()]) if c.lower() in odd and rng.random() < 0.15
                       else c.upper() if rng.random() < 0.3 else c for c in text)
        want, got = _EDITOR_NOTE.search(text), editor_note(text)
        assert (want and (want.start(), want.group())) == (got and (got.start(), got.group())), \
            repr(text)
        notes += want is not None
    assert notes > 5000  # the texts do hold notes


@pytest.mark.parametrize("text", [
    "[Added by item-4 helper:] The ministry said so.", "For the editor: check the date.",
    "TODO find the original", "Affiliation not researched.", "Searched in this task.",
    "A fresh brief found nothing.", "[check: date?] The agency reported it.",
    "[Editor: is this the right date?] The agency reported it."])
def test_editor_notes_are_warned_with_their_line(corpus, text):
    corpus.edit_item(_set(["summary"], "The committee voted.\n\n" + text))
    problems = [p for p in corpus.problems() if p.code == "editor-note"]
    assert len(problems) == 1 and problems[0].severity == "warning"
    lines = corpus.item_path().read_text(encoding="utf-8").splitlines()
    assert text.split()[0] in lines[problems[0].line - 1]


@pytest.mark.parametrize("text", [
    "The [report](https://example.org/r) said so.", "He called it \"a [sic] decision\".",
    "The editors of the Gazette wrote [...] that it was final.", "Residents asked for help."])
def test_reader_text_passes_the_guard(corpus, text):
    corpus.edit_item(_set(["summary"], text))
    assert "editor-note" not in corpus.codes()


def test_guard_reads_registries_and_leaves_quotations_alone(corpus):
    outlets = corpus.read("outlets.yaml")
    outlets[0]["affiliation"] = "Not researched in this task."
    corpus.write("outlets.yaml", outlets)
    corpus.edit_item(_set(["title"], "TODO: a headline as the seed printed it"))
    problems = [p for p in corpus.problems() if p.code == "editor-note"]
    assert [p.path for p in problems] == ["content/outlets.yaml"]


# --- purity: the checks are a function of the digest and of the day they are given ---------

def _no_io(monkeypatch):
    """Make every way of reading a file, and the clock, fail loudly."""
    import builtins
    import datetime
    import io
    import os
    import time
    from pathlib import Path

    def refuse(*args, **kwargs):
        raise AssertionError(f"the checks read a file or the clock: {args[:1]!r}")

    class Date(datetime.date):
        today = classmethod(refuse)

    class DateTime(datetime.datetime):
        today = now = utcnow = classmethod(refuse)

    for owner, name in ((builtins, "open"), (io, "open"), (os, "open"), (os, "stat"),
                        (os, "lstat"), (os, "scandir"), (os, "listdir"), (Path, "open"),
                        (Path, "read_text"), (Path, "read_bytes"), (Path, "stat"),
                        (Path, "resolve"), (Path, "exists"), (Path, "is_file"),
                        (time, "time"), (time, "time_ns")):
        monkeypatch.setattr(owner, name, refuse)
    monkeypatch.setattr(datetime, "date", Date)
    monkeypatch.setattr(datetime, "datetime", DateTime)


def test_checks_read_no_file_and_no_clock(corpus, monkeypatch):
    import generator.render  # noqa: F401  (imported ahead: importing a module reads files)

    digest, problems = load_content(corpus.content, corpus.root)
    expected = run_checks(digest, problems)
    with monkeypatch.context() as patch:  # undone before pytest reports (which reads files)
        _no_io(patch)
        try:
            found = run_checks(digest, problems), run_checks(digest, problems, today="2999-12-31")
        except AssertionError as exc:
            found = exc
    assert found == (expected, expected)


def test_checks_compare_excerpts_with_the_seed_text_loaded(corpus):
    from dataclasses import replace

    from generator.models import SeedText

    digest, problems = load_content(corpus.content, corpus.root)
    (item,) = [e for e in digest.items if e.value.id == "council-bulldozes-the-bike-lane-plan"]
    seed = item.value.seed.file
    assert digest.seeds[seed].text is not None
    assert "seed" not in {p.code for p in run_checks(digest, problems)}
    other = replace(digest, seeds={**digest.seeds, seed: SeedText("Another seed entirely.")})
    assert any(p.code == "seed" and p.path == item.path for p in run_checks(other, problems))
    gone = replace(digest, seeds={**digest.seeds, seed: SeedText(None)})
    assert any(p.code == "seed" and "cannot be read" in p.message
               for p in run_checks(gone, problems))


def test_the_future_is_judged_from_the_day_given(corpus):
    digest, problems = load_content(corpus.content, corpus.root)
    assert not any(p.code == "date" for p in run_checks(digest, problems, today="2999-12-31"))
    before = run_checks(digest, problems, today="1990-01-01")
    assert any(p.code == "date" and "in the future" in p.message for p in before)


def _module_imports(path, package: str) -> set[str]:
    """The modules a file imports when it is imported (its top level; not under `if`)."""
    import ast

    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return found


def test_check_imports_nothing_that_reads_files():
    """The check stage, and all it imports, can be imported without a module that reads files."""
    from conftest import ROOT

    readers = {"generator.textfile", "generator.yamlio", "generator.load", "generator.cache",
               "generator.sitedir", "generator.site", "generator.pipeline", "os", "shutil",
               "tempfile", "subprocess", "glob"}
    seen, todo = set(), ["generator.check"]
    while todo:
        name = todo.pop()
        path = ROOT / (name.replace(".", "/") + ".py")
        package = name.rpartition(".")[0]
        if not path.is_file():
            path = ROOT / name.replace(".", "/") / "__init__.py"
            package = name
        if name in seen or not path.is_file():
            continue
        seen.add(name)
        imported = _module_imports(path, package)
        assert not imported & readers, (name, imported & readers)
        todo += [m for m in imported if m.startswith("generator")]
    assert {"generator.check.core", "generator.models", "generator.seedformats"} <= seen
