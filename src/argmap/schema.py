"""JSON Schema of the output files, generated from the pydantic models.

``argmap schema`` prints it; a copy ships as ``argmap/data/argmap.schema.json``
(a test keeps the two equal and validates real build output against it). The
schema describes a bundle whose properties are the files of an output folder:
each JSON Lines file is an array of its records, so a single record validates
against ``#/$defs/Claim`` or ``#/$defs/Document``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from pydantic.json_schema import models_json_schema

from argmap.export.files import CLAIMS, DOCUMENTS, GRAPH, MANIFEST
from argmap.models import SCHEMA_VERSION, Claim, Document, Manifest, Mention, Relation

SHIPPED = "argmap.schema.json"
RELATIONS = ("restates", "supports", "contrasts")


def _graph_schema() -> dict[str, Any]:
    claim_fields = Claim.model_json_schema(mode="serialization")["required"]
    return {
        "title": "Graph",
        "description": "networkx.node_link_data(G, edges='edges') of a directed multigraph.",
        "type": "object",
        "required": ["directed", "multigraph", "nodes", "edges"],
        "properties": {
            "directed": {"const": True},
            "multigraph": {"const": True},
            "graph": {"type": "object"},
            "nodes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "kind"],
                    "properties": {"id": {"type": "string"}, "kind": {"type": "string"}},
                    "if": {"properties": {"kind": {"const": "claim"}}},
                    "then": {"required": claim_fields},
                },
            },
            "edges": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["source", "target", "relation"],
                    "properties": {
                        "source": {"type": "string"},
                        "target": {"type": "string"},
                        "relation": {"type": "string"},
                    },
                    "if": {"properties": {"relation": {"enum": list(RELATIONS)}}},
                    "then": {"required": ["basis"]},
                },
            },
        },
    }


def output_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an output folder's files."""
    _, top = models_json_schema(
        [(m, "serialization") for m in (Claim, Document, Manifest, Mention, Relation)],
        ref_template="#/$defs/{model}",
    )
    defs = dict(sorted(top["$defs"].items()))
    defs["Graph"] = _graph_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:argmap:outputs:{SCHEMA_VERSION}",
        "title": "argmap outputs",
        "description": (
            f"The files argmap build writes (schema_version {SCHEMA_VERSION}); "
            "JSON Lines files are given as arrays of their records."
        ),
        "type": "object",
        "properties": {
            CLAIMS: {"type": "array", "items": {"$ref": "#/$defs/Claim"}},
            DOCUMENTS: {"type": "array", "items": {"$ref": "#/$defs/Document"}},
            GRAPH: {"$ref": "#/$defs/Graph"},
            MANIFEST: {"$ref": "#/$defs/Manifest"},
        },
        "$defs": defs,
    }


def schema_text() -> str:
    """The schema as stable, indented JSON text (what ``argmap schema`` prints)."""
    return json.dumps(output_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def shipped_schema() -> dict[str, Any]:
    """The schema file shipped in the package."""
    return json.loads((resources.files("argmap") / "data" / SHIPPED).read_text(encoding="utf-8"))
