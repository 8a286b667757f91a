"""Stage: ingest, the reading half. Input: one seed file. Output: a ``SeedDoc`` of items.

One parser per format, each a pure function from text to a page title and items: plain-text
digests, saved HTML listing pages, RSS and Atom feeds, and Markdown. The format is judged from
the content (the extension only breaks ties); ``--format`` overrides. A seed that cannot be
read, or has no recognisable items, yields a problem naming it and no items at all.

This module is the one home of html5lib and feedparser. Neither fetches or runs anything here:
feedparser is handed bytes (given a string it may open files or URLs), html5lib only builds a
tree. Excerpts of HTML, feed and Markdown items are plain text, never markup.
"""

from __future__ import annotations

import email.utils
import html as htmlmod
import io
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from .problems import ProblemError
from .models import valid_date
from .urls import is_http

MAX_ITEMS = 100_000


@dataclass(frozen=True)
class SeedItem:
    position: int
    title: str
    excerpt: str
    link: str = ""
    date: str = ""
    date_basis: str = ""


@dataclass(frozen=True)
class SeedDoc:
    file: str
    title: str
    format: str
    items: tuple
    date: str = ""  # the page's or feed's own date, when it gives one
    date_basis: str = ""
    url: str = ""  # the page's own address (canonical link, og:url, <base>; a feed's link)


SeedError = ProblemError  # the one error type of reading, under the name this module uses


# --- plain-text digests ---------------------------------------------------------------------

# "Read more" in the forms and languages listing pages use. A line that is only such words
# (with trailing dots, arrows or guillemets, and perhaps "| Comment" or "| 3 Comments" after
# them) ends an item.
MORE_WORDS = (
    r"read more|read the rest(?: of (?:this|the) (?:entry|post|article|story))?|"
    r"continue reading(?: this (?:entry|post|article|story))?|read (?:the )?full (?:story|article)|"
    r"full story|keep reading|leer más|leer mas|seguir leyendo|sigue leyendo|lire la suite|"
    r"lire plus|en savoir plus|weiterlesen|mehr lesen|leggi tutto|leggi di più|"
    r"continua a leggere|ler mais|leia mais|continuar lendo|continue lendo|lees meer|"
    r"verder lezen|czytaj dalej|читать далее|читать полностью|devamını oku|devamı|"
    r"ادامه مطلب|ادامه خبر|بیشتر بخوانید|اقرأ المزيد|اقرأ أكثر|المزيد|המשך קריאה|"
    r"続きを読む|阅读全文|阅读更多|더 보기|더보기")
# Written so that each character can be matched one way only (the tail takes the spaces, each
# "| Comments" starts with its bar), and tried only on short lines: matching stays linear.
_MORE_TAIL = r"[\s.…»›>→⟶:\-–—\])]*"
_COMMENTS = (r"(?:[|·•]\s*(?:\d+\s+)?(?:comments?|replies|reply|leave a (?:comment|reply)|"
             r"no comments|share|comentarios?|commentaires?|kommentare?|نظرات?|تعليقات?)"
             r"(?:\s*\(\d+\))?[ \t]*)*")
_READ_MORE_LINE = re.compile(rf"^\s*[\[(«‹]?\s*(?:{MORE_WORDS})(?![\w]){_MORE_TAIL}{_COMMENTS}$",
                             re.IGNORECASE)
MORE_LINE_MAX = 120  # characters: a "read more" line is short


