"""Checks of the group "Balance": whose perspectives an item sets side by side."""

from __future__ import annotations

from .core import Context, _fold, _items, _level, check, p

INDEPENDENT_KINDS = {"intergovernmental", "human-rights-organisation", "independent-research"}


@check("balance-count", "error", "Balance")
def balance_count(ctx: Context):
    """A published item sets at least three parties' perspectives side by side."""
    for e in _items(ctx):
        if e.value.status == "draft":
            continue
        n = len(e.value.perspectives)
        if n < 3:
            yield p(e, ("perspectives",), "balance-count",
                    f"{n} perspective(s); a {e.value.status} item needs at least three "
                    "(use status no-statement-found for a party that said nothing)",
                    _level(e.value))


@check("balance-about", "error", "Balance")
def balance_about(ctx: Context):
    """The party an item is about, or criticises, is heard on that item.

    Every stakeholder in `about` needs a perspective (`no-statement-found` is an honest one)."""
    for e in _items(ctx):
        if e.value.status == "draft":
            continue
        heard = {pv.stakeholder for pv in e.value.perspectives}
        for i, sid in enumerate(e.value.about):
            if sid not in heard:
                yield p(e, ("about", i), "balance-about",
                        f"the item is about {sid!r} but has no perspective from it; add one",
                        _level(e.value))
        if not e.value.about:
            yield p(e, ("about",), "balance-about",
                    "`about` is empty; name the stakeholders the item is about or criticises",
                    _level(e.value))


@check("balance-independent", "warning", "Balance")
def balance_independent(ctx: Context):
    """An item has at least one intergovernmental, human-rights or independent-research perspective."""
    for e in _items(ctx):
        if e.value.status == "draft":
            continue
        kinds = {ctx.stakeholders[pv.stakeholder].value.kind
                 for pv in e.value.perspectives if pv.stakeholder in ctx.stakeholders}
        if not kinds & INDEPENDENT_KINDS:
            yield p(e, ("perspectives",), "balance-independent",
                    "no intergovernmental, human-rights or independent-research perspective; "
                    "add one", "warning")


@check("stakeholder-unheard", "warning", "Balance")
def stakeholder_unheard(ctx: Context):
    """Every stakeholder in the registry is heard somewhere in the digest, or the gap is reported."""
    heard = {pv.stakeholder for e in ctx.digest.items for pv in e.value.perspectives
             if pv.status != "no-statement-found"}
    if not ctx.digest.items:
        return
    for e in ctx.digest.stakeholders:
        if e.value.id not in heard:
            yield p(e, ("id",), "stakeholder-unheard",
                    f"{e.value.id!r} has no stated or general position on any item", "warning")


@check("stakeholder-order", "error", "Balance")
def stakeholder_order(ctx: Context):
    """Stakeholders are displayed alphabetically by name, a rule that ranks no party.

    Each stakeholder's `order` must put the names in alphabetical order (case-insensitive)."""
    entries = list(ctx.digest.stakeholders)
    by_order = sorted(entries, key=lambda e: e.value.order)
    by_name = sorted(entries, key=lambda e: _fold(e.value.name))
    if [e.value.id for e in by_order] != [e.value.id for e in by_name]:
        for e, want in zip(by_order, by_name):
            if e.value.id != want.value.id:
                yield p(e, ("order",), "stakeholder-order",
                        f"order {e.value.order} puts {e.value.name!r} where alphabetical order "
                        f"puts {want.value.name!r}; renumber `order` alphabetically by name")
                break
