"""Fixtures of the hostile-input suite: the real-world attack texts and the site built from them."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pytest

from generator import cache, site

from conftest import BIDI, DATA, active_parts, parse, site_config, unbalanced

from . import corpus


@pytest.fixture(scope="session")
def attack_texts() -> list[str]:
    """Every payload of the XSS list, then every hostile feed (as written, and decoded)."""
    payloads = corpus.payloads(DATA / "xss" / "payloadbox-xss-payload-list.txt")
    feeds = corpus.feed_texts(DATA / "feeds" / "sanitize")
    assert len(payloads) > 2000 and len(feeds) > 1000
    return payloads + feeds


@pytest.fixture(scope="session")
def hostile_project(tmp_path_factory, attack_texts):
    return corpus.hostile_project(tmp_path_factory.mktemp("hostile") / "project", attack_texts)


@pytest.fixture(scope="session")
def hostile_site(hostile_project):
    """One strict MkDocs build of the hostile project.

    The editorial checks are set aside (loading and validation stay): they refuse much of this
    content, and the point is that the renderer alone keeps every page inert."""
    with pytest.MonkeyPatch.context() as mp:
        # The plugin checks through the check cache, in this process or in the forked one.
        mp.setattr(cache.Cache, "check",
                   lambda self, digest, problems=None, plan=None: list(problems or []))
        site.build(hostile_project / "mkdocs.yml", hostile_project / "content",
                   hostile_project / "site", drafts=True)  # every record's page, drafts too
    return hostile_project / "site"


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory):
    """Every named attack in a seed's headlines and paragraphs: ingested, checked (for real)
    and built. Returns the project folder."""
    from click.testing import CliRunner

    from generator.cli import main

    project = tmp_path_factory.mktemp("seed") / "project"
    (project / "seeds").mkdir(parents=True)
    site_config(project)
    blocks = [f"{text}\n\n{text}" for text in corpus.FILLS.values()]
    seed = project / "seeds" / "hostile.txt"
    seed.write_text("<script>alert('seed title')</script>\n\n" + "\n\nRead more\n\n".join(blocks),
                    encoding="utf-8")
    content = str(project / "content")
    ingest = CliRunner().invoke(main, ["ingest", str(seed), "--content", content, "--format", "text"])
    assert ingest.exit_code == 0, ingest.output
    check = CliRunner().invoke(main, ["check", "--content", content])
    assert check.exit_code == 0, check.output
    # The records are drafts: shown (under a banner) as an editor previews them.
    site.build(project / "mkdocs.yml", project / "content", project / "site", drafts=True)
    return project


@dataclass(frozen=True)
class PageScan:
    """What one built page holds that matters here, from one parse of it."""

    content: list  # active parts inside the main article (what the generator wrote)
    chrome: Counter  # active parts of the theme around it, script addresses normalised
    bidi: list  # text nodes whose bidi controls are unbalanced


def _normalise(part: str) -> str:
    """A theme script's address without its relative prefix, which varies with page depth."""
    return re.sub(r"(?<= )(\.\./)*/?", "", part)


def scan(page: str) -> PageScan:
    doc = parse(page)
    # A theme page's content is its main article; a print page of the teacher kit (outside the
    # theme) has its content in <main>.
    [article] = [el for el in doc.iter("article")
                 if (el.get("class") or "").startswith("md-content__inner")] or list(doc.iter("main"))
    content = active_parts(article)
    chrome = Counter(map(_normalise, active_parts(doc))) - Counter(map(_normalise, content))
    bidi = []
    if BIDI.search(page):
        for el in doc.iter():
            texts = [el.tail] if el.tag in ("script", "style") else [el.text, el.tail]
            bidi += [f"<{el.tag}>: {why}: {text[:60]!r}" for text in texts
                     if text and (why := unbalanced(text))]
    return PageScan(content, chrome, bidi)


@pytest.fixture(scope="session")
def site_scan(hostile_site) -> dict[str, PageScan]:
    """Every page of the hostile site, parsed once as a browser parses it."""
    return {path.relative_to(hostile_site).as_posix(): scan(path.read_text(encoding="utf-8"))
            for path in sorted(hostile_site.rglob("*.html"))}
