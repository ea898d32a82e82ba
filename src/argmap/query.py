"""Query: filter claims, summarise a map, explain a claim, and render claims as text.

These are the functions behind ``argmap query``, ``argmap summary`` and
``argmap explain``; notebooks call them directly (or through
:class:`~argmap.api.ArgumentMap`), so the command line and the library stay in
parity, as in sqlite-utils.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from argmap.errors import QueryError
from argmap.export.csv import to_csv
from argmap.models import STANCES, Claim, Document, Relation
from argmap.rules import RuleSet

if TYPE_CHECKING:
    from argmap.api import ArgumentMap

#: Output formats of :func:`render`.
FORMATS = ("table", "json", "jsonl", "csv")
#: Two documents that restate this share of each other's claims count as one source.
SYNDICATION_SHARE = 0.5
#: Rules that live in the extractor's code rather than in a rule file: id -> (type, label, description).
BUILTIN_RULES = {
    "source.quotation": (
        "reporting",
        "quotation",
        "the claim is inside a quotation; its source is the speaker who opened it",
    ),
}
#: Modifiers the extractor appends to a rule id (``loyal.support+negation``).
MODIFIERS = {
    "negation": "the cue is negated, so the stance flips",
    "external-actor": "an outside actor does the targeting, so the claim is neutral",
    "not-the-faction": "the faction acts, or someone else suffers, so it is not targeted",
}


def filter_claims(
    claims: Iterable[Claim],
    *,
    faction: str | None = None,
    stance: str | None = None,
    certainty: str | None = None,
    source: str | None = None,
    doc: str | None = None,
    text: str | None = None,
    related_to: str | None = None,
    relations: Sequence[Relation] = (),
) -> list[Claim]:
    """The claims that pass every filter given (filters left as None do not apply).

    Args:
        claims: the claims to filter.
        faction: a faction label the claim is about.
        stance: ``loyal``, ``disloyal``, ``targeted`` or ``neutral``.
        certainty: ``asserted`` or ``hedged``.
        source: a case-insensitive substring of the claim's source; ``""`` or
            ``"author"`` keep the claims in the author's own voice.
        doc: a document id.
        text: a regular expression searched (case-insensitively) in the claim text.
        related_to: a claim id; keeps the claims linked to it by any relation.
        relations: the relations to follow for ``related_to``.

    Returns:
        The matching claims, in their original order.

    Raises:
        QueryError: ``text`` is not a valid regular expression, or ``related_to``
            names no claim.
    """
    claims = list(claims)
    pattern = None
    if text is not None:
        try:
            pattern = re.compile(text, re.IGNORECASE)
        except re.error as exc:
            raise QueryError(f"--text {text!r} is not a valid regular expression ({exc})") from None
    linked: set[str] | None = None
    if related_to is not None:
        if not any(c.id == related_to for c in claims) and not any(
            related_to in (r.source, r.target) for r in relations
        ):
            raise QueryError(f"no claim {related_to!r} in this map")
        linked = {r.target for r in relations if r.source == related_to} | {
            r.source for r in relations if r.target == related_to
        }
    wanted_source = source.casefold() if source is not None else None
    out = []
    for c in claims:
        if faction is not None and faction not in c.factions:
            continue
        if stance is not None and c.stance != stance:
            continue
        if certainty is not None and c.certainty != certainty:
            continue
        if doc is not None and c.doc_id != doc:
            continue
        if wanted_source is not None:
            if wanted_source in ("", "author"):
                if c.source is not None:
                    continue
            elif c.source is None or wanted_source not in c.source.casefold():
                continue
        if pattern is not None and not pattern.search(c.text):
            continue
        if linked is not None and c.id not in linked:
            continue
        out.append(c)
    return out


# -- summary ---------------------------------------------------------------------------


@dataclass
class Summary:
    """What a map says, in numbers: the faction x stance matrix and its sources.

    Attributes:
        documents: number of documents.
        claims: number of claims.
        relations: counts of claim relations by type.
        factions: faction labels, most claims first.
        stances: the stance labels, in guideline order.
        matrix: ``matrix[faction][stance]`` is the number of claims.
        independent: ``independent[faction][stance]`` is the number of
            independent documents behind those claims (syndicated copies count once).
        voices: ``voices[faction][stance]`` is the number of independent sources:
            distinct named sources, plus the author of each independent document
            for claims in the author's own voice.
        top_sources: the most cited sources with their claim counts.
        contested: factions with both loyal and disloyal claims, most contested first,
            as ``(faction, loyal, disloyal, contrasts)``.
    """

    documents: int
    claims: int
    relations: dict[str, int]
    factions: list[str]
    stances: list[str]
    matrix: dict[str, dict[str, int]]
    independent: dict[str, dict[str, int]]
    voices: dict[str, dict[str, int]] = field(default_factory=dict)
    top_sources: list[tuple[str, int]] = field(default_factory=list)
    contested: list[tuple[str, int, int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""
        return asdict(self)

    def __str__(self) -> str:
        return format_summary(self)


def independent_groups(documents: Sequence[Document]) -> dict[str, str]:
    """Each document id mapped to a representative of its group of syndicated copies.

    Two documents fall in one group when one restates at least
    :data:`SYNDICATION_SHARE` of the other's claims (``Document.overlaps``).
    """
    parent = {d.doc_id: d.doc_id for d in documents}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for d in documents:
        for o in d.overlaps:
            if o.share >= SYNDICATION_SHARE and o.doc_id in parent:
                a, b = sorted((find(d.doc_id), find(o.doc_id)))
                parent[b] = a
    return {d: find(d) for d in parent}


def voice(claim: Claim, groups: dict[str, str]) -> str:
    """Who speaks a claim: its source (case and a leading article ignored), else its document's author."""
    if claim.source:
        words = claim.source.casefold().split()
        if words and words[0] in {"the", "a", "an"}:
            words = words[1:]
        return "source:" + " ".join(words)
    return "author:" + groups.get(claim.doc_id, claim.doc_id)


