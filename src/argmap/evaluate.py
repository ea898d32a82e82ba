"""Evaluate: score built claims and relations against gold files (GUIDELINES.md sections 7-8).

A predicted claim matches a gold claim of the same document when their spans
overlap by at least half of each span's length; each gold claim matches at most
one prediction, greedily, largest overlap first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from argmap.errors import GoldError, InputError
from argmap.export.files import jsonl_lines
from argmap.ingest import decode, read_utf8
from argmap.models import Certainty, Claim, Relation, RelationType, Stance

_M = TypeVar("_M", bound=BaseModel)

ARTICLES = {"the", "a", "an"}


@dataclass(frozen=True)
class GoldClaim:
    """A gold claim located in its document."""

    id: str
    doc_id: str
    start: int
    end: int
    factions: tuple[str, ...]
    stance: str
    certainty: str
    source: str | None


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "predicted": n_pred,
        "gold": n_gold,
    }


def _norm_source(text: str) -> list[str]:
    words = text.casefold().replace("’", "'").split()
    while words and words[0] in ARTICLES:
        words = words[1:]
    return words


def same_source(predicted: str | None, gold: str | None) -> bool:
    """Case-insensitive match, leading articles ignored, or the same last word (a surname)."""
    if predicted is None or gold is None:
        return predicted is gold
    p, g = _norm_source(predicted), _norm_source(gold)
    return p == g or (bool(p) and bool(g) and p[-1] == g[-1])


class _GoldClaimLine(BaseModel):
    """One line of a gold claims file (GUIDELINES.md section 7); other keys are notes."""

    model_config = ConfigDict(extra="allow", strict=True)

    id: str = Field(min_length=1)
    doc_id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    factions: list[str]
    stance: Stance
    certainty: Certainty
    source: str | None = None
    occurrence: int = Field(default=0, ge=0)


class _GoldRelationLine(BaseModel):
    """One line of a gold relations file."""

    model_config = ConfigDict(extra="allow", strict=True, populate_by_name=True)

    source: str = Field(alias="from", min_length=1)
    target: str = Field(alias="to", min_length=1)
    relation: RelationType


def _gold_lines(path: Path) -> list[tuple[int, str]]:
    text = read_utf8(path, error=GoldError)
    lines = enumerate(jsonl_lines(text), start=1)
    return [(n, line) for n, line in lines if line.strip()]


def _parse_gold_line(path: Path, lineno: int, line: str, model: type[_M]) -> _M:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise GoldError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(raw, dict):
        raise GoldError(f"{path}:{lineno}: a gold record must be a JSON object")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "record"
        if first["type"] == "missing":
            raise GoldError(f"{path}:{lineno}: field {where}: missing") from None
        raise GoldError(f"{path}:{lineno}: field {where}: {first['msg']}") from None


def read_gold_claims(path: Path, raw: Path, *, encoding: str = "utf-8") -> list[GoldClaim]:
    """Read gold claims and locate each in its document (``occurrence`` picks among repeats).

    The documents are decoded in ``encoding``, the one the build read them in.

    Raises:
        GoldError: a line is malformed or its text is not in the document; the
            message names the file, the line and the field.
    """
    texts: dict[str, str] = {}
    out = []
    seen: dict[str, int] = {}
    for lineno, line in _gold_lines(path):
        rec = _parse_gold_line(path, lineno, line, _GoldClaimLine)
        if rec.id in seen:
            raise GoldError(
                f"{path}:{lineno}: field id: duplicate id {rec.id!r} (first on line {seen[rec.id]})"
            )
        seen[rec.id] = lineno
        doc_id, text = rec.doc_id, rec.text
        if doc_id not in texts:
            candidates = [raw / f"{doc_id}.txt", raw / f"{doc_id}.md"]
            found = next((c for c in candidates if c.is_file()), None)
            if found is None:
                raise GoldError(f"{path}:{lineno}: field doc_id: no document {doc_id} in {raw}")
            try:
                texts[doc_id] = decode(found.read_bytes(), encoding=encoding, name=str(found))
            except (InputError, OSError) as exc:
                raise GoldError(f"{path}:{lineno}: field doc_id: {exc}") from None
        doc_text = texts[doc_id]
        start = -1
        for _ in range(rec.occurrence + 1):
            start = doc_text.find(text, start + 1)
            if start < 0:
                raise GoldError(f"{path}:{lineno}: field text: not found in document {doc_id}")
        out.append(
            GoldClaim(
                rec.id,
                doc_id,
                start,
                start + len(text),
                tuple(rec.factions),
                rec.stance,
                rec.certainty,
                rec.source,
            )
        )
    return out


def read_gold_relations(path: Path) -> list[tuple[str, str, str]]:
    """Read gold relations as (from, to, relation).

    Raises:
        GoldError: a line is malformed; the message names the file, the line and the field.
    """
    out: list[tuple[str, str, str]] = []
    for lineno, line in _gold_lines(path):
        rec = _parse_gold_line(path, lineno, line, _GoldRelationLine)
        out.append((rec.source, rec.target, rec.relation))
    return out


def match_claims(predicted: Sequence[Claim], gold: Sequence[GoldClaim]) -> dict[str, str]:
    """Predicted claim id -> gold claim id, greedy by largest overlap."""
    pairs = []
    by_doc: dict[str, list[GoldClaim]] = {}
    for g in gold:
        by_doc.setdefault(g.doc_id, []).append(g)
    for p in predicted:
        for g in by_doc.get(p.doc_id, []):
            ov = min(p.end, g.end) - max(p.start, g.start)
            if ov > 0 and ov * 2 >= (p.end - p.start) and ov * 2 >= (g.end - g.start):
                pairs.append((ov, p.id, g.id))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_p: set[str] = set()
    used_g: set[str] = set()
    mapping = {}
    for _ov, pid, gid in pairs:
        if pid in used_p or gid in used_g:
            continue
        used_p.add(pid)
        used_g.add(gid)
        mapping[pid] = gid
    return mapping


def evaluate(
    predicted: Sequence[Claim],
    gold: Sequence[GoldClaim],
    *,
    predicted_relations: Sequence[Relation] = (),
    gold_relations: Sequence[tuple[str, str, str]] | None = None,
) -> dict[str, Any]:
    """Every figure of GUIDELINES.md section 8."""
    with_faction = [p for p in predicted if p.factions]
    mapping = match_claims(with_faction, gold)
    gold_by_id = {g.id: g for g in gold}
    pred_by_id = {p.id: p for p in with_faction}
    scores: dict[str, Any] = {"claims": _prf(len(mapping), len(with_faction), len(gold))}
    tp = sum(
        len(set(pred_by_id[pid].factions) & set(gold_by_id[gid].factions))
        for pid, gid in mapping.items()
    )
    scores["factions"] = _prf(
        tp, sum(len(p.factions) for p in with_faction), sum(len(g.factions) for g in gold)
    )
    matched = [(pred_by_id[pid], gold_by_id[gid]) for pid, gid in mapping.items()]
    n = len(matched)
    stance_ok = sum(p.stance == g.stance for p, g in matched)
    cert_ok = sum(p.certainty == g.certainty for p, g in matched)
    sourced = [(p, g) for p, g in matched if g.source is not None]
    source_ok = sum(same_source(p.source, g.source) for p, g in sourced)
    false_attr = sum(1 for p, g in matched if g.source is None and p.source is not None)
    scores["stance"] = {
        "accuracy": round(stance_ok / n, 4) if n else 0.0,
        "correct": stance_ok,
        "matched": n,
    }
    scores["certainty"] = {
        "accuracy": round(cert_ok / n, 4) if n else 0.0,
        "correct": cert_ok,
        "matched": n,
    }
    scores["source"] = {
        "accuracy": round(source_ok / len(sourced), 4) if sourced else 0.0,
        "correct": source_ok,
        "with_gold_source": len(sourced),
        "false_attributions": false_attr,
    }
    if gold_relations is not None:
        scores["relations"] = _score_relations(predicted_relations, gold_relations, mapping)
    return scores


def _key(a: str, b: str, relation: str) -> tuple[str, str, str]:
    if relation in {"restates", "contrasts"} and b < a:
        a, b = b, a
    return (a, b, relation)


def _score_relations(
    predicted: Sequence[Relation], gold: Sequence[tuple[str, str, str]], mapping: dict[str, str]
) -> dict[str, dict[str, float]]:
    pred_keys = set()
    for r in predicted:
        if r.source in mapping and r.target in mapping:
            pred_keys.add(_key(mapping[r.source], mapping[r.target], r.relation))
    gold_keys = {_key(a, b, rel) for a, b, rel in gold}
    out = {}
    for relation in ("restates", "supports", "contrasts"):
        p = {k for k in pred_keys if k[2] == relation}
        g = {k for k in gold_keys if k[2] == relation}
        out[relation] = _prf(len(p & g), len(p), len(g))
    return out


def format_scores(scores: dict[str, Any]) -> str:
    """A plain-text report of the scores."""
    lines = ["figure                 precision  recall     f1   (tp/pred/gold)"]
    for name in ("claims", "factions"):
        s = scores[name]
        lines.append(
            f"{name:<22} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f}   ({s['tp']}/{s['predicted']}/{s['gold']})"
        )
    for name, rel in scores.get("relations", {}).items():
        lines.append(
            f"{'relation ' + name:<22} {rel['precision']:>9.3f} {rel['recall']:>7.3f} {rel['f1']:>6.3f}   ({rel['tp']}/{rel['predicted']}/{rel['gold']})"
        )
    lines.append("")
    lines.append(
        f"stance accuracy       {scores['stance']['accuracy']:.3f}   ({scores['stance']['correct']}/{scores['stance']['matched']} matched claims)"
    )
    lines.append(
        f"certainty accuracy    {scores['certainty']['accuracy']:.3f}   ({scores['certainty']['correct']}/{scores['certainty']['matched']})"
    )
    src = scores["source"]
    lines.append(
        f"source accuracy       {src['accuracy']:.3f}   ({src['correct']}/{src['with_gold_source']} with a gold source; {src['false_attributions']} false attributions)"
    )
    return "\n".join(lines)
