"""Stage: render (a helper). Record Markdown in its plainest form, converted without Python-Markdown.

Most record text is paragraphs of prose with an occasional ``*emphasis*``, ``**strong**`` or
``[link](https://...)``. For exactly that subset this module gives the HTML that Python-Markdown
followed by the sanitiser would, about twenty times faster; for anything else (lists, quotes,
code, HTML, entities, underscores, escapes, odd spacing) it answers None and the caller takes the
full path. A property test compares the two on generated text, so the fast path never changes a
page.
"""

from __future__ import annotations

import re

# Characters that never need a second look: no Markdown syntax, nothing HTML would escape.
_PLAIN = r"[^*_\[\]<>&\\`\x00-\x1f\x7f]"
_TOKEN = re.compile(
    rf"(?P<plain>{_PLAIN}+)"
    rf"|\*\*(?P<strong>(?![\s*]){_PLAIN}|(?![\s*]){_PLAIN}+?(?<![\s*]))\*\*(?!\*)"
    rf"|(?<!\*)\*(?P<em>(?![\s*]){_PLAIN}|(?![\s*]){_PLAIN}+?(?<![\s*]))\*(?!\*)"
    r"|\[(?P<text>[^*_\[\]<>&\\`\x00-\x1f\x7f!]+)\]"
    r"\((?P<url>https?://[A-Za-z0-9._~:/?#@$%+,;=-]+)\)"
)
_BLOCK_START = re.compile(r"\s|[#>=+*\-]\s|[#>=+\-]|\*$|\d+[.)]|\*\*\*")


def paragraphs_html(text: str, link_rel: str) -> str | None:
    """The sanitised HTML for ``text`` if it is in the plain subset, else None.

    Links carry ``rel=link_rel`` and a no-break space is written ``&nbsp;``, as the sanitiser
    writes them."""
    text = text.rstrip("\n")
    if not text or "\n\n\n" in text or "![" in text:
        return None
    out = []
    for para in text.split("\n\n"):
        lines = para.split("\n")
        for line in lines:
            if not line or line[-1].isspace() or _BLOCK_START.match(line):
                return None
        html = _inline(para, link_rel)
        if html is None:
            return None
        out.append(f"<p>{html}</p>")
    return "\n".join(out)


def _inline(para: str, link_rel: str) -> str | None:
    parts = []
    pos = 0
    for m in _TOKEN.finditer(para):
        if m.start() != pos:
            return None
        pos = m.end()
        kind = m.lastgroup
        if kind == "plain":
            parts.append(m.group())
        elif kind == "strong":
            if "\n" in m.group("strong"):
                return None
            parts.append(f"<strong>{m.group('strong')}</strong>")
        elif kind == "em":
            if "\n" in m.group("em"):
                return None
            parts.append(f"<em>{m.group('em')}</em>")
        else:
            if "\n" in m.group("text") or m.group("text").isspace():
                return None
            parts.append(f'<a href="{m.group("url")}" rel="{link_rel}">{m.group("text")}</a>')
    if pos != len(para):
        return None
    return "".join(parts).replace("\xa0", "&nbsp;")
