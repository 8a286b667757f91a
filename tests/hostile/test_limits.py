"""Nothing a record says can hang the checks or the renderer: fields at their length limits,
made of the text that costs each stage most, are loaded, checked and rendered (in a child
process with limits on time and memory), and the work each stage does grows linearly with them.

Work is counted, not timed (``conftest.count_work``), on the fields at half their length and at
full length: a linear stage does about twice the work on twice the text, a quadratic one four
times. What one call of a regular expression does inside is not counted: the child's limits
still fail the test if such a call hangs."""

from __future__ import annotations

import json
import os
import sys
import textwrap

from conftest import ROOT, run_bounded

# Each field at (or near) its limit, in the shape that made a stage slow or crash before.
WORST = {
    "summary": '"massacre", they said; a massacre. ' * 1400,  # cubic neutral-voice
    "context": "“" * 49_000,  # unclosed quotation marks: quadratic quotation scan
    "positions": ["`" * 49_000,  # backticks: Python-Markdown took minutes
                  "[" * 49_000,  # brackets: six minutes
                  "1. " * 16_000,  # nested lists: RecursionError
                  "[a](" * 12_000,  # unclosed links
                  "](" * 24_000,  # link targets without an end
                  "*a" * 24_000 + "_" * 1000,
                  "<" * 49_000,
                  "> " * 24_000 + "x"],
    "framing": "word " * 3_900,  # a framing term of 3,900 words: cubic glossary lookup
    "excerpt": "a" * 19_000,  # against a lexicon pattern with many wildcards in one word
}

SCRIPT = textwrap.dedent('''
    import json, sys, hashlib
    from pathlib import Path
    from conftest import count_work
    from generator import yamlio
    from generator.load import load_content
    from generator.check import run_checks
    from generator.publish import contents, data_files
    from generator.render import render_site
    worst = json.loads(Path(sys.argv[1]).read_text())
    root = Path(sys.argv[2])
    share = float(sys.argv[3])  # of each field's length
    cut = lambda text: text[: round(len(text) * share)]
    worst = {key: [cut(v) for v in value] if isinstance(value, list) else cut(value)
             for key, value in worst.items()}
    (root / "seeds").mkdir(parents=True)
    (root / "content/items").mkdir(parents=True)
    excerpt = worst["excerpt"]
    (root / "seeds/s.txt").write_text("P\\n\\nH\\n\\n" + excerpt + "\\n")
    item = {"id": "worst", "title": "H", "status": "draft",
            "seed": {"file": "seeds/s.txt", "position": 1, "excerpt": excerpt,
                     "sha256": hashlib.sha256(excerpt.encode()).hexdigest()},
            "summary": worst["summary"], "context": worst["context"],
            "framing": [{"term": worst["framing"], "note": ""}],
            "perspectives": [{"stakeholder": "s", "position": p, "status": "stated"}
                             for p in worst["positions"]]}
    (root / "content/items/worst.yaml").write_text(yamlio.dump(item))
    (root / "content/stakeholders.yaml").write_text(yamlio.dump(
        [{"id": "s", "name": "S", "kind": "k", "order": 1}]))
    (root / "content/glossary.yaml").write_text(yamlio.dump(
        [{"term": ("word " * n).strip() + " x"} for n in range(1, 60)]))
    (root / "content/lexicon.yaml").write_text(yamlio.dump([
        {"term": "massacre", "pattern": "massacr*"},
        {"term": "wild", "pattern": "a*a*a*a*a*a*a*a*a*a*a*a*b"},
        {"term": "many", "exceptions": ["a*a*a*a*a*a*a*a*b"]}]))
    calls = {}


    def counted(stage, run):
        result, calls[stage] = count_work(run)
        return result

    digest, problems = counted("load", lambda: load_content(root / "content", root))
    problems = counted("check", lambda: run_checks(digest, problems))
    pages, files = counted("render", lambda: (render_site(digest), [contents(m) for _, m in data_files(digest)]))
    print(json.dumps({"calls": calls, "codes": sorted({p.code for p in problems}),
                      "items": len(digest.items), "pages": len(pages)}))
''')


def _run(tmp_path, share: float) -> dict:
    result = run_bounded([sys.executable, str(tmp_path / "run.py"), str(tmp_path / "worst.json"),
                          str(tmp_path / f"p{share}"), str(share)], cwd=ROOT, timeout=120,
                         env={"PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_worst_case_fields_cost_work_in_proportion_to_their_length(tmp_path):
    (tmp_path / "worst.json").write_text(json.dumps(WORST))
    (tmp_path / "run.py").write_text(SCRIPT)
    half, full = _run(tmp_path, 0.5), _run(tmp_path, 1.0)
    for report in (half, full):
        assert report["items"] == 1 and report["pages"] > 10
        assert {"lexicon-pattern", "neutral-voice"} <= set(report["codes"])
    for stage, calls in full["calls"].items():
        # Linear work doubles (less, with the fixed costs); quadratic work would quadruple.
        assert calls <= 2.5 * half["calls"][stage], (stage, half["calls"], full["calls"])
