"""What a claim says, as a set of comparable tokens.

Two claims are compared on their *propositional* words: lower-cased content
words reduced to a crude stem (so that ``doubt``/``doubts`` and
``surfacing``/``surface`` meet), with the spans that name a faction replaced by
one token per faction (``these agencies`` and ``the intelligence community``
both become ``@fsb``), a run of capitalised words collapsed to its last word
(``Russia's President Vladimir Putin`` is ``putin``), and the attribution frame
left out (``He told Sky News Australia:``, ``I think that``, the source's own
name): who says a thing is recorded in ``source``, it is not what is said.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from argmap.models import Claim


class ClaimLike(Protocol):
    """What linking across documents reads of a claim: a :class:`~argmap.models.Claim`,
    or a compact record of one (a whole corpus's claims are held at once)."""

    @property
    def id(self) -> str: ...
    @property
    def doc_id(self) -> str: ...
    @property
    def factions(self) -> Sequence[str]: ...
    @property
    def stance(self) -> str: ...
    @property
    def certainty(self) -> str: ...


_WORD = re.compile(r"[^\W_]+(?:[’'\-][^\W_]+)*", re.UNICODE)
_POSSESSIVE = re.compile(r"[’']s$")

_FUNCTION_WORDS = """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    even few for from further had has have having he her here hers him his how i if in into
    is it its itself just may me might more most much must my no nor not now of off on once
    only or other our out over own same she should so some such than that the their them then
    there these they this those through to too under until up very was we were what when
    where which while who whom why will with would yet you your us one ones whose upon
    shall onto within without via per though although however still thus indeed"""
STOPWORDS = frozenset(_FUNCTION_WORDS.split())
"""Function words: never part of what a claim says."""

_FRAME_WORDS = """say says said saying tell tells told telling report reports reported reporting
    claim claims claimed write writes wrote add adds added according think thinks thought
    believe believes believed suggest suggests suggested seem seems seemed appear appears
    appeared reportedly apparently allegedly possibly probably likely perhaps potentially
    speculation rumour rumoured rumor rumored possible"""
FRAME_WORDS = frozenset(_FRAME_WORDS.split())
"""Reporting and hedging words: they frame a claim, they are not its content."""

_FRAME = re.compile(
    r"^[^“”\"‘:]{0,80}?\b(?:said|says|told|tells|wrote|writes|added|claimed|explained)\b"
    r"(?:\s+[\w’'.\-]+){0,4}?(?:\s*[:,]\s*[“\"‘]|\s*:|\s+that\b)\s*",
    re.IGNORECASE,
)
"""An attribution frame at the start of a claim: ``He told Sky News Australia: “``."""


@lru_cache(maxsize=1 << 18)
def stem(word: str) -> str:
    """A crude, deterministic stem: plural and verb endings and a final ``e`` removed.

    Not linguistics, only a key under which inflected forms of a word meet.
    """
    w = _POSSESSIVE.sub("", word.lower())
    if len(w) > 4:
        if w.endswith("ies"):
            w = w[:-3] + "y"
        elif w.endswith(("sses", "shes", "ches", "xes", "zes")):
            w = w[:-2]
        elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith("ed"):
        w = w[:-2]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


@lru_cache(maxsize=1 << 18)
def _token(word: str) -> str:
    """The comparable token of a word; empty for function and frame words."""
    low = word.lower()
    if low in STOPWORDS or low in FRAME_WORDS:
        return ""
    token = stem(low)
    return token if len(token) > 1 else ""


_NAME_RUN = re.compile(r"\b[A-Z][\w’'\-]*[\s’'s]+(?=[A-Z])")
"""A capitalised word followed by another: all but the last word of a name."""
_SPECIFIC = re.compile(r"\b[A-Z0-9]")


def _collapsed_words(text: str) -> list[str]:
    """Words of ``text``; a run of capitalised words keeps only its last word."""
    return _WORD.findall(_NAME_RUN.sub(" ", text))


@dataclass(frozen=True, slots=True)
class Signature:
    """A claim reduced for comparison.

    Attributes:
        tokens: stems of content words and ``@faction`` tokens.
        topic: the stems of content words alone.
        specificity: how many names and numbers the claim gives (a concrete
            instance gives more than a general statement).
    """

    tokens: frozenset[str]
    topic: frozenset[str]
    specificity: int


def signature(claim: Claim) -> Signature:
    """The comparable form of a claim (see the module docstring)."""
    text = claim.text
    body = text
    if claim.mentions:
        # Blank out faction mentions (offsets are document offsets); a token per faction stands in.
        chars = list(text)
        for m in claim.mentions:
            a, b = m.start - claim.start, m.end - claim.start
            if 0 <= a < b <= len(chars):
                chars[a:b] = " " * (b - a)
        body = "".join(chars)
    body = _FRAME.sub("", body, count=1)
    source_words = set()
    if claim.source:
        source_words = {stem(w) for w in _WORD.findall(claim.source)}
    words = {_token(word) for word in _collapsed_words(body)}
    words.discard("")
    words.difference_update(source_words)
    topic = frozenset(words)
    tokens = topic.union([f"@{f}" for f in claim.factions])
    # Names and numbers after the first word (capitalised anyway), not counting
    # the faction's own name or the attribution.
    first = _WORD.search(body)
    specificity = len(_SPECIFIC.findall(body, first.end())) if first else 0
    return Signature(tokens, topic, specificity)


FACTION_GROUPS: dict[str, frozenset[str]] = {"siloviki": frozenset({"military", "fsb"})}
"""Factions that take in others: the siloviki are the security and military men as one group
(GUIDELINES.md), so a claim about the FSB or the military bears on one about the siloviki."""


def shared_faction(a: Sequence[str], b: Sequence[str]) -> str | None:
    """A faction two claims are both about (the same label, or a group and its member)."""
    for x in a:
        for y in b:
            if x == y or y in FACTION_GROUPS.get(x, ()):
                return x
            if x in FACTION_GROUPS.get(y, ()):
                return y
    return None


def polarity(stance: str) -> int:
    """+1 for a faction behind the regime, -1 for a rift (disloyal, or targeted by it), 0 otherwise."""
    return {"loyal": 1, "disloyal": -1, "targeted": -1}.get(stance, 0)
