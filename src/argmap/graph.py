"""Graph: claims and relations -> a networkx ``MultiDiGraph``, and back.

Claim nodes carry ``kind: "claim"`` and every claim field; document nodes
(``kind: "document"``) are linked to their claims by ``contains`` edges, and
faction nodes (``kind: "faction"``) to claims by ``about`` edges. Claim-to-claim
edges carry ``relation`` and ``basis``.

Position nodes (``kind: "position"``, id ``position:<faction>:<stance>``)
aggregate the claims about one faction with one stance: how many claims, how
many documents, how many *independent* documents (copies of one syndicated
article count once), and the certainty mix. Each claim is linked to its
positions by an ``in-position`` edge, and each position to its faction by an
``about`` edge. This answers the analyst's first question: how many
independent sources say the FSB is turning?

Serialisation is networkx's node-link format with ``edges="edges"``, as in
``networkx.readwrite.json_graph``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from argmap.link.restate import Overlap, syndication_groups
from argmap.link.text import ClaimLike
from argmap.models import STANCES, Claim, Document, DocumentOverlap, Position, Relation

if TYPE_CHECKING:  # networkx is imported when a graph is made: builds write graph.json without it
    import networkx as nx


def positions(documents: Sequence[Document], claims: Sequence[ClaimLike]) -> list[Position]:
    """Claims aggregated per faction and stance, with independent-document counts.

    Documents are independent unless they are copies of one article, as their
    ``overlaps`` say (see :func:`argmap.link.restate.syndication_groups`).

    Args:
        documents: the documents, with their overlaps.
        claims: their claims.
    """
    return corpus_positions(
        (d.doc_id for d in documents), {d.doc_id: d.overlaps for d in documents}, claims
    )


def corpus_positions(
    doc_ids: Iterable[str],
    overlaps: Mapping[str, Sequence[DocumentOverlap | Overlap]],
    claims: Sequence[ClaimLike],
) -> list[Position]:
    """:func:`positions` of documents given by id and overlaps (doc_id -> its overlaps)."""
    all_ids = sorted(set(doc_ids) | {c.doc_id for c in claims})
    group_of = syndication_groups(all_ids, overlaps)
    members: dict[tuple[str, str], list[ClaimLike]] = defaultdict(list)
    for claim in claims:
        for faction in claim.factions:
            members[(faction, claim.stance)].append(claim)
    out = []
    for (faction, stance), held in sorted(
        members.items(), key=lambda kv: (kv[0][0], STANCES.index(kv[0][1]))
    ):
        docs = {c.doc_id for c in held}
        out.append(
            Position(
                id=f"position:{faction}:{stance}",
                faction=faction,
                stance=stance,  # type: ignore[arg-type]
                claims=len(held),
                documents=len(docs),
                independent_documents=len({group_of[d] for d in docs}),
                hedged=sum(c.certainty == "hedged" for c in held),
                asserted=sum(c.certainty == "asserted" for c in held),
                claim_ids=[c.id for c in held],
            )
        )
    return out


def build_graph(
    documents: Sequence[Document], claims: Sequence[Claim], relations: Sequence[Relation]
) -> nx.MultiDiGraph:
    """The argument map as a graph.

    Args:
        documents: the documents built.
        claims: their claims.
        relations: links between claims.
    """
    import networkx as nx

    graph = nx.MultiDiGraph()
    for doc in documents:
        graph.add_node(f"doc:{doc.doc_id}", kind="document", **doc.model_dump(mode="json"))
    for faction in sorted({f for c in claims for f in c.factions}):
        graph.add_node(f"faction:{faction}", kind="faction", label=faction)
    for claim in claims:
        graph.add_node(claim.id, kind="claim", **claim.model_dump(mode="json"))
        graph.add_edge(f"doc:{claim.doc_id}", claim.id, key="contains", relation="contains")
        for faction in claim.factions:
            graph.add_edge(
                claim.id, f"faction:{faction}", key="about", relation="about", stance=claim.stance
            )
    for position in positions(documents, claims):
        graph.add_node(
            position.id, kind="position", **position.model_dump(mode="json", exclude={"id"})
        )
        for claim_id in position.claim_ids:
            graph.add_edge(claim_id, position.id, key="in-position", relation="in-position")
        graph.add_edge(
            position.id,
            f"faction:{position.faction}",
            key="about",
            relation="about",
            stance=position.stance,
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
    from networkx.readwrite import json_graph

    return json_graph.node_link_data(graph, edges="edges")


def from_json(data: dict[str, Any]) -> nx.MultiDiGraph:
    """The graph back from its node-link form."""
    from networkx.readwrite import json_graph

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
