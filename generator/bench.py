"""Measurement: the whole pipeline at scale, on synthetic content (``parallax bench``).

Input: a record count. Output: a dict of figures (printed as JSON by the CLI). The bench writes a
temporary project (``synthetic.write_content``, this project's ``docs/`` and ``mkdocs.yml``), then
measures, in this order:

1. the generator stage in this process: load (read and parse), validate, check, render;
2. ``parallax build`` in a child process: generator and MkDocs together, as a user runs it,
   and the part of it after the plugin handed MkDocs every page made and finished (MkDocs'
   own work: the theme around each page, the search index, writing the site);
3. the same MkDocs build of the same pages without the generator: ``parallax render --out``
   Markdown beside ``docs/``, the same configuration less the ``parallax`` plugin, in a child
   process. Builds 2 and 3 run with the same Python in the same run, so their ratio compares like
   with like on a busy machine too;
4. the floor: MkDocs and the same theme building one plain Markdown page of about 3 KB per
   record (not in the navigation) in a project of its own, what any site of that many pages
   costs;
5. ``parallax check`` in a child process three times: with no cache (cold), again on the
   unchanged tree (warm), and after an edit to one record (warm, one record changed);
6. the size of the largest item page and of the largest listing page in the built site, and the
   largest item page of a small reference digest built the same way (a page must not grow with
   the digest);
7. optionally, under ``mkdocs serve --dirty`` (``make serve``) on a digest of its own size, the
   seconds from saving an edit to a record until the served page shows it (the median of edits
   to three records, each given too); and the same for one edit under a plain ``mkdocs serve``,
   which rebuilds every page.

Wall-clock time is what a reader waits for; the CPU time of each step is given beside it, since a
machine shared with other work stretches the first and not the second. Each build and each
check starts without the check cache (``.parallax-cache/``) unless said otherwise. When stderr is
a terminal, a line there says which step is running. How a step is timed, and a command run
and measured, is in ``measure``.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import yamlio
from .measure import _peak, _timed, machine, measured, progress, run, serve_edit
from .sitedir import copy_file, copy_tree, write_file
from .synthetic import record_stats, write_content

# A child process running the command line, with this Python and this generator.
CLI = [sys.executable, "-c", "from generator.cli import main; main()"]


def make_project(folder: Path, records: int, source: Path) -> Path:
    """A project under ``folder``: synthetic content and seeds, ``source``'s docs and mkdocs.yml."""
    write_content(folder, records)
    config = yamlio.parse((source / "mkdocs.yml").read_text(encoding="utf-8"), "mkdocs.yml").data
    copy_tree(source / config.get("docs_dir", "docs"), folder / "docs")
    copy_file(source / "mkdocs.yml", folder / "mkdocs.yml")
    return folder


def generator_stage(project: Path) -> dict:
    """Load, validate, check and render the project's content in this process, timing each
    stage; then time the whole generator stage as ``parallax build`` runs it."""
    from .check import run_checks
    from .load import load_content
    from .problems import has_errors
    from .render import render_site

    (digest, problems), load_wall, load_cpu = _timed(load_content, project / "content", project)
    gc.freeze()  # the digest is built once and only read from here on
    try:
        problems, check_wall, check_cpu = _timed(run_checks, digest, problems)
        pages, render_wall, render_cpu = _timed(render_site, digest)
    finally:
        gc.unfreeze()
    if has_errors(problems):
        raise RuntimeError("the synthetic content has errors: " + "; ".join(map(str, problems[:5])))
    n, staged = len(digest.items), load_wall + check_wall + render_wall
    del digest, pages
    wall, cpu = staged, load_cpu + check_cpu + render_cpu
    return {
        "records": n,
        "load_seconds": round(load_wall, 3),  # reading, parsing and validating together
        "check_seconds": round(check_wall, 3),
        "render_seconds": round(render_wall, 3),
        "stages_seconds": round(staged, 3),
        "stages_cpu_seconds": round(load_cpu + check_cpu + render_cpu, 3),
        "generator_seconds": round(wall, 3),
        "generator_cpu_seconds": round(cpu, 3),
        "generator_records_per_second": round(n / wall) if wall else None,
        "generator_records_per_cpu_second": round(n / cpu) if cpu else None,
        "problems": {s: sum(p.severity == s for p in problems) for s in ("error", "warning", "info")},
    }


