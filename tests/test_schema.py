"""The JSON Schema: generated from the models, shipped as a file, and true of real output."""

from __future__ import annotations

import json

import jsonschema
import pytest

from argmap.schema import output_schema, shipped_schema


def bundle(directory):
    return {
        "claims.jsonl": [
            json.loads(x) for x in (directory / "claims.jsonl").read_text().splitlines()
        ],
        "documents.jsonl": [
            json.loads(x) for x in (directory / "documents.jsonl").read_text().splitlines()
        ],
        "graph.json": json.loads((directory / "graph.json").read_text()),
        "manifest.json": json.loads((directory / "manifest.json").read_text()),
    }


def test_shipped_schema_is_current():
    assert shipped_schema() == output_schema(), (
        "regenerate: argmap schema > src/argmap/data/argmap.schema.json"
    )


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(output_schema())


def test_real_output_validates(seed_build):
    data = bundle(seed_build[0])
    assert data["claims.jsonl"]
    jsonschema.Draft202012Validator(shipped_schema()).validate(data)


def test_schema_rejects_a_bad_claim(seed_build):
    data = bundle(seed_build[0])
    data["claims.jsonl"][0]["stance"] = "furious"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(output_schema()).validate(data)
    data = bundle(seed_build[0])
    del data["claims.jsonl"][0]["start"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(output_schema()).validate(data)
