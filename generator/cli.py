"""The command-line shell (the one home of click): parse arguments, call the core, show problems.

Domain errors become `path:line: code: message` lines and exit codes: 0 clean, 1 problems,
2 an unusable invocation. Exceptions are left for bugs.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

import click

from . import __version__
from .problems import Problem, has_errors
from .seedformats import ALIASES, PARSERS

FORMATS = sorted({*PARSERS, *ALIASES})

CONTENT = click.option("--content", "content", default="content", show_default=True,
                       type=click.Path(file_okay=False, path_type=Path),
                       help="The content folder (items/ and the registries).")


def _project_root(content: Path) -> Path:
    return content.resolve().parent


def _guard(option: str, out: Path, content: Path, legacy=None, sources=None) -> None:
    """Refuse (exit 2) an output folder that ``sitedir.guard_output`` refuses."""
    from .sitedir import guard_output

    sources = {"content folder (--content)": content, **(sources or {})}
    if why := guard_output(out, _project_root(content), sources, legacy):
        raise click.UsageError(f"{option}: {why}")


def _openable(problems: list[Problem], content: Path) -> list[Problem]:
    """Problems whose paths the user can open from where they ran the command: a path relative
    to the digest project (``content/items/x.yaml``) is given as the user named the project
    (``--content other/content`` gives ``other/content/items/x.yaml``). Given an absolute
    ``--content``, paths stay relative to the project, as short as they can be."""
    prefix = Path(content).parent
    if prefix == Path(".") or prefix.is_absolute():
        return problems
    root = prefix.resolve()
    out = []
    for prob in problems:
        path = Path(prob.path)
        if not path.is_absolute() and (root / path).exists() and Path.cwd().resolve() != root:
            prob = replace(prob, path=(prefix / path).as_posix())
        out.append(prob)
    return out


def _show(problems: list[Problem], fmt: str = "text", quiet_info: bool = True,
          content: Path | None = None) -> None:
    if content is not None:
        problems = _openable(problems, content)
    if fmt == "json":
        click.echo(json.dumps([p.as_dict() for p in problems], indent=2, ensure_ascii=False))
        return
    for p in problems:
        if quiet_info and p.severity == "info":
            continue
        click.echo(str(p), err=p.severity != "info")


def _checked_digest(content: Path, root: Path, refused: str):
    """Load and check ``content``; show the problems; on errors, say ``refused`` and exit 1."""
    from .check import run_checks
    from .load import load_content

    digest, problems = load_content(content, root)
    problems = run_checks(digest, problems)
    _show(problems, content=content)
    if has_errors(problems):
        if refused:
            click.echo(f"{refused}: fix the errors above", err=True)
        sys.exit(1)
    return digest


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
    from .cache import open_cache
    from .verdict import checked

    if not content.is_dir():
        raise click.UsageError(f"content folder {content} not found; pass --content DIR")
    root = _project_root(content)
    cache = open_cache(root)  # .parallax-cache/: the same verdict, less work when little changed
    cache.frugal = False  # the digest is let go once judged: read it fast rather than small
    items, problems = checked(cache, content, root)
    _show(problems, fmt, quiet_info=not verbose, content=content)
    if fmt == "text":
        counts = {s: sum(p.severity == s for p in problems) for s in ("error", "warning", "info")}
        click.echo(f"{items} items: {counts['error']} errors, {counts['warning']} "
                   f"warnings, {counts['info']} notes", err=True)
    sys.exit(1 if has_errors(problems, strict) else 0)


@main.command()
@click.argument("seeds", nargs=-1, required=True, type=click.Path(path_type=Path))
@CONTENT
@click.option("--format", "fmt", type=click.Choice(FORMATS, case_sensitive=False), default=None,
              help="Read every seed as this format instead of judging from its content.")
@click.option("--dry-run", is_flag=True, help="Show what would be done; write nothing.")
def ingest(seeds: tuple[Path, ...], content: Path, fmt: str | None, dry_run: bool):
    """Turn seed files into draft records in CONTENT/items/, never overwriting a record.

    Seeds may be plain-text digests, saved HTML listing pages, RSS or Atom feeds, or Markdown
    with one `##` headline per item."""
    from . import ingest as ing

    interactive = _interactive()
    result = ing.run(
        list(seeds), content, fmt, dry_run,
        progress=lambda items, label: _progress(items, label, interactive),
        on_seed=None if interactive else lambda seed, plan: click.echo(_seed_line(seed, plan, dry_run)),
        on_record=None if interactive else lambda action: click.echo(f"created: {action.path}"))
    if dry_run:
        for a in result.plan.actions:
            click.echo(f"{'would create' if a.kind == 'create' else a.kind}: {a.path}")
        for file in result.listed:
            click.echo(f"would list in {result.listing}: {file}")
    else:
        if result.schema is not None:
            click.echo("wrote the JSON Schema the drafts name into "
                       f"{os.path.relpath(result.schema)}", err=True)
        if result.listed:
            click.echo(f"listed in {result.listing}: " + ", ".join(result.listed), err=True)
    _show(list(result.problems), content=content)
    verb = "would be " if dry_run else ""
    click.echo(f"{result.count('create')} {verb}created, {result.count('unchanged')} unchanged, "
               f"{result.count('conflict')} in conflict, "
               f"{sum(p.severity == 'error' for p in result.plan.problems)} errors", err=True)
    sys.exit(1 if result.failed else 0)


def _interactive() -> bool:
    return sys.stderr.isatty()


def _progress(items: list, label: str, interactive: bool):
    """A progress bar on a terminal; elsewhere the items as they are (callers print lines)."""
    if interactive and len(items) > 1:
        return click.progressbar(items, label=label, file=sys.stderr, show_pos=True)
    return contextlib.nullcontext(items)


def _seed_line(seed: Path, plan, dry_run: bool) -> str:
    if not plan.actions:
        return f"{seed}: " + ("not ingested; see the problems below" if plan.problems
                              else "named again; already read")
    create = "to create" if dry_run else "new"
    return (f"{seed}: read as {plan.format}: {plan.count('create')} {create}, "
            f"{plan.count('unchanged')} unchanged, {plan.count('conflict')} in conflict")


@main.command()
@CONTENT
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
              show_default=True, help="Where the site is written.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="The MkDocs configuration  [default: the digest project's "
              "mkdocs.yml, else ./mkdocs.yml]")
@click.option("--drafts", is_flag=True,
              help="Also show draft and reviewed records, each under a banner (for editors; "
                   "never publish this build).")
def build(content: Path, site_dir: Path, config_file: Path | None, drafts: bool):
    """Check the content, then build the site (MkDocs, strict) into SITE_DIR.

    The public site shows published records only; --drafts shows the others too."""
    from .sitedir import replace_dir

    if not content.is_dir():
        raise click.UsageError(f"content folder {content} not found; pass --content DIR")
    if config_file is None:
        own = _project_root(content) / "mkdocs.yml"
        config_file = Path(os.path.relpath(own)) if own.is_file() else Path("mkdocs.yml")
    if not config_file.is_file():
        raise click.UsageError(f"{config_file} not found; run from the project folder or pass --config")
    from .site import build as site_build
    from .site import docs_dir
    from .sitedir import looks_like_site

    _guard("--site-dir", site_dir, content, looks_like_site,
           {"docs folder (mkdocs.yml)": docs_dir(config_file), "configuration": config_file})
    from .site import BuildFailed

    # The plugin loads and checks the content (once, in the generator's process) and hands the
    # problems back here to be shown as `parallax check` shows them.
    found: list = []

    def show(problems):
        found.extend(problems)
        _show(problems, content=content)

    try:
        with replace_dir(site_dir) as tmp:
            # MkDocs reads a relative site_dir from the configuration's folder, not from here.
            count = site_build(config_file, content, tmp.resolve(), show=show, drafts=drafts)
    except BuildFailed as exc:
        if has_errors(found):
            click.echo("build refused: fix the errors above", err=True)
        else:
            click.echo(f"build failed: {exc}", err=True)
        sys.exit(1)
    click.echo(f"built {count} items into {site_dir}"
               + (" (drafts shown: not for publication)" if drafts else ""), err=True)


@main.command()
@CONTENT
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the Markdown pages.")
@click.option("--drafts", is_flag=True, help="Also render draft and reviewed records.")
def render(content: Path, out: Path, drafts: bool):
    """Write the site's generated pages as plain Markdown (the teacher kit's print pages as
    HTML), for other engines and for diffing.

    Published records only, unless --drafts is given."""
    from .public import shown
    from .render import render_site
    from .sitedir import write_pages

    root = _project_root(content)
    _guard("--out", out, content)
    digest = _checked_digest(content, root, "")
    pages = render_site(shown(digest, drafts))
    write_pages(pages, out)
    click.echo(f"wrote {len(pages)} pages to {out}", err=True)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("schema"),
              show_default=True)
def schema(out: Path):
    """Write the JSON Schema of every record file (for editors and tools)."""
    from .schema import write_schemas
    from .sitedir import holds_only_schemas

    _guard("--out", out, Path("content"), holds_only_schemas)
    for path in write_schemas(out):
        click.echo(f"wrote {path}", err=True)


@main.command()
@CONTENT
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "all"]), default="all",
              show_default=True, help="json: every record and registry; csv: one row per item.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("export"),
              show_default=True, help="Folder for the dataset and its JSON Schema.")
@click.option("--drafts", is_flag=True, help="Also export draft and reviewed records.")
def export(content: Path, fmt: str, out: Path, drafts: bool):
    """Write the dataset (JSON and/or CSV) with its JSON Schema, from checked content.

    Only published records are exported, unless --drafts is given."""
    from .export import files
    from .public import shown
    from .sitedir import write_files

    if not content.is_dir():
        raise click.UsageError(f"content folder {content} not found; pass --content DIR")
    _guard("--out", out, content)
    digest = _checked_digest(content, _project_root(content), "export refused")
    written = files(shown(digest, drafts), fmt)
    write_files(written, out)
    click.echo(f"wrote {len(written)} files to {out}", err=True)


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
def bench(records: int, out: Path | None, reference: int, keep: Path | None, serve: int):
    """Measure the generator and the full build on N synthetic records; print JSON figures."""
    from .bench import bench as run_bench

    if not Path("mkdocs.yml").is_file():
        raise click.UsageError("mkdocs.yml not found; run the bench from the project folder")
    from .sitedir import protected, unsafe_output, write_file

    if keep is not None:
        _guard("--keep", keep, Path("content"))
    if out is not None and (why := unsafe_output(out, protected(Path.cwd()))):
        raise click.UsageError(f"--out: {why}")
    figures = run_bench(records, Path.cwd(), reference, keep, serve)
    text = json.dumps(figures, indent=2)
    click.echo(text)
    if out is not None:
        write_file(out, text + "\n")


@main.command("new")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default=None, help="The digest's title  [default: the folder's name]")
def new(folder: Path, title: str | None):
    """Create a new digest project in FOLDER (new or empty).

    It holds mkdocs.yml, content/ (digest.yaml and empty registries with commented examples),
    seeds/, schema/ and the topic-neutral pages; in it, ingest, check, status, build and
    mkdocs serve work with no flags. See the guide "Start a new digest"."""
    from .scaffold import ScaffoldError, new_project
    from .sitedir import guard_output

    if why := guard_output(folder, Path.cwd()):
        raise click.UsageError(why)
    title = (title or folder.resolve().name.replace("-", " ").replace("_", " ")).strip()
    if not title:
        raise click.UsageError("give the digest a title: --title \"...\"")
    try:
        made = new_project(folder, title)
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"created the digest project {title!r} in {folder} ({len(made)} files)", err=True)
    click.echo(f"next: copy a seed into {folder / 'seeds'}, then, in {folder}: parallax ingest "
               "seeds/FILE, parallax status, parallax check, parallax build", err=True)


@main.command("status")
@CONTENT
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text: for people; json: for tools.")
def status_command(content: Path, fmt: str):
    """For each record: what is done, what is missing to publish it, and where to start.

    What is missing is what the checks would refuse if the record were published, grouped as
    on the checks page. Starting points: quoted phrases and named people in the excerpt (search
    strings for the original report), and the parties with no sourced position yet. Exits 0."""
    from .load import load_content
    from .status import report, status, summary

    if not content.is_dir():
        raise click.UsageError(f"content folder {content} not found; pass --content DIR")
    digest, problems = load_content(content, _project_root(content))
    records = status(digest)
    unreadable = [p for p in _openable(problems, content) if p.severity == "error"]
    if fmt == "json":
        click.echo(json.dumps({"records": [r.as_dict() for r in records],
                               "unreadable": [p.as_dict() for p in unreadable]},
                              indent=2, ensure_ascii=False))
        return
    _show(unreadable)
    for line in report(records, Path(content).parent):
        click.echo(line)
    click.echo(summary(records), err=True)
