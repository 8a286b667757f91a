"""Record Markdown: the small subset of Markdown that a record's Markdown fields may use.

Input: a field's text. Output: HTML for ``render`` to sanitise. Supported: paragraphs, hard line
breaks (two trailing spaces), bullet and numbered lists (nested by indentation), block quotes,
``*emphasis*``, ``**strong**``, `` `code` ``, backslash escapes and ``[text](http(s) URL)`` links.
Everything else, raw HTML included, is text.

Why not Python-Markdown: on hostile input it hangs (a run of backticks takes minutes, an
unclosed bracket run is quadratic) or overflows the stack (``1. 1. 1. ...``). This parser is
linear by construction: each regular expression scans only up to the next delimiter of its own
kind, nesting is bounded, and nothing recurses on the input's shape.
"""

from __future__ import annotations

import re
from html import escape

MAX_LIST_DEPTH = 6
MAX_QUOTE_DEPTH = 3

_ITEM = re.compile(r"( *)([-*+]|\d{1,9}[.)])[ \t]+(.*)\Z")
_QUOTE = re.compile(r" {0,3}> ?(.*)\Z", re.S)
_RULE = re.compile(r" {0,3}([-*_])(?: *\1){2,} *\Z")

# Each alternative stops at the next delimiter of its kind, so a failed attempt costs at most
# the distance to that delimiter, and the whole scan stays linear.
_INLINE = re.compile(r"""
    `(?P<code>[^`]+)`
  | \\(?P<esc>[!-/:-@\[-`{-~])
  | \[(?P<text>[^\[\]]+)\]\((?P<url>[^()\[\]\s]+)\)
  | \*\*(?P<strong>(?=\S)(?:[^*]|\*(?!\*))+?(?<=\S))\*\*
  | (?<!\w)__(?P<strong_>(?=\S)(?:[^_]|_(?!_))+?(?<=\S))__(?!\w)
  | \*(?P<em>(?=[^\s*])[^*]+?(?<=\S))\*
  | (?<!\w)_(?P<em_>(?=[^\s_])[^_]+?(?<=\S))_(?!\w)
  | (?<![ ])(?P<br>[ ]{2,}\n)
""", re.X)


def to_html(text: str, safe_url=lambda url: url) -> str:
    """HTML for ``text``; ``safe_url`` returns a URL that may be linked, or None."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return _blocks(lines, 0, safe_url)


def _blocks(lines: list[str], depth: int, safe_url) -> str:
    out: list[str] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
        elif depth < MAX_QUOTE_DEPTH and _QUOTE.match(line):
            inner = []
            while i < n and lines[i].strip():
                quoted = _QUOTE.match(lines[i])
                inner.append(quoted.group(1) if quoted else lines[i])
                i += 1
            out.append("<blockquote>\n" + _blocks(inner, depth + 1, safe_url) + "\n</blockquote>")
        elif _ITEM.match(line) and not _RULE.match(line):
            i = _list(lines, i, out, safe_url)
        else:
            para = []
            while i < n and lines[i].strip():
                para.append(lines[i].lstrip(" \t"))
                i += 1
            out.append("<p>" + inline("\n".join(para).rstrip(), safe_url) + "</p>")
    return "\n".join(out)


def _list(lines: list[str], i: int, out: list[str], safe_url) -> int:
    """Consume one list (with its nested lists) from ``lines[i]``; return the next line."""
    stack: list[list] = []  # [indent, tag]: the open lists, innermost last; each has an open item
    pending: list[str] = []  # the innermost open item's text lines
    parts: list[str] = []

    def flush():
        if pending:
            parts.append(inline("\n".join(pending).rstrip(), safe_url))
            pending.clear()

    def close_list():
        flush()
        parts.append(f"</li>\n</{stack.pop()[1]}>")

    n = len(lines)
    while i < n:
        line = lines[i]
        if not line.strip():
            j = i
            while j < n and not lines[j].strip():
                j += 1
            if j < n and _ITEM.match(lines[j]) and not _RULE.match(lines[j]):
                i = j
                continue
            break
        m = _ITEM.match(line)
        if not m or _RULE.match(line):
            pending.append(line.lstrip(" \t"))  # lazy continuation of the open item
            i += 1
            continue
        indent = len(m.group(1))
        tag = "ul" if m.group(2) in "-*+" else "ol"
        while len(stack) > 1 and indent < stack[-1][0]:
            close_list()
        if stack and indent >= stack[-1][0] + 2 and len(stack) < MAX_LIST_DEPTH:
            flush()
            parts.append(f"\n<{tag}>\n<li>")
            stack.append([indent, tag])
        elif stack and tag == stack[-1][1]:
            flush()
            parts.append("</li>\n<li>")
        else:
            if stack:  # a different kind of list at this level starts a new list
                close_list()
                parts.append("\n")
            parts.append(f"<{tag}>\n<li>")
            stack.append([indent, tag])
        pending.append(m.group(3))
        i += 1
    while stack:
        close_list()
    out.append("".join(parts))
    return i


def inline(text: str, safe_url, depth: int = 0) -> str:
    """Escaped text with code, emphasis, links and line breaks; nesting at most two deep."""
    if depth >= 2:
        return escape(text, quote=False)
    out, pos = [], 0
    for m in _INLINE.finditer(text):
        out.append(escape(text[pos:m.start()], quote=False))
        pos = m.end()
        kind = m.lastgroup
        if kind == "code":
            out.append(f"<code>{escape(m['code'], quote=False)}</code>")
        elif kind == "esc":
            out.append(escape(m["esc"], quote=False))
        elif kind in ("text", "url"):
            url = safe_url(m["url"])
            if url is None:
                out.append(escape(m.group(0), quote=False))
            else:
                out.append(f'<a href="{escape(url)}">{inline(m["text"], safe_url, depth + 1)}</a>')
        elif kind in ("strong", "strong_"):
            out.append(f"<strong>{inline(m[kind], safe_url, depth + 1)}</strong>")
        elif kind in ("em", "em_"):
            out.append(f"<em>{inline(m[kind], safe_url, depth + 1)}</em>")
        else:
            out.append("<br>\n")
    out.append(escape(text[pos:], quote=False))
    return "".join(out)
