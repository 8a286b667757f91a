"""Stage: site. The one home of MkDocs: a thin plugin that adds the rendered pages, and the build.

The plugin loads and checks the content once per build, refuses to build on errors, and adds
every page as a generated file: nothing is ever written into ``content/``.

- ``mkdocs build`` (and ``parallax build``): the generator runs in a forked child process on the
  second core (``pipeline``), and MkDocs converts each page as soon as the child has written it
  to a private temporary folder; with ``PARALLAX_JOBS=1``, or where there is no ``fork``, pages
  are rendered in this process and handed to MkDocs in memory.
- Both load and check through the check cache (``cache``, ``.parallax-cache/``): a record whose
  text, registries and seed file are unchanged is neither parsed nor checked again.
- ``mkdocs serve``: records are parsed again only when their file changed, and pages are kept
  as files in a folder of the plugin's own, rewritten only when their text changes, so that
  ``mkdocs serve --dirty`` (``make serve``) rebuilds only the pages an edit touched.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from . import pipeline
from .check import run_checks
from .pipeline import REFUSED
from .cache import Cache, open_cache
from .problems import has_errors
from .public import shown
from .render import SiteText, data_files, output_path, plan_site, record_files
from .sitedir import copy_file, make_private_dir, sweep, write_file

log = logging.getLogger("mkdocs.plugins.parallax")


class ParallaxConfig(Config):
    content = c.Type(str, default="content")
    strict = c.Type(bool, default=False)
    # Drafts are shown (under a banner) with `parallax build --drafts` and under `mkdocs serve`;
    # a public build leaves them out of every page, the search index, the feeds and the data.
    drafts = c.Type(bool, default=False)
    edit_url = c.Type(str, default="")
    # Pinned build time (SOURCE_DATE_EPOCH) so that two builds are byte-identical.
    build_epoch = c.Type(int, default=1_300_000_000)


class ParallaxPlugin(BasePlugin[ParallaxConfig]):
    """Adds the digest's pages to an MkDocs build."""

    def __init__(self):
        super().__init__()
        self.command = "build"
        self.stream: pipeline.Stream | None = None
        self.records: dict = {}  # serve: parsed records, reused while their file is unchanged
        self.pages_dir: Path | None = None  # serve: the pages, kept as files between rebuilds
        self.written: dict[str, bytes] = {}  # serve: the digest of each page file's text
        self.show = None  # a callable given the problems, instead of logging them
        self.copies: list[tuple[str, str]] = []  # (site path, record file) to copy on_env
        self.copier: threading.Thread | None = None
        self.copy_error: str | None = None
        self.spill = None  # HTML of converted pages, until MkDocs writes them
        self.item_count = 0  # items in the last build
        self.failure = None  # what stopped the last build
        self.cache: Cache | None = None  # the check cache (.parallax-cache/), kept across rebuilds

    # The presence of on_startup keeps one plugin instance across `mkdocs serve` rebuilds.
    def on_startup(self, *, command, dirty):
        self.command = command

    def on_shutdown(self):
        self._close_spill()
        self._close_stream()
        if self.pages_dir is not None:
            shutil.rmtree(self.pages_dir, ignore_errors=True)
            self.pages_dir = None

    def on_config(self, config):
        root = Path(config.config_file_path or ".").parent
        self.content = (root / self.config.content).resolve()
        # One rule everywhere: the digest project is the folder holding the content folder, and
        # a record's seed.file is relative to it (not to this configuration's folder).
        self.project_root = self.content.parent
        if self.cache is None or self.cache.folder != open_cache(self.project_root).folder:
            self.cache = open_cache(self.project_root)
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(self.config.build_epoch))
        watch = config.setdefault("watch", [])
        for folder in (self.content, self.project_root / "seeds"):
            if folder.is_dir() and str(folder) not in map(str, watch):
                watch.append(str(folder))
        return config

    def _report(self, problems) -> None:
        if self.show is not None:  # `parallax build` prints problems its own way
            self.show(problems)
        else:
            self._log(problems)
        if has_errors(problems, strict=self.config.strict):
            raise PluginError(pipeline.REFUSED)

    def _log(self, problems) -> None:
        for problem in problems:
            if problem.severity == "error":
                log.error(str(problem))
            elif problem.severity == "warning":
                log.warning(str(problem)) if self.config.strict else log.info(str(problem))

    def on_files(self, files: Files, config) -> Files:
        if self.command != "serve" and pipeline.available():
            return self._files_forked(files, config)
        serving = self.command == "serve"
        theirs = _owners(files)
        digest, problems = self.cache.load(self.content, self.project_root,
                                           memo=self.records if serving else None)
        self._report(self.cache.check(digest, problems))
        digest = shown(digest, self.drafts)
        self.item_count = len(digest.items)
        pages = plan_site(digest, self.config.edit_url, _site_text(config))
        made = [(path, render()) for path, render in pages]
        made += list(data_files(digest).items())
        _refuse_clashes(theirs, [p for p, _ in made] + [p for p, _ in record_files(digest)],
                        config)
        if serving:
            self._keep_as_files(files, config, made)
            # MkDocs copies the record files, and a dirty build only those that changed.
            for path, source in record_files(digest):
                files.append(File.generated(config, path, abs_src_path=source))
        else:
            for path, text in made:
                files.append(File.generated(config, path, content=text))
            self.copies = record_files(digest)
        return files

    def _files_forked(self, files: Files, config) -> Files:
        self._close_stream()
        theirs = _owners(files)
        self.stream = stream = pipeline.start(self.content, self.project_root,
                                              self.config.edit_url, self.config.strict,
                                              run_checks, self.drafts, _site_text(config),
                                              cache=self.cache)
        stream.on_verdict = self.show if self.show is not None else self._log
        try:
            plan = stream.start()
            _refuse_clashes(theirs, plan.pages + [p for p, _ in plan.copies], config)
        except Exception:
            self._close_stream()
            raise
        for index, path in enumerate(plan.pages):
            file = pipeline.PendingFile.generated(config, path,
                                                  abs_src_path=str(stream.source(path)))
            file.stream, file.index = stream, index
            files.append(file)
        self.copies = plan.copies
        self.item_count = len(plan.copies)
        return files

    def on_env(self, env, config, files):
        # MkDocs has read every page and writes nothing before this point: the checks, run
        # beside it, must have passed before it does.
        if self.stream is not None:
            self.stream.verdict()
            self.stream.release_pages()
        if self.copies:
            # The record files the site serves ("Suggest a correction"), copied while MkDocs
            # writes the pages: the copying waits on the disk, MkDocs on the processor.
            self.copier = threading.Thread(target=self._copy_records,
                                           args=(self.copies, Path(config.site_dir)),
                                           name="parallax-records", daemon=True)
            self.copier.start()
        return env

    @property
    def drafts(self) -> bool:
        """Whether this build shows drafts: asked for, or a preview under ``mkdocs serve``."""
        return self.config.drafts or self.command == "serve"

    def _keep_as_files(self, files: Files, config, made) -> None:
        """Pages as files in the plugin's folder, each rewritten only when its text changed (a
        dirty build rebuilds a page only when its file is newer than the built page)."""
        if self.pages_dir is None:
            sweep(Path(tempfile.gettempdir()), "parallax-serve-")
            self.pages_dir = make_private_dir("parallax-serve-")
        seen = set()
        for path, text in made:
            data = text.encode("utf-8")
            digest = hashlib.blake2b(data, digest_size=16).digest()
            target = self.pages_dir / path
            if self.written.get(path) != digest or not target.exists():
                write_file(target, data, sync=False)
                self.written[path] = digest
            seen.add(path)
            files.append(File.generated(config, path, abs_src_path=str(target)))
        for path in set(self.written) - seen:  # a record was removed: so are its pages
            (self.pages_dir / path).unlink(missing_ok=True)
            del self.written[path]

    # MkDocs converts every page before it writes any, so a large site's HTML would all be held
    # at once. A generated page's HTML waits in an unnamed temporary file instead (the system's
    # file cache, not this process, holds it) and is read back just before the page is written
    # and indexed for search.
    @event_priority(-100)  # after every other plugin has seen the HTML
    def on_page_content(self, html, page, config, files):
        if page.file.generated_by == "parallax":
            page.markdown = None  # converted: the Markdown is not needed again
            if self.spill is None:
                self.spill = tempfile.TemporaryFile(prefix="parallax-html-")
            data = html.encode("utf-8")
            page.parallax_html = (self.spill.tell(), len(data))
            self.spill.write(data)
            return ""
        return html

    @event_priority(100)  # before every other plugin (search reads the HTML here)
    def on_page_context(self, context, page, config, nav):
        spilled = getattr(page, "parallax_html", None)
        if spilled is not None:
            offset, size = spilled
            self.spill.flush()
            page.content = os.pread(self.spill.fileno(), size, offset).decode("utf-8")
            page.parallax_html = None
        return context

    def on_post_page(self, output, page, config):
        if page.file.generated_by == "parallax":
            page.content = None  # written, and indexed for search: let it go
        return output

    def on_post_build(self, config):
        self._close_spill()
        self._join_copier()
        self._close_stream()

    def on_build_error(self, error):
        self.failure = error  # `parallax build` shows it (MkDocs says only "Aborted")
        self._close_spill()
        self._join_copier()
        self._close_stream()

    def _copy_records(self, copies, site_dir: Path) -> None:
        made: set[Path] = set()
        try:
            for path, source in copies:
                target = site_dir / path
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                copy_file(source, target)
        except OSError as exc:
            self.copy_error = f"{exc.filename}: {exc.strerror}"

    def _join_copier(self) -> None:
        copier, self.copier, self.copies = self.copier, None, []
        if copier is not None:
            copier.join()
            if self.copy_error:
                error, self.copy_error = self.copy_error, None
                raise PluginError(f"could not copy the record files into the site: {error}")

    def _close_spill(self) -> None:
        if self.spill is not None:
            self.spill.close()
            self.spill = None

    def _close_stream(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None


def _owners(files: Files) -> dict[str, str]:
    """Output path -> source, for the files MkDocs found (docs/ and the theme's)."""
    return {f.dest_uri: f.src_uri for f in files}


def _refuse_clashes(owners: dict[str, str], paths: list[str], config) -> None:
    """Fail the build when two files claim one output path: MkDocs would keep one silently."""
    owners = dict(owners)
    for path in paths:
        dest = output_path(path) if config.use_directory_urls else \
            File(path, None, config.site_dir, False).dest_uri
        if dest in owners:
            raise PluginError(f"two files claim the output path {dest}: {owners[dest]} and "
                              f"{path} (generated); rename one")
        owners[dest] = path


def _site_text(config) -> SiteText:
    return SiteText(config.site_name or SiteText.name, config.site_description or "",
                    config.site_url or "")


def docs_dir(config_file: Path) -> Path:
    """The docs folder an MkDocs configuration names."""
    from mkdocs.config import load_config

    return Path(load_config(str(config_file)).docs_dir)


def build(config_file: Path, content: Path | None = None, site_dir: Path | None = None,
          strict: bool = True, show=None, drafts: bool = False) -> int:
    """Build the site with MkDocs in strict mode; raises MkDocs' own exceptions on failure.
    ``show``, if given, is handed the content's problems instead of MkDocs' log; ``drafts``
    shows draft and reviewed records under a banner. Returns the number of items built."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    overrides = {"strict": strict}
    if site_dir is not None:
        overrides["site_dir"] = str(site_dir)
    config = load_config(str(config_file), **overrides)
    plugin = config.plugins["parallax"]
    if content is not None:
        plugin.config.content = str(Path(content).resolve())
    plugin.show = show
    plugin.config.drafts = drafts
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    except Abort:
        if plugin.failure is not None and str(plugin.failure) != REFUSED:
            raise PluginError(str(plugin.failure)) from None
        raise
    finally:
        config.plugins.on_shutdown()
    return plugin.item_count
