"""Graph: claims and relations -> a networkx ``MultiDiGraph``, and back.

Claim nodes carry ``kind: "claim"`` and every claim field; document nodes
(``kind: "document"``) are linked to their claims by ``contains`` edges, and
faction nodes (``kind: "faction"``) to claims by ``about`` edges. Claim-to-claim
edges carry ``relation`` and ``basis``. Serialisation is networkx's node-link
format with ``edges="edges"``, as in ``networkx.readwrite.json_graph``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx
from networkx.readwrite import json_graph

from argmap.models import Claim, Document, Relation


def build_graph(
    documents: Sequence[Document], claims: Sequence[Claim], relations: Sequence[Relation]
) -> nx.MultiDiGraph:
    """The argument map as a graph.

    Args:
        documents: the documents built.
        claims: their claims.
        relations: links between claims.
    """
    graph = nx.MultiDiGraph()
    for doc in documents:
        graph.add_node(f"doc:{doc.doc_id}", kind="document", **doc.model_dump(exclude={"overlaps"}))
    for faction in sorted({f for c in claims for f in c.factions}):
        graph.add_node(f"faction:{faction}", kind="faction", label=faction)
    for claim in claims:
        graph.add_node(claim.id, kind="claim", **claim.model_dump(mode="json"))
        graph.add_edge(f"doc:{claim.doc_id}", claim.id, key="contains", relation="contains")
        for faction in claim.factions:
            graph.add_edge(
                claim.id, f"faction:{faction}", key="about", relation="about", stance=claim.stance
            )
    for rel in relations:
        graph.add_edge(
            rel.source,
            rel.target,
            key=rel.relation,
            relation=rel.relation,
            basis=rel.basis,
            score=rel.score,
        )
    return graph


def to_json(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """The node-link form of the graph (``edges="edges"``)."""
    return json_graph.node_link_data(graph, edges="edges")


def from_json(data: dict[str, Any]) -> nx.MultiDiGraph:
    """The graph back from its node-link form."""
    return json_graph.node_link_graph(data, directed=True, multigraph=True, edges="edges")


def claim_relations(graph: nx.MultiDiGraph) -> list[Relation]:
    """The claim-to-claim relations of a graph."""
    out = []
    for u, v, data in graph.edges(data=True):
        if data.get("relation") in {"restates", "supports", "contrasts"}:
            out.append(
                Relation(
                    source=u,
                    target=v,
                    relation=data["relation"],
                    basis=data.get("basis", ""),
                    score=data.get("score", 1.0),
                )
            )
    return out
