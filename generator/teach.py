"""Stage: render, the teacher kit. Input: the renderer's ``View``. Output: the kit's pages.

Two kinds of page:

- the guide (``teachers/index.md``) and the handouts index, theme pages in Markdown like the
  rest of the site;
- one standalone print page per handout, answer key and activity, and the pack, as static HTML
  files outside the theme (no navigation, no search index, no script), with their own print
  stylesheet (``teachers/print.css``, from ``generator/assets``).

Each print page fits on one page, A4 or Letter, by the cutting rules of ``teachfit``; the loaded
words they mark come from ``teachmarks``. The browser tests print every page and count them.

Everything printed comes from the content: no template names a topic.
"""

from __future__ import annotations

from importlib import resources

from .inputs import Planned, Same, everything, key_of
from .render import View, _render, environment, page_url, paginate, relative, title_meta
from .teachfit import (DEFAULT_TITLE, FRAMING_FIXED, FRAMING_LABEL, PAGE_LINES,  # noqa: F401
                       NO_GUIDANCE, PASSAGE_MIN, TRACE_FIXED, TRACE_LABEL, TRACE_STEP,
                       AnswerKey, Handout, fit_answers, fit_handout, passage_limit, trace_steps)
from .teachmarks import Marked, mark_excerpt, marked_html, words

TEACHABLE = ("published", "reviewed")
PACK_SIZE = 20  # handouts per pack file, one per printed page
INDEX_SIZE = 50  # rows per handouts index page


def teachable(view: View) -> list:
    """The items the kit covers: published and reviewed ones (drafts and set-aside items stay
    out of handouts and the pack), oldest first."""
    return [e for e in view.items if e.value.status in TEACHABLE]


def address(site_url: str, path: str) -> str:
    """A page's printed address: the site's URL and the path, or the path from the site root
    when the site has no ``site_url``."""
    url = page_url(path) if path.endswith(".md") else path
    return (site_url.rstrip("/") + "/" + url) if site_url else url


# --- pages -----------------------------------------------------------------------------------

def kit_paths(item_id: str) -> dict[str, str]:
    """The printed pages of one item (static HTML files; their URL is the folder)."""
    base = f"teachers/handouts/{item_id}/"
    return {"handout": base + "index.html", "answers": base + "answers/index.html",
            "framing": base + "spot-the-framing/index.html",
            "trace": base + "trace-the-source/index.html"}


def pack_path(n: int) -> str:
    return "teachers/pack/index.html" if n == 1 else f"teachers/pack/page-{n}/index.html"


def _as_page(path: str) -> str:
    """The Markdown-page path whose URL is this static file's folder (for ``relative``)."""
    return path[: -len(".html")] + ".md"


def _environment():
    """The renderer's Jinja environment, with the kit's two helpers added (once)."""
    env = environment()
    env.filters.setdefault("words", words)
    env.globals.setdefault("marked_html", marked_html)
    return env


def stylesheet() -> str:
    return resources.files("generator").joinpath("assets/print.css").read_text(encoding="utf-8")


