"""Cytoscape export: the map as Cytoscape.js elements (the ``.cyjs`` JSON Cytoscape desktop imports).

Nodes are the factions and the claims; edges link each claim to the factions
it is about (``about``) and claims to each other (``supports``, ``contrasts``,
``restates``). Every element carries its colours, so that any Cytoscape
style can map them directly: factions by faction, claims filled by stance and
outlined by their first faction, edges by relation. The HTML viewer draws the
same elements.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from argmap import __version__
from argmap.models import Claim, Relation

FACTION_COLORS = {
    "oligarchs": "#c9a400",
    "siloviki": "#6a3d9a",
    "military": "#556b2f",
    "fsb": "#1f4e79",
    "elites": "#8c564b",
}
EXTRA_COLORS = ("#17becf", "#e377c2", "#7f7f7f", "#bcbd22", "#393b79", "#ad494a")
STANCE_COLORS = {
    "loyal": "#43a047",
    "disloyal": "#e53935",
    "targeted": "#fb8c00",
    "neutral": "#bdbdbd",
}
RELATION_COLORS = {
    "supports": "#2e7d32",
    "contrasts": "#c62828",
    "restates": "#1565c0",
    "about": "#d0d0d0",
}
NO_FACTION = "#ffffff"
LABEL_CHARS = 60


def faction_colors(factions: Sequence[str]) -> dict[str, str]:
    """A colour for each faction: fixed for the default taxonomy, from a palette for the rest."""
    out = {}
    extra = 0
    for f in factions:
        if f in FACTION_COLORS:
            out[f] = FACTION_COLORS[f]
        else:
            out[f] = EXTRA_COLORS[extra % len(EXTRA_COLORS)]
            extra += 1
    return out


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def elements(
    claims: Sequence[Claim], relations: Sequence[Relation]
) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape.js elements: ``{"nodes": [...], "edges": [...]}``, each ``{"data": {...}}``."""
    factions = sorted({f for c in claims for f in c.factions})
    colors = faction_colors(factions)
    nodes: list[dict[str, Any]] = [
        {
            "data": {
                "id": f"faction:{f}",
                "kind": "faction",
                "label": f,
                "faction": f,
                "factionColor": colors[f],
            }
        }
        for f in factions
    ]
    edges: list[dict[str, Any]] = []
    known = set()
    for c in claims:
        known.add(c.id)
        first = c.factions[0] if c.factions else None
        nodes.append(
            {
                "data": {
                    "id": c.id,
                    "kind": "claim",
                    "label": _short(c.text),
                    "doc_id": c.doc_id,
                    "factions": list(c.factions),
                    "faction": first,
                    "stance": c.stance,
                    "certainty": c.certainty,
                    "source": c.source,
                    "text": c.text,
                    "factionColor": colors[first] if first else NO_FACTION,
                    "stanceColor": STANCE_COLORS[c.stance],
                }
            }
        )
        for f in c.factions:
            edges.append(
                {
                    "data": {
                        "id": f"{c.id}|about|{f}",
                        "source": c.id,
                        "target": f"faction:{f}",
                        "relation": "about",
                        "stance": c.stance,
                        "color": RELATION_COLORS["about"],
                    }
                }
            )
    for r in relations:
        if r.source not in known or r.target not in known:
            continue
        edges.append(
            {
                "data": {
                    "id": f"{r.source}|{r.relation}|{r.target}",
                    "source": r.source,
                    "target": r.target,
                    "relation": r.relation,
                    "basis": r.basis,
                    "score": r.score,
                    "color": RELATION_COLORS[r.relation],
                }
            }
        )
    return {"nodes": nodes, "edges": edges}


def to_cytoscape(
    claims: Sequence[Claim], relations: Sequence[Relation], *, name: str = "argmap"
) -> dict[str, Any]:
    """The map as a Cytoscape ``.cyjs`` document.

    Args:
        claims: the claims.
        relations: the claim relations.
        name: the network's name.
    """
    return {
        "format_version": "1.0",
        "generated_by": f"argmap-{__version__}",
        "target_cytoscapejs_version": "~3",
        "data": {"name": name, "shared_name": name},
        "elements": elements(claims, relations),
    }
