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
not scored. Tokens found in more than
``max_df`` claims are neither indexed nor probed (a restatement shares rarer
words than ``putin`` or ``@elites``): the join is then exact for every pair
that shares a prefix token below that frequency, and its work is bounded by
``max_df`` times the number of prefix tokens, linear in the corpus.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import chain

from argmap.link.text import Signature
from argmap.models import Claim, DocumentOverlap, Relation

RESTATE_THRESHOLD = 0.6
MAX_DF = 50
SYNDICATION_SHARE = 0.5


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
    claims: Sequence[Claim],
    signatures: Sequence[Signature],
    *,
    threshold: float = RESTATE_THRESHOLD,
    max_df: int = MAX_DF,
) -> list[Relation]:
    """``restates`` edges between claims of different documents whose words mostly agree.

    Args:
        claims: the claims.
        signatures: their signatures, in the same order.
        threshold: the least :func:`similarity` of two restating claims.
        max_df: tokens of more claims than this do not propose candidates.
    """
    frequency: Counter[str] = Counter()
    for sig in signatures:
        frequency.update(sig.tokens)
    # Rarest first; ties broken by the token so the order is the same on every run.
    rank = {t: r for r, t in enumerate(sorted(frequency, key=lambda t: (frequency[t], t)))}
    index: dict[str, list[int]] = defaultdict(list)
    relations: list[Relation] = []
    order = sorted(range(len(claims)), key=lambda i: (-len(signatures[i].tokens), i))
    for i in order:
        tokens = signatures[i].tokens
        if not tokens:
            continue
        size = len(tokens)
        ranked = sorted(tokens, key=rank.__getitem__)
        limit = _max_partner(size, threshold)
        # The first p+1 tokens hold at least two shared tokens of any restating pair.
        probe = [t for t in ranked[: _prefix_length(size, threshold) + 1] if frequency[t] <= max_df]
        hits = Counter(chain.from_iterable(index[t] for t in probe))
        needed = 2 if size > _prefix_length(size, threshold) else 1
        for j, count in hits.items():
            if count < needed:
                continue
            other = signatures[j].tokens
            if claims[j].doc_id == claims[i].doc_id or len(other) > limit:
                continue
            score = similarity(tokens, other)
            if score >= threshold:
                a, b = sorted((claims[i].id, claims[j].id))
                relations.append(
                    Relation(
                        source=a,
                        target=b,
                        relation="restates",
                        basis=f"near-duplicate:{score:.2f}",
                        score=round(score, 4),
                    )
                )
        for tok in tokens:
            if frequency[tok] <= max_df:
                index[tok].append(i)
    return relations


def document_overlaps(
    claims: Sequence[Claim], restates: Sequence[Relation]
) -> dict[str, list[DocumentOverlap]]:
    """For each document, the other documents that restate some of its claims.

    ``share`` is the part of the document's claims that the other document restates.
    """
    doc_of = {c.id: c.doc_id for c in claims}
    n_claims: Counter[str] = Counter(c.doc_id for c in claims)
    restated: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rel in restates:
        da, db = doc_of[rel.source], doc_of[rel.target]
        restated[(da, db)].add(rel.source)
        restated[(db, da)].add(rel.target)
    out: dict[str, list[DocumentOverlap]] = defaultdict(list)
    for (doc, other), ids in sorted(restated.items()):
        out[doc].append(
            DocumentOverlap(
                doc_id=other, restated_claims=len(ids), share=round(len(ids) / n_claims[doc], 4)
            )
        )
    return dict(out)


def syndication_groups(
    doc_ids: Sequence[str],
    overlaps: dict[str, list[DocumentOverlap]],
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
