"""Stage: publish. Input: the content folder and the build's settings. Output: a ``Publication``,
plain data: every page the site generates (finished HTML with its title and table of contents,
or Markdown for MkDocs to convert), every other generated file's text, the record files the site
serves as they are, and the problems the checks found.

Like MkDocs' own build, it gathers and checks everything first and renders only content that
passes; the MkDocs plugin (``site``) hands the result to MkDocs and knows nothing of records.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import render
from .finish import Heading, Markdown, finish
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


@dataclass(frozen=True)
class Page:
    """A generated page: ``front`` (its front matter: title, options) and either finished
    ``html`` with its ``toc`` and ``anchors``, or ``markdown`` for MkDocs to convert."""

    path: str
    front: str
    html: str | None = None
    toc: tuple[Heading, ...] = ()
    anchors: frozenset[str] = frozenset()
    markdown: str = ""
    search: str | None = None  # what search indexes, where the page keeps some of it out

    def placeholder(self) -> str:
        """What MkDocs reads for this page: the front matter, and a digest of the HTML, so
        that the text changes exactly when the page does (``mkdocs serve --dirty``)."""
        if self.html is None:
            return self.front + self.markdown
        digest = hashlib.blake2b(self.html.encode("utf-8"), digest_size=16).hexdigest()
        return f"{self.front}<!-- parallax {digest} -->\n"


@dataclass
class Publication:
    problems: list[Problem]
    refused: bool = False  # errors (or, with strict, warnings): nothing to publish
    pages: list[Page] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)  # (site path, text)
    copies: list[tuple[str, str]] = field(default_factory=list)  # (site path, source file)
    items: int = 0


def page(path: str, text: str, setup: Markdown | None = Markdown(),
         previous: dict | None = None, current: dict | None = None) -> Page:
    """A generated page's Markdown as a ``Page`` of finished HTML (or, without a Markdown
    set-up, as Markdown for MkDocs). ``previous`` holds the pages of the last publication in
    this process by their Markdown, and ``current`` collects this one's: a page whose Markdown
    is unchanged is not converted again (under ``mkdocs serve`` an edit to one record changes a
    few pages' Markdown, not all of them)."""
    if setup is None:
        return Page(path, "", markdown=text)
    key = (path, setup, hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest())
    made = (previous or {}).get(key)
    if made is None:
        done = finish(text, setup)
        made = Page(path, done.front, done.html, done.toc, done.anchors, search=done.search)
    if current is not None:
        current[key] = made
    return made


# The finished pages of the last publication in this process, by (path, set-up, Markdown hash):
# only what the current publication holds anyway is kept.
_last: dict = {}


def gather(content: Path, project_root: Path, cache, memo: dict | None = None):
    """Load and check the content: (digest, problems)."""
    digest, problems = cache.load(content, project_root, memo=memo)
    return digest, cache.check(digest, problems)


def publish(digest, problems: list[Problem], settings: Settings) -> Publication:
    """What to publish for a checked digest: nothing when its problems refuse the build."""
    if has_errors(problems, strict=settings.strict):
        return Publication(problems, refused=True)
    digest = shown(digest, settings.drafts)
    global _last
    out = Publication(problems, items=len(digest.items))
    previous, current = _last, {}
    for path, make in render.plan_site(digest, settings.edit_url, settings.site):
        try:
            text = make()
        except Exception as exc:  # a bug: say which page it stopped
            raise RuntimeError(f"while rendering {path}: {type(exc).__name__}: {exc}") from exc
        if path.endswith(".md"):
            out.pages.append(page(path, text, settings.markdown, previous, current))
        else:
            out.files.append((path, text))
    _last = current
    out.files += list(data_files(digest).items())
    out.copies = record_files(digest)
    return out


def data_files(digest) -> dict[str, str]:
    """The non-page files the site serves: the dataset, its schema, the feeds (the records
    themselves are served from their files). Their names are ``sitepaths.data_file_names()``."""
    from .export import feeds, files

    out = {f"data/{name}": text for name, text in files(digest).items()}
    out.update(feeds(digest))
    return out
