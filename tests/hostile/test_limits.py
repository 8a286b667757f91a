"""Nothing a record says can hang the checks or the renderer: fields at their length limits,
made of the text that costs each stage most, are checked and rendered in bounded time and
memory (in a child process with limits)."""

from __future__ import annotations

import json
import sys
import textwrap

from conftest import ROOT

from .support import run_bounded

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
    import json, sys, time, hashlib
    from pathlib import Path
    from generator import yamlio
    from generator.load import load_content
    from generator.check import run_checks
    from generator.render import render_site, data_files
    worst = json.loads(Path(sys.argv[1]).read_text())
    root = Path(sys.argv[2])
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
    times = {}
    t = time.monotonic(); digest, problems = load_content(root / "content", root)
    times["load"] = time.monotonic() - t
    t = time.monotonic(); problems = run_checks(digest, problems)
    times["check"] = time.monotonic() - t
    t = time.monotonic(); pages = render_site(digest); files = data_files(digest)
    times["render"] = time.monotonic() - t
    print(json.dumps({"times": times, "codes": sorted({p.code for p in problems}),
                      "items": len(digest.items), "pages": len(pages)}))
''')


def test_worst_case_fields_are_checked_and_rendered_in_bounded_time(tmp_path):
    (tmp_path / "worst.json").write_text(json.dumps(WORST))
    (tmp_path / "run.py").write_text(SCRIPT)
    result = run_bounded([sys.executable, str(tmp_path / "run.py"), str(tmp_path / "worst.json"),
                          str(tmp_path / "p")], cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["items"] == 1 and report["pages"] > 10
    assert {"lexicon-pattern", "neutral-voice"} <= set(report["codes"])
    assert sum(report["times"].values()) < 20, report["times"]