def summarize(amap: ArgumentMap, *, top: int = 10) -> Summary:
    """The faction x stance matrix with claim and independent-document counts.

    Args:
        amap: the map.
        top: how many sources to list.
    """
    groups = independent_groups(amap.documents)
    counts: Counter[str] = Counter(f for c in amap.claim_list for f in c.factions)
    factions = [f for f, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    matrix = {f: {s: 0 for s in STANCES} for f in factions}
    docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    speakers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in amap.claim_list:
        for f in c.factions:
            matrix[f][c.stance] += 1
            docs[f, c.stance].add(groups.get(c.doc_id, c.doc_id))
            speakers[f, c.stance].add(voice(c, groups))
    independent = {f: {s: len(docs[f, s]) for s in STANCES} for f in factions}
    voices = {f: {s: len(speakers[f, s]) for s in STANCES} for f in factions}
    sources = Counter(c.source for c in amap.claim_list if c.source)
    by_id = {c.id: c for c in amap.claim_list}
    contrasts: Counter[str] = Counter()
    for r in amap.relations:
        if r.relation == "contrasts":
            touched = set()
            for end in (r.source, r.target):
                if end in by_id:
                    touched.update(by_id[end].factions)
            contrasts.update(touched)
    contested = [
        (f, matrix[f]["loyal"], matrix[f]["disloyal"], contrasts[f])
        for f in factions
        if matrix[f]["loyal"] and matrix[f]["disloyal"]
    ]
    contested.sort(key=lambda t: (-min(t[1], t[2]), -t[3], t[0]))
    return Summary(
        documents=len(amap.documents),
        claims=len(amap.claim_list),
        relations=dict(sorted(Counter(r.relation for r in amap.relations).items())),
        factions=factions,
        stances=list(STANCES),
        matrix=matrix,
        independent=independent,
        voices=voices,
        top_sources=sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))[:top],
        contested=contested,
    )


def format_summary(summary: Summary) -> str:
    """The summary as a readable text report."""
    rels = ", ".join(f"{k} {v}" for k, v in summary.relations.items()) or "none"
    lines = [f"{summary.documents} documents, {summary.claims} claims; relations: {rels}", ""]
    lines.append("claims (independent documents/sources) by faction and stance")
    header = ["faction", *summary.stances, "total"]
    rows = []
    for f in summary.factions:
        cells = [
            f"{summary.matrix[f][s]} ({summary.independent[f][s]}/{summary.voices[f][s]})"
            for s in summary.stances
        ]
        rows.append([f, *cells, str(sum(summary.matrix[f].values()))])
    lines.extend(_table(header, rows))
    lines.append("")
    lines.append("top sources")
    if summary.top_sources:
        lines.extend(f"  {n:>3}  {name}" for name, n in summary.top_sources)
    else:
        lines.append("  (none: every claim is in the author's voice)")
    lines.append("")
    lines.append("most contested factions (loyal vs disloyal claims, contrasts)")
    if summary.contested:
        lines.extend(
            f"  {f}: {lo} loyal, {dis} disloyal, {n} contrasts"
            for f, lo, dis, n in summary.contested
        )
    else:
        lines.append("  (none)")
    return "\n".join(lines)


# -- explain ---------------------------------------------------------------------------


@dataclass
class RuleUse:
    """One rule that fired for a claim, with what it is for."""

    id: str
    type: str
    label: str
    description: str
    modifiers: list[str] = field(default_factory=list)


@dataclass
class Explanation:
    """Why a claim got its labels."""

    claim: Claim
    rules: list[RuleUse]
    relations: list[Relation]
    stale: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""
        return {
            "claim": self.claim.model_dump(mode="json"),
            "rules": [asdict(r) for r in self.rules],
            "relations": [r.model_dump(mode="json") for r in self.relations],
            "stale": self.stale,
        }

    def __str__(self) -> str:
        return format_explanation(self)


