"""A tiny hand-made map for the interface tests, with hostile article text; no spaCy needed.

The seed build comes from the ``seed_build`` fixture of ``conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

import argmap
from argmap.api import ArgumentMap
from argmap.models import Claim, Document, Manifest, Mention, Relation

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "raw"

HOSTILE_SCRIPT = "</script><script>alert(1)</script>"
HOSTILE_IMG = '<img src=x onerror="alert(2)">'
HOSTILE_LINK = '<a href="javascript:alert(3)">click</a>'


def _claim(doc_id: str, text: str, part: str, **labels: object) -> Claim:
    start = text.index(part)
    end = start + len(part)
    faction = labels.pop("faction", "fsb")
    term = labels.pop("term", "FSB")
    m_start = text.index(term, start)
    mention = Mention(
        start=m_start, end=m_start + len(term), text=term, faction=str(faction), rule="fsb.fsb"
    )
    return Claim(
        id=f"{doc_id}:{start}-{end}",
        doc_id=doc_id,
        start=start,
        end=end,
        text=part,
        factions=[str(faction)],
        mentions=[mention],
        stance=labels.get("stance", "neutral"),  # type: ignore[arg-type]
        certainty=labels.get("certainty", "asserted"),  # type: ignore[arg-type]
        cues=list(labels.get("cues", [])),  # type: ignore[call-overload]
        source=labels.get("source"),  # type: ignore[arg-type]
        rules=list(labels.get("rules", ["fsb.fsb"])),  # type: ignore[call-overload]
        sentence=int(labels.get("sentence", 0)),  # type: ignore[call-overload]
    )


def tiny_map() -> ArgumentMap:
    """Two documents, four claims, three relations; article text with hostile markup."""
    text_a = (
        "Hostile title " + HOSTILE_SCRIPT + "\n"
        "The FSB is plotting against Putin, experts say " + HOSTILE_IMG + ".\n"
        "But the FSB remains loyal to the Kremlin " + HOSTILE_LINK + ".\n"
        "=cmd|' /C calc'!A0 the FSB said.\n"
    )
    text_b = "The army is loyal\x0b to Putin and the FSB backs him.\n"
    docs = [
        Document(
            doc_id="a",
            path="a.txt",
            sha256="0" * 64,
            text=text_a,
            title="Hostile " + HOSTILE_SCRIPT,
        ),
        Document(
            doc_id="b",
            path="b.txt",
            sha256="1" * 64,
            text=text_b,
            author="Ann Author",
            date="2024-01-02",
        ),
    ]
    c1 = _claim(
        "a",
        text_a,
        "The FSB is plotting against Putin, experts say " + HOSTILE_IMG + ".",
        stance="disloyal",
        source="experts " + HOSTILE_SCRIPT,
        cues=["plotting"],
        rules=["disloyal.discontent", "fsb.fsb"],
        sentence=1,
    )
    c2 = _claim(
        "a",
        text_a,
        "But the FSB remains loyal to the Kremlin " + HOSTILE_LINK + ".",
        stance="loyal",
        certainty="hedged",
        cues=["loyal"],
        rules=["loyal.support+negation", "fsb.fsb"],
        sentence=2,
    )
    c3 = _claim("a", text_a, "=cmd|' /C calc'!A0 the FSB said.", stance="neutral", sentence=3)
    c4 = _claim(
        "b",
        text_b,
        "The army is loyal\x0b to Putin and the FSB backs him.",
        stance="loyal",
        faction="military",
        term="army",
    )
    claims = [c1, c2, c3, c4]
    relations = [
        Relation(source=c2.id, target=c1.id, relation="contrasts", basis="discourse:discourse.but"),
        Relation(
            source=c4.id, target=c2.id, relation="restates", basis="near-duplicate:0.70", score=0.7
        ),
        Relation(
            source=c3.id, target=c1.id, relation="supports", basis="discourse:discourse.because"
        ),
    ]
    manifest = Manifest(
        argmap_version=argmap.__version__,
        model="en_test",
        model_version="0",
        taxonomy_sha256="x",
        counts={"documents": 2, "claims": 4, "relations": 3, "errors": 0},
        documents={d.doc_id: d.sha256 for d in docs},
    )
    return ArgumentMap(docs, claims, relations, manifest)
