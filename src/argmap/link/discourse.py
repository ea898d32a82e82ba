"""Within a document: ``supports`` and ``contrasts`` from discourse structure.

A cue (data file ``discourse.jsonl``) has a label, a direction and a *scope*,
the earlier claim(s) it points back to:

- ``previous``: the sentence just before (``because``, ``indeed``,
  ``for example``; ``this may not be true``). When that sentence is not a
  claim, or a claim about another faction, a ``supports`` cue links nothing: ``Indeed`` after a sentence about dictators
  in general does not reach back to the claim before it.
- ``unit``: the unit of discourse before (``this is why``, ``as a result``):
  the claims of the previous paragraph when the cue opens a paragraph, else
  the sentence before.
- ``position``: the position being countered (``but``, ``however``, ``yet``,
  ``although``): the nearest earlier claim, within a few sentences, about a
  faction the claim names and with the opposite stance; and, when that claim
  is itself evidence for another of the same stance, that one too (a counter
  to the evidence is a counter to the point it backs).

A sentence that is not itself a claim and opens with a cue for evidence
(``Indeed, other indicators are now appearing.``) lends its cue to the claim
that follows it.

Without a cue, two more patterns an analyst reads as argument: the two halves
of one sentence with opposite stances about the same faction contrast
(``between the hardliners who ... and the softliners who ...``); and a claim
that follows a claim about the same faction with the same stance is evidence
for it when it is no less certain: an asserted fact after a speculation;
of two asserted claims, the more concrete one (more names and numbers) for
the more general one, in either order (two equally concrete ones are an
elaboration, not linked); the same speaker going on. A claim that opens with a pronoun continues the claim before it and
supports what that one supports.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from argmap.link.text import Signature, polarity, shared_faction
from argmap.models import Claim, Relation
from argmap.rules import Rule, RuleSet

CONTRAST_WINDOW = 3
"""How many sentences back a counter looks for the position it counters."""

UNIT_SIZE = 3
"""At most this many claims of the previous paragraph are the antecedents of a ``unit`` cue."""

_PRONOUN_START = re.compile(r"^\W*(?:he|she|they|it|his|her|their)\b", re.IGNORECASE)
_LEAD = r"^[\W]*(?:and\s+|,\s*)?"
_PARAGRAPH = re.compile(r"\n\s*")


@dataclass(frozen=True)
class Cue:
    """A discourse cue found at a claim."""

    rule: Rule
    term: str

    @property
    def basis(self) -> str:
        """The edge's basis: ``discourse:`` and the cue as written (``discourse:this-is-why``)."""
        return "discourse:" + re.sub(r"\W+", "-", self.term.lower()).strip("-")


class CueMatcher:
    """The discourse rules compiled to regular expressions, by where the cue may stand."""

    def __init__(self, rules: RuleSet) -> None:
        self.patterns: list[tuple[re.Pattern[str], Rule]] = []
        self._rules: dict[str, Rule] = {}
        for rule in rules.of("discourse"):
            self._rules.setdefault(rule.id, rule)
            terms = sorted(rule.terms, key=len, reverse=True)
            alternation = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in terms)
            position = rule.position or "initial"
            if position == "initial":
                lead = _LEAD
            elif position == "early":
                lead = r"^\W*(?:[\w’'\-]+\s+){0,4}?"
            else:
                lead = r"\b"
            self.patterns.append(
                (re.compile(lead + rf"({alternation})(?![\w’'\-])", re.IGNORECASE), rule)
            )

    def cue(self, rule_id: str, term: str) -> Cue | None:
        """The cue of this rule and term (as :meth:`__call__` found it); None for a rule not
        among these."""
        rule = self._rules.get(rule_id)
        return Cue(rule, term) if rule is not None else None

    def __call__(self, text: str) -> Cue | None:
        """The first cue (in rule order) that stands where its rule allows in ``text``."""
        for regex, rule in self.patterns:
            m = regex.search(text)
            if m:
                return Cue(rule, m.group(1))
        return None


class LinkClaim(NamedTuple):
    """What linking reads of a claim, its cue and signature already found: a compact
    record, as a whole corpus's claims are held at once (a :class:`~argmap.models.Claim`
    with its text and mentions weighs ten times more)."""

    id: str
    doc_id: str
    start: int
    end: int
    sentence: int
    factions: tuple[str, ...]
    stance: str
    certainty: str
    source: str | None
    specificity: int
    cue: Cue | None
    """The discourse cue at the claim, if any."""
    pronoun: bool
    """Whether the claim opens with a pronoun (it continues the claim before)."""


