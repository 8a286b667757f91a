"""Stage: render (browsing). Input: a ``View`` of the digest. Output: the stakeholder, outlet and
timeline pages, every listing cut into pages of at most ``PAGE_SIZE`` entries.

Readers reach item pages through these listings and the paginated list of all items, never
through a sidebar that names every item: MkDocs writes the navigation into every page, so a
navigation of N items makes N pages of size N. Here no page grows with the digest.
"""

from __future__ import annotations

from dataclasses import dataclass

from .render import PAGE_SIZE, Page, View, _render, environment, title_meta


@dataclass(frozen=True)
class Slice:
    """One page of a listing: its entries and its neighbours."""

    path: str
    entries: list
    number: int
    total: int
    count: int
    prev_path: str | None
    next_path: str | None


def paginate(folder: str, entries: list, size: int = PAGE_SIZE) -> list[Slice]:
    """``entries`` cut into pages ``folder/index.md``, ``folder/page-2.md``, ..."""
    chunks = [entries[i:i + size] for i in range(0, len(entries), size)] or [[]]

    def path(n: int) -> str:
        return f"{folder}/index.md" if n == 1 else f"{folder}/page-{n}.md"

    return [Slice(path(n), chunk, n, len(chunks), len(entries),
                  path(n - 1) if n > 1 else None, path(n + 1) if n < len(chunks) else None)
            for n, chunk in enumerate(chunks, 1)]


class Entries:
    """Each item's list entry (``_entry.j2``), rendered once for every depth of page.

    An item appears in many listings (all items, each party heard, each outlet in its chain, its
    year); the entry differs between them only by the relative link, which depends only on how
    deep the listing page lies."""

    def __init__(self, view: View):
        self.view = view
        self.entry = environment().get_template("_entry.j2").module.entry
        self.rendered: dict = {}

    def __call__(self, e, rel):
        key = (e.value.id, rel("index.md"))
        html = self.rendered.get(key)
        if html is None:
            html = self.rendered[key] = self.entry(e, self.view, rel)
        return html


def _pages_of(template: str, slices: list[Slice], title: str, view: View, **context) -> list[Page]:
    return [_render(template, s.path, page=s, view=view, **context,
                    title=title_meta(title if s.total == 1 else f"{title}, page {s.number}"))
            for s in slices]


def _year(entry) -> str:
    date = entry.value.date
    return date.value[:4] if date else "undated"


def browse_pages(view: View) -> list[Page]:
    """The stakeholder, outlet and timeline pages, in a stable order."""
    heard: dict[str, list] = {sid: [] for sid in view.stakeholders}
    cited: dict[str, list] = {oid: [] for oid in view.outlets}
    years: dict[str, list] = {}
    for e in view.items:  # already in date order: every listing below keeps it
        for sid in dict.fromkeys(pv.stakeholder for pv in e.value.perspectives):
            heard.setdefault(sid, []).append(e)
        for oid in dict.fromkeys(link.outlet for link in e.value.provenance if link.outlet):
            cited.setdefault(oid, []).append(e)
        years.setdefault(_year(e), []).append((e.value.date.value if e.value.date else "", "item", e))
    for t in view.digest.timeline:
        years.setdefault(t.value.date[:4], []).append((t.value.date, "event", t.value))

    pages: list[Page] = []
    entry = Entries(view)
    parties = sorted(view.stakeholders.values(), key=lambda s: (s.order, s.name))
    pages += _pages_of("stakeholders.md.j2", paginate("stakeholders", parties), "Stakeholders",
                       view, heard=heard)
    for s in parties:
        pages += _pages_of("stakeholder.md.j2", paginate(f"stakeholders/{s.id}", heard[s.id]),
                           s.name, view, party=s, entry=entry)
    outlets = sorted(view.outlets.values(), key=lambda o: (o.name.casefold(), o.id))
    pages += _pages_of("outlets.md.j2", paginate("outlets", outlets), "Outlets", view,
                       cited=cited)
    for o in outlets:
        pages += _pages_of("outlet.md.j2", paginate(f"outlets/{o.id}", cited[o.id]), o.name,
                           view, outlet=o, entry=entry)
    order = sorted(years, key=lambda y: (y == "undated", y))
    pages += _pages_of("timeline.md.j2", paginate("timeline", order), "Timeline", view,
                       years=years)
    for y in order:
        entries = sorted(years[y], key=lambda x: (x[0], x[1] == "item"))
        pages += _pages_of("year.md.j2", paginate(f"timeline/{y}", entries),
                           "Undated items" if y == "undated" else f"Timeline: {y}", view, year=y,
                           entry=entry)
    return pages