def record_sizes(project: Path, source: Path) -> dict:
    """The synthetic records' mean size in bytes (all of them), beside the bundled items'
    (``source``'s content), and the shape of both (``synthetic.record_stats``; the synthetic
    shape from the first hundred records, which hold every shape)."""
    items = sorted((project / "content" / "items").glob("*.yaml"))
    bundled = record_stats(sorted((source / "content" / "items").glob("*.yaml")))
    return {"record_bytes_mean": round(sum(p.stat().st_size for p in items) / len(items))
            if items else 0,
            "bundled_record_bytes_mean": bundled.get("bytes_mean", 0),
            "record_shape": record_stats(items[:100]), "bundled_record_shape": bundled}


CACHE_DIR = ".parallax-cache"
FLOOR_PAGE_BYTES = 3000


def clear_cache(project: Path) -> None:
    """Remove the project's check cache, so that the next step starts cold."""
    shutil.rmtree(project / CACHE_DIR, ignore_errors=True)


def floor_page(k: int) -> str:
    """Plain Markdown of about FLOOR_PAGE_BYTES: a heading, paragraphs with emphasis and a
    link, a list; what an ordinary documentation page holds."""
    import random

    from .synthetic import _Text

    text = _Text(random.Random(k))
    parts = [f"# Page {k}\n", text.paragraph(3),
             f"See *the report* on [page {k}](https://example.org/report/{k}).\n",
             "## Details\n", "\n".join(f"- {text.sentence(8)}" for _ in range(4)) + "\n"]
    while sum(len(x) + 1 for x in parts) < FLOOR_PAGE_BYTES:
        parts.append(text.paragraph(2))
    return "\n".join(parts) + "\n"


def floor_project(folder: Path, records: int, source: Path) -> Path:
    """A project that MkDocs builds with this project's theme and Markdown settings (less the
    ``parallax`` plugin): a home page and ``records`` plain pages of about 3 KB, left out of the
    navigation. Returns its configuration file."""
    config = yamlio.parse((source / "mkdocs.yml").read_text(encoding="utf-8"), "mkdocs.yml").data
    docs = folder / "docs"
    copy_tree(source / config.get("docs_dir", "docs") / "assets", docs / "assets")
    write_file(docs / "index.md", "# Floor\n\nA site of plain pages.\n", sync=False)
    for k in range(records):
        page = docs / "pages" / f"{k // 1000:03d}" / f"page-{k:06d}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        write_file(page, floor_page(k), sync=False)
    config["plugins"] = [p for p in config.get("plugins", [])
                         if not (p == "parallax" or (isinstance(p, dict) and "parallax" in p))]
    config.pop("watch", None)
    config.update(docs_dir="docs", site_dir="site", nav=[{"Home": "index.md"}])
    write_file(folder / "mkdocs.yml", yamlio.dump(config), sync=False)
    return folder / "mkdocs.yml"


def check_runs(project: Path, item: str) -> dict:
    """``parallax check`` three times: cold (no cache), warm (the tree unchanged), and warm after
    an edit to ``item``'s record (its neutral title, a change no check objects to)."""
    command = [*CLI, "check", "--content", "content"]
    clear_cache(project)
    cold = measured(command, project)
    warm = measured(command, project)
    record = project / "content" / "items" / f"{item}.yaml"
    text = record.read_text(encoding="utf-8")
    # The new title, then the old one made a comment: the record stays valid YAML.
    write_file(record, text.replace("neutral_title: ", "neutral_title: 'Edited for the bench' #", 1),
               sync=False)
    try:
        edit = measured(command, project)
    finally:
        write_file(record, text, sync=False)
        clear_cache(project)
    return {"check_cold_seconds": round(cold["seconds"], 2),
            "check_cold_cpu_seconds": round(cold["cpu_seconds"], 2),
            "check_warm_seconds": round(warm["seconds"], 2),
            "check_warm_cpu_seconds": round(warm["cpu_seconds"], 2),
            "check_warm_edit_seconds": round(edit["seconds"], 2),
            "check_warm_edit_cpu_seconds": round(edit["cpu_seconds"], 2),
            "check_warm_ratio": round(warm["seconds"] / cold["seconds"], 3),
            "check_warm_edit_ratio": round(edit["seconds"] / cold["seconds"], 3)}