def link_claim(claim: Claim, sig: Signature, cue: Cue | None, pronoun: bool) -> LinkClaim:
    """The record linking keeps of a claim, its cue and pronoun start found already."""
    return LinkClaim(
        claim.id,
        claim.doc_id,
        claim.start,
        claim.end,
        claim.sentence,
        tuple(claim.factions),
        claim.stance,
        claim.certainty,
        claim.source,
        sig.specificity,
        cue,
        pronoun,
    )


def opens_with_pronoun(text: str) -> bool:
    """Whether a claim opens with a pronoun (it continues the claim before)."""
    return _PRONOUN_START.match(text) is not None


class Placed(Protocol):
    """Where a claim stands in its document (what :func:`document_layout` reads)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def sentence(self) -> int: ...


@dataclass(frozen=True, slots=True)
class DocumentLayout:
    """What discourse linking reads of a document's text besides its claims.

    Kept instead of the text, which a large corpus cannot hold until linking.

    Attributes:
        paragraphs: the paragraph of each claim, claims in text order (by start, then end).
        gaps: the text between a claim and the one before it when one sentence (no
            claim) lies between them, stripped; it may lend the claim its cue. By the
            later claim's place in text order; absent when blank.
    """

    paragraphs: tuple[int, ...]
    gaps: dict[int, str]


def document_layout(text: str, claims: Iterable[Placed]) -> DocumentLayout:
    """The layout of a document's claims in its text (see :class:`DocumentLayout`)."""
    ordered = sorted(claims, key=lambda c: (c.start, c.end))
    breaks = [m.start() for m in _PARAGRAPH.finditer(text)]
    gaps = {}
    for i in range(1, len(ordered)):
        earlier, later = ordered[i - 1], ordered[i]
        if later.sentence - earlier.sentence == 2 and earlier.end <= later.start:
            between = text[earlier.end : later.start].strip()
            if between:
                gaps[i] = between
    return DocumentLayout(tuple(bisect.bisect_right(breaks, c.start) for c in ordered), gaps)


def _shares_faction(a: LinkClaim, b: LinkClaim) -> bool:
    return shared_faction(a.factions, b.factions) is not None


def _opposite(a: LinkClaim, b: LinkClaim) -> bool:
    return polarity(a.stance) * polarity(b.stance) == -1


class _Document:
    """One document's claims in text order, with its layout when the text is known."""

    def __init__(self, claims: list[LinkClaim], layout: DocumentLayout | None) -> None:
        self.claims = claims
        self.layout = layout

    def paragraph(self, i: int) -> int:
        assert self.layout is not None
        return self.layout.paragraphs[i]

    def gap(self, i: int) -> str:
        """The text between claim ``i`` and the one before it (when one sentence lies between)."""
        return self.layout.gaps.get(i, "") if self.layout is not None else ""


def discourse_relations(
    claims: Sequence[LinkClaim],
    cues: CueMatcher,
    *,
    layouts: Mapping[str, DocumentLayout] | None = None,
) -> list[Relation]:
    """``supports`` and ``contrasts`` between claims of the same document.

    Args:
        claims: the claims (any order).
        cues: the discourse cues of the rules in force.
        layouts: doc_id -> layout of the document's claims in its text
            (:func:`document_layout`), for paragraphs and cue sentences that are
            not claims; without it, sentence indices alone decide.
    """
    by_doc: dict[str, list[LinkClaim]] = defaultdict(list)
    for c in claims:
        by_doc[c.doc_id].append(c)
    relations: list[Relation] = []
    for doc_id, doc_claims in by_doc.items():
        doc_claims.sort(key=lambda c: (c.start, c.end))
        doc = _Document(doc_claims, (layouts or {}).get(doc_id))
        relations.extend(_link_document(doc, cues))
    return relations


