"""Restatement: claims of different documents that say the same thing, and syndicated documents.

The score of two token sets is the mean of their Dice coefficient and their
overlap coefficient (shared tokens over the smaller set): the overlap
coefficient forgives a copy that dropped words, Dice keeps a short claim from
restating every long claim that happens to contain its few words.

Candidates come from a set-similarity self-join with prefix filtering (the
AllPairs family). The score is at most the overlap coefficient, so two claims
scoring ``t`` share at least ``t|x|`` tokens of the smaller one, ``x``; with
tokens ordered rarest first, one of them is among the first
``|x| - ceil(t|x|) + 1`` tokens of ``x``. Claims are taken longest first, every
token of a claim is indexed, and a claim probes the index with its prefix only:
its rarest tokens, whose postings are short; one more prefix token means a
restating pair shares at least two of them, so a candidate met only once is
not scored. Exact copies
are joined once, as one wording. Words found in more than ``max_df`` wordings
do not probe (a restatement shares rarer words than ``putin`` or
``@elites``): the join is exact for every pair that shares two prefix tokens
below that frequency, and its work is bounded by ``max_df`` times the number
of prefix tokens, linear in the corpus. A wording is linked to at most
``fanout`` others, and each copy to a few copies of each, so the edges too
grow linearly when a story is copied by dozens of outlets.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from itertools import chain, islice
from typing import NamedTuple

from argmap.link.text import ClaimLike, Signature
from argmap.models import DocumentOverlap, Relation

RESTATE_THRESHOLD = 0.6
MAX_DF = 50
RESTATE_FANOUT = 20
PER_WORDING = 3
OVERLAP_READ = 200
OVERLAP_KEEP = 50
SYNDICATION_SHARE = 0.5


class Overlap(NamedTuple):
    """A :class:`~argmap.models.DocumentOverlap` as a plain tuple: a large corpus has
    many (copies of a wire story each list the others), and a model costs four times
    the memory."""

    doc_id: str
    restated_claims: int
    share: float

    def model(self) -> DocumentOverlap:
        """The same overlap as the output model."""
        return DocumentOverlap(
            doc_id=self.doc_id, restated_claims=self.restated_claims, share=self.share
        )


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Mean of the Dice and overlap coefficients of two token sets."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return (2 * shared / (len(a) + len(b)) + shared / min(len(a), len(b))) / 2


def _prefix_length(size: int, threshold: float) -> int:
    return max(1, size - math.ceil(threshold * size - 1e-9) + 1)


def _max_partner(size: int, threshold: float) -> float:
    # (2x/(x+y) + 1)/2 >= t  <=>  y <= x(3-2t)/(2t-1)
    if threshold <= 0.5:
        return math.inf
    return size * (3 - 2 * threshold) / (2 * threshold - 1)


def restatements(
    claims: Sequence[ClaimLike],
    signatures: Sequence[Signature],
    *,
    threshold: float = RESTATE_THRESHOLD,
    max_df: int = MAX_DF,
    fanout: int = RESTATE_FANOUT,
) -> list[Relation]:
    """``restates`` edges between claims of different documents whose words mostly agree.

    Claims with the very same tokens (exact copies) are joined once, as one
    *wording*; each copy is then linked to a few copies of its own wording and
    of every similar wording (:data:`PER_WORDING`), so a story copied by
    hundreds of outlets yields edges in proportion to its copies, not to their
    square, and its copies stay connected.

    Args:
        claims: the claims.
        signatures: their signatures, in the same order.
        threshold: the least :func:`similarity` of two restating claims.
        max_df: words of more wordings than this do not propose candidates.
        fanout: the most similar wordings a wording is linked to.
    """
    members: dict[frozenset[str], list[int]] = defaultdict(list)
    for i, sig in enumerate(signatures):
        if sig.tokens:
            members[sig.tokens].append(i)
    wordings = sorted(members, key=lambda w: (-len(w), members[w][0]))
    frequency: Counter[str] = Counter()
    for wording in wordings:
        frequency.update(wording)
    # Rarest first; ties broken by the token so the order is the same on every run.
    rank = {t: r for r, t in enumerate(sorted(frequency, key=lambda t: (frequency[t], t)))}
    index: dict[str, list[int]] = defaultdict(list)
    edges: dict[tuple[str, str], float] = {}

    def connect(us: list[int], vs: list[int], score: float) -> None:
        # Each claim of ``us`` to the first few claims of ``vs`` in other documents.
        for i in us:
            partners = (j for j in vs if j != i and claims[j].doc_id != claims[i].doc_id)
            for j in islice(partners, PER_WORDING):
                a, b = sorted((claims[i].id, claims[j].id))
                edges[(a, b)] = score

    for w, tokens in enumerate(wordings):
        connect(members[tokens], members[tokens], 1.0)
        size = len(tokens)
        ranked = sorted(tokens, key=rank.__getitem__)
        limit = _max_partner(size, threshold)
        # The first p+1 tokens hold at least two shared tokens of any restating pair.
        prefix = ranked[: _prefix_length(size, threshold) + 1]
        probe = [t for t in prefix if frequency[t] <= max_df]
        needed = 2 if len(prefix) > 1 else 1
        hits = Counter(chain.from_iterable(index[t] for t in probe))
        found = []
        for v in [v for v, count in hits.items() if count >= needed]:
            other = wordings[v]
            if len(other) <= limit:
                score = similarity(tokens, other)
                if score >= threshold:
                    found.append((-score, v))
        for neg_score, v in heapq.nsmallest(fanout, found):
            connect(members[tokens], members[wordings[v]], -neg_score)
            connect(members[wordings[v]], members[tokens], -neg_score)
        for tok in tokens:
            index[tok].append(w)
    return [
        Relation(
            source=a,
            target=b,
            relation="restates",
            basis=f"near-duplicate:{score:.2f}",
            score=round(score, 4),
        )
        for (a, b), score in sorted(edges.items())
    ]


def _find(parent: dict[str, str], x: str) -> str:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def document_overlaps(
    claims: Sequence[ClaimLike],
    restates: Sequence[Relation],
    *,
    max_documents: int = OVERLAP_READ,
    max_overlaps: int = OVERLAP_KEEP,
) -> dict[str, list[Overlap]]:
    """For each document, the other documents that restate some of its claims.

    Restatement is taken as transitive: claims joined by ``restates`` edges,
    directly or through other copies, are one statement. ``share`` is the part
    of the document's claims whose statement the other document also makes.

    Args:
        claims: the claims.
        restates: the ``restates`` edges between them.
        max_documents: a statement made in more documents than this counts
            only among the first of them (bounds the work for wire stories).
        max_overlaps: the most overlapping documents listed per document
            (the largest shares), besides those that share enough to be
            copies (:data:`SYNDICATION_SHARE`), which are all listed.
    """
    parent = {c.id: c.id for c in claims}
    for rel in restates:
        ra, rb = _find(parent, rel.source), _find(parent, rel.target)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    n_claims: Counter[str] = Counter(c.doc_id for c in claims)
    # Statement (root claim id) -> the documents that make it, in first-seen order.
    makers: dict[str, dict[str, None]] = defaultdict(dict)
    statements: dict[str, set[str]] = defaultdict(set)
    for c in claims:
        root = _find(parent, c.id)
        makers[root][c.doc_id] = None
        statements[c.doc_id].add(root)
    out: dict[str, list[Overlap]] = {}
    for doc in sorted(statements):
        shared: Counter[str] = Counter()
        for root in statements[doc]:
            docs = makers[root]
            if len(docs) > 1:
                shared.update(d for d in islice(docs, max_documents) if d != doc)
        if not shared:
            continue
        ranked = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))
        top = [
            (other, count)
            for rank, (other, count) in enumerate(ranked)
            if rank < max_overlaps or count >= SYNDICATION_SHARE * n_claims[doc]
        ]
        out[doc] = [
            Overlap(other, count, round(count / n_claims[doc], 4)) for other, count in sorted(top)
        ]
    return out


def syndication_groups(
    doc_ids: Sequence[str],
    overlaps: Mapping[str, Sequence[DocumentOverlap | Overlap]],
    *,
    share: float = SYNDICATION_SHARE,
) -> dict[str, str]:
    """Documents grouped into copies of one article: doc_id -> id of its group.

    Two documents are copies when at least ``share`` of the claims of either
    one are restated by the other; groups are the connected components of that
    relation, named after their first document in sorted order.
    """
    parent = {d: d for d in doc_ids}

    def find(d: str) -> str:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    for doc, items in overlaps.items():
        for ov in items:
            if ov.share >= share and doc in parent and ov.doc_id in parent:
                ra, rb = find(doc), find(ov.doc_id)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    return {d: find(d) for d in doc_ids}
