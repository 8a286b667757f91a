"""Saved HTML listing pages, and HTML to plain text (shared by the feed and Markdown readers)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from ..urls import is_http
from .items import SeedError, SeedItem, _ShortLines, iso_date
from .plaintext import _COMMENTS, _MORE_TAIL, MORE_WORDS


_SKIP = frozenset({"script", "style", "noscript", "template", "nav", "aside", "form", "button",
                   "select", "textarea", "iframe", "object", "embed", "svg", "math", "head",
                   "title", "footer", "figure", "dialog", "canvas", "audio", "video"})
_BLOCK = frozenset({"address", "article", "blockquote", "dd", "details", "div", "dl", "dt",
                    "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
                    "main", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr",
                    "ul", "body", "html"})
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_MORE = _ShortLines(re.compile(
    rf"^\s*(\[\s*)?({MORE_WORDS}|more)(?![\w]){_MORE_TAIL}(\[?…\]?)?{_COMMENTS}$"
    r"|^\s*\[?\s*…\s*\]?\s*$", re.IGNORECASE))


def _tag(el) -> str:
    return el.tag if isinstance(el.tag, str) else ""


def _walk(root, skip_ids: frozenset = frozenset()):
    """Events ("open", el), ("text", str), ("close", el) over ``root`` and its content.

    Skipped elements (scripts, chrome, hidden ones, and those in ``skip_ids``) are left out with
    everything inside them; their tail text is kept, the root's own tail is not. Iterative, so
    deep nesting cannot overflow the stack."""
    stack = [("node", root)]
    while stack:
        kind, x = stack.pop()
        if kind != "node":
            yield kind, x
            continue
        if x.tail and x is not root:
            stack.append(("text", x.tail))
        if _skipped(x) or id(x) in skip_ids:
            continue
        yield "open", x
        stack.append(("close", x))
        stack.extend(("node", c) for c in reversed(list(x)))
        if x.text:
            stack.append(("text", x.text))


def _skipped(el) -> bool:
    tag = _tag(el)
    return not tag or tag in _SKIP or el.get("hidden") is not None \
        or el.get("aria-hidden") == "true" or _chrome_class(el)


def _paragraphs(chunks: list[str]) -> list[str]:
    """Inline text (whitespace collapsed, `\\n` for <br>) as paragraphs of non-empty lines."""
    paras, lines = [], []
    for segment in "".join(chunks).split("\n"):
        line = " ".join(segment.split())
        if line:
            lines.append(line)
        elif lines:
            paras.append("\n".join(lines))
            lines = []
    if lines:
        paras.append("\n".join(lines))
    return paras


def element_text(root, skip_ids: frozenset = frozenset()) -> str:
    """The readable text of an element: paragraphs separated by a blank line, `Read more`
    links and `[…]` markers left out."""
    paras: list[str] = []
    chunks: list[str] = []
    for kind, x in _walk(root, skip_ids):
        if kind == "text":
            chunks.append(re.sub(r"\s+", " ", x))
        elif _tag(x) == "br" and kind == "open":
            chunks.append("\n")
        elif _tag(x) in _BLOCK:
            paras += _paragraphs(chunks)
            chunks = []
    paras += _paragraphs(chunks)
    return "\n\n".join(p for p in paras if not _MORE.match(p))


def _parse_html(text: str):
    import html5lib

    try:
        return html5lib.parse(text, treebuilder="etree", namespaceHTMLElements=False)
    except RecursionError:
        raise SeedError(1, "seed-html", "the HTML is nested too deeply to read") from None


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (such as a feed summary); nothing in it is kept as markup."""
    if "<" not in fragment and "&" not in fragment:
        return "\n\n".join(_paragraphs([re.sub(r"\s+", " ", fragment)]))
    return element_text(_parse_html(f"<body>{fragment}</body>").find("body"))


_CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu",
                 "menubar", "dialog"}
_CHROME_WORDS = {"nav", "navbar", "navigation", "menu", "sidebar", "footer", "masthead",
                 "breadcrumb", "breadcrumbs", "widget", "widgets", "comments", "pagination",
                 "share", "sharing", "social", "cookie", "cookies", "newsletter", "advert",
                 "ads", "promo", "related"}
# A <form> is not chrome at page level: some sites wrap the whole page in one.
_PAGE_CHROME = {"nav", "aside", "script", "style", "noscript", "template", "head", "dialog",
                "iframe", "svg", "button", "select", "textarea"}


def _parents(root) -> dict:
    return {child: parent for parent in root.iter() for child in parent}


def _chrome_class(el) -> bool:
    """Whether an element's id or classes name it as site chrome (a menu, a sidebar, ads)."""
    if _tag(el) in ("html", "body", "main", "article"):
        return False
    words = set()
    for token in f"{el.get('class', '')} {el.get('id', '')}".lower().split():
        words.add(token)
        words.update(re.split(r"[-_]", token))
    if not words & _CHROME_WORDS:
        return False
    # A wrapper whose class merely mentions a sidebar can still hold the listing itself.
    return el.find(".//article") is None and el.find(".//main") is None


def _chrome(el, parents: dict) -> bool:
    """Whether ``el`` lies in page chrome: navigation, page header or footer, sidebars, scripts."""
    chain = []
    while el is not None:
        chain.append(el)
        el = parents.get(el)
    in_article = any(_tag(node) == "article" for node in chain)
    for node in chain:
        tag = _tag(node)
        if tag in _PAGE_CHROME or node.get("role") in _CHROME_ROLES \
                or node.get("hidden") is not None or node.get("aria-hidden") == "true":
            return True
        if tag in ("header", "footer") and not _inside_article(node, parents):
            return True
        if not in_article and _chrome_class(node):
            return True
    return False


