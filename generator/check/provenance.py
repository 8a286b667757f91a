"""Checks of the group "Provenance": the chain from the seed back to the original speaker."""

from __future__ import annotations

from ..problems import Severity
from ..public import PUBLIC
from .core import Context, _items, _level, check, p

@check("provenance-seed", "error", "Provenance")
def provenance_seed(ctx: Context):
    """Every chain starts at the seed page: the first link has the role `seed-page`."""
    for e in _items(ctx):
        chain = e.value.provenance
        if not chain or chain[0].role != "seed-page":
            yield p(e, ("provenance",), "provenance-seed",
                    "the chain must start with a `seed-page` link (the page the excerpt was "
                    "taken from)", _level(e.value))


@check("provenance-link", "error", "Provenance")
def provenance_links(ctx: Context):
    """Every link is either located (with URL and accessed date) or says what was searched for.

    `located` needs `url` and `accessed`; `not-located` and `unverified` need a `note`."""
    for e in _items(ctx):
        for i, link in enumerate(e.value.provenance):
            if link.status == "located":
                if not link.url:
                    yield p(e, ("provenance", i), "provenance-link",
                            "a located link needs its url; or set status not-located with a note")
                if not link.accessed:
                    yield p(e, ("provenance", i), "provenance-link",
                            "a located link needs `accessed`: the day it was read")
            elif not link.note.strip():
                yield p(e, ("provenance", i, "status"), "provenance-link",
                        f"a {link.status} link needs a note saying what was searched for")


@check("provenance-depth", "error", "Provenance")
def provenance_depth(ctx: Context):
    """A published chain goes beyond the seed page, or its seed-page link says why it cannot."""
    for e in _items(ctx, PUBLIC):
        chain = e.value.provenance
        if len(chain) <= 1 and not (chain and chain[0].note.strip()):
            yield p(e, ("provenance",), "provenance-depth",
                    "the chain stops at the seed page; trace it to the original or note what "
                    "was searched for")


@check("outlet-evidence", "error", "Provenance")
def outlet_evidence(ctx: Context):
    """Every outlet named in a chain has its affiliation stated with evidence.

    An outlet whose affiliation could not be established has `kind: unknown` and an
    `affiliation` that says what was searched for; it is reported as a note and shown as a gap."""
    used: dict[str, str] = {}
    for e in ctx.digest.items:
        for link in e.value.provenance:
            if link.outlet:
                prev = used.get(link.outlet)
                used[link.outlet] = "published" if e.value.status in PUBLIC or prev == "published" else "other"
    for oid, status in sorted(used.items()):
        entry = ctx.outlets.get(oid)
        if entry is None:
            continue
        sev: Severity = "error" if status == "published" else "warning"
        if entry.value.kind == "unknown" and entry.value.affiliation.strip():
            if not entry.value.evidence:
                yield p(entry, ("affiliation",), "outlet-evidence",
                        f"outlet {oid!r}: affiliation not established; shown as a gap", "info")
            continue
        if not entry.value.affiliation.strip():
            yield p(entry, ("affiliation",), "outlet-evidence",
                    f"outlet {oid!r} has no affiliation; say who owns, funds or controls it", sev)
        elif not entry.value.evidence:
            yield p(entry, ("evidence",), "outlet-evidence",
                    f"outlet {oid!r} states an affiliation without evidence; add sources", sev)
