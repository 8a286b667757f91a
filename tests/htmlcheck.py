"""Structural checks of HTML output: parse it as a browser would and look for anything active."""

from __future__ import annotations

import re

import html5lib

SAFE_SCHEMES = ("http://", "https://", "#", "./", "../", "/")
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "cite",
             "background", "srcset"}


def parse(markup: str):
    """``markup`` parsed as a browser parses it (an ElementTree element)."""
    return html5lib.parse(markup, treebuilder="etree", namespaceHTMLElements=False)


def active_parts(markup, allow_scripts: tuple = ()) -> list[str]:
    """Everything in ``markup`` (text, or a tree from ``parse``) that could run: script
    elements, on* handlers, dangerous URLs."""
    doc = parse(markup) if isinstance(markup, str) else markup
    found = []
    for el in doc.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        local = tag.rsplit("}", 1)[-1].lower()
        if local == "script":
            kind = (el.get("type") or "").lower()
            src = el.get("src") or ""
            if kind == "application/ld+json" or any(src.endswith(a) for a in allow_scripts):
                continue
            found.append(f"<script {kind or src}>")
        if local in ("iframe", "object", "embed", "base", "meta", "frame", "link", "style"):
            found.append(f"<{local}>")
        for name, value in el.attrib.items():
            attr = name.rsplit("}", 1)[-1].lower()
            if attr.startswith("on"):
                found.append(f"{local}[{attr}]")
            if attr in URL_ATTRS:
                v = "".join(ch for ch in value.strip().lower() if ch.isprintable() and not ch.isspace())
                if ":" in v.split("/")[0] and not v.startswith(("http:", "https:", "mailto:")):
                    found.append(f"{local}[{attr}={value[:40]}]")
            if attr == "style" and ("expression" in value.lower() or "url(" in value.lower()):
                found.append(f"{local}[style]")
    return found


def content_of(page: str) -> str:
    """The main content of a built page: what the generator put there, without the theme.

    The content holds articles of its own (perspectives), so its end is the ``</article>`` that
    balances the opening one, not the first one. A print page of the teacher kit, outside the
    theme, has its content in ``<main>``."""
    if '<article class="md-content__inner' not in page and "<main>" in page:
        return page[page.index("<main>"):page.index("</main>") + len("</main>")]
    start = page.index('<article class="md-content__inner')
    depth = 0
    for m in re.finditer(r"<(/?)article\b", page[start:], re.I):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return page[start:page.index(">", start + m.end()) + 1]
    raise ValueError("the page's main article is not closed")