def _link_document(doc: _Document, cues: CueMatcher) -> list[Relation]:
    out: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    evidence_for: dict[str, list[LinkClaim]] = defaultdict(list)

    def add(src: LinkClaim, dst: LinkClaim, relation: str, basis: str) -> None:
        key = (src.id, dst.id, relation)
        if src.id == dst.id or key in seen:
            return
        seen.add(key)
        out.append(Relation(source=src.id, target=dst.id, relation=relation, basis=basis))  # type: ignore[arg-type]

    claims = doc.claims
    for i, claim in enumerate(claims):
        prev = claims[i - 1] if i else None
        step = claim.sentence - prev.sentence if prev else None
        cue = claim.cue
        if cue is None and prev is not None and step == 2:
            # One sentence between, itself no claim: a cue there belongs to this claim.
            between = doc.gap(i)
            lent = cues(between) if between else None
            if lent is not None and lent.rule.direction == "backward":
                cue, step = lent, 1

        if (
            prev is not None
            and step == 0
            and _shares_faction(prev, claim)
            and _opposite(prev, claim)
        ):
            basis = (
                cue.basis
                if cue and cue.rule.label == "contrasts"
                else "same-sentence-opposite-stance"
            )
            add(claim, prev, "contrasts", basis)
            continue

        if cue is not None:
            if cue.rule.label == "contrasts":
                for target in _countered(claims, i, cue, step, evidence_for):
                    add(claim, target, "contrasts", cue.basis)
            elif cue.rule.direction == "forward":
                for reason in _unit_before(doc, i, step):
                    if _shares_faction(reason, claim) and not _opposite(reason, claim):
                        add(reason, claim, "supports", cue.basis)
                        evidence_for[reason.id].append(claim)
            elif (
                prev is not None
                and step == 1
                and _shares_faction(prev, claim)
                and not _opposite(prev, claim)
            ):
                add(claim, prev, "supports", cue.basis)
            continue

        if prev is None or step != 1:
            continue
        heads = evidence_for.get(prev.id, [])
        if claim.pronoun and heads and claim.certainty == "asserted":
            for head in heads:
                if _shares_faction(head, claim) and polarity(head.stance) == polarity(claim.stance):
                    add(claim, head, "supports", "evidence:continues")
                    evidence_for[claim.id].append(head)
            if claim.id in evidence_for:
                continue
        if not _shares_faction(prev, claim) or polarity(prev.stance) != polarity(claim.stance):
            continue
        if polarity(claim.stance) == 0:
            continue
        if claim.certainty == "asserted" and prev.certainty == "hedged":
            add(claim, prev, "supports", "evidence:after-speculation")
            evidence_for[claim.id].append(prev)
        elif claim.certainty == "asserted" and prev.certainty == "asserted":
            # The more concrete claim (names, numbers) is the instance; two equally
            # concrete ones are an elaboration, which is not linked.
            concrete_prev = prev.specificity
            concrete_claim = claim.specificity
            if concrete_prev > concrete_claim:
                add(prev, claim, "supports", "evidence:instance")
                evidence_for[prev.id].append(claim)
            elif concrete_claim > concrete_prev:
                add(claim, prev, "supports", "evidence:instance")
                evidence_for[claim.id].append(prev)
        elif claim.certainty == "hedged" and prev.certainty == "hedged":
            if prev.source and prev.source == claim.source:
                add(claim, prev, "supports", "evidence:same-speaker")
                evidence_for[claim.id].append(prev)
    return out


def _countered(
    claims: list[LinkClaim],
    i: int,
    cue: Cue,
    step: int | None,
    evidence_for: Mapping[str, list[LinkClaim]],
) -> list[LinkClaim]:
    """The earlier claims a contrast cue at ``claims[i]`` counters (see the module docstring)."""
    claim = claims[i]
    if cue.rule.scope == "previous":
        prev = claims[i - 1] if i else None
        return [prev] if prev is not None and step == 1 else []
    for j in range(i - 1, -1, -1):
        earlier = claims[j]
        if claim.sentence - earlier.sentence > CONTRAST_WINDOW:
            break
        if _shares_faction(earlier, claim) and _opposite(earlier, claim):
            targets = [earlier]
            for head in evidence_for.get(earlier.id, []):
                if _shares_faction(head, claim) and _opposite(head, claim):
                    targets.append(head)
            return targets
    return []


def _unit_before(doc: _Document, i: int, step: int | None) -> list[LinkClaim]:
    """The antecedents of a forward cue at ``doc.claims[i]``."""
    claims = doc.claims
    if i == 0:
        return []
    prev = claims[i - 1]
    if doc.layout is not None and doc.paragraph(i - 1) < doc.paragraph(i):
        para = doc.paragraph(i - 1)
        unit = [c for j, c in enumerate(claims[:i]) if doc.paragraph(j) == para]
        return unit[-UNIT_SIZE:]
    return [prev] if step == 1 else []
