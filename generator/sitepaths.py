"""The site's addresses, with no I/O: where every generated file goes and how pages link.

Input: paths of generated files (``items/<id>.md``, ``data/items.csv``...) and record ids.
Output: the file each becomes in the built site, relative links between pages, the pages of a
paginated list, and which ids would take one of the site's own addresses. The renderer, the
MkDocs adapter (``site``), the export's file names and the reserved-id check all use these, so
the URL scheme is written once.
"""

from __future__ import annotations

PAGE_SIZE = 50  # rows on one page of a long list

# The pages a record's id names, by registry: the only paths record text chooses.
RECORD_PAGES = {"items": ("items/{}.md", "teachers/handouts/{}.md", "data/records/{}.yaml"),
                "outlets": ("outlets/{}.md",), "stakeholders": ("stakeholders/{}.md",)}


def item_path(item_id: str) -> str:
    return RECORD_PAGES["items"][0].format(item_id)


def page_url(path: str) -> str:
    """The directory URL MkDocs gives a page (use_directory_urls)."""
    if path == "index.md":
        return ""
    stem = path[:-3]
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def output_path(path: str) -> str:
    """The file a generated path becomes in the built site (pages: directory URLs)."""
    return page_url(path) + "index.html" if path.endswith(".md") else path


def relative(from_path: str, to_path: str) -> str:
    """A link from one page to another (or to a site file when ``to_path`` has no .md).

    Generated paths are plain (no ``.`` or ``..`` parts), so this is ``posixpath.relpath`` on
    the two directory URLs without asking the OS for the working directory."""
    page = to_path.endswith(".md")
    base = [p for p in page_url(from_path).split("/") if p]
    target = [p for p in (page_url(to_path) if page else to_path).split("/") if p]
    common = 0
    for a, b in zip(base, target):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(base) - common) + target[common:]) or "."
    if page:
        rel = "./" if rel == "." else rel + "/"
    return rel


def later_page(first_path: str, n: int) -> str:
    """The path of page ``n`` (2, 3, ...) of a list whose first page is ``first_path``."""
    stem = first_path[:-len("index.md")] if first_path.endswith("index.md") else first_path[:-3] + "-"
    return f"{stem}page-{n}.md"


def paginate(rows: list, first_path: str, size: int = PAGE_SIZE):
    """(path, chunk, number, total, prev_path, next_path) for every page of a long list."""
    chunks = [rows[i:i + size] for i in range(0, len(rows), size)] or [[]]
    paths = [first_path] + [later_page(first_path, n) for n in range(2, len(chunks) + 1)]
    for n, chunk in enumerate(chunks, 1):
        yield (paths[n - 1], chunk, n, len(chunks), paths[n - 2] if n > 1 else None,
               paths[n] if n < len(chunks) else None)


def reserved_name(record_id: str) -> bool:
    """True when a record's page named ``record_id`` could be one of a list's own pages in its
    folder, whatever the lists' lengths now: the first (``index``), or a later page of the
    folder's list (``page-N``) or of another record's list (``<id>-page-N``)."""
    page = f"x/{record_id}.md"
    if page == "x/index.md":
        return True
    head, sep, n = record_id.rpartition("page-")
    if not (sep and n.isascii() and n.isdigit() and (head == "" or head.endswith("-"))):
        return False
    first = f"x/{head[:-1]}.md" if head else "x/index.md"
    return int(n) >= 2 and later_page(first, int(n)) == page


def data_file_names() -> list[str]:
    """The files of the dataset and the feeds the site serves (``publish.data_files``)."""
    from .schema import schema_names

    return ([f"data/schema/{name}" for name in schema_names()]
            + ["data/digest.json", "data/items.csv", "feed.xml", "corrections.xml"])


def record_files(digest) -> list[tuple[str, str]]:
    """(site path, record file) for every item: the site serves each record's own file."""
    return [(RECORD_PAGES["items"][2].format(e.value.id), str(digest.project_root / e.path))
            for e in digest.items]


def site_paths(digest, plan=None) -> list[str]:
    """Every path the site generates for ``digest`` (pages, data files, record files). The
    pages come from the renderer's own plan (not rendered), so a new page is counted as soon
    as the renderer makes it; ``plan`` (digest -> plan, ``render.Plans``) makes that plan,
    ``render.plan_site`` by default."""
    from .render import plan_site

    return ([path for path, _ in (plan or plan_site)(digest)] + data_file_names()
            + [path for path, _ in record_files(digest)])