class _ShortLines:
    """``pattern.match`` on lines of at most MORE_LINE_MAX characters (longer ones are body)."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern

    def match(self, line: str):
        return self.pattern.match(line) if len(line) <= MORE_LINE_MAX else None


_READ_MORE = _ShortLines(_READ_MORE_LINE)


def _trim_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _text_blocks(lines: list[str]) -> list[list[str]]:
    """Lines split at each `Read more` line; the last block may lack one."""
    blocks, current = [], []
    for line in lines:
        if _READ_MORE.match(line):
            blocks.append(current)
            current = []
        else:
            current.append(line)
    if any(line.strip() for line in current):
        blocks.append(current)
    return blocks


def _text_item(block: list[str]) -> tuple[str, str] | None:
    """(headline, excerpt) of one block; the excerpt keeps its lines exactly as written."""
    content = _trim_blank(block)
    if len(content) < 2:
        return None
    body = _trim_blank(content[1:])
    headline = content[0].strip()
    return (headline, "\n".join(body)) if headline and body else None


def parse_text(text: str) -> tuple[str, list[SeedItem]]:
    """A page title, then items: a headline, one or more paragraphs, a `Read more` line.

    Only a line that is `Read more` alone (in one of the usual forms and languages: "Continue
    reading →", "Leer más", "Lire la suite", "Weiterlesen", "ادامه مطلب", "Read More... |
    Comment" ...) ends an item; a body line that merely starts with those words is body. The
    last item may lack its `Read more` line. A digest without a page title (its first block is
    a lone headline and body) is read as items from the first line. A text with no such line
    at all is split by its structure (``parse_structure``)."""
    lines = _trim_blank(text.split("\n"))
    if not lines:
        return "", []
    if not any(_READ_MORE.match(line) for line in lines):
        title, items = parse_structure(lines)
        if len(items) > 1:
            return title, items
    title, blocks = lines[0].strip(), _text_blocks(lines[1:])
    if blocks and _text_item(blocks[0]) is None and _text_item(lines[:1] + blocks[0]):
        title, blocks = "", _text_blocks(lines)
    pairs = [pair for pair in map(_text_item, blocks) if pair]
    return title, [SeedItem(i, h, e) for i, (h, e) in enumerate(pairs, 1)]


_END_OF_SENTENCE = re.compile(r"[.,;:…]$|[.!?…]['\"”’»)]$")


def _headline_like(line: str) -> bool:
    """A line that reads as a headline: short, and not ending like a sentence."""
    line = line.strip()
    return 3 <= len(line) <= 160 and len(line.split()) <= 24 \
        and not _END_OF_SENTENCE.search(line) and not _LIST_MARK.match(line)


_LIST_MARK = re.compile(r"^([-*+•]|\d+[.)])\s")


def parse_structure(lines: list[str]) -> tuple[str, list[SeedItem]]:
    """Items found by a text's structure when it has no `Read more` lines: paragraphs separated
    by blank lines, each item a headline-like line (short, not ending like a sentence) followed
    by the paragraphs up to the next one. A lone headline-like first line followed by another
    is the page title. Excerpts are the seed's own lines, verbatim."""
    blocks: list[tuple[int, int]] = []  # [start, end) line ranges of non-blank runs
    start = None
    for n, line in enumerate(lines + [""]):
        if line.strip() and start is None:
            start = n
        elif not line.strip() and start is not None:
            blocks.append((start, n))
            start = None
    heads = [_headline_like(lines[a]) for a, _ in blocks]
    title = ""
    first = 0
    if len(blocks) > 1 and blocks[0][1] - blocks[0][0] == 1 and heads[0] and heads[1]:
        title, first = lines[blocks[0][0]].strip(), 1
    found: list[tuple[str, int, int]] = []  # headline, body start line, body end line
    for (a, b), head in zip(blocks[first:], heads[first:]):
        if head:
            found.append((lines[a].strip(), a + 1 if b - a > 1 else -1, b))
        elif found:
            headline, body_start, _ = found[-1]
            found[-1] = (headline, body_start if body_start >= 0 else a, b)
    items = []
    for headline, body_start, body_end in found:
        if body_start < 0:
            continue
        excerpt = "\n".join(lines[body_start:body_end]).strip("\n")
        if excerpt.strip():
            items.append(SeedItem(len(items) + 1, headline, excerpt))
    return title, items


# --- HTML to plain text (shared by the html, feed and markdown readers) ---------------------

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


# --- saved HTML listing pages ---------------------------------------------------------------

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


# --- RSS and Atom feeds ---------------------------------------------------------------------

_ISO = re.compile(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?=$|[T\s+Z]|[-+]\d\d:?\d\d$)")


def iso_date(raw: str) -> str:
    """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) from a W3C or RFC 822 date, in the date's own
    time zone; "" when there is none or it is not a real calendar date."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    if m := _ISO.match(raw):
        parts = [p for p in m.groups() if p]
    elif parsed := email.utils.parsedate_tz(raw):
        parts = [f"{parsed[0]:04d}", f"{parsed[1]:02d}", f"{parsed[2]:02d}"]
    else:
        return ""
    value = "-".join(parts)
    return value if valid_date(value) else ""


def _struct_date(parsed) -> str:
    try:
        value = f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}"
    except (AttributeError, TypeError, ValueError):
        return ""
    return value if valid_date(value) else ""


def _entry_date(entry, whose: str = "the feed entry's") -> tuple[str, str]:
    for key in ("published", "updated", "created"):
        value = iso_date(entry.get(key, "")) or _struct_date(entry.get(f"{key}_parsed"))
        if value:
            return value, (f"{whose} {key} date (a publication date, not necessarily when the "
                           "event happened); not checked")
    return "", ""


def _detail_text(detail) -> str:
    """Plain text of a feedparser text construct; HTML is reduced to its text."""
    if not detail:
        return ""
    value = detail.get("value", "") or ""
    if detail.get("type", "text/html") == "text/plain":
        return "\n\n".join(_paragraphs([re.sub(r"[ \t\r\f\v]+", " ", value)]))
    return html_to_text(value)


def _entry_excerpt(entry) -> str:
    summary = _detail_text(entry.get("summary_detail"))
    if summary:
        return summary
    for content in entry.get("content", []) or []:
        if text := _detail_text(content):
            return text
    return ""


def _feed_item(entry, position: int, base: str) -> SeedItem | None:
    title = " ".join(_detail_text(entry.get("title_detail")).split())
    excerpt = _entry_excerpt(entry)
    link = _absolute(entry.get("link") or "", base)
    if not (title or excerpt or link):
        return None
    date, basis = _entry_date(entry)
    return SeedItem(position, title, excerpt, link, date, basis)


def parse_feed(text: str) -> tuple[str, list[SeedItem]]:
    """An RSS (0.9x, 1.0, 2.0) or Atom feed: one item per entry, with its link and date.

    The excerpt is the entry's summary (or else its content) as plain text; the link is the
    entry's, made absolute with the feed's own link; the date is the entry's published date, or
    else its updated date, in the feed's own time zone."""
    items, _, title, _ = read_feed(text)
    return title, items


# The start of a feed entry, as RSS, RDF or Atom writes it (prefixed or not).
_ENTRY = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]")


