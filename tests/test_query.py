"""Claim filters, summary and explain, through the library (the CLI tests mirror them)."""

from __future__ import annotations

import csv
import io
import json

import pytest

import argmap
from argmap.errors import QueryError
from argmap.query import explain, filter_claims, render, summarize

from .mapfixtures import tiny_map


def ids(claims):
    return [c.id for c in claims]


def test_filters_each_field():
    amap = tiny_map()
    c1, c2, c3, c4 = amap.claim_list
    assert ids(amap.claims()) == ids(amap.claim_list)
    assert ids(amap.claims(faction="military")) == [c4.id]
    assert ids(amap.claims(stance="loyal")) == [c2.id, c4.id]
    assert ids(amap.claims(certainty="hedged")) == [c2.id]
    assert ids(amap.claims(doc="b")) == [c4.id]
    assert ids(amap.claims(source="EXPERTS")) == [c1.id]
    assert ids(amap.claims(source="author")) == [c2.id, c3.id, c4.id]
    assert ids(amap.claims(text=r"plott\w+")) == [c1.id]
    assert ids(amap.claims(text="KREMLIN")) == [c2.id]
    assert ids(amap.claims(related_to=c1.id)) == [c2.id, c3.id]
    assert ids(amap.claims(related_to=c1.id, stance="loyal")) == [c2.id]


def test_filter_errors_are_named():
    amap = tiny_map()
    with pytest.raises(QueryError, match="regular expression"):
        amap.claims(text="(")
    with pytest.raises(QueryError, match="no claim"):
        amap.claims(related_to="nope:1-2")


def test_filter_function_is_the_method():
    amap = tiny_map()
    assert filter_claims(amap.claim_list, stance="loyal") == amap.claims(stance="loyal")


def test_summary_matrix_and_sources():
    amap = tiny_map()
    s = summarize(amap)
    assert s.documents == 2 and s.claims == 4
    assert s.matrix["fsb"] == {"loyal": 1, "disloyal": 1, "targeted": 0, "neutral": 1}
    assert s.independent["fsb"]["loyal"] == 1
    assert s.voices["fsb"] == {"loyal": 1, "disloyal": 1, "targeted": 0, "neutral": 1}
    assert s.relations == {"contrasts": 1, "restates": 1, "supports": 1}
    assert s.top_sources[0][1] == 1
    assert [c[0] for c in s.contested] == ["fsb"]
    text = str(s)
    assert "faction" in text and "fsb" in text and "most contested" in text
    json.dumps(s.to_dict())


def test_summary_counts_syndicated_copies_once():
    from argmap.models import DocumentOverlap

    amap = tiny_map()
    a, b = amap.documents
    amap.documents = [
        a.model_copy(
            update={"overlaps": [DocumentOverlap(doc_id="b", restated_claims=1, share=0.9)]}
        ),
        b,
    ]
    amap.claim_list = [c.model_copy(update={"factions": ["fsb"]}) for c in amap.claim_list]
    s = summarize(amap)
    assert s.matrix["fsb"]["loyal"] == 2
    assert s.independent["fsb"]["loyal"] == 1
    assert s.voices["fsb"]["loyal"] == 1  # both in their author's voice, one source


def test_explain_lists_rules_with_descriptions():
    amap = tiny_map()
    c2 = amap.claim_list[1]
    expl = explain(amap, c2.id)
    by_id = {r.id: r for r in expl.rules}
    assert by_id["fsb.fsb"].type == "faction" and by_id["fsb.fsb"].description
    assert by_id["loyal.support+negation"].label == "loyal"
    assert any("negated" in m for m in by_id["loyal.support+negation"].modifiers)
    assert [r.relation for r in expl.relations] == ["contrasts", "restates"]
    text = str(expl)
    assert "loyal.support" in text and "cues" in text
    with pytest.raises(QueryError):
        explain(amap, "missing")


def test_render_formats():
    claims = tiny_map().claim_list
    table = render(claims, "table")
    assert claims[0].id in table and "(4 claims)" in table
    assert len(json.loads(render(claims, "json"))) == 4
    assert [json.loads(line)["id"] for line in render(claims, "jsonl").splitlines()] == ids(claims)
    rows = list(csv.DictReader(io.StringIO(render(claims, "csv"))))
    assert rows[2]["text"].startswith("'=")
    assert render([], "table").startswith("(no claims)")
    with pytest.raises(QueryError):
        render(claims, "xml")


def test_seed_map_queries(seed_build):
    amap = argmap.load(seed_build[0])
    fsb = amap.claims(faction="fsb")
    assert fsb and all("fsb" in c.factions for c in fsb)
    s = amap.summary()
    assert sum(sum(row.values()) for row in s.matrix.values()) == sum(
        len(c.factions) for c in amap.claim_list
    )
    some = amap.claim_list[0]
    assert amap.explain(some.id).claim == some


def test_repr_html_is_a_compact_escaped_summary():
    amap = tiny_map()
    html = amap._repr_html_()
    assert "<table>" in html and "4 claims" in html and "<script" not in html


def test_every_rule_of_the_seed_build_is_explained(seed_build):
    """Each rule id a claim carries is found in the rule files or among the built-in ones."""
    amap = argmap.load(seed_build[0])
    for claim in amap.claim_list:
        for use in explain(amap, claim.id).rules:
            assert use.type != "unknown", (claim.id, use.id)
            assert use.description, use.id
            assert all(not m.endswith(": modifier") for m in use.modifiers), use.modifiers
