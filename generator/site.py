"""Adapter: MkDocs. The one module that imports MkDocs: a thin plugin that hands MkDocs what
``publish`` returns, and the build the CLI runs.

Input: MkDocs' configuration and events. Output: a generated file (``File.generated``) for every
page; the other generated files (the teacher kit's print pages, the data) and the record files
the site serves, written into the site as they are; the content's problems as log records (or
handed to ``parallax build``), and a refused build when they include errors. Nothing is ever
written into ``content/``. A generated page reaches MkDocs as its front matter and a
placeholder; the plugin sets the page's table of contents when MkDocs converts it, holds a
marker in place of its HTML until MkDocs has put the theme around it, and writes the HTML in
then, so that MkDocs' Markdown runs only on the hand-written pages of ``docs/`` and MkDocs never
holds every page's HTML at once; it adds a generated page's search entries from the sections
parsed where the page was made (or shows the search plugin only the part of the page that
search indexes). A build's pages are finished by helper processes forked before the content is
loaded (``workers.Helpers``).

Under ``mkdocs serve`` records are parsed again only when their file changed, only the pages
whose inputs changed are rendered again (``inputs``), the pages are kept in the plugin's folder
and the other files in the site, each rewritten only when its text changes, so that ``mkdocs
serve --dirty`` (``make serve``) rebuilds only the pages an edit touched.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import os
import secrets
import shutil
import sysconfig
import tempfile
from dataclasses import replace
from pathlib import Path

from jinja2 import BytecodeCache, FileSystemLoader
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import Abort, MkDocsException, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from .cache import Cache, open_cache
from .finish import Markdown
from .publish import Page, Settings, Stream, finisher, gather, publish, unpack_bytes
from .render import Plans
from .sitedir import make_private_dir, sweep, write_file
from .sitepaths import output_path
from .view import SiteText
from .workers import Helpers

log = logging.getLogger("mkdocs.plugins.parallax")
HANDED = "parallax: %d pages handed to MkDocs, made and finished"

REFUSED = "Parallax checks failed; fix the problems above (`parallax check` lists them)"


class BuildFailed(Exception):
    """The site was not built: the content was refused, or MkDocs failed (the message says)."""


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
        self.records: dict = {}  # serve: parsed records, reused while their file is unchanged
        self.pages_dir: Path | None = None  # serve: the generated pages, kept between rebuilds
        self.written: dict[str, tuple] = {}  # serve: each kept page's text and its digest
        self.put: dict[str, tuple] = {}  # serve: each file written into the site, as it was
        self.show = None  # a callable given the problems, instead of logging them
        self.finished: dict[str, Page] = {}  # src path -> page whose HTML MkDocs has not written
        self.nonce = secrets.token_hex(8)  # in the marker that holds a page's place (never output)
        self.item_count = 0  # items in the last build
        self.failure = None  # what stopped the last build
        self.held_search = None  # (Material's search index, its entries) while it writes it
        self.search_index = None  # Material's, when this build makes its entries (_known_search)
        self.cache: Cache | None = None  # the check cache (.parallax-cache/), kept across rebuilds
        self.compiled = _Compiled()  # serve: the theme's templates, compiled once
        self.listed: dict[str, list[str]] = {}  # serve: the files of an installed theme's folder
        self.page_urls: set[str] = set()  # serve: the address of every page of this build
        self.built_urls: set[str] = set()  # serve: the pages this (dirty) build converted

    # The presence of on_startup keeps one plugin instance across `mkdocs serve` rebuilds.
    def on_startup(self, *, command, dirty):
        self.command = command

    def on_shutdown(self):
        if self.pages_dir is not None:
            shutil.rmtree(self.pages_dir, ignore_errors=True)
            self.pages_dir = None

    # First of every plugin's: the theme's environments are set before anyone makes one.
    @event_priority(100)
    def on_config(self, config):
        if self.command == "serve":
            config.theme.get_env = self._theme_env(config.theme)
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

    @property
    def drafts(self) -> bool:
        """Whether this build shows drafts: asked for, or a preview under ``mkdocs serve``."""
        return self.config.drafts or self.command == "serve"

    # Under `mkdocs serve` the process holds the digest, the kept pages and MkDocs' own objects
    # between rebuilds: the collector's full passes over them would be most of a rebuild that
    # changes a few pages. So what exists when a rebuild starts is set aside from the
    # collector (``gc.freeze``) until it ends; objects freed by their count are freed as ever,
    # and the next full pass after the rebuild looks at everything again.
    def on_pre_build(self, config):
        if self.command == "serve":
            gc.freeze()

    # MkDocs makes the theme's Jinja environment again for every build (and Material's search
    # plugin makes more, to translate its strings), so every rebuild would compile the theme's
    # templates again and list every file of the theme's folders (some 14,000 for Material,
    # most of them icons) to copy its static files. Under serve the environments keep the
    # compiled code between rebuilds (Jinja checks each template's source against it), and a
    # folder of an installed theme is listed once; a folder of the project's own (`custom_dir`)
    # is listed every time, so a file added to it is copied on the next rebuild.
    def _theme_env(self, theme):
        make = theme.get_env
        installed = {os.path.realpath(sysconfig.get_paths()[k]) for k in ("purelib", "platlib")}
        custom = theme.custom_dir and os.path.realpath(theme.custom_dir)

        def fixed(folder: str) -> bool:
            where = os.path.realpath(folder)
            return where != custom and any(where.startswith(top + os.sep) for top in installed)

        def get_env():
            env = make()
            env.bytecode_cache = self.compiled
            if type(env.loader) is FileSystemLoader:  # as MkDocs makes it
                env.loader = _ListedOnce(env.loader, self.listed, fixed)
            return env
        return get_env

    def on_env(self, env, config, files):
        if self.command == "serve":
            env.bytecode_cache = self.compiled
            # as a page gives it (and the search index writes it): the home page's is ""
            self.page_urls = {"" if f.url in (".", "./") else f.url
                              for f in files.documentation_pages()}
            self.built_urls = set()
        return env

    def on_files(self, files: Files, config) -> Files:
        serving = self.command == "serve"
        settings = Settings(self.config.edit_url, self.drafts, self.config.strict,
                            SiteText(config.site_name or SiteText.name,
                                     config.site_description or "", config.site_url or ""),
                            Markdown.of(config.markdown_extensions, config.mdx_configs))
        # Under serve the check's plan of the site is the publication's too (a build lets the
        # checked digest's text go before it publishes, and so plans again).
        plan = Plans(settings.edit_url, settings.site) if serving else None
        self.search_index = _known_search(config)
        index = search_sections if self.search_index is not None else None
        # A build's helpers, forked now, before the digest is loaded, finish its pages
        # (``workers``); under serve, which rebuilds a few pages and whose watcher runs in
        # threads, this process does it all. The item files new to the check cache are parsed
        # first, in workers of their own (forked while this process runs no helper threads).
        if not serving:
            self.cache.parse_ahead(Path(self.content))
        with Helpers(finisher(settings.markdown, index)) if not serving \
                else contextlib.nullcontext() as helpers:
            files = self._publish(files, config, settings, plan, index, helpers)
        # From here on the build is MkDocs' own work on pages already made (the theme, the
        # search index, writing): `mkdocs build -v` shows when it began; the bench times it.
        log.debug(HANDED, len(self.finished))
        return files

    def _publish(self, files: Files, config, settings, plan, index, helpers) -> Files:
        serving = self.command == "serve"
        digest, problems = gather(self.content, self.project_root, self.cache,
                                  memo=self.records if serving else None, plan=plan, ahead=False)
        if self.show is not None:  # `parallax build` prints problems its own way
            self.show(problems)
        else:
            _log(problems, self.config.strict)
        if not serving:  # the problems are reported: their lines, and the text behind them, are done
            digest = digest.without_text()
        try:
            result = publish(digest, problems, settings, keep=serving, spill=not serving,
                             plan=plan, index=index, helpers=helpers)
        except RuntimeError as exc:  # a page the renderer could not make: say which
            raise PluginError(str(exc)) from exc
        if result.refused:
            raise PluginError(REFUSED)
        self.item_count = result.items
        made = [(p.path, p.placeholder) for p in result.pages]
        _refuse_clashes(files, [path for path, _ in made] + [p for p, _ in result.files]
                        + [p for p, _ in result.copies], config)
        self.finished = {p.path: p for p in result.pages if p.packed is not None}
        if serving:
            self._keep_as_files(files, config, made)
        else:  # the pages' placeholders are small
            for path, text in made:
                files.append(File.generated(config, path, content=text))
        # The other files are not MkDocs' to convert: they are written into the site as they
        # are (MkDocs has cleaned it already, unless the build is dirty).
        self._put_in_site(config.site_dir, result.files, result.copies)
        return files

    def _put_in_site(self, site: str, made, copies) -> None:
        """Writes each generated file (``pack``ed text) and copies each record file into the
        site. Under ``mkdocs serve`` a file is written again only when it changed or is gone
        (a dirty rebuild keeps the site; a plain one has emptied it), and the files of a record
        that is gone are removed."""
        keep = self.command == "serve"
        seen = set()
        for path, text in made:
            target = _in_site(site, path)
            seen.add(path)
            if isinstance(text, Stream):  # made as it is written (the dataset): written each time
                write_file(target, text, sync=False)
                if keep:
                    self.put[path] = ()
            elif keep:
                _write_if_changed(self.put, path, target, text)
            else:
                write_file(target, unpack_bytes(text), sync=False)
        for path, source in copies:
            target = _in_site(site, path)
            try:
                st = os.stat(source)
            except OSError as exc:  # gone since it was read: the next rebuild will say so
                raise PluginError(f"{source}: cannot be read ({exc.strerror}); "
                                  "build again") from None
            stamp = (source, st.st_mtime_ns, st.st_size, st.st_ino)
            if self.put.get(path) != stamp or not os.path.exists(target):
                with open(source, "rb") as fh:
                    write_file(target, fh.read(), sync=False)
                if keep:
                    self.put[path] = stamp
            seen.add(path)
        _forget_unseen(self.put, seen, site)

    def _keep_as_files(self, files: Files, config, made) -> None:
        """Generated pages in the plugin's folder, each rewritten only when its text changed (a
        dirty build rebuilds a page only when its file is newer than the built page)."""
        if self.pages_dir is None:
            sweep(Path(tempfile.gettempdir()), "parallax-pages-")
            self.pages_dir = make_private_dir("parallax-pages-")
        seen, folder = set(), str(self.pages_dir)
        for path, text in made:
            target = _in_site(folder, path)
            _write_if_changed(self.written, path, target, text)
            seen.add(path)
            files.append(File.generated(config, path, abs_src_path=target))
        _forget_unseen(self.written, seen, folder)

    def on_page_markdown(self, markdown, page, config, files):
        if page.file.src_uri in self.finished:
            return ""  # the page is finished HTML: MkDocs' Markdown has nothing to convert
        return markdown

    # A generated page's HTML reaches the written page in on_post_page. Until then MkDocs holds
    # a marker in its place: MkDocs converts every page before it writes any, and would
    # otherwise hold the HTML of every page of the site at once. The marker says whether the
    # page has its own <h1> (the theme gives one to a page whose content has none).
    def _marker(self, done: Page) -> str:
        return f"<!-- parallax page {self.nonce}{' <h1' if done.titled else ''} -->"

    @event_priority(100)  # before every other plugin
    def on_page_content(self, html, page, config, files):
        done = self.finished.get(page.file.src_uri)
        if done is None:
            return html
        page.toc = get_toc([_token(h) for h in done.toc])
        page.present_anchor_ids = done.anchors  # MkDocs only asks what is in it
        # MkDocs holds the page's headings and anchors from here on; the plugin needs only the
        # page's HTML, until the page is written.
        self.finished[page.file.src_uri] = replace(done, toc=(), anchors=frozenset())
        return self._marker(done)

    # The search plugin indexes page.content in on_page_context (priority 0). Where the page's
    # sections were parsed when it was made (``search_sections``, in a build's helpers), their
    # entries are added here, as the search plugin would add them, and it is given nothing to
    # parse; otherwise it is given the page (or, for a page that keeps parts out of search, the
    # page without them: most of an item page). The marker is put back right after.
    @event_priority(50)
    def _show_search_its_part(self, context, page, config, nav):
        if self.command == "serve":
            self.built_urls.add(page.url)
        done = self.finished.get(page.file.src_uri)
        if done is None:
            return context
        if done.packed_index is not None and self.search_index is not None:
            _add_entries(self.search_index, page, done.indexed)
            page.content = ""
        else:
            page.content = done.search if done.packed_search is not None else done.html
        return context

    @event_priority(-50)
    def _give_the_page_back(self, context, page, config, nav):
        done = self.finished.get(page.file.src_uri)
        if done is not None:
            page.content = self._marker(done)
        return context

    on_page_context = CombinedEvent(_show_search_its_part, _give_the_page_back)

    @event_priority(100)  # before every other plugin: they see the page's finished HTML
    def on_post_page(self, output, page, config):
        done = self.finished.pop(page.file.src_uri, None)
        if done is None:
            return output
        marker = self._marker(done)
        if output.count(marker) != 1:
            raise PluginError(f"{page.file.src_uri}: the theme did not show the page's content "
                              "exactly once; Parallax needs a theme that does (Material does)")
        return output.replace(marker, done.html)

    # Under `mkdocs serve --dirty` (`make serve`) Material's search plugin joins the last
    # search index to this build's entries as if one page had been rebuilt: it drops the last
    # entries whose address begins with the first rebuilt page's (every item's, when that page is
    # the list of items) and keeps the other rebuilt pages' old entries beside their new ones.
    # So the plugin joins them itself first, and leaves the search plugin nothing to join: the
    # last entries of every page this build did not convert and still has, then this build's.
    @event_priority(50)  # before the search plugin writes its index
    def _join_search_index(self, config):
        if self.command != "serve":
            return
        search = _material_search(config)
        index = getattr(search, "search_index", None)
        last = getattr(search, "search_index_prev", None)
        if not (isinstance(getattr(index, "entries", None), list)
                and isinstance(getattr(last, "entries", None), list)):
            return  # not a dirty rebuild, or a search plugin this does not know
        keep = self.page_urls - self.built_urls
        index.entries = [e for e in last.entries
                         if str(e.get("location", "")).split("#", 1)[0] in keep] + index.entries
        search.search_index_prev = None

    # Material's search plugin writes its index as one JSON text and then as that text's bytes:
    # at 10,000 records two copies of some 80 MB at once, on top of all a build holds at its
    # end, and the peak of a large build. So the plugin has it write an index without entries,
    # then writes the entries into that very file one at a time: the same bytes (each entry
    # dumped as Material dumps the whole), never held whole.
    @event_priority(40)  # after the join (50), before the search plugin writes (0)
    def _hold_search_entries(self, config):
        search = _material_search(config)
        index = getattr(search, "search_index", None)
        entries = getattr(index, "entries", None)
        if (not getattr(getattr(search, "config", None), "enabled", False)
                or getattr(search, "search_index_prev", None) is not None
                or not isinstance(entries, list) or not entries):
            return  # no index, an index Material joins to the last one, or nothing to hold
        self.held_search = (index, entries)
        index.entries = []

    @event_priority(-50)  # after the search plugin has written its index
    def _write_search_entries(self, config):
        if self.held_search is None:
            return
        index, entries = self.held_search
        self.held_search = None
        index.entries = []
        head = index.generate_search_index(None)  # Material's own text, without the entries
        index.entries = entries  # what Material keeps for the next rebuild under serve
        path = Path(config.site_dir) / "search" / "search_index.json"
        end = ',"docs":[]}'
        if head.endswith(end):
            write_file(path, _entries_json(head[: -len("]}")], entries), sync=False)
        else:  # a search plugin whose index this plugin does not know: its own text, whole
            write_file(path, index.generate_search_index(None), sync=False)

    def _forget_the_pages(self, config):
        self.finished = {}
        gc.unfreeze()

    on_post_build = CombinedEvent(_join_search_index, _hold_search_entries, _forget_the_pages,
                                  _write_search_entries)

    def on_build_error(self, error):
        self.failure = error  # `parallax build` shows it (MkDocs says only "Aborted")
        self.finished = {}
        if self.held_search is not None:
            index, entries = self.held_search
            index.entries, self.held_search = entries, None
        gc.unfreeze()


def _material_search(config):
    """Material's search plugin, if the site uses it."""
    return next((p for p in config.plugins.values()
                 if type(p).__module__.startswith("material.plugins.search")), None)


