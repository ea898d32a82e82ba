"""Link: claims -> relations (restates, supports, contrasts).

Restatement across documents uses an inverted index over content-word
shingles: each claim is reduced to its set of lower-cased content words, only
pairs that share a rare word are scored (so the work grows with the number of
real candidates, not with the square of the corpus), and a pair is a
restatement when the overlap coefficient of their word sets is high.

Within a document, discourse cues at the start of a sentence (data file
``discourse.jsonl``) link a claim to the claim before it: ``but``/``however``
make ``contrasts``, ``because``/``indeed`` make the new claim support the old
one, ``this is why``/``thus`` the other way round.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from argmap.models import Claim, Relation
from argmap.rules import RuleSet

_WORD = re.compile(r"[^\W\d_]+(?:[’'\-][^\W\d_]+)*", re.UNICODE)
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "even",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "may",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "yet",
        "you",
        "your",
    ]
)
RESTATE_THRESHOLD = 0.6
MAX_POSTING = 200


def content_words(text: str) -> frozenset[str]:
    """Lower-cased words of a claim without stop words."""
    return frozenset(
        w for w in (m.group().lower() for m in _WORD.finditer(text)) if w not in STOPWORDS
    )


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap coefficient: shared words over the smaller set."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def restatements(
    claims: Sequence[Claim], *, threshold: float = RESTATE_THRESHOLD
) -> list[Relation]:
    """``restates`` edges between claims of different documents that say the same thing."""
    words = [content_words(c.text) for c in claims]
    index: dict[str, list[int]] = defaultdict(list)
    for i, ws in enumerate(words):
        for w in ws:
            index[w].append(i)
    relations = []
    for i, ws in enumerate(words):
        seen: set[int] = set()
        for w in ws:
            posting = index[w]
            if len(posting) > MAX_POSTING:
                continue
            for j in posting:
                if j <= i or j in seen or claims[j].doc_id == claims[i].doc_id:
                    continue
                seen.add(j)
                score = overlap(ws, words[j])
                if score >= threshold:
                    relations.append(
                        Relation(
                            source=claims[i].id,
                            target=claims[j].id,
                            relation="restates",
                            basis=f"near-duplicate:{score:.2f}",
                            score=round(score, 4),
                        )
                    )
    return relations


def discourse_relations(claims: Sequence[Claim], rules: RuleSet) -> list[Relation]:
    """``supports``/``contrasts`` from a cue at the start of a claim, to the claim before it."""
    cues = []
    for rule in rules.of("discourse"):
        for term in rule.terms:
            cues.append((re.compile(rf"^\W*{re.escape(term)}\b", re.IGNORECASE), rule))
    relations = []
    for prev, claim in zip(claims, claims[1:], strict=False):
        if prev.doc_id != claim.doc_id or claim.sentence - prev.sentence > 2:
            continue
        for regex, rule in cues:
            if regex.search(claim.text):
                if rule.label == "contrasts":
                    src, dst = claim.id, prev.id
                elif rule.direction == "forward":
                    src, dst = prev.id, claim.id
                else:
                    src, dst = claim.id, prev.id
                relations.append(
                    Relation(
                        source=src,
                        target=dst,
                        relation=rule.label,  # type: ignore[arg-type]
                        basis=f"discourse:{rule.id}",
                    )
                )
                break
    return relations


def link(claims: Sequence[Claim], rules: RuleSet) -> list[Relation]:
    """All relations between claims, sorted for stable output."""
    relations = restatements(claims) + discourse_relations(claims, rules)
    return sorted(relations, key=lambda r: (r.source, r.target, r.relation))
