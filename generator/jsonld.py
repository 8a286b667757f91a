"""Render, structured data: an item as schema.org and PROV-O (JSON-LD), for its page's
<script type="application/ld+json">. Input: the ``View`` and an item. Output: plain data.
"""

from __future__ import annotations

from .text import plain
from .view import View, display_title


def json_ld(view: View, item) -> dict:
    """schema.org and PROV-O for one item: only fields that exist in those vocabularies."""
    from .export import item_updated

    def source(s):
        node = {"@type": "CreativeWork", "name": s.title, "url": s.url}
        if s.publisher:
            node["publisher"] = {"@type": "Organization", "name": s.publisher}
        if s.date:
            node["datePublished"] = s.date
        return node

    chain = [link for link in item.provenance if link.url and link.status == "located"]
    primary = [l.url for l in chain if l.role == "primary-statement"]
    quoted = [l.url for l in chain if l.role in ("original-report", "primary-statement")]
    seed_links = [l for l in chain if l.role == "seed-page"]
    data = {
        "@context": {"@vocab": "https://schema.org/", "prov": "http://www.w3.org/ns/prov#"},
        "@type": "CreativeWork",
        "identifier": item.id,
        "headline": display_title(item),
        "alternativeHeadline": item.title,
        "creativeWorkStatus": item.status,
        "abstract": plain(item.summary),
        "dateModified": item_updated(item),
        "publisher": {"@type": "Organization", "name": "Parallax digest"},
        "isBasedOn": {"@type": "CreativeWork", "name": item.title, "text": item.seed.excerpt,
                      **({"url": seed_links[0].url} if seed_links else {})},
        "citation": [source(s) for pv in item.perspectives for s in pv.sources if s.url],
        "correction": [{"@type": "CorrectionComment", "text": c.note, "datePublished": c.date}
                       for c in item.corrections],
        "about": [{"@type": "Organization", "name": view.stakeholders[s].name}
                  for s in item.about if s in view.stakeholders],
        "prov:wasDerivedFrom": [{"@id": l.url} for l in chain],
        "prov:wasQuotedFrom": [{"@id": u} for u in quoted],
        "prov:hadPrimarySource": [{"@id": u} for u in primary],
        "prov:wasAttributedTo": [{"@type": "prov:Agent",
                                  "name": view.actors[s.actor].name if s.actor in view.actors else s.actor}
                                 for s in item.speakers],
    }
    if item.date:
        data["temporalCoverage"] = item.date.value
    return data
