"""Stage: render. Input: a checked ``Digest``. Output: the site's generated pages, planned in a
stable order (path, and how to render it) or rendered (``Page``: path and Markdown text).

The plan is this module's; the parts live beside it: ``view`` arranges the digest for pages,
``templating`` renders a template (the one home of Jinja2, where record text is escaped and its
bidi controls balanced), ``jsonld`` gives an item's structured data, ``sitepaths`` every
address, and ``finish`` turns a page's Markdown into finished HTML.
"""

from __future__ import annotations

import re
from typing import Callable

from .inputs import Planned, Same, everything, key_of
from .jsonld import json_ld
from .models import Digest, Located
from .sitepaths import PAGE_SIZE, RECORD_PAGES, item_path, page_url, paginate, relative
from .templating import Page, environment, render_page, title_meta
from .view import SiteText, View, display_title, first_sentence, timeline_rows

# Names the teacher kit (``teach``) renders with.
_render = render_page
__all__ = ["Page", "SiteText", "View", "display_title", "environment", "first_sentence",
           "page_url", "paginate", "Plans", "plan_site", "relative", "render_site", "title_meta"]


def render_item(view: View, entry: Located) -> Page:
    item = entry.value
    path = item_path(item.id)
    return render_page("item.md.j2", path, item=item, view=view, source_path=entry.path,
                   title=title_meta(display_title(item)),
                   json_ld=json_ld(view, item))


class Plans:
    """``plan_site`` with one build's settings, keeping the last plan it made for the next ask
    about the same digest object: the check ``id-reserved`` plans the site to learn its paths,
    and the publication that follows in the same rebuild renders from that plan rather than
    planning it again. ``forget`` lets the plan (and the digest it holds) go."""

    def __init__(self, edit_url: str = "", site: SiteText = SiteText()):
        self.edit_url, self.site = edit_url, site
        self._last: tuple | None = None

    def __call__(self, digest: Digest) -> list[tuple[str, Callable[[], str]]]:
        if self._last is None or self._last[0] is not digest:
            self._last = (digest, plan_site(digest, self.edit_url, self.site))
        return self._last[1]

    def forget(self) -> None:
        self._last = None


def plan_site(digest: Digest, edit_url: str = "",
              site: SiteText = SiteText()) -> list[tuple[str, Callable[[], str]]]:
    """Every generated page of the site, in a stable order: its path, and how to render it.
    ``site.url`` (MkDocs' site_url, where set) makes the addresses printed on handouts full.

    The paths are known at once; each page is rendered only when asked for, so a caller can
    hand the list of pages to MkDocs before any of them is rendered (see ``site``)."""
    view = View(digest, edit_url, site)
    plan: list[tuple[str, Callable[[], str]]] = []

    def add(template: str, path: str, **context) -> None:
        # The key of what the page shows (see ``inputs``); these templates also read something
        # of every item from the view (seed counts, outlets' and parties' item counts).
        def inputs():
            key = (template, key_of(context))
            return key + (everything(view),) if template in _OF_EVERY_ITEM else key
        plan.append((path, Planned(lambda: render_page(template, path, **context).text, inputs)))

    def add_pages(template: str, listing: list, first: str, size: int = PAGE_SIZE, **context):
        for path, chunk, n, total, prev_p, next_p in paginate(listing, first, size):
            add(template, path, view=view, number=n, total=total, prev_path=prev_p,
                next_path=next_p, **{k: (v(chunk, n) if callable(v) else v)
                                     for k, v in context.items()})

    add("index.md.j2", "index.md", view=view, entries=view.items[:PAGE_SIZE],
        count=len(view.items), title=title_meta("Home"))
    add_pages("listing.md.j2", view.items, "items/index.md", entries=lambda c, n: c,
              count=len(view.items), title=lambda c, n: title_meta(f"All items, page {n}"))
    for e in view.items:
        plan.append((item_path(e.value.id), Planned(lambda e=e: render_item(view, e).text,
                                                    lambda e=e: item_inputs(view, e))))
    add_pages("outlets.md.j2", sorted(view.outlets.values(), key=lambda o: (o.name, o.id)),
              "outlets/index.md", outlets=lambda c, n: c,
              title=lambda c, n: title_meta("Outlets" if n == 1 else f"Outlets, page {n}"))
    for oid, outlet in sorted(view.outlets.items()):
        add_pages("outlet.md.j2", view.by_outlet.get(oid, []),
                  RECORD_PAGES["outlets"][0].format(oid),
                  outlet=outlet, entries=lambda c, n: c, title=title_meta(outlet.name))
    add("stakeholders.md.j2", "stakeholders/index.md", view=view,
        title=title_meta("Parties"))
    for sh in view.stakeholder_list:
        add_pages("stakeholder.md.j2", view.by_stakeholder.get(sh.id, []),
                  RECORD_PAGES["stakeholders"][0].format(sh.id), sh=sh, rows=lambda c, n: c,
                  title=title_meta(sh.name))
    add("glossary.md.j2", "glossary.md", view=view, title=title_meta("Glossary"))
    add_pages("timeline.md.j2", timeline_rows(view), "timeline/index.md", rows=lambda c, n: c,
              title=lambda c, n: title_meta("Timeline" if n == 1 else f"Timeline, page {n}"))
    add_pages("coverage.md.j2", view.items, "coverage/index.md", entries=lambda c, n: c,
              title=title_meta("Coverage"))
    gaps = [(e, link) for e in view.items for link in e.value.provenance
            if link.status != "located"]
    add_pages("unverified.md.j2", gaps, "methodology/unverified.md", 100, rows=lambda c, n: c,
              title=title_meta("What could not be verified"))
    add("research.md.j2", "methodology/research.md", sections=research_sections(digest.research),
        title=title_meta("How this digest was researched"))
    fixes = sorted(((c, e) for e in view.items for c in e.value.corrections),
                   key=lambda row: (row[0].date, row[1].value.id), reverse=True)
    add_pages("corrections.md.j2", fixes, "methodology/corrections.md", 100, rows=lambda c, n: c,
              title=title_meta("Corrections"))
    plan.append(("methodology/checks.md", Planned(lambda: render_checks().text, tuple)))
    plan.append(("guides/record-reference.md", Planned(lambda: render_reference().text, tuple)))
    from .teach import plan_kit  # the teacher kit: the guide, handouts, keys and activities

    plan += plan_kit(view, site.url)
    return plan