def mkdocs_only_project(project: Path) -> Path:
    """A configuration that builds the rendered Markdown and docs/ with MkDocs alone."""
    rendered, docs = project / "rendered", project / "only-docs"
    copy_tree(project / "docs", docs)
    copy_tree(rendered, docs)
    config = yamlio.parse((project / "mkdocs.yml").read_text(encoding="utf-8"), "mkdocs.yml").data
    plugins = [p for p in config.get("plugins", [])
               if not (p == "parallax" or (isinstance(p, dict) and "parallax" in p))]
    write_file(project / "mkdocs-only.yml", yamlio.dump(
        {"INHERIT": "mkdocs.yml", "docs_dir": "only-docs", "plugins": plugins}))
    return project / "mkdocs-only.yml"


def page_sizes(site: Path) -> dict:
    """The largest item page and the largest listing page of a built site, in bytes. Every page
    that is not one item's own page (the item page, its handout, answer key and activities)
    counts as a listing: the
    home page, the paginated listings, the timeline, the coverage matrix, the handout pack, the
    glossary and the documentation pages."""
    items, listings = [], []
    for page in site.rglob("index.html"):
        parts = page.relative_to(site).parts
        size = page.stat().st_size
        if parts[0] == "404.html":
            continue
        one_item = (len(parts) == 3 and parts[0] == "items"
                    or len(parts) >= 4 and parts[:2] == ("teachers", "handouts"))
        if one_item and not parts[-2].startswith("page-"):
            if parts[0] == "items":
                items.append((size, "/".join(parts[:-1]) + "/"))
        else:
            listings.append((size, "/".join(parts[:-1]) + "/"))
    item, listing = max(items, default=(0, "")), max(listings, default=(0, ""))
    return {"largest_item_page_bytes": item[0], "largest_item_page": item[1],
            "largest_listing_page_bytes": listing[0], "largest_listing_page": listing[1],
            "item_pages": len(items), "listing_pages": len(listings)}


def full_build(project: Path) -> dict:
    """``parallax build`` in a child process (``timed_build``), measured, with
    ``mkdocs_part_seconds``: how long MkDocs went on after the generator had handed it every
    page made and finished (the theme around each page, the search index, writing the site)."""
    # Drafts shown: every synthetic record is rendered, whatever its status (the worst case).
    result = measured([sys.executable, "-c", "from generator.bench import timed_build; "
                       "timed_build()", "build", "--content", "content", "--site-dir", "site",
                       "--config", "mkdocs.yml", "--drafts"], project)
    said = [line for line in result["stderr"].decode(errors="replace").splitlines()
            if line.startswith(HANDED_LINE)]
    result["mkdocs_part_seconds"] = float(said[-1].split()[1]) if said else None
    return result


HANDED_LINE = "parallax-bench-handed"


def timed_build() -> None:
    """The command line (``sys.argv``: ``build`` and its options) as a user runs it, then on
    stderr ``parallax-bench-handed <seconds>``: how long it ran after the plugin said it had
    handed MkDocs its pages (``site.HANDED``, a debug record of the plugin's log)."""
    import logging

    from .cli import main
    from .site import HANDED, log

    handed: list[float] = []

    class Handed(logging.Handler):
        def emit(self, record):
            if record.msg == HANDED:
                handed.append(time.perf_counter())

    log.addHandler(Handed(logging.DEBUG))
    log.setLevel(logging.DEBUG)  # (no handler of this process shows a debug record)
    code = 0
    try:
        main(sys.argv[1:])
    except SystemExit as exit_:
        code = exit_.code
    if handed:
        print(HANDED_LINE, f"{time.perf_counter() - handed[-1]:.3f}", file=sys.stderr)
    sys.exit(code)