def _known_search(config):
    """The index of Material's search plugin, when the plugin is enabled and its index makes an
    entry of a parsed section (``create_entry_for_section``), as the installed Material's does;
    else None (the search plugin then parses each page itself)."""
    search = _material_search(config)
    if search is None or not getattr(getattr(search, "config", None), "enabled", False):
        return None
    index = getattr(search, "search_index", None)
    if not callable(getattr(index, "create_entry_for_section", None)):
        return None
    try:
        from material.plugins.search.plugin import Element, Parser, Section  # noqa: F401
    except ImportError:
        return None
    return index


def search_sections(html: str) -> list:
    """What Material's search parser makes of a page's HTML, as plain data: for each section it
    indexes, [its id, its title (None when it has none), its text]. A pure function of the HTML,
    so a build's helpers run it as they finish the pages."""
    from material.plugins.search.plugin import Parser

    parser = Parser()
    parser.feed(html)
    parser.close()
    return [[s.id, "".join(s.title) if s.title else None, "".join(s.text)]
            for s in parser.data if not s.is_excluded()]


def _add_entries(index, page, sections: list) -> None:
    """The search index's entries for ``page`` from its ``search_sections``: what Material's
    ``add_entry_from_context`` adds, made by its own ``create_entry_for_section``."""
    from material.plugins.search.plugin import Element, Section

    if (page.meta.get("search") or {}).get("exclude"):
        return
    for section_id, title, text in sections:
        section = Section(Element("section"))
        section.id, section.title, section.text = section_id, [] if title is None else [title], [text]
        index.create_entry_for_section(section, page.toc, page.url, page)


