"""AIF export: the map in the Argument Interchange Format JSON that AIFdb and OVA read.

Each claim is an information node (``I``). Relations become scheme nodes
between the claims they link: ``supports`` an inference (``RA``), ``contrasts``
a conflict (``CA``), ``restates`` a rephrase (``MA``). Each claim is also a
locution (``L``) of whoever said it, anchored to its I-node by an illocution
(``YA``: *Asserting*), so a claim a journalist reports from a source keeps that
source as its speaker; the document's author (or the document, when the author
is unknown) speaks the rest. ``locutions`` and ``participants`` follow AIFdb's
JSON; ``argmap`` maps node ids back to claim ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from argmap.models import Claim, Document, Relation

SCHEMES = {
    "supports": ("RA", "Default Inference"),
    "contrasts": ("CA", "Default Conflict"),
    "restates": ("MA", "Default Rephrase"),
}


def to_aif(
    documents: Sequence[Document], claims: Sequence[Claim], relations: Sequence[Relation]
) -> dict[str, Any]:
    """The map as an AIF JSON object (``nodes``, ``edges``, ``locutions``, ``participants``).

    Args:
        documents: the documents (for authors and dates).
        claims: the claims.
        relations: the claim relations.
    """
    docs = {d.doc_id: d for d in documents}
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    locutions: list[dict[str, Any]] = []
    participants: dict[str, int] = {}
    claim_node: dict[str, str] = {}

    def node(kind: str, text: str, **extra: Any) -> str:
        node_id = str(len(nodes) + 1)
        nodes.append({"nodeID": node_id, "text": text, "type": kind, "timestamp": "", **extra})
        return node_id

    def edge(src: str, dst: str) -> None:
        edges.append(
            {"edgeID": str(len(edges) + 1), "fromID": src, "toID": dst, "formEdgeID": None}
        )

    for claim in claims:
        doc = docs.get(claim.doc_id)
        speaker = claim.source or (
            doc.author if doc and doc.author else f"author of {claim.doc_id}"
        )
        person = participants.setdefault(speaker, len(participants) + 1)
        i_node = node("I", claim.text)
        claim_node[claim.id] = i_node
        l_node = node("L", f"{speaker}: {claim.text}")
        ya_node = node("YA", "Asserting", scheme="Asserting")
        edge(l_node, ya_node)
        edge(ya_node, i_node)
        locutions.append(
            {
                "nodeID": l_node,
                "personID": str(person),
                "timestamp": (doc.date if doc and doc.date else ""),
                "source": claim.doc_id,
                "start": claim.start,
                "end": claim.end,
                "reported": claim.source is not None,
            }
        )
    for rel in relations:
        if rel.source not in claim_node or rel.target not in claim_node:
            continue
        kind, scheme = SCHEMES[rel.relation]
        s_node = node(kind, scheme, scheme=scheme)
        edge(claim_node[rel.source], s_node)
        edge(s_node, claim_node[rel.target])
    return {
        "nodes": nodes,
        "edges": edges,
        "locutions": locutions,
        "participants": [
            {"participantID": str(pid), "firstname": name, "surname": ""}
            for name, pid in participants.items()
        ],
        "argmap": {"claims": {nid: cid for cid, nid in claim_node.items()}},
    }
