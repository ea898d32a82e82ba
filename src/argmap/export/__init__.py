"""Writers of argmap's outputs: the build files (``files``) and one module per export format.

:func:`export` renders a map in any of :data:`FORMATS`; ``argmap export`` and
:meth:`argmap.ArgumentMap.export` both call it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from argmap.errors import QueryError

if TYPE_CHECKING:
    from argmap.api import ArgumentMap

#: Export formats, each a module of this package.
FORMATS = ("graphml", "aif", "csv", "html", "cytoscape")


def export(
    amap: ArgumentMap,
    fmt: str,
    *,
    bom: bool = False,
    raw: Path | str | Sequence[Path | str] | None = None,
    title: str = "argmap",
) -> str:
    """The map rendered in one export format.

    Args:
        amap: the map.
        fmt: one of :data:`FORMATS`.
        bom: CSV only: start with a UTF-8 byte-order mark.
        raw: HTML only: a folder (or folders) holding the input articles, when
            they are no longer at the paths recorded at build time.
        title: HTML only: the page title.

    Returns:
        The export as text.

    Raises:
        QueryError: unknown format.
    """
    if fmt == "graphml":
        from argmap.export.graphml import to_graphml

        return to_graphml(amap.graph)
    if fmt == "aif":
        from argmap.export.aif import to_aif

        aif = to_aif(amap.documents, amap.claim_list, amap.relations)
        return json.dumps(aif, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        from argmap.export.csv import to_csv

        return to_csv(amap.claim_list, bom=bom)
    if fmt == "cytoscape":
        from argmap.export.cytoscape import to_cytoscape

        return (
            json.dumps(to_cytoscape(amap.claim_list, amap.relations), ensure_ascii=False, indent=2)
            + "\n"
        )
    if fmt == "html":
        from argmap.export.html import document_texts, to_html

        encoding = str(getattr(amap.manifest, "encoding", None) or "utf-8")
        texts = document_texts(amap.documents, raw=raw, encoding=encoding)
        return to_html(amap.documents, amap.claim_list, amap.relations, texts=texts, title=title)
    raise QueryError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
