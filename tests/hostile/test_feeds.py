"""Feeds: the number of items is limited before the feed reaches the parser, so that a huge
feed is refused in time and memory proportional to what would be kept."""

from __future__ import annotations

import pytest

from generator import seedformats, textfile

from conftest import PARALLAX, run_bounded


def _feed(n: int, atom: bool = False) -> str:
    if atom:
        entries = "".join(f"<entry><title>Item {i}</title><id>urn:x:{i}</id>"
                          f"<summary>Text {i}.</summary></entry>\n" for i in range(n))
        return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
                f"<title>F</title>\n{entries}</feed>\n")
    items = "".join(f"<item><title>Item {i}</title><description>Text {i}.</description>"
                    "</item>\n" for i in range(n))
    return f'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>F</title>\n{items}</channel></rss>\n'


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_a_feed_over_the_limit_never_reaches_the_parser(monkeypatch, atom):
    import feedparser

    monkeypatch.setattr(seedformats.items, "MAX_ITEMS", 20)
    monkeypatch.setattr(feedparser, "parse", lambda *a, **k: pytest.fail("parsed"))
    with pytest.raises(seedformats.SeedError) as err:
        seedformats.read_items(_feed(21, atom), "feed")
    assert err.value.code == "seed-too-many"
    assert err.value.line == 3 + 20  # the line of the first item over the limit (21st)


def test_a_feed_at_the_limit_is_read(monkeypatch):
    monkeypatch.setattr(seedformats.items, "MAX_ITEMS", 20)
    title, items, _, _ = seedformats.read_items(_feed(20), "feed")
    assert len(items) == 20


def test_a_huge_feed_is_refused_in_bounded_memory(tmp_path):
    project = tmp_path / "project"
    (project / "seeds").mkdir(parents=True)
    seed = project / "seeds" / "huge.xml"
    items = "<item><title>I</title></item>\n" * 600_000
    seed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>\n'
                    f"{items}</channel></rss>\n", encoding="utf-8")
    assert seed.stat().st_size < textfile.MAX_SEED_BYTES
    result = run_bounded([*PARALLAX, "ingest", "seeds/huge.xml", "--content", "content"],
                         cwd=project, timeout=60, memory=600_000_000)
    assert result.returncode == 1 and "seed-too-many" in result.stdout + result.stderr, \
        result.stderr[-1000:]
