"""Across documents: ``contrasts`` and ``supports`` between claims on the same question.

Two claims of independent documents answer the same question when they are
about the same faction and their words are about the same thing: topical
similarity is the cosine of their content words weighted by inverse document
frequency (tf-idf over claims), so that a shared ``purge`` counts and a shared
``putin`` hardly does. Opposite stances (loyal against disloyal or targeted)
make a ``contrasts`` edge, the same stance a ``supports`` edge from the more
concrete claim (more names and numbers; asserted before hedged) to the more
general one.

Candidates come from an inverted index over content words: a claim proposes
the claims that share two of its ``PROBE`` rarest words (one word in common is
chance, two are a topic), leaving out words found
in more than ``MAX_DF`` claims (they say little about the topic, and their
postings would make the work quadratic); every candidate is then scored
exactly. The work is bounded by ``PROBE * MAX_DF`` per claim. The fan-out is bounded: an edge
is kept only when it is among the ``k`` strongest of each of its two claims, so
no claim has more than ``k`` cross-document links of a kind and the graph grows
linearly with the corpus.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from itertools import chain

from argmap.link.text import ClaimLike, Signature, polarity, shared_faction
from argmap.models import Relation

FANOUT = 2
MIN_SIMILARITY = 0.3
MAX_DF = 50
PROBE = 4
MIN_HITS = 2


def topical_links(
    claims: Sequence[ClaimLike],
    signatures: Sequence[Signature],
    *,
    group_of: Mapping[str, str],
    exclude: set[frozenset[str]] | None = None,
    k: int = FANOUT,
    min_similarity: float = MIN_SIMILARITY,
) -> list[Relation]:
    """Cross-document ``contrasts`` and ``supports``, at most ``k`` of each per claim.

    Args:
        claims: the claims.
        signatures: their signatures, in the same order.
        group_of: doc_id -> syndication group; claims of one group are not linked.
        exclude: unordered claim-id pairs already linked (restatements).
        k: the most links of one kind a claim keeps.
        min_similarity: the least topical similarity of a link.
    """
    exclude = exclude or set()
    topics = [sig.topic for sig in signatures]
    df: Counter[str] = Counter()
    for topic in topics:
        df.update(topic)
    n = max(len(claims), 1)
    idf2 = {t: math.log((n + 1) / (d + 0.5)) ** 2 for t, d in df.items()}
    # Rarest first; ties broken by the token so the order is the same on every run.
    rank = {t: r for r, t in enumerate(sorted(df, key=lambda t: (df[t], t)))}
    indexable = frozenset(t for t, d in df.items() if d <= MAX_DF)
    eligible = [polarity(c.stance) != 0 and bool(c.factions) for c in claims]
    probes: list[list[str]] = [[] for _ in claims]
    norms = [1.0] * len(claims)
    index: dict[str, list[int]] = defaultdict(list)
    for i, topic in enumerate(topics):
        if not eligible[i]:
            continue
        norms[i] = math.sqrt(sum(map(idf2.__getitem__, topic))) or 1.0
        rare = sorted(topic & indexable, key=rank.__getitem__)
        probes[i] = rare[:PROBE]
        for t in rare:
            index[t].append(i)

    # The k best candidate edges per claim and kind: (similarity, -other claim index).
    best: dict[tuple[int, str], list[tuple[float, int]]] = defaultdict(list)
    scored: set[tuple[int, int]] = set()
    for i in range(len(claims)):
        if not eligible[i]:
            continue
        ci = claims[i]
        gi = group_of.get(ci.doc_id, ci.doc_id)
        pol_i = polarity(ci.stance)
        hits = Counter(chain.from_iterable(index[t] for t in probes[i]))
        need = min(MIN_HITS, len(probes[i]))
        for j in [j for j, count in hits.items() if count >= need and j != i]:
            pair = (min(i, j), max(i, j))
            if pair in scored:
                continue
            scored.add(pair)
            cj = claims[j]
            if group_of.get(cj.doc_id, cj.doc_id) == gi:
                continue
            if shared_faction(ci.factions, cj.factions) is None:
                continue
            shared = topics[i] & topics[j]
            sim = sum(map(idf2.__getitem__, shared)) / (norms[i] * norms[j])
            if sim < min_similarity or frozenset((ci.id, cj.id)) in exclude:
                continue
            kind = "contrasts" if pol_i * polarity(cj.stance) == -1 else "supports"
            for a, b in ((i, j), (j, i)):
                heap = best[(a, kind)]
                item = (round(sim, 6), -b)
                if len(heap) < k:
                    heapq.heappush(heap, item)
                elif item > heap[0]:
                    heapq.heapreplace(heap, item)

    kept: dict[tuple[int, str], set[int]] = {
        key: {-b for _s, b in heap} for key, heap in best.items()
    }
    relations: list[Relation] = []
    for (a, kind), others in sorted(kept.items()):
        for b in sorted(others):
            if a > b or a not in kept.get((b, kind), set()):
                continue
            sim = next(s for s, x in best[(a, kind)] if -x == b)
            relations.append(_edge(claims[a], claims[b], signatures[a], signatures[b], kind, sim))
    return relations


def _edge(
    a: ClaimLike, b: ClaimLike, sig_a: Signature, sig_b: Signature, kind: str, sim: float
) -> Relation:
    shared = shared_faction(a.factions, b.factions)
    if kind == "contrasts":
        src, dst = sorted((a, b), key=lambda c: c.id)
        basis = f"same-faction-opposite-stance:{shared}"
    else:
        # The more concrete claim is the evidence; asserted before hedged on a tie.
        rank_a = (sig_a.specificity, a.certainty == "asserted")
        rank_b = (sig_b.specificity, b.certainty == "asserted")
        src, dst = (a, b) if rank_a >= rank_b else (b, a)
        basis = f"same-faction-same-stance:{shared}"
    return Relation(source=src.id, target=dst.id, relation=kind, basis=basis, score=round(sim, 4))  # type: ignore[arg-type]