def _entries_json(head: str, entries: list, batch: int = 500):
    """The search index's text, piece by piece: ``head`` (up to the list of entries), each entry
    as Material's ``generate_search_index`` dumps it, and the end."""
    yield head
    for start in range(0, len(entries), batch):
        text = ",".join(json.dumps(entry, separators=(",", ":"), default=str)
                        for entry in entries[start:start + batch])
        yield ("," if start else "") + text
    yield "]}"


class _ListedOnce(FileSystemLoader):
    """The theme's loader, which lists each folder that ``fixed`` accepts (an installed theme's)
    once, in ``kept``, and any other folder every time."""

    def __init__(self, loader: FileSystemLoader, kept: dict, fixed):
        super().__init__(loader.searchpath, loader.encoding, loader.followlinks)
        self.kept, self.fixed = kept, fixed

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for folder in self.searchpath:
            fixed = self.fixed(folder)
            names = self.kept.get(folder) if fixed else None
            if names is None:
                names = FileSystemLoader(folder, self.encoding, self.followlinks).list_templates()
                if fixed:
                    self.kept[folder] = names
            found.update(names)
        return sorted(found)


class _Compiled(BytecodeCache):
    """Compiled templates, in memory, for as long as the plugin lives."""

    def __init__(self):
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        code = self.kept.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # dropped by Jinja if the source changed

    def dump_bytecode(self, bucket):
        self.kept[bucket.key] = bucket.bytecode_to_string()


