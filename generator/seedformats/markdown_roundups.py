"""Markdown round-ups: one `##` headline per item."""

from __future__ import annotations

import html as htmlmod
import re

from ..urls import is_http
from .html_pages import _MORE, html_to_text
from .items import SeedItem


_H1 = re.compile(r"^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_H2 = re.compile(r"^ {0,3}##[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_LIST = re.compile(r"^\s*([-*+]|\d+[.)])\s+")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)]*[\"')])?\s*\)")
_INLINE = (
    (re.compile(r"<!--.*?-->", re.S), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (_LINK, r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),
    (re.compile(r"(`+)(.+?)\1"), r"\2"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>~|])"), r"\1"),
)


def _md_inline(text: str) -> str:
    """Markdown inline markup reduced to its text: links keep their words, emphasis its content."""
    for regex, repl in _INLINE:
        text = regex.sub(repl, text)
    if re.search(r"<[A-Za-z/!]", text):
        return " ".join(html_to_text(text).split())
    return htmlmod.unescape(text)


def _md_blocks(lines: list[str]) -> list[list[str]]:
    """The lines of each paragraph, as written: runs of lines between blank lines and rules."""
    blocks, current = [], []
    for line in lines + [""]:
        if not line.strip() or _RULE.match(line):
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(line)
    return blocks


def _md_paragraph(block: list[str]) -> str:
    """One paragraph as plain text: quote and heading marks dropped, a list item a line."""
    lines: list[str] = []
    for line in block:
        line = re.sub(r"^\s{0,3}(>\s?)+", "", line)
        line = re.sub(r"^ {0,3}#{1,6}[ \t]+", "", line).rstrip()
        if lines and not _LIST.match(line):
            lines[-1] += " " + line.strip()
        else:
            lines.append(line.strip())
    return "\n".join(" ".join(_md_inline(line).split()) for line in lines)


def _md_sections(lines: list[str]) -> tuple[str, list]:
    """The `#` title and the (headline, lines) of every `##` section; fenced code is left out."""
    title, sections, current, fence = "", [], None, None
    for line in lines:
        if m := _FENCE.match(line):
            fence = m[1][0] if fence is None else (None if m[1][0] == fence else fence)
        elif fence is not None:
            continue
        elif m := _H2.match(line):
            current = (m[1], [])
            sections.append(current)
        elif m := _H1.match(line):
            title = title or m[1]
            current = None
        elif current is not None:
            current[1].append(line)
    return title, sections


def _front_matter(lines: list[str]) -> list[str]:
    if lines and lines[0].strip() == "---":
        for i, line in enumerate(lines[1:], 1):
            if line.strip() in ("---", "..."):
                return lines[i + 1:]
    return lines


def parse_markdown(text: str) -> tuple[str, list[SeedItem]]:
    """Markdown with one `##` headline per item; the `#` headline, if any, is the page title.

    The excerpt is the text under the headline, up to the next `##` or `#`, as plain text: links
    keep their words; emphasis markers, HTML tags and fenced code blocks are dropped. A link in
    the headline (or a `Read more` link) becomes the item's link."""
    title, sections = _md_sections(_front_matter(text.split("\n")))
    items = []
    for heading, body in sections:
        link = next((u for _, u in _LINK.findall(heading) if is_http(u)), "")
        paras = []
        for block in _md_blocks(body):
            para = _md_paragraph(block)
            if _MORE.match(para):
                raw = "\n".join(block)
                link = link or next((u for _, u in _LINK.findall(raw) if is_http(u)), "")
            elif para:
                paras.append(para)
        headline = " ".join(_md_inline(heading).split())
        if headline and (paras or link):
            items.append(SeedItem(len(items) + 1, headline, "\n\n".join(paras), link))
    return " ".join(_md_inline(title).split()), items
