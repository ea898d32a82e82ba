"""End to end on the seeds: files, provenance, determinism, graph round trip."""

from __future__ import annotations

import json

import networkx as nx

import argmap
from argmap.evaluate import evaluate, read_gold_claims, read_gold_relations
from argmap.export.files import OUTPUT_FILES
from argmap.models import Claim, Document, Manifest

from .conftest import GOLD, RAW


def test_build_writes_the_four_files(seed_build):
    out, amap = seed_build
    for name in OUTPUT_FILES:
        assert (out / name).is_file(), name
    assert len(amap.documents) == 5
    assert len(amap.claim_list) > 40


def test_every_record_validates(seed_build):
    out, _ = seed_build
    for line in (out / "claims.jsonl").read_text(encoding="utf-8").splitlines():
        Claim.model_validate_json(line)
    for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        Document.model_validate_json(line)
    Manifest.model_validate_json((out / "manifest.json").read_text(encoding="utf-8"))


def test_offsets_point_into_the_original_text(seed_build):
    _, amap = seed_build
    texts = {p.stem: open(p, encoding="utf-8").read() for p in RAW.glob("*.txt")}
    for claim in amap.claim_list:
        doc_text = texts[claim.doc_id]
        assert doc_text[claim.start : claim.end] == claim.text
        for mention in claim.mentions:
            assert doc_text[mention.start : mention.end] == mention.text
            assert claim.start <= mention.start and mention.end <= claim.end


def test_graph_loads_with_node_link_graph(seed_build):
    out, amap = seed_build
    data = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    graph = nx.node_link_graph(data, edges="edges")
    claim_nodes = [n for n, d in graph.nodes(data=True) if d.get("kind") == "claim"]
    assert len(claim_nodes) == len(amap.claim_list)
    for _u, _v, d in graph.edges(data=True):
        assert "relation" in d
        if d["relation"] in {"restates", "supports", "contrasts"}:
            assert d["basis"]


def test_two_builds_are_byte_identical(seed_build, tmp_path):
    out, _ = seed_build
    argmap.build(RAW, out=tmp_path)
    for name in OUTPUT_FILES:
        assert (out / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_load_round_trip(seed_build):
    out, amap = seed_build
    loaded = argmap.load(out)
    assert loaded.claim_list == amap.claim_list
    assert sorted(loaded.relations, key=repr) == sorted(amap.relations, key=repr)


def test_eval_against_gold_is_measurable(seed_build):
    out, amap = seed_build
    gold = read_gold_claims(GOLD / "seeds.claims.jsonl", RAW)
    scores = evaluate(
        amap.claim_list,
        gold,
        predicted_relations=amap.relations,
        gold_relations=read_gold_relations(GOLD / "seeds.relations.jsonl"),
    )
    # Floors well below the targets: a regression guard, not the target itself.
    assert scores["claims"]["f1"] >= 0.80
    assert scores["factions"]["f1"] >= 0.80
    assert set(scores["relations"]) == {"restates", "supports", "contrasts"}


def test_gold_scored_against_itself_is_perfect():
    gold = read_gold_claims(GOLD / "seeds.claims.jsonl", RAW)
    as_claims = [
        Claim(
            id=g.id,
            doc_id=g.doc_id,
            start=g.start,
            end=g.end,
            text=open(RAW / f"{g.doc_id}.txt", encoding="utf-8").read()[g.start : g.end],
            factions=list(g.factions),
            mentions=[],
            stance=g.stance,
            certainty=g.certainty,
            cues=[],
            source=g.source,
            sentence=0,
        )
        for g in gold
    ]
    scores = evaluate(as_claims, gold)
    assert scores["claims"]["f1"] == 1.0
    assert scores["factions"]["f1"] == 1.0
    assert scores["stance"]["accuracy"] == 1.0
    assert scores["source"]["accuracy"] == 1.0