def _inside_article(el, parents: dict) -> bool:
    node = parents.get(el)
    while node is not None:
        if _tag(node) == "article":
            return True
        node = parents.get(node)
    return False


def _page_base(root) -> str:
    """The page's own address, if it was saved with one (<base>, canonical link or og:url)."""
    for el in root.iter("base"):
        if is_http(el.get("href", "").strip()):
            return el.get("href").strip()
    for el in root.iter("link"):
        if "canonical" in el.get("rel", "").lower().split() and is_http(el.get("href", "").strip()):
            return el.get("href").strip()
    for el in root.iter("meta"):
        if el.get("property") == "og:url" and is_http(el.get("content", "").strip()):
            return el.get("content").strip()
    return ""


def _absolute(href: str, base: str) -> str:
    """``href`` as an absolute http(s) URL, or "" when it cannot be one (javascript:, relative
    with no known page address)."""
    href = (href or "").strip()
    try:
        url = urljoin(base, href) if base else href
    except ValueError:
        return ""
    return url if is_http(url) else ""


def _headline(block_root) -> object | None:
    for el in block_root.iter():
        if _tag(el) in _HEADINGS and " ".join(element_text(el).split()):
            return el
    return None


def _link_in(elements, base: str) -> str:
    for root in elements:
        for el in root.iter("a"):
            if (url := _absolute(el.get("href", ""), base)):
                return url
    return ""


def _time_in(elements) -> str:
    for root in elements:
        for el in root.iter("time"):
            if (value := iso_date(el.get("datetime", ""))):
                return value
    return ""


def _article_blocks(root, parents: dict) -> list[list]:
    """Top-level <article> elements outside the page chrome, each as a one-element block."""
    blocks = []
    for el in root.iter("article"):
        if not _inside_article(el, parents) and not _chrome(el, parents):
            if _headline(el) is not None:
                blocks.append([el])
    return blocks


def _signature(el, parents: dict) -> tuple:
    """The tags from the root down to ``el``. Classes are left out: sites vary them per post."""
    chain = []
    while el is not None:
        chain.append(_tag(el))
        el = parents.get(el)
    return tuple(reversed(chain))


def _repeated_blocks(root, parents: dict) -> list[list]:
    """Items made of repeated elements: the largest group of headings in the same place of the
    page (the same tags above them), each with what belongs to it alone: its largest ancestor
    holding no other heading of the group, or, in a flat list, its siblings up to the next."""
    groups: dict[tuple, list] = {}
    for el in root.iter():
        if _tag(el) in _HEADINGS and element_text(el).strip() and not _chrome(el, parents):
            groups.setdefault(_signature(el, parents), []).append(el)
    best = max(groups.values(), key=len, default=[])
    if len(best) < 2:
        return []
    count: dict = {}
    for h in best:
        node = parents.get(h)
        while node is not None:
            count[node] = count.get(node, 0) + 1
            node = parents.get(node)
    blocks, flat, heads = [], {}, set(best)
    for h in best:
        node = h
        while (parent := parents.get(node)) is not None and count.get(parent) == 1 \
                and _tag(parent) not in ("body", "html", "main"):
            node = parent
        blocks.append([node] if node is not h else _following(h, parents[h], heads, count, flat))
    return blocks


def _following(h, parent, heads: set, count: dict, flat: dict) -> list:
    """A heading in a flat list, with its siblings up to the next heading of the list."""
    if parent not in flat:  # each parent's children are listed and indexed once
        flat[parent] = (list(parent), {c: i for i, c in enumerate(parent)})
    siblings, index = flat[parent]
    block = [h]
    for sib in (siblings[i] for i in range(index[h] + 1, len(siblings))):
        if sib in heads or count.get(sib):
            break
        block.append(sib)
    return block


def _html_item(block: list, base: str, position: int) -> SeedItem | None:
    head = next((h for el in block if (h := _headline(el)) is not None), None)
    if head is None:
        return None
    title = " ".join(element_text(head).split())
    link = _link_in([head], base) or _link_in(block, base)
    skip = frozenset({id(head)})
    excerpt = "\n\n".join(t for el in block if (t := element_text(el, skip)))
    if not title or not (excerpt or link):
        return None
    date = _time_in(block)
    basis = ("the datetime of the item's <time> element in the saved page (a publication date, "
             "not necessarily when the event happened); not checked") if date else ""
    return SeedItem(position, title, excerpt, link, date, basis)


def parse_html(text: str) -> tuple[str, list[SeedItem]]:
    """A saved listing page (a tag or category archive): one item per repeated article block.

    Blocks are the page's <article> elements, or else the largest set of headings that repeat in
    the same place of the page, each with the text that belongs to it. Navigation, page headers
    and footers, sidebars, forms, scripts and styles are ignored. Each item's headline is its
    heading; its link is the heading's link (or the block's first), made absolute with the
    page's own address; its excerpt is the block's plain text without the headline."""
    root = _parse_html(text)
    parents = _parents(root)
    base = _page_base(root)
    title_el = root.find("head/title")
    title = " ".join((title_el.text or "").split()) if title_el is not None else ""
    blocks = _article_blocks(root, parents) or _repeated_blocks(root, parents)
    items = []
    for block in blocks:
        item = _html_item(block, base, len(items) + 1)
        if item is not None:
            items.append(item)
    return title, items