def _token(heading) -> dict:
    """A heading as the toc token MkDocs' ``get_toc`` reads."""
    return {"level": heading.level, "id": heading.id, "name": heading.name,
            "children": [_token(h) for h in heading.children]}


def _log(problems, strict: bool) -> None:
    for problem in problems:
        if problem.severity == "error":
            log.error(str(problem))
        elif problem.severity == "warning":
            log.warning(str(problem)) if strict else log.info(str(problem))


def _write_if_changed(kept: dict, path: str, target: str, text: str | bytes) -> None:
    """Writes ``text`` (a page's placeholder, or a file's ``pack``ed text) to ``target`` unless
    it is the very text kept for ``path`` (``publish.Kept``) or one with the same digest, and the
    file is still there (a dirty rebuild rebuilds a page only when its file is newer than the
    built page); keeps it in ``kept``."""
    was = kept.get(path)
    there = os.path.exists(target)
    if was is not None and was[0] is text and there:
        return
    data = text.encode("utf-8") if isinstance(text, str) else text
    digest = hashlib.blake2b(data, digest_size=16).digest()
    if was is None or was[1] != digest or not there:
        write_file(Path(target), data if isinstance(text, str) else unpack_bytes(text), sync=False)
    kept[path] = (text, digest)


def _forget_unseen(kept: dict, seen: set, folder: str) -> None:
    """A record was removed: so are the files written for it (those ``kept`` and not ``seen``)."""
    for path in set(kept) - seen:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(_in_site(folder, path))
        del kept[path]