def explain(amap: ArgumentMap, claim_id: str, *, rules: RuleSet | None = None) -> Explanation:
    """The rules, cues and relations behind one claim.

    Args:
        amap: the map.
        claim_id: the claim's id.
        rules: the rules to describe them with (default: the rules shipped with argmap).

    Raises:
        QueryError: no claim has this id.
    """
    claim = next((c for c in amap.claim_list if c.id == claim_id), None)
    if claim is None:
        raise QueryError(f"no claim {claim_id!r} in this map (see `argmap query` for ids)")
    rules = rules or RuleSet.load()
    uses = []
    for rid in claim.rules:
        head, *mods = rid.split("+")
        rule = rules.by_id(head)
        descriptions = []
        for mod in mods:
            sub = rules.by_id(mod)
            descriptions.append(
                f"{mod}: {sub.description}" if sub else f"{mod}: {MODIFIERS.get(mod, 'modifier')}"
            )
        kind: str
        if rule is not None:
            kind, label, description = rule.type, rule.label, rule.description
        elif head in BUILTIN_RULES:
            kind, label, description = BUILTIN_RULES[head]
        else:
            kind, label, description = "unknown", "", "(not in the rules in force)"
        uses.append(
            RuleUse(id=rid, type=kind, label=label, description=description, modifiers=descriptions)
        )
    stale = bool(amap.manifest and amap.manifest.taxonomy_sha256 != rules.sha256)
    related = [r for r in amap.relations if claim_id in (r.source, r.target)]
    return Explanation(claim=claim, rules=uses, relations=related, stale=stale)


def format_explanation(expl: Explanation) -> str:
    """An explanation as readable text."""
    c = expl.claim
    lines = [
        f"claim      {c.id}",
        f"text       {c.text}",
        f"factions   {', '.join(c.factions) or '-'}",
        f"stance     {c.stance}",
        f"certainty  {c.certainty}",
        f"source     {c.source or '(author)'}",
        f"cues       {', '.join(repr(x) for x in c.cues) or '-'}",
        "mentions",
    ]
    lines.extend(f"  {m.text!r} -> {m.faction} [{m.rule}]" for m in c.mentions)
    lines.append("rules")
    for r in expl.rules:
        lines.append(f"  {r.id} ({r.type}: {r.label}) {r.description}")
        lines.extend(f"      + {m}" for m in r.modifiers)
    if expl.relations:
        lines.append("relations")
        for rel in expl.relations:
            lines.append(f"  {rel.source} --{rel.relation}--> {rel.target} [{rel.basis}]")
    if expl.stale:
        lines.append("note: the rules in force differ from those of the build (taxonomy hash)")
    return "\n".join(lines)


# -- rendering -------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return [fmt.format(*header).rstrip(), fmt.format(*("-" * w for w in widths)).rstrip()] + [
        fmt.format(*row).rstrip() for row in rows
    ]


def format_table(claims: Sequence[Claim], *, width: int = 0) -> str:
    """Claims as an aligned text table (the text cut to fit ``width``, when not 0)."""
    header = ["id", "factions", "stance", "certainty", "source", "text"]
    rows = []
    for c in claims:
        rows.append([c.id, ",".join(c.factions), c.stance, c.certainty, c.source or "-", c.text])
    if not rows:
        return "(no claims)"
    if not width:
        return "\n".join(_table(header, rows)) + f"\n({len(claims)} claims)"
    fixed = sum(
        max(len(str(x)) for x in col) + 2 for col in list(zip(header, *rows, strict=True))[:-1]
    )
    room = max(40, width - fixed)
    rows = [[*r[:-1], r[-1] if len(r[-1]) <= room else r[-1][: room - 1] + "…"] for r in rows]
    return "\n".join(_table(header, rows)) + f"\n({len(claims)} claims)"


def render(claims: Sequence[Claim], fmt: str = "table", *, width: int = 0) -> str:
    """Claims as ``table``, ``json`` (an array), ``jsonl`` or ``csv`` text.

    Raises:
        QueryError: unknown format.
    """
    if fmt == "table":
        return format_table(claims, width=width) + "\n"
    if fmt == "json":
        return (
            json.dumps([c.model_dump(mode="json") for c in claims], ensure_ascii=False, indent=2)
            + "\n"
        )
    if fmt == "jsonl":
        return "".join(c.model_dump_json() + "\n" for c in claims)
    if fmt == "csv":
        return to_csv(claims)
    raise QueryError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def summary_html(summary: Summary) -> str:
    """The summary as a small HTML table (what Jupyter shows for a map)."""
    from html import escape

    rels = ", ".join(f"{v} {k}" for k, v in summary.relations.items()) or "no relations"
    head = "".join(f"<th>{escape(s)}</th>" for s in summary.stances)
    body = []
    for f in summary.factions:
        cells = "".join(
            f"<td>{summary.matrix[f][s]} <small>({summary.independent[f][s]})</small></td>"
            for s in summary.stances
        )
        body.append(f"<tr><th>{escape(f)}</th>{cells}</tr>")
    return (
        f"<div><b>ArgumentMap</b>: {summary.documents} documents, {summary.claims} claims, {escape(rels)}"
        f"<table><thead><tr><th>faction</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        "<small>claims (independent documents)</small></div>"
    )
