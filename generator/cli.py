"""The command-line shell (the one home of click): parse arguments, call the core, show problems.

Domain errors become `path:line: code: message` lines and exit codes: 0 clean, 1 problems,
2 an unusable invocation. Exceptions are left for bugs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .problems import Problem, has_errors

CONTENT = click.option("--content", "content", default="content", show_default=True,
                       type=click.Path(file_okay=False, path_type=Path),
                       help="The content folder (items/ and the registries).")


def _project_root(content: Path) -> Path:
    return content.resolve().parent


def _show(problems: list[Problem], fmt: str = "text", quiet_info: bool = True) -> None:
    if fmt == "json":
        click.echo(json.dumps([p.as_dict() for p in problems], indent=2, ensure_ascii=False))
        return
    for p in problems:
        if quiet_info and p.severity == "info":
            continue
        click.echo(str(p), err=p.severity != "info")


@click.group()
@click.version_option(__version__, prog_name="parallax")
def main():
    """Parallax: balanced, sourced, classroom-ready context from one-sided sources."""


@main.command()
@CONTENT
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text: path:line: code: message; json: for tools.")
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.option("--verbose", "-v", is_flag=True, help="Also show notes (such as drafts).")
def check(content: Path, fmt: str, strict: bool, verbose: bool):
    """Validate every record and registry, and run the editorial checks."""
    from .check import run_checks
    from .load import load_content

    if not content.is_dir():
        raise click.UsageError(f"content folder {content} not found; pass --content DIR")
    digest, problems = load_content(content, _project_root(content))
    problems = run_checks(digest, problems)
    _show(problems, fmt, quiet_info=not verbose)
    if fmt == "text":
        counts = {s: sum(p.severity == s for p in problems) for s in ("error", "warning", "info")}
        click.echo(f"{len(digest.items)} items: {counts['error']} errors, {counts['warning']} "
                   f"warnings, {counts['info']} notes", err=True)
    sys.exit(1 if has_errors(problems, strict) else 0)


@main.command()
@click.argument("seeds", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@CONTENT
@click.option("--format", "fmt", default=None, help="Seed format, overriding detection.")
@click.option("--dry-run", is_flag=True, help="Show what would be done; write nothing.")
def ingest(seeds: tuple[Path, ...], content: Path, fmt: str | None, dry_run: bool):
    """Turn seed files into draft records in CONTENT/items/, never overwriting a record."""
    from . import ingest as ing
    from .load import load_content
    from .prefill import Prefill
    from .seedformats import PARSERS

    if fmt is not None and fmt not in PARSERS:
        raise click.UsageError(f"unknown --format {fmt!r}; use one of {', '.join(sorted(PARSERS))}")
    root = _project_root(content)
    digest, _ = load_content(content, root) if content.is_dir() else (None, [])
    prefill = Prefill(digest) if digest is not None else None
    placed, problems = [], []
    for seed in seeds:
        if dry_run:
            placed.append(seed)
            continue
        target, found = ing.place_seed(seed, root)
        problems += found
        if not found:
            placed.append(target)
    result = ing.plan(placed, content, root, fmt, prefill)
    problems += result.problems
    actions = result.actions
    interactive = sys.stderr.isatty() and not dry_run
    if not dry_run:
        with click.progressbar(actions, label="Writing records", file=sys.stderr,
                               show_pos=True) if interactive and len(actions) > 1 else _plain(actions) as bar:
            for action in bar:
                ing.apply([action])
                if not interactive:
                    click.echo(f"{action.kind}: {action.path}", err=False)
    else:
        for action in actions:
            click.echo(f"would {action.kind}: {action.path}")
    for a in actions:
        if a.kind == "conflict":
            click.echo(f"{a.path}:1: ingest-conflict: {a.message}", err=True)
    _show(problems)
    counts = {k: sum(a.kind == k for a in actions) for k in ("create", "unchanged", "conflict")}
    verb = "would be " if dry_run else ""
    click.echo(f"{counts['create']} {verb}created, {counts['unchanged']} unchanged, "
               f"{counts['conflict']} in conflict, {len([p for p in problems if p.severity == 'error'])} "
               "seed errors", err=True)
    sys.exit(1 if counts["conflict"] or has_errors(problems) else 0)


class _plain:
    """A stand-in for a progress bar when output is not a terminal."""

    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False


@main.command()
@CONTENT
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
              show_default=True, help="Where the site is written.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("mkdocs.yml"), show_default=True)
def build(content: Path, site_dir: Path, config_file: Path):
    """Check the content, then build the site (MkDocs, strict) into SITE_DIR."""
    from .pipeline import generate
    from .sitedir import replace_dir

    if not content.is_dir():
        raise click.UsageError(f"content folder {content} not found; pass --content DIR")
    if not config_file.is_file():
        raise click.UsageError(f"{config_file} not found; run from the project folder or pass --config")
    generated = generate(content, _project_root(content))
    _show(generated.problems)
    if has_errors(generated.problems):
        click.echo("build refused: fix the errors above", err=True)
        sys.exit(1)
    from mkdocs.exceptions import MkDocsException

    from .site import build as site_build
    try:
        with replace_dir(site_dir) as tmp:
            site_build(config_file, content, tmp, generated=generated)
    except MkDocsException as exc:
        click.echo(f"build failed: {exc}", err=True)
        sys.exit(1)
    click.echo(f"built {generated.items} items into {site_dir}", err=True)


@main.command()
@CONTENT
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the Markdown pages.")
def render(content: Path, out: Path):
    """Write the site's generated pages as plain Markdown, for other engines and for diffing."""
    from .check import run_checks
    from .load import load_content
    from .render import render_site
    from .sitedir import write_pages

    digest, problems = load_content(content, _project_root(content))
    problems = run_checks(digest, problems)
    _show(problems)
    if has_errors(problems):
        sys.exit(1)
    pages = render_site(digest)
    write_pages(pages, out)
    click.echo(f"wrote {len(pages)} pages to {out}", err=True)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("schema"),
              show_default=True)
def schema(out: Path):
    """Write the JSON Schema of every record file (for editors and tools)."""
    from .schema import write_schemas

    for path in write_schemas(out):
        click.echo(f"wrote {path}", err=True)


@main.command()
@click.option("--records", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="How many synthetic records to generate.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the JSON figures to this file.")
@click.option("--reference", type=click.IntRange(min=0), default=100, show_default=True,
              help="Records in the small digest whose largest item page is compared (0: none).")
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Build in this folder and keep it (default: a temporary folder, removed).")
@click.option("--serve", "serve", type=click.IntRange(min=0), default=1000, show_default=True,
              help="Records in the digest whose edit is timed under mkdocs serve (0: none).")
@click.option("--repeat", type=click.IntRange(min=1), default=1, show_default=True,
              help="Run the full and the MkDocs-only builds this many times, alternately; the "
                   "quickest of each counts.")
def bench(records: int, out: Path | None, reference: int, keep: Path | None, serve: int,
          repeat: int):
    """Measure the generator and the full build on N synthetic records; print JSON figures."""
    from .bench import bench as run_bench

    if not Path("mkdocs.yml").is_file():
        raise click.UsageError("mkdocs.yml not found; run the bench from the project folder")
    figures = run_bench(records, Path.cwd(), reference, keep, serve, repeat)
    text = json.dumps(figures, indent=2)
    click.echo(text)
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
