"""HTML export: one self-contained, offline page to explore the map.

The page holds the graph (Cytoscape.js, vendored in ``vendor/`` and inlined),
a claim table with filters, and the article text with the selected claim
highlighted. Article text is data, never markup: everything from the corpus is
embedded as JSON in a ``<script type="application/json">`` element, with
``<``, ``>`` and ``&`` written as ``\\u`` escapes so that no text can close the
element, and the page script renders it with ``textContent`` only. A
Content-Security-Policy allows the page's own two scripts (by hash) and
nothing else: no network access, no other script, no form, no frame.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from argmap import __version__
from argmap.errors import ArgmapError
from argmap.export.cytoscape import RELATION_COLORS, STANCE_COLORS, elements, faction_colors
from argmap.ingest import decode
from argmap.models import Claim, Document, Relation

CYTOSCAPE_VERSION = "3.34.4"
_PLACEHOLDER = re.compile(r"@(CSP|TITLE|STYLE|CYTOSCAPE|APP|DATA)@")


def json_for_script(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _asset(name: str) -> str:
    return (resources.files("argmap.export") / name).read_text(encoding="utf-8")


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def document_texts(
    documents: Sequence[Document],
    *,
    raw: Path | str | Sequence[Path | str] | None = None,
    encoding: str = "utf-8",
) -> dict[str, str]:
    """The text of each document whose file can still be read unchanged.

    A map built in this process keeps its texts; a loaded one reads each
    document's file again and keeps its text only if the sha256 matches the
    build, decoded as the build decoded it, so that offsets stay true. The
    file is looked for in each ``raw`` folder (by name, then by its recorded
    relative path), then at its recorded path.

    Args:
        documents: the documents.
        raw: a folder, or folders, to look for the articles in.
        encoding: the encoding the build read the articles with.
    """
    folders = [] if raw is None else [raw] if isinstance(raw, str | Path) else list(raw)
    out = {}
    for doc in documents:
        if doc.text:
            out[doc.doc_id] = doc.text
            continue
        recorded = Path(doc.path)
        candidates = [Path(f) / recorded.name for f in folders]
        if not recorded.is_absolute():
            candidates += [Path(f) / recorded for f in folders]
        candidates.append(recorded)
        for path in candidates:
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if hashlib.sha256(data).hexdigest() != doc.sha256:
                continue
            try:
                out[doc.doc_id] = decode(data, encoding=encoding, name=str(path))
            except ArgmapError:
                continue
            break
    return out


def viewer_data(
    documents: Sequence[Document],
    claims: Sequence[Claim],
    relations: Sequence[Relation],
    *,
    texts: Mapping[str, str] | None = None,
    title: str = "argmap",
) -> dict[str, Any]:
    """Everything the page shows, as plain data."""
    texts = texts or {}
    factions = sorted({f for c in claims for f in c.factions})
    return {
        "title": title,
        "version": __version__,
        "factions": faction_colors(factions),
        "stances": STANCE_COLORS,
        "relations": RELATION_COLORS,
        "documents": [
            {
                "doc_id": d.doc_id,
                "title": d.title,
                "date": d.date,
                "author": d.author,
                "url": d.url,
                "text": texts.get(d.doc_id),
            }
            for d in documents
        ],
        "claims": [
            {
                "id": c.id,
                "doc_id": c.doc_id,
                "start": c.start,
                "end": c.end,
                "text": c.text,
                "factions": c.factions,
                "stance": c.stance,
                "certainty": c.certainty,
                "source": c.source,
                "cues": c.cues,
            }
            for c in claims
        ],
        "elements": elements(claims, relations),
    }


def to_html(
    documents: Sequence[Document],
    claims: Sequence[Claim],
    relations: Sequence[Relation],
    *,
    texts: Mapping[str, str] | None = None,
    title: str = "argmap",
) -> str:
    """The viewer page as one HTML string.

    Args:
        documents: the documents.
        claims: the claims.
        relations: the claim relations.
        texts: article text by document id (see :func:`document_texts`); a
            document without one shows only its claims.
        title: the page title.
    """
    data = json_for_script(viewer_data(documents, claims, relations, texts=texts, title=title))
    library = _asset("vendor/cytoscape.min.js")
    app = _asset("viewer.js")
    style = _asset("viewer.css")
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_csp_hash(library)} {_csp_hash(app)}",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "connect-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-src 'none'",
            "object-src 'none'",
        ]
    )
    values = {
        "CSP": csp,
        "TITLE": _escape(title),
        "STYLE": style,
        "CYTOSCAPE": library,
        "APP": app,
        "DATA": data,
    }
    # One pass over the template: text inserted is never scanned for placeholders again.
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], _asset("viewer.html"))


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
