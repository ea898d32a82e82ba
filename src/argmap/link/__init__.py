"""Link: claims -> relations (restates, supports, contrasts) and syndicated documents.

Four passes over plain claims, each in its own module:

1. :mod:`~argmap.link.text` reduces every claim to a *signature*: stems of its
   content words, one token per faction it names, no attribution frame.
2. :mod:`~argmap.link.restate`: ``restates`` across documents by a
   set-similarity self-join with prefix filtering (the AllPairs family) over
   those tokens, scored by the mean of the Dice and overlap coefficients.
   Chosen over MinHash LSH because claims are short (10-30 tokens): exact
   verification of a candidate costs little, the join is exact for every
   pair sharing rarer-than-``MAX_DF`` prefix words, and there are no band
   and row parameters to tune per threshold, whereas LSH at the low
   similarity a paraphrase has (Jaccard ~0.4) needs many short bands, whose
   buckets fill with chance collisions. Exact copies are joined once; a
   wording keeps at most ``RESTATE_FANOUT`` partners. Document overlaps
   (share of claims restated, transitively) and syndication groups follow.
3. :mod:`~argmap.link.discourse`: ``supports``/``contrasts`` within a document
   from cue words with their scope (``discourse.jsonl``) and from adjacent
   claims about the same faction.
4. :mod:`~argmap.link.crossdoc`: ``contrasts``/``supports`` across independent
   documents (same faction, opposite or same stance, topical similarity),
   at most ``k`` per claim.

Every claim-to-claim edge carries ``basis``, the reason for it, e.g.
``near-duplicate:0.93``, ``discourse:but``, ``evidence:instance``,
``same-faction-opposite-stance:fsb``.

:func:`link` links a corpus in one call; :class:`Linker` does the same with
the claims given a document at a time (a build reduces each document's claims
as it comes, and joins them all after the last). What the first pass and the
cue search read of a claim's own text is its :class:`ClaimFeatures`: a build
finds them where the claim is extracted and keeps them in the cache.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from argmap.link.crossdoc import FANOUT, topical_links
from argmap.link.discourse import (
    CueMatcher,
    DocumentLayout,
    LinkClaim,
    discourse_relations,
    document_layout,
    link_claim,
    opens_with_pronoun,
)
from argmap.link.restate import Overlap, document_overlaps, restatements, syndication_groups
from argmap.link.text import ClaimLike, Signature, signature
from argmap.models import Claim, Relation
from argmap.rules import RuleSet

__all__ = [
    "ClaimFeatures",
    "ClaimLike",
    "DocumentLayout",
    "Linkage",
    "Linker",
    "Overlap",
    "Signature",
    "claim_features",
    "document_layout",
    "document_overlaps",
    "link",
    "restatements",
    "signature",
    "syndication_groups",
]


@dataclass
class Linkage:
    """What linking finds: the relations, and which documents overlap."""

    relations: list[Relation]
    overlaps: dict[str, list[Overlap]] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)


class ClaimFeatures(NamedTuple):
    """What linking reads of a claim's own text: found where the claim is extracted (in
    the worker that processed its document) and kept in the cache with it, so that a
    build links claims it did not extract without reading them again.

    Plain values, for the cache's JSON: the signature's tokens are its topic and one
    ``@faction`` token per faction of the claim.
    """

    topic: tuple[str, ...]
    """The stems of the claim's content words, sorted."""
    specificity: int
    cue: tuple[str, str] | None
    """The discourse cue at the claim: its rule's id and the cue as written."""
    pronoun: bool
    """Whether the claim opens with a pronoun."""