class Kit:
    """The teacher kit of one digest: what its pages need, computed once."""

    def __init__(self, view: View, site_url: str = ""):
        self.view = view
        self.site_url = site_url
        self.entries = teachable(view)
        info = view.digest.info.value if view.digest.info else None
        self.info = info
        self.digest_title = info.title if info and info.title else DEFAULT_TITLE
        self.publishers = {s.file: view.outlets[s.publisher].name
                           for s in (info.seeds if info else []) if s.publisher in view.outlets}

        # An item's four pages are planned one after the other, and a pack page after the
        # pages of its items: what they share (the marked excerpt, the fitted handout) is
        # computed once and held for the items of the pack of the moment (holding every item's
        # would grow with the digest).
        self._held: dict[str, list] = {}  # item id -> [Marked, Handout or None]

    def _hold(self, item) -> list:
        held = self._held.get(item.id)
        if held is None:
            held = self._held[item.id] = [mark_excerpt(self.view, item), None]
            if len(self._held) > PACK_SIZE:
                del self._held[next(iter(self._held))]
        return held

    def marked(self, item) -> Marked:
        return self._hold(item)[0]

    def handout(self, item) -> Handout:
        held = self._hold(item)
        if held[1] is None:
            held[1] = fit_handout(self.view, item, marked=held[0])
        return held[1]

    def address(self, path: str) -> str:
        return address(self.site_url, path)

    def publisher(self, item) -> str:
        """Who published the seed page the item was taken from."""
        for link in item.provenance[:1]:
            if link.role == "seed-page" and link.outlet in self.view.outlets:
                return self.view.outlets[link.outlet].name
        return self.publishers.get(item.seed.file, "")

    def answers(self, item) -> AnswerKey:
        return fit_answers(self.view, item, marked=self.marked(item))

    def parties_heard(self, item) -> list[str]:
        return [self.view.stakeholders[pv.stakeholder].name if pv.stakeholder in
                self.view.stakeholders else pv.stakeholder
                for pv in self.view.perspectives(item) if pv.status != "no-statement-found"]

    def render(self, template: str, path: str, **context) -> str:
        here = _as_page(path) if path.endswith(".html") else path

        def to(target: str) -> str:  # a link to another print page (a static file's folder)
            return relative(here, _as_page(target))

        _environment()
        page = _render(template, here, kit=self, view=self.view, to=to, paths_of=kit_paths,
                       kit_pack=to(pack_path(1)), css=relative(here, "teachers/print.css"),
                       **context)
        return page.text

    def item_page(self, kind: str, entry) -> str:
        item = entry.value
        paths = kit_paths(item.id)
        template = {"handout": "teachers/handout.html.j2", "answers": "teachers/answers.html.j2",
                    "framing": "teachers/framing.html.j2", "trace": "teachers/trace.html.j2"}[kind]
        extra: dict = {}
        if kind == "handout":
            extra = {"handout": self.handout(item)}
        elif kind == "answers":
            extra = {"key": self.answers(item), "no_guidance": NO_GUIDANCE}
        elif kind == "framing":
            extra = {"label": FRAMING_LABEL,
                     "limit": passage_limit(self.view, item, FRAMING_LABEL, FRAMING_FIXED)}
        elif kind == "trace":
            steps = trace_steps(item)
            extra = {"label": TRACE_LABEL, "steps": steps, "limit": passage_limit(
                self.view, item, TRACE_LABEL, TRACE_FIXED + TRACE_STEP * steps)}
        return self.render(template, paths[kind], item=item, paths=paths,
                           marked=self.marked(item), **extra)

    def pack(self, chunk, n, total, prev_n, next_n) -> str:
        path = pack_path(n)
        handouts = [(e.value, self.handout(e.value)) for e in chunk]
        return self.render("teachers/pack.html.j2", path, handouts=handouts, number=n, total=total,
                           prev=pack_path(prev_n) if prev_n else None,
                           next=pack_path(next_n) if next_n else None)


def plan_kit(view: View, site_url: str = "") -> list[tuple[str, object]]:
    """Every page of the teacher kit: its path, how to render it and what it shows (its
    ``inputs`` key; the kit's settings and the registries are the publication's ``base``)."""
    kit = Kit(view, site_url)
    plan: list[tuple[str, object]] = [
        ("teachers/index.md", Planned(lambda: kit.render(
            "teachers/guide.md.j2", "teachers/index.md", title=title_meta("For teachers")),
            lambda: ("guide", everything(view)))),
        ("teachers/print.css", Planned(stylesheet, tuple)),
    ]
    for path, chunk, n, total, prev_p, next_p in paginate(kit.entries, "teachers/handouts/index.md",
                                                          INDEX_SIZE):
        plan.append((path, Planned(
            lambda path=path, chunk=chunk, n=n, total=total, prev_p=prev_p, next_p=next_p:
            kit.render("teachers/handouts.md.j2", path, entries=chunk, number=n, total=total,
                       prev_path=prev_p, next_path=next_p,
                       title=title_meta("Handouts" if n == 1 else f"Handouts, page {n}")),
            lambda chunk=chunk, n=n, total=total: ("handouts", key_of(chunk), n, total))))
    chunks = [kit.entries[i:i + PACK_SIZE] for i in range(0, len(kit.entries), PACK_SIZE)] or [[]]
    for n, chunk in enumerate(chunks, 1):  # a pack page after the pages of its items
        for e in chunk:
            for kind, path in kit_paths(e.value.id).items():
                plan.append((path, Planned(lambda kind=kind, e=e: kit.item_page(kind, e),
                                           lambda kind=kind, e=e: (kind, Same(e)))))
        plan.append((pack_path(n), Planned(lambda chunk=chunk, n=n: kit.pack(
            chunk, n, len(chunks), n - 1 if n > 1 else None, n + 1 if n < len(chunks) else None),
            lambda chunk=chunk, n=n: ("pack", key_of(chunk), n, len(chunks)))))
    return plan
