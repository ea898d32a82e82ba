"""graph.json written record by record, without building the graph in memory.

``graph.json`` is ``networkx.node_link_data`` of the graph that
:func:`argmap.graph.build_graph` makes, written as compact JSON with sorted keys.
On a large corpus the graph, its node-link form and the JSON text would each
hold the whole corpus at once; :func:`node_link_text` gives the very same text
in pieces, one node or edge at a time, from the documents, compact claim
records and relations, reading the claims' full records (the largest part)
only as it writes them.

The pieces follow networkx's order. Nodes: documents, factions (sorted),
claims, positions, each in the order it was added. Edges: grouped by source
node in node order; from one node, by target in the order that target was
first linked to it (factions named, then positions, then related claims),
and by key. A map whose node ids would collide or whose claims or relations
the graph would merge (two claims with one id, a relation from an unknown
claim...) is built as a networkx graph instead, so that the text is always
the same.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from argmap.graph import build_graph, corpus_positions, to_json
from argmap.link import ClaimLike, Overlap
from argmap.models import Claim, Document, Position, Relation

_encode: Callable[[Any], str] = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":")
).encode
"""The encoder of :func:`argmap.export.files.dumps` with ``compact=True``, for one record."""

#: Records encoded before they are handed on as one piece.
BATCH = 512


def node_link_text(
    documents: Sequence[Document],
    claims: Sequence[ClaimLike],
    relations: Sequence[Relation],
    *,
    records: Callable[[], Iterable[dict[str, Any]]],
    overlaps: Mapping[str, Sequence[Overlap]] | None = None,
) -> Iterator[str]:
    """The text of ``graph.json``, in pieces: ``dumps(to_json(build_graph(...)), compact=True)``.

    Args:
        documents: the documents, in order.
        claims: their claims, in order (a :class:`~argmap.models.Claim` or a
            compact record of one).
        relations: the relations between claims.
        records: gives the claims' full records (``Claim.model_dump(mode="json")``),
            in the order of ``claims``; called once.
        overlaps: doc_id -> the document's overlaps, in place of the documents'
            own ``overlaps`` (a build keeps them apart until it writes).
    """
    if not _streamable(documents, claims, relations):
        finished = [with_overlaps(d, overlaps) for d in documents]
        graph = build_graph(finished, [Claim.model_validate(r) for r in records()], relations)
        yield _encode(to_json(graph)) + "\n"
        return
    found = corpus_positions(
        (d.doc_id for d in documents),
        overlaps if overlaps is not None else {d.doc_id: d.overlaps for d in documents},
        claims,
    )
    yield '{"directed":true,"edges":['
    yield from _joined(_edges(documents, claims, relations, found))
    yield '],"graph":{},"multigraph":true,"nodes":['
    nodes = _nodes(documents, claims, records(), found, overlaps)
    yield from _joined(nodes)
    yield "]}\n"


def _streamable(
    documents: Sequence[Document], claims: Sequence[ClaimLike], relations: Sequence[Relation]
) -> bool:
    """Whether the graph has one node per document, claim, faction and position, and every
    edge joins nodes of the map (what the pieces assume)."""
    doc_ids = {d.doc_id for d in documents}
    if len(doc_ids) != len(documents):
        return False
    claim_ids = {c.id for c in claims}
    if len(claim_ids) != len(claims):
        return False
    if any(c.doc_id not in doc_ids or c.id.startswith(_PREFIXES) for c in claims):
        return False
    return all(r.source in claim_ids and r.target in claim_ids for r in relations)


_PREFIXES = ("doc:", "faction:", "position:")
"""The ids of the graph's other nodes begin so; a claim id that does would be one of them."""


def _joined(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Records encoded and separated by commas, a batch at a time."""
    batch: list[dict[str, Any]] = []
    first = True
    for record in records:
        batch.append(record)
        if len(batch) == BATCH:
            # a list encodes as its items joined by commas, in brackets: one encoder call
            yield ("" if first else ",") + _encode(batch)[1:-1]
            batch, first = [], False
    if batch:
        yield ("" if first else ",") + _encode(batch)[1:-1]


def _edges(
    documents: Sequence[Document],
    claims: Sequence[ClaimLike],
    relations: Sequence[Relation],
    found: Sequence[Position],
) -> Iterator[dict[str, Any]]:
    contains: dict[str, list[str]] = defaultdict(list)
    for claim in claims:
        contains[claim.doc_id].append(claim.id)
    for doc in documents:
        source = f"doc:{doc.doc_id}"
        for claim_id in contains.pop(doc.doc_id, []):
            yield {"relation": "contains", "source": source, "target": claim_id, "key": "contains"}
    outgoing: dict[str, list[Relation]] = defaultdict(list)
    for rel in relations:
        outgoing[rel.source].append(rel)
    for claim in claims:
        # The claim's adjacency as networkx keeps it: target -> key -> attributes, each in
        # the order first added; adding an edge again updates its attributes in place.
        adjacency: dict[str, dict[str, dict[str, Any]]] = {}
        for faction in claim.factions:
            adjacency.setdefault(f"faction:{faction}", {}).setdefault("about", {}).update(
                relation="about", stance=claim.stance
            )
        for faction in sorted(set(claim.factions)):
            adjacency.setdefault(f"position:{faction}:{claim.stance}", {}).setdefault(
                "in-position", {}
            ).update(relation="in-position")
        for rel in outgoing.pop(claim.id, []):
            adjacency.setdefault(rel.target, {}).setdefault(rel.relation, {}).update(
                relation=rel.relation, basis=rel.basis, score=rel.score
            )
        for target, keyed in adjacency.items():
            for key, data in keyed.items():
                yield {**data, "source": claim.id, "target": target, "key": key}
    for position in found:
        yield {
            "relation": "about",
            "stance": position.stance,
            "source": position.id,
            "target": f"faction:{position.faction}",
            "key": "about",
        }


def _nodes(
    documents: Sequence[Document],
    claims: Sequence[ClaimLike],
    records: Iterable[dict[str, Any]],
    found: Sequence[Position],
    overlaps: Mapping[str, Sequence[Overlap]] | None,
) -> Iterator[dict[str, Any]]:
    for doc in documents:
        data = with_overlaps(doc, overlaps).model_dump(mode="json")
        yield {"kind": "document", **data, "id": f"doc:{doc.doc_id}"}
    for faction in sorted({f for c in claims for f in c.factions}):
        yield {"kind": "faction", "label": faction, "id": f"faction:{faction}"}
    for claim, record in zip(claims, records, strict=True):
        yield {"kind": "claim", **record, "id": claim.id}
    for position in found:
        data = position.model_dump(mode="json", exclude={"id"})
        yield {"kind": "position", **data, "id": position.id}


def with_overlaps(doc: Document, overlaps: Mapping[str, Sequence[Overlap]] | None) -> Document:
    """The document with its overlaps (from ``overlaps`` when given) as the output models."""
    if overlaps is None:
        return doc
    return doc.model_copy(update={"overlaps": [o.model() for o in overlaps.get(doc.doc_id, [])]})
