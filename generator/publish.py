"""Stage: publish. Input: the content folder and the build's settings. Output: a ``Publication``,
plain data: every page the site generates (finished HTML with its title and table of contents,
or Markdown for MkDocs to convert), every other generated file's text, the record files the site
serves as they are, and the problems the checks found. Pages and files are held ``pack``ed
(UTF-8, compressed) until they are written, and for a build in a temporary file (``Spill``):
a large digest's pages would not fit in memory together as text. The dataset is a ``Stream``,
made one record at a time as it is written.

A build renders each page's text here and has it finished (converted, indexed for search,
compressed) by helper processes forked before the digest was loaded (``rendered``,
``workers.Helpers``), while it renders the next: the same pages, in the same order.

Like MkDocs' own build, it gathers and checks everything first and renders only content that
passes; the MkDocs plugin (``site``) hands the result to MkDocs and knows nothing of records.
Asked to ``keep`` (``mkdocs serve``), it keeps what it made for the next publication in the
process, which renders again only the pages whose inputs changed (``inputs``).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zlib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from . import render
from .finish import Heading, Markdown, finish
from .inputs import Same, base, inputs_of
from .problems import Problem, has_errors
from .public import shown
from .sitepaths import record_files
from .view import SiteText


@dataclass(frozen=True)
class Settings:
    """What a build is asked for: the plugin's options and MkDocs' site settings."""

    edit_url: str = ""
    drafts: bool = False  # show draft and reviewed records under a banner
    strict: bool = False  # warnings refuse the build too
    site: SiteText = SiteText()
    markdown: Markdown | None = Markdown()  # None: MkDocs converts the pages' Markdown


def pack(text: str | None) -> bytes | None:
    """Text as UTF-8, compressed: how a publication holds its pages and files until they are
    written (a 10,000-item digest has some 50,000 of them, over a gigabyte as text)."""
    return None if text is None else zlib.compress(text.encode("utf-8"), 1)


def unpack(data: bytes | Spilled | None) -> str | None:
    return None if data is None else unpack_bytes(data).decode("utf-8")


def unpack_bytes(data: bytes | Spilled) -> bytes:
    """A ``pack``ed text (or one ``Spilled``) as the UTF-8 bytes to write."""
    return zlib.decompress(_packed(data))


def _packed(data: bytes | Spilled) -> bytes:
    return data.read() if isinstance(data, Spilled) else data


class Spill:
    """A temporary file (removed by the system when it is closed, or when the process ends) that
    holds a build's packed pages and files until they are written, out of the process's memory:
    a 10,000-item digest's are some 300 MB even packed."""

    def __init__(self):
        self.file = tempfile.TemporaryFile(prefix="parallax-spill-")
        self.size = 0

    def hold(self, data: bytes) -> Spilled:
        fd = self.file.fileno()
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        at, self.size = self.size, self.size + len(data)
        return Spilled(self, at, len(data))

    def read(self, at: int, size: int) -> bytes:
        fd = self.file.fileno()
        if hasattr(os, "pread"):
            data = os.pread(fd, size, at)
        else:  # pragma: no cover - Windows: one reader at a time (a build is single-threaded)
            os.lseek(fd, at, os.SEEK_SET)
            data = os.read(fd, size)
        if len(data) != size:
            raise OSError(f"the temporary file {self.file.name} was cut short; build again")
        return data


@dataclass(frozen=True)
class Spilled:
    """Packed bytes held in a ``Spill``."""

    spill: Spill = field(repr=False, compare=False)
    at: int
    size: int

    def read(self) -> bytes:
        return self.spill.read(self.at, self.size)


class Stream:
    """A file's text made piece by piece as it is written, never held whole (the dataset: one
    record at a time). Iterating it again makes it again."""

    def __init__(self, make):
        self.make = make  # a callable giving the pieces (text)

    def __iter__(self):
        return iter(self.make())


def contents(made) -> bytes:
    """A generated file's bytes, from its ``pack``ed text or its ``Stream``."""
    if isinstance(made, Stream):
        return "".join(made).encode("utf-8")
    return unpack_bytes(made)