def _too_many_entries(text: str) -> int:
    """The line of the first entry over MAX_ITEMS, or 0: counted on the text, before the parser
    sees it, so that a huge feed costs one pass and no memory (the parser would hold it all)."""
    for count, m in enumerate(_ENTRY.finditer(text), 1):
        if count > MAX_ITEMS:
            return text.count("\n", 0, m.start()) + 1
    return 0


def read_feed(text: str):
    """(items, feedparser result, title, (feed date, basis))."""
    import feedparser

    if line := _too_many_entries(text):
        raise SeedError(line, "seed-too-many", f"the feed has more than {MAX_ITEMS:,} items; "
                        "split it")

    # Bytes, never a string: given a string, feedparser may open a file or fetch a URL.
    data = feedparser.parse(io.BytesIO(text.encode("utf-8")),
                            response_headers={"content-type": "application/xml; charset=utf-8"},
                            resolve_relative_uris=True, sanitize_html=True)
    items = []
    base = data.feed.get("link", "").strip()
    base = base if is_http(base) else ""
    for entry in data.entries:
        item = _feed_item(entry, len(items) + 1, base)
        if item is not None:
            items.append(item)
    title = " ".join(_detail_text(data.feed.get("title_detail")).split())
    return items, data, title, _entry_date(data.feed, "the feed's own")


# --- Markdown -------------------------------------------------------------------------------

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


