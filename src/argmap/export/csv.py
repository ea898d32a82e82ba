"""CSV export: one claim a row, for spreadsheets.

UTF-8 (with an optional byte-order mark for Excel), a header row, lists joined
with ``; ``, and every cell that a spreadsheet would run as a formula (starting
with ``= + - @``, a tab or a carriage return) prefixed with ``'``, as OWASP
advises against CSV injection.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from argmap.models import Claim

#: Columns of the CSV export, in order.
COLUMNS = (
    "id",
    "doc_id",
    "start",
    "end",
    "factions",
    "stance",
    "certainty",
    "source",
    "cues",
    "rules",
    "text",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def claim_row(claim: Claim) -> dict[str, Any]:
    """A claim as a flat row: lists joined with ``; ``, no source as empty."""
    return {
        "id": claim.id,
        "doc_id": claim.doc_id,
        "start": claim.start,
        "end": claim.end,
        "factions": "; ".join(claim.factions),
        "stance": claim.stance,
        "certainty": claim.certainty,
        "source": claim.source or "",
        "cues": "; ".join(claim.cues),
        "rules": "; ".join(claim.rules),
        "text": claim.text,
    }


def neutralise(cell: Any) -> Any:
    """A spreadsheet cell that cannot run as a formula."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def to_csv(claims: Iterable[Claim], *, bom: bool = False) -> str:
    """Claims as CSV text.

    Args:
        claims: the claims.
        bom: start with a byte-order mark (for Excel on Windows).
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for claim in claims:
        writer.writerow({k: neutralise(v) for k, v in claim_row(claim).items()})
    return ("\ufeff" if bom else "") + buffer.getvalue()