@dataclass(frozen=True)
class Page:
    """A generated page: ``front`` (its front matter: title, options) and either finished HTML
    (``html``, held packed) with its ``toc`` and ``anchors``, or ``markdown`` for MkDocs."""

    path: str
    front: str
    packed: bytes | Spilled | None = None  # the finished HTML, ``pack``ed
    toc: tuple[Heading, ...] = ()
    anchors: frozenset[str] = frozenset()
    markdown: str = ""
    packed_search: bytes | Spilled | None = None  # what search indexes, where the page keeps some out
    titled: bool = False  # the HTML holds its own <h1> (the theme adds one to a page without)
    # What the site's search made of the page (``publish``'s ``index``), as packed JSON; the
    # page then holds no ``packed_search``.
    packed_index: bytes | Spilled | None = None

    @property
    def html(self) -> str | None:
        return unpack(self.packed)

    @property
    def search(self) -> str | None:
        return unpack(self.packed_search)

    @property
    def indexed(self):
        return None if self.packed_index is None else json.loads(unpack(self.packed_index))

    @cached_property  # a page is immutable, and one kept under serve is asked again
    def placeholder(self) -> str:
        """What MkDocs reads for this page: the front matter, and a digest of the HTML, so
        that the text changes exactly when the page does (``mkdocs serve --dirty``)."""
        if self.packed is None:
            return self.front + self.markdown
        digest = hashlib.blake2b(_packed(self.packed), digest_size=16).hexdigest()
        return f"{self.front}<!-- parallax {digest} -->\n"


@dataclass
class Publication:
    problems: list[Problem]
    refused: bool = False  # errors (or, with strict, warnings): nothing to publish
    pages: list[Page] = field(default_factory=list)
    files: list[tuple[str, bytes | Spilled | Stream]] = field(default_factory=list)  # (path, packed)
    copies: list[tuple[str, str]] = field(default_factory=list)  # (site path, source file)
    items: int = 0


def page(path: str, text: str, setup: Markdown | None = Markdown(), index=None) -> Page:
    """A generated page's Markdown as a ``Page`` of finished HTML (or, without a Markdown
    set-up, as Markdown for MkDocs). ``index`` (the site's search: HTML -> data) is given what
    search indexes of the page, and its result kept with the page."""
    if setup is None:
        return Page(path, "", markdown=text)
    done = finish(text, setup)
    if index is None:
        return Page(path, done.front, pack(done.html), done.toc, done.anchors,
                    packed_search=pack(done.search), titled="<h1" in done.html)
    indexed = json.dumps(index(done.html if done.search is None else done.search),
                         ensure_ascii=False, separators=(",", ":"))
    return Page(path, done.front, pack(done.html), done.toc, done.anchors,
                titled="<h1" in done.html, packed_index=pack(indexed))


_PACKED = ("packed", "packed_search", "packed_index")


@dataclass
class Kept:
    """What a publication under ``mkdocs serve`` keeps for the next one, where an edit changes
    a few pages and not all of them: ``base`` (what every page may show, ``inputs.base``) and,
    by path, each page's inputs key, a hash of its text, and what it became (a ``Page``, or the
    text of a file). A page whose inputs are the kept ones is not rendered again; one whose text
    is the kept text is not converted again (whatever ``base``)."""

    base: tuple = ()
    pages: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)  # (kind, Same(record)) -> its JSON or CSV text


# The last publication's, in this process, when it was asked to keep them (``keep``).
_kept = Kept()


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def gather(content: Path, project_root: Path, cache, memo: dict | None = None, plan=None,
           ahead: bool = True):
    """Load and check the content: (digest, problems). ``plan`` plans the site for the checks
    (``render.Plans``: ``publish`` is then given the same, and uses the plan already made);
    ``ahead``: see ``Cache.load``."""
    digest, problems = cache.load(content, project_root, memo=memo, ahead=ahead)
    return digest, cache.check(digest, problems, plan=plan)


