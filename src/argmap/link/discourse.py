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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
        for rule in rules.of("discourse"):
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

    def __call__(self, text: str) -> Cue | None:
        """The first cue (in rule order) that stands where its rule allows in ``text``."""
        for regex, rule in self.patterns:
            m = regex.search(text)
            if m:
                return Cue(rule, m.group(1))
        return None


def _shares_faction(a: Claim, b: Claim) -> bool:
    return shared_faction(a.factions, b.factions) is not None


def _opposite(a: Claim, b: Claim) -> bool:
    return polarity(a.stance) * polarity(b.stance) == -1


class _Document:
    """One document's claims in text order, with its paragraph breaks when the text is known."""

    def __init__(self, claims: list[Claim], text: str | None) -> None:
        self.claims = claims
        self.text = text
        self.breaks = [m.start() for m in _PARAGRAPH.finditer(text)] if text else []

    def paragraph(self, claim: Claim) -> int:
        return bisect.bisect_right(self.breaks, claim.start)

    def gap(self, earlier: Claim, later: Claim) -> str:
        if self.text is None or earlier.end > later.start:
            return ""
        return self.text[earlier.end : later.start]


def discourse_relations(
    claims: Sequence[Claim],
    signatures: Mapping[str, Signature],
    rules: RuleSet,
    *,
    texts: Mapping[str, str] | None = None,
) -> list[Relation]:
    """``supports`` and ``contrasts`` between claims of the same document.

    Args:
        claims: the claims (any order).
        signatures: claim id -> signature (for how concrete a claim is).
        rules: the rules in force (their ``discourse`` cues).
        texts: doc_id -> document text, for paragraphs and cue sentences that are
            not claims; without it, sentence indices alone decide.
    """
    cues = CueMatcher(rules)
    by_doc: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_doc[c.doc_id].append(c)
    relations: list[Relation] = []
    for doc_id, doc_claims in by_doc.items():
        doc_claims.sort(key=lambda c: (c.start, c.end))
        doc = _Document(doc_claims, (texts or {}).get(doc_id))
        relations.extend(_link_document(doc, cues, signatures))
    return relations


def _link_document(
    doc: _Document, cues: CueMatcher, signatures: Mapping[str, Signature]
) -> list[Relation]:
    out: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    evidence_for: dict[str, list[Claim]] = defaultdict(list)

    def add(src: Claim, dst: Claim, relation: str, basis: str) -> None:
        key = (src.id, dst.id, relation)
        if src.id == dst.id or key in seen:
            return
        seen.add(key)
        out.append(Relation(source=src.id, target=dst.id, relation=relation, basis=basis))  # type: ignore[arg-type]

    claims = doc.claims
    for i, claim in enumerate(claims):
        prev = claims[i - 1] if i else None
        step = claim.sentence - prev.sentence if prev else None
        cue = cues(claim.text)
        if cue is None and prev is not None and step == 2:
            # One sentence between, itself no claim: a cue there belongs to this claim.
            between = doc.gap(prev, claim).strip()
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
        if _PRONOUN_START.match(claim.text) and heads and claim.certainty == "asserted":
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
            concrete_prev = signatures[prev.id].specificity
            concrete_claim = signatures[claim.id].specificity
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
    claims: list[Claim], i: int, cue: Cue, step: int | None, evidence_for: Mapping[str, list[Claim]]
) -> list[Claim]:
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


def _unit_before(doc: _Document, i: int, step: int | None) -> list[Claim]:
    """The antecedents of a forward cue at ``doc.claims[i]``."""
    claims = doc.claims
    claim = claims[i]
    if i == 0:
        return []
    prev = claims[i - 1]
    if doc.text is not None and doc.paragraph(prev) < doc.paragraph(claim):
        para = doc.paragraph(prev)
        unit = [c for c in claims[:i] if doc.paragraph(c) == para]
        return unit[-UNIT_SIZE:]
    return [prev] if step == 1 else []