def _in_site(site: str, path: str) -> str:
    """Where a generated path (``/``-separated, relative) lies in the site: never outside it."""
    if not path or path.startswith("/") or "\\" in path or ".." in path.split("/"):
        raise PluginError(f"refusing to write outside the site: {path!r}")
    return os.path.join(site, *path.split("/"))


def _refuse_clashes(files: Files, paths: list[str], config) -> None:
    """Fail the build when two files claim one output path: MkDocs would keep one silently."""
    owners = {f.dest_uri: f.src_uri for f in files}  # docs/ and the theme's files
    for path in paths:
        dest = output_path(path) if config.use_directory_urls else \
            File(path, None, config.site_dir, False).dest_uri
        if dest in owners:
            raise PluginError(f"two files claim the output path {dest}: {owners[dest]} and "
                              f"{path} (generated); rename one")
        owners[dest] = path


def docs_dir(config_file: Path) -> Path:
    """The docs folder an MkDocs configuration names."""
    from mkdocs.config import load_config

    return Path(load_config(str(config_file)).docs_dir)


def build(config_file: Path, content: Path | None = None, site_dir: Path | None = None,
          strict: bool = True, show=None, drafts: bool = False) -> int:
    """Build the site with MkDocs in strict mode; raises ``BuildFailed`` saying why on failure.
    ``show``, if given, is handed the content's problems instead of MkDocs' log; ``drafts``
    shows draft and reviewed records under a banner. Returns the number of items built."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    overrides = {"strict": strict}
    if site_dir is not None:
        overrides["site_dir"] = str(site_dir)
    try:
        config = load_config(str(config_file), **overrides)
    except MkDocsException as exc:
        raise BuildFailed(str(exc)) from None
    plugin = config.plugins["parallax"]
    if content is not None:
        plugin.config.content = str(Path(content).resolve())
    plugin.show = show
    plugin.config.drafts = drafts
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    except Abort as exc:
        failure = plugin.failure
        raise BuildFailed(str(failure) if failure is not None else str(exc)) from None
    except MkDocsException as exc:
        raise BuildFailed(str(exc)) from None
    finally:
        config.plugins.on_shutdown()
    return plugin.item_count