# Templates that read something of every item from the view, beyond the entries they list.
_OF_EVERY_ITEM = frozenset({"index.md.j2", "outlets.md.j2", "stakeholders.md.j2"})


def item_inputs(view: View, entry: Located) -> tuple:
    """What an item's page shows: the record, the titles of the items it names as related, and
    what is known of its seed page (which other items from the same page inform)."""
    item = entry.value
    return (Same(entry), tuple((rid, view.titles.get(rid)) for rid in item.related),
            key_of(view.seed(item)))


def render_site(digest: Digest, edit_url: str = "", site: SiteText = SiteText()) -> list[Page]:
    """Every generated page of the site, rendered, in a stable order."""
    return [Page(path, render()) for path, render in plan_site(digest, edit_url, site)]


_SECTION = re.compile(r"^##[ \t]+(.+?)[ \t#]*$", re.M)


def research_sections(text: str) -> list[tuple[str, str]]:
    """``content/research.md`` as (heading, Markdown) sections, split at its `## ` lines (the
    record Markdown subset has no headings; the page gives each section its own)."""
    parts = _SECTION.split(text or "")
    sections = [("", parts[0])] + list(zip(parts[1::2], parts[2::2]))
    return [(h.strip(), body.strip()) for h, body in sections if h.strip() or body.strip()]


def render_checks() -> Page:
    from .check import CHECKS, GROUPS
    return render_page("checks.md.j2", "methodology/checks.md", checks=CHECKS, groups=GROUPS,
                   title=title_meta("Checks"))


def render_reference() -> Page:
    """The record format reference, generated from the models' field descriptions."""
    from .models import REGISTRIES, Item, Model

    def rows(model: type[Model]):
        out = []
        for name, field in model.model_fields.items():
            out.append((field.alias or name, field.description or "",
                        "required" if field.is_required() else "optional"))
        return out

    nested = {}
    for model in [Item, *REGISTRIES.values()]:
        for field in model.model_fields.values():
            for sub in _models_in(field.annotation):
                nested.setdefault(sub.__name__, sub)
    sections = [("content/items/&lt;id&gt;.yaml", "Item", rows(Item))]
    sections += [(f"content/{name}.yaml (a list)", model.__name__, rows(model))
                 for name, model in REGISTRIES.items()]
    sections += [(f"inside other records", name, rows(model))
                 for name, model in sorted(nested.items())]
    return render_page("reference.md.j2", "guides/record-reference.md", sections=sections,
                   title=title_meta("Record format reference"))


def _models_in(annotation) -> list:
    from typing import get_args

    from .models import Model

    found = []
    if isinstance(annotation, type) and issubclass(annotation, Model):
        found.append(annotation)
    for arg in get_args(annotation):
        found += _models_in(arg)
    return found
