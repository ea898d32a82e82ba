"""GraphML export, for Gephi, yEd and Cytoscape desktop.

GraphML attributes are scalars of one type per key, and XML 1.0 forbids most
control characters, so every attribute is flattened: lists become ``; ``-joined
strings, nested records (mentions) become JSON strings, missing values are left
out, and characters XML cannot hold are dropped. Every node gets a ``label``
(Gephi shows it), every edge a ``weight`` (the relation's score, else 1), and
claim edges keep ``relation`` and ``basis``.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import networkx as nx

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
LABEL_CHARS = 80


def clean_text(text: str) -> str:
    """Text with the characters XML 1.0 cannot hold removed."""
    return _XML_INVALID.sub("", text)


def _scalar(value: Any) -> str | int | float | bool | None:
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return clean_text("; ".join(value))
    return clean_text(json.dumps(value, ensure_ascii=False, sort_keys=True))


def _flat(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        flat = _scalar(value)
        if flat is not None:
            out[clean_text(str(key))] = flat
    return out


def _label(node: str, data: dict[str, Any]) -> str:
    kind = data.get("kind")
    if kind == "claim":
        text = str(data.get("text", node))
        return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
    if kind == "document":
        return str(data.get("title") or data.get("doc_id") or node)
    return str(data.get("label") or node)


def gephi_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of the map's graph with only scalar, XML-safe attributes."""
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        attrs = _flat(data)
        attrs["label"] = clean_text(_label(node, data))
        # The node id is the GraphML id already; a second 'id' key would confuse readers.
        attrs.pop("id", None)
        flat.add_node(clean_text(str(node)), **attrs)
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = _flat(data)
        attrs["weight"] = float(data.get("score", 1.0))  # Gephi's edge weight
        flat.add_edge(clean_text(str(u)), clean_text(str(v)), key=clean_text(str(key)), **attrs)
    _one_type_per_key(dict(flat.nodes(data=True)).values())
    _one_type_per_key(d for _, _, d in flat.edges(data=True))
    return flat


def _one_type_per_key(records: Any) -> None:
    """Cast values so that each attribute has one GraphML type (ints with floats become floats)."""
    records = list(records)
    types: dict[str, set[type]] = {}
    for data in records:
        for key, value in data.items():
            types.setdefault(key, set()).add(type(value))
    for key, seen in types.items():
        if len(seen) < 2:
            continue
        cast: type = float if seen <= {int, float} else str
        for data in records:
            if key in data:
                data[key] = cast(data[key]) if cast is float else str(data[key])


def to_graphml(graph: nx.MultiDiGraph) -> str:
    """The graph as a GraphML document (UTF-8 XML text)."""
    buffer = io.BytesIO()
    nx.write_graphml(gephi_graph(graph), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue().decode("utf-8")
