"""Finished HTML on hostile content: what ``finish`` makes of every page is what Python-Markdown
makes of it (but for line breaks between blocks), so no record text can change its meaning by
skipping Python-Markdown."""

from __future__ import annotations

import pytest

from generator import render
from generator.finish import finish, full_conversion, search_parts
from generator.load import load_content
from generator.public import shown

from test_render import _between_blocks


@pytest.mark.slow
def test_finished_pages_of_hostile_content_match_python_markdown(hostile_project):
    digest, _ = load_content(hostile_project / "content", hostile_project)
    pages = [(path, make()) for path, make in render.plan_site(shown(digest, True))
             if path.endswith(".md")]
    assert len(pages) > 100
    for path, text in pages:
        assert _between_blocks(finish(text).html) == \
            _between_blocks(search_parts(full_conversion(text))[0]), path