def bench(records: int, source: Path, reference: int = 100, keep: Path | None = None,
          serve: int = 0) -> dict:
    """Every figure for a digest of ``records`` synthetic records (see the module docstring)."""
    from .sitedir import MARKER, MARKER_TEXT, make_private_dir, sweep

    if keep is None:
        sweep(Path(tempfile.gettempdir()), "parallax-bench-")
        work = make_private_dir("parallax-bench-")
    else:  # the CLI has checked it is new, empty or the bench's own: made afresh
        work = Path(keep)
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        write_file(work / MARKER, MARKER_TEXT)
    try:
        started = time.perf_counter()
        project = make_project(work / "project", records, source)
        setup = time.perf_counter() - started
        result: dict = {"records": records, "machine": machine()}
        result.update(record_sizes(project, source))
        progress(f"generator stage, {records} records")
        stage = generator_stage(project)
        result.update(stage)
        progress("parallax build")
        clear_cache(project)
        build = full_build(project)
        progress("parallax render --out")
        render = run([*CLI, "render", "--content", "content", "--out", "rendered", "--drafts"],
                     project)
        progress("MkDocs alone, the same pages")
        only = measured([sys.executable, "-m", "mkdocs", "build", "--quiet", "--strict",
                         "-f", str(mkdocs_only_project(project)), "-d", "site-only"], project)
        progress(f"the floor: MkDocs, {records} plain pages")
        floor = measured([sys.executable, "-m", "mkdocs", "build", "--quiet", "--strict", "-f",
                          str(floor_project(work / "floor", records, source))], work / "floor")
        result.update({
            "build_seconds": round(build["seconds"], 2),
            "build_cpu_seconds": round(build["cpu_seconds"], 2),
            "mkdocs_only_seconds": round(only["seconds"], 2),
            "mkdocs_only_cpu_seconds": round(only["cpu_seconds"], 2),
            "build_ratio": round(build["seconds"] / only["seconds"], 3),
            "build_cpu_ratio": round(build["cpu_seconds"] / only["cpu_seconds"], 3),
            "mkdocs_floor_seconds": round(floor["seconds"], 2),
            "mkdocs_floor_cpu_seconds": round(floor["cpu_seconds"], 2),
            "floor_ratio": round(build["seconds"] / floor["seconds"], 3),
            "floor_cpu_ratio": round(build["cpu_seconds"] / floor["cpu_seconds"], 3),
            "mkdocs_part_seconds": build["mkdocs_part_seconds"],
            "mkdocs_part_floor_ratio": (round(build["mkdocs_part_seconds"] / floor["seconds"], 3)
                                        if build["mkdocs_part_seconds"] else None),
            "render_out_seconds": round(render["seconds"], 2),
            "peak_memory_mb": _peak(build),
            "peak_process_memory_mb": round(build["peak_memory_mb"], 1),
            "mkdocs_only_peak_memory_mb": _peak(only),
        })
        shutil.rmtree(work / "floor", ignore_errors=True)
        progress("parallax check: cold, warm, warm after an edit")
        result.update(check_runs(project, f"item-{min(3, records - 1):06d}"))
        result.update(page_sizes(project / "site"))
        if reference and reference < records:
            progress(f"reference digest, {reference} records")
            small = make_project(work / "reference", reference, source)
            full_build(small)
            ref = page_sizes(small / "site")["largest_item_page_bytes"]
            result.update({"reference_records": reference,
                           "reference_largest_item_page_bytes": ref,
                           "item_page_growth": round(result["largest_item_page_bytes"] / ref, 4)})
        if serve:
            progress(f"mkdocs serve, {serve} records")
            live = make_project(work / "serve", serve, source)
            picks = [f"item-{i:06d}" for i in (1, 3, 5) if i < serve] or ["item-000000"]
            dirty = serve_edit(live, picks, dirty=True)
            full = serve_edit(live, ["item-000002"], dirty=False)
            result.update({"serve_records": serve,
                           "serve_edit_seconds": dirty["edit_seconds"],
                           "serve_edits_seconds": dirty["edits_seconds"],
                           "serve_first_build_seconds": dirty["first_build_seconds"],
                           "serve_plain_edit_seconds": full["edit_seconds"],
                           "serve_plain_first_build_seconds": full["first_build_seconds"]})
        progress("done\n")
        result["setup_seconds"] = round(setup, 2)
        result["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        return result
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