def claim_features(claim: Claim, cues: CueMatcher) -> ClaimFeatures:
    """The features of a claim (see :class:`ClaimFeatures`)."""
    sig = signature(claim)
    cue = cues(claim.text)
    return ClaimFeatures(
        tuple(sorted(sig.topic)),
        sig.specificity,
        (cue.rule.id, cue.term) if cue is not None else None,
        opens_with_pronoun(claim.text),
    )


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector.

    Linking allocates millions of small sets and tuples and makes no reference
    cycles; on a large corpus the collector's passes over them cost a fifth
    of the time and free nothing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Linker:
    """Links a corpus whose claims come a document at a time (what :func:`link` does at once).

    :meth:`add` reduces each claim to its compact record as it comes, so that a
    build does that while its documents are still being processed; :meth:`finish`
    links them all.

    Args:
        rules: the rules in force (discourse cues).
        k: the most cross-document links of one kind a claim keeps.
    """

    def __init__(self, rules: RuleSet, *, k: int = FANOUT) -> None:
        self.cues = CueMatcher(rules)
        self.k = k
        self.records: list[LinkClaim] = []
        self.signatures: list[Signature] = []

    def add(self, claims: Iterable[Claim], features: Iterable[ClaimFeatures] | None = None) -> None:
        """Take the next claims of the corpus, in order.

        Args:
            claims: the claims.
            features: their features, when found already (:func:`claim_features`, under
                the same rules); else they are found here.
        """
        cues, records, signatures = self.cues, self.records, self.signatures
        pairs: Iterable[tuple[Claim, ClaimFeatures]] = (
            ((claim, claim_features(claim, cues)) for claim in claims)
            if features is None
            else zip(claims, features, strict=True)
        )
        for claim, found in pairs:
            topic = frozenset(found.topic)
            sig = Signature(
                topic.union([f"@{f}" for f in claim.factions]), topic, found.specificity
            )
            cue = None
            if found.cue is not None:
                # a rule not in force here (features found under other rules): look again
                cue = cues.cue(*found.cue) or cues(claim.text)
            records.append(link_claim(claim, sig, cue, found.pronoun))
            signatures.append(sig)

    def finish(
        self,
        *,
        texts: Mapping[str, str] | None = None,
        layouts: Mapping[str, DocumentLayout] | None = None,
        doc_ids: Sequence[str] | None = None,
    ) -> Linkage:
        """Link every claim taken (arguments as for :func:`link`)."""
        with _no_cycle_collection():
            return _link_records(
                self.records,
                self.signatures,
                self.cues,
                texts=texts,
                layouts=layouts,
                doc_ids=doc_ids,
                k=self.k,
            )


def link(
    claims: Iterable[Claim],
    rules: RuleSet,
    *,
    texts: Mapping[str, str] | None = None,
    layouts: Mapping[str, DocumentLayout] | None = None,
    doc_ids: Sequence[str] | None = None,
    k: int = FANOUT,
) -> Linkage:
    """Link all claims of a corpus: the relations, and which documents overlap.

    The claims are read once, in order, and only a compact record of each is
    kept (:class:`~argmap.link.discourse.LinkClaim` and its signature), so they
    may come one at a time from a file.

    Args:
        claims: the claims of every document.
        rules: the rules in force (discourse cues).
        texts: doc_id -> document text (paragraphs and non-claim cue sentences).
        layouts: doc_id -> what of the text discourse linking reads
            (:func:`document_layout`), in place of ``texts``.
        doc_ids: every document, also those without claims.
        k: the most cross-document links of one kind a claim keeps.
    """
    linker = Linker(rules, k=k)
    with _no_cycle_collection():
        linker.add(claims)
    return linker.finish(texts=texts, layouts=layouts, doc_ids=doc_ids)


def _link_records(
    records: Sequence[LinkClaim],
    signatures: Sequence[Signature],
    cues: CueMatcher,
    *,
    texts: Mapping[str, str] | None,
    layouts: Mapping[str, DocumentLayout] | None,
    doc_ids: Sequence[str] | None,
    k: int,
) -> Linkage:
    if texts is not None:
        layouts = _layouts(records, texts)
    restates = restatements(records, signatures)
    overlaps = document_overlaps(records, restates)
    all_docs = sorted(set(doc_ids or ()) | {c.doc_id for c in records})
    groups = syndication_groups(all_docs, overlaps)
    within = discourse_relations(records, cues, layouts=layouts)
    across = topical_links(
        records,
        signatures,
        group_of=groups,
        exclude={frozenset((r.source, r.target)) for r in restates},
        k=k,
    )
    relations = sorted(restates + within + across, key=lambda r: (r.source, r.target, r.relation))
    return Linkage(relations, overlaps, groups)


def _layouts(records: Sequence[LinkClaim], texts: Mapping[str, str]) -> dict[str, DocumentLayout]:
    by_doc: dict[str, list[LinkClaim]] = {}
    for c in records:
        by_doc.setdefault(c.doc_id, []).append(c)
    return {
        doc_id: document_layout(texts[doc_id], doc_claims)
        for doc_id, doc_claims in by_doc.items()
        if doc_id in texts
    }