def publish(digest, problems: list[Problem], settings: Settings,
            keep: bool = False, spill: bool = False, plan=None, index=None,
            helpers=None) -> Publication:
    """What to publish for a checked digest: nothing when its problems refuse the build.
    ``keep`` (``mkdocs serve``) keeps what this publication made for the next one in this
    process, which renders again only the pages whose inputs changed. ``spill`` (a build) holds
    the packed pages and files in a temporary file (``Spill``) rather than in memory. ``plan``
    (``render.Plans`` of these settings) plans the site; by default ``render.plan_site``.
    ``index`` is the site's search, as a function of a page's HTML (``page``); ``helpers``
    (``workers.Helpers`` of ``finisher(settings.markdown, index)``, made before the digest was
    loaded) finish the pages that this process renders, but under ``keep``."""
    global _kept
    if has_errors(problems, strict=settings.strict):
        return Publication(problems, refused=True)
    digest = shown(digest, settings.drafts)
    out = Publication(problems, items=len(digest.items))
    now = Kept(base(digest, settings, index is not None)) if keep else None
    last = _kept.pages if keep else {}
    last_records = _kept.records if keep else {}
    same_base = keep and _kept.base == now.base
    _kept = Kept()  # nothing is kept across a publication that does not ask for it
    store = Spill() if spill else None
    if plan is None:
        plan = render.Plans(settings.edit_url, settings.site)
    elif (plan.edit_url, plan.site) != (settings.edit_url, settings.site):
        raise ValueError("publish: the plan was made with other settings than the build's")
    planned = plan(digest)
    plan.forget()  # the pages hold what they need; the plan's digest may go
    if not keep:  # every page is rendered (and finished by the helpers, if any)
        for path, made in rendered(planned, settings.markdown, index, helpers):
            _add(out, path, _held(made, store))
    else:  # what the last publication made of the same inputs, or of the same text, is reused
        for path, make in planned:
            inputs = inputs_of(make)
            held = last.get(path)
            if same_base and inputs is not None and held is not None and held[0] == inputs:
                made, digest_of_text = held[2], held[1]
            else:
                text = _text(path, make)
                # (a page made for a search that parses it where it is made is another page)
                digest_of_text = _digest(text) + (b"i" if index is not None else b"")
                if held is not None and held[1] == digest_of_text:
                    made = held[2]
                else:
                    made = _held(_made(path, text, settings.markdown, index), store)
            now.pages[path] = (inputs, digest_of_text, made)
            _add(out, path, made)
        _kept = now
    out.files += data_files(digest, now.records if now is not None else None, last_records)
    out.copies = record_files(digest)
    return out


def _add(out: Publication, path: str, made) -> None:
    if path.endswith(".md"):
        out.pages.append(made)
    else:
        out.files.append((path, made))


def _text(path: str, make) -> str:
    try:
        return make()
    except Exception as exc:  # a bug: say which page it stopped
        raise RuntimeError(f"while rendering {path}: {type(exc).__name__}: {exc}") from exc


def _made(path: str, text: str, setup: Markdown | None, index=None):
    return page(path, text, setup, index) if path.endswith(".md") else pack(text)


def made_of(path: str, make, setup: Markdown | None, index=None):
    """A planned page rendered and finished (a ``Page``), or a planned file's text ``pack``ed."""
    return _made(path, _text(path, make), setup, index)


def _held(made, store: Spill | None):
    """``made`` with its packed texts moved to ``store`` (if any)."""
    if store is None:
        return made
    if not isinstance(made, Page):
        return store.hold(made)
    return replace(made, **{name: store.hold(value) for name in _PACKED
                            if (value := getattr(made, name)) is not None})


def rendered(planned: list, setup: Markdown | None, index=None, helpers=None):
    """(path, what ``made_of`` makes) for each planned page, in the plan's order. With
    ``helpers`` (``workers.Helpers`` of ``finisher(setup, index)``), each page's text is
    rendered here, from the digest, and finished in the helpers while the next is rendered."""
    if not helpers:
        for path, make in planned:
            yield path, made_of(path, make, setup, index)
        return
    yield from helpers.ordered((path, _text(path, make)) for path, make in planned)


def finisher(setup: Markdown | None, index=None):
    """The helpers' function: (path, text) -> (path, the page finished, or the file packed)."""
    def finish_one(page_text: tuple[str, str]):
        path, text = page_text
        return path, _made(path, text, setup, index)
    return finish_one


def data_files(digest, now: dict | None = None,
               last: dict | None = None) -> list[tuple[str, bytes | Stream]]:
    """The non-page files the site serves: the dataset (a ``Stream``, made one record at a time
    as it is written), its schema and the feeds (``pack``ed); the records themselves are served
    from their files. Their names are ``sitepaths.data_file_names()``. With ``now``, each
    record's text in the dataset is kept there by the record as it is made, and taken from
    ``last`` where the last publication kept it; so is its line of ``items.csv``."""
    from .export import csv_line, feeds, files, iter_json, record_json

    dump, line = record_json, csv_line
    if now is not None:
        def kept(make, kind):
            def made(entry):
                key = (kind, Same(entry))
                text = (last or {}).get(key)
                now[key] = text if text is not None else make(entry)
                return now[key]
            return made
        dump, line = kept(record_json, "json"), kept(csv_line, "csv")
    out = [(f"data/{name}", pack(text))
           for name, text in files(digest, with_json=False, line=line).items()]
    out.insert(0, ("data/digest.json", Stream(lambda: iter_json(digest, dump))))
    out += [(name, pack(text)) for name, text in feeds(digest).items()]
    return out
