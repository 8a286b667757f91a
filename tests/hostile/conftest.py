"""Fixtures of the hostile-input suite: the real-world attack texts and the site built from them."""

from __future__ import annotations

import pytest

from generator import site

from . import corpus
from .support import shared


@pytest.fixture(scope="session")
def attack_texts() -> list[str]:
    """Every payload of the XSS list, then every hostile feed (as written, and decoded)."""
    payloads = corpus.payloads(shared("testdata/xss/payloadbox-xss-payload-list.txt"))
    feeds = corpus.feed_texts(shared("testdata/feeds/sanitize"))
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
        mp.setattr(site, "run_checks", lambda digest, problems: list(problems))
        site.build(hostile_project / "mkdocs.yml", hostile_project / "content",
                   hostile_project / "site")
    return hostile_project / "site"