# --- detection and reading ------------------------------------------------------------------

PARSERS = {"text": parse_text, "html": parse_html, "feed": parse_feed, "markdown": parse_markdown}
ALIASES = {"txt": "text", "htm": "html", "rss": "feed", "atom": "feed", "xml": "feed",
           "md": "markdown"}
EXTENSIONS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html",
              ".xhtml": "html", ".xml": "feed", ".rss": "feed", ".atom": "feed",
              ".md": "markdown", ".markdown": "markdown"}
_FIRST_TAG = re.compile(r"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<([A-Za-z][\w:.-]*)",
                        re.S | re.I)
_FEED_TAGS = {"rss", "feed", "rdf:rdf", "rdf", "channel"}
_FEED_INSIDE = re.compile(r"<rss[\s>][\s\S]*<channel[\s>]|<feed\s[^>]*xmlns\s*=\s*[\"']http://www\.w3\.org/2005/Atom"
                          r"|<rdf:RDF[\s>]", re.I)


def format_name(name: str) -> str:
    """The canonical format for a name or alias given on the command line."""
    name = (name or "").strip().lower()
    return ALIASES.get(name, name)


def detect(text: str, suffix: str = "") -> str:
    """The format of a seed, judged from its content first and its extension second.

    A document whose first element is <rss>, <feed> or <rdf:RDF> is a feed; one that starts
    with a doctype or any other element is HTML; text that holds a feed's root element after
    other text (saved response headers, a comment) is a feed, read as far as it is one; text with `## ` headlines is Markdown unless it
    also has `Read more` lines; text with `Read more` lines is a plain-text digest. Only when
    the content says none of these does the extension decide."""
    head = text[:20_000]
    if m := _FIRST_TAG.match(head):
        return "feed" if m[1].lower() in _FEED_TAGS else "html"
    if re.match(r"\A\s*<!DOCTYPE\s+html", head, re.I):
        return "html"
    if _FEED_INSIDE.search(head):  # a feed saved with other text before it (headers, a comment)
        return "feed"
    lines = text.split("\n")
    read_more = any(_READ_MORE.match(line) for line in lines)
    if any(_H2.match(line) for line in lines) and not read_more:
        return "markdown"
    if read_more:
        return "text"
    return EXTENSIONS.get(suffix.lower(), "text")


def read_items(text: str, fmt: str) -> tuple[str, list[SeedItem], str, str]:
    """(title, items, date, date basis) of decoded seed text read as ``fmt``; SeedError when
    the format is unknown or nothing recognisable is found."""
    if fmt not in PARSERS:
        raise SeedError(1, "seed-format", f"unknown format {fmt!r}; use one of "
                        + ", ".join(sorted(PARSERS)))
    date = basis = ""
    if fmt == "feed":
        items, data, title, (date, basis) = read_feed(text)
        if not items and data.bozo:
            raise SeedError(1, "seed-no-items", "no feed entries found; the feed is not "
                            f"well-formed ({_bozo(data)}); check the file, or pass --format")
    else:
        title, items = PARSERS[fmt](text)
    if not items:
        raise SeedError(1, "seed-no-items",
                        f"no items found reading it as {fmt}; check the file, or pass --format")
    if len(items) > MAX_ITEMS:
        raise SeedError(1, "seed-too-many", f"{len(items):,} items, over the {MAX_ITEMS:,} "
                        "limit; split it")
    return title, items, date, basis


def page_address(text: str, fmt: str) -> str:
    """The seed page's own address, where the saved page or feed gives one; else ""."""
    if fmt == "html":
        return _page_base(_parse_html(text))
    if fmt == "feed":
        import feedparser

        link = feedparser.parse(io.BytesIO(text.encode("utf-8")),
                                response_headers={"content-type": "application/xml; charset=utf-8"}
                                ).feed.get("link", "")
        return link.strip() if is_http(link.strip()) else ""
    return ""


def _bozo(data) -> str:
    exc = data.get("bozo_exception")
    return " ".join(str(exc).split())[:200] if exc else "not XML"
