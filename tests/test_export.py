"""Exports: GraphML (Gephi), AIF, CSV, Cytoscape and the HTML page, through the library."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

import argmap
from argmap.errors import QueryError
from argmap.export import FORMATS, export
from argmap.export.graphml import clean_text
from argmap.export.html import document_texts, json_for_script

from .mapfixtures import HOSTILE_IMG, HOSTILE_LINK, HOSTILE_SCRIPT, SEEDS, tiny_map

NS = "{http://graphml.graphdrawing.org/xmlns}"


# -- GraphML ---------------------------------------------------------------------------


def test_graphml_is_gephi_safe_and_round_trips():
    amap = tiny_map()
    text = amap.export("graphml")
    root = ET.fromstring(text.encode("utf-8"))
    keys = root.findall(f"{NS}key")
    assert len({k.get("id") for k in keys}) == len(keys), "key ids must be unique"
    assert len({(k.get("for"), k.get("attr.name")) for k in keys}) == len(keys), (
        "one type per attribute"
    )
    assert "\x0b" not in text and "None" not in text
    back = nx.read_graphml(io.StringIO(text), force_multigraph=True)
    graph = amap.graph
    assert set(back.nodes) == set(graph.nodes)
    assert back.number_of_edges() == graph.number_of_edges()
    for node, data in graph.nodes(data=True):
        got = back.nodes[node]
        assert got["label"]
        for key, value in data.items():
            if value is None or key == "id":
                assert key not in got
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                assert got[key] == clean_text("; ".join(value))
            elif isinstance(value, list | dict):
                assert json.loads(got[key]) == json.loads(clean_text(json.dumps(value)))
            elif isinstance(value, str):
                assert got[key] == clean_text(value)
            else:
                assert got[key] == value
    assert all(isinstance(d["weight"], float) for _, _, d in back.edges(data=True))
    relations = {
        (u, v, d["relation"])
        for u, v, d in back.edges(data=True)
        if d["relation"] in argmap.models.RELATIONS
    }
    assert relations == {(r.source, r.target, r.relation) for r in amap.relations}


def test_graphml_of_the_seeds_parses(seed_build):
    amap = argmap.load(seed_build[0])
    back = nx.read_graphml(io.StringIO(amap.export("graphml")), force_multigraph=True)
    assert back.number_of_nodes() == amap.graph.number_of_nodes()


def test_clean_text_drops_xml_invalid_characters():
    assert clean_text("a\x00b\x0bc\x1fd\tе\n") == "abcd\tе\n"


# -- AIF -------------------------------------------------------------------------------


def test_aif_nodes_edges_locutions():
    amap = tiny_map()
    aif = json.loads(amap.export("aif"))
    nodes = {n["nodeID"]: n for n in aif["nodes"]}
    assert len({n["nodeID"] for n in aif["nodes"]}) == len(aif["nodes"])
    i_nodes = [n for n in aif["nodes"] if n["type"] == "I"]
    assert [n["text"] for n in i_nodes] == [c.text for c in amap.claim_list]
    assert sorted(n["type"] for n in aif["nodes"] if n["type"] in {"RA", "CA", "MA"}) == [
        "CA",
        "MA",
        "RA",
    ]
    claim_of = aif["argmap"]["claims"]
    for rel in amap.relations:
        kind = {"supports": "RA", "contrasts": "CA", "restates": "MA"}[rel.relation]
        src = next(k for k, v in claim_of.items() if v == rel.source)
        dst = next(k for k, v in claim_of.items() if v == rel.target)
        middle = [
            e["toID"]
            for e in aif["edges"]
            if e["fromID"] == src and nodes[e["toID"]]["type"] == kind
        ]
        assert any(e["fromID"] == m and e["toID"] == dst for e in aif["edges"] for m in middle)
    for edge in aif["edges"]:
        assert edge["fromID"] in nodes and edge["toID"] in nodes
    people = {p["participantID"]: p["firstname"] for p in aif["participants"]}
    speakers = [people[loc["personID"]] for loc in aif["locutions"]]
    assert speakers[0] == amap.claim_list[0].source  # a reported claim keeps its source
    assert speakers[1] == "author of a" and speakers[3] == "Ann Author"
    assert all(nodes[loc["nodeID"]]["type"] == "L" for loc in aif["locutions"])


# -- CSV -------------------------------------------------------------------------------


def test_csv_neutralises_formulas_and_has_bom_option():
    amap = tiny_map()
    plain = amap.export("csv")
    assert not plain.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(plain)))
    assert len(rows) == 4
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert rows[2]["text"] == "'" + amap.claim_list[2].text
    assert rows[0]["factions"] == "fsb"
    assert amap.export("csv", bom=True).startswith("\ufeffid,")
    assert amap.export("csv", bom=True).encode("utf-8").startswith(b"\xef\xbb\xbf")


# -- Cytoscape -------------------------------------------------------------------------


def test_cytoscape_elements():
    amap = tiny_map()
    cy = json.loads(amap.export("cytoscape"))
    nodes, edges = cy["elements"]["nodes"], cy["elements"]["edges"]
    ids = {n["data"]["id"] for n in nodes}
    assert ids == {c.id for c in amap.claim_list} | {"faction:fsb", "faction:military"}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    claim = next(n["data"] for n in nodes if n["data"]["id"] == amap.claim_list[0].id)
    assert claim["stanceColor"] and claim["factionColor"]
    assert {e["data"]["relation"] for e in edges} == {"about", "supports", "contrasts", "restates"}


# -- HTML ------------------------------------------------------------------------------


def test_json_for_script_cannot_close_the_element():
    text = json_for_script({"t": HOSTILE_SCRIPT + "&amp; <!-- \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"t": HOSTILE_SCRIPT + "&amp; <!-- \u2028"}


def test_html_is_self_contained_with_a_strict_csp():
    amap = tiny_map()
    page = amap.export("html")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert len(re.findall(r"<script\b", page)) == 3
    assert not re.search(r"<script[^>]+src=", page)
    assert "https://" not in page.split("<script>")[0]
    # The hostile text is only present as escaped JSON.
    for hostile in (HOSTILE_SCRIPT, HOSTILE_IMG, HOSTILE_LINK):
        assert hostile not in page
    data = page.split('<script type="application/json" id="argmap-data">')[1].split("</script>")[0]
    payload = json.loads(data)
    assert payload["documents"][0]["text"] == amap.documents[0].text
    assert len(payload["claims"]) == 4


def test_html_reads_article_text_back_from_files(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    out = tmp_path / "claims"
    amap = argmap.build(SEEDS, out=out)
    loaded = argmap.load(out)
    # A build keeps no texts (it streams); they are read back from the files.
    texts = {d.doc_id: open(d.path, encoding="utf-8").read() for d in amap.documents}
    assert document_texts(loaded.documents) == texts
    assert document_texts(amap.documents) == texts
    for doc in loaded.documents:
        (raw / (doc.doc_id + ".txt")).write_bytes((SEEDS / (doc.doc_id + ".txt")).read_bytes())
    moved = [
        d.model_copy(update={"path": str(tmp_path / "gone" / (d.doc_id + ".txt"))})
        for d in loaded.documents
    ]
    assert document_texts(moved) == {}
    assert set(document_texts(moved, raw=raw)) == {d.doc_id for d in moved}


def test_unknown_format():
    with pytest.raises(QueryError):
        export(tiny_map(), "pdf")
    assert set(FORMATS) == {"graphml", "aif", "csv", "html", "cytoscape"}


def test_export_file_has_the_usual_permissions(tmp_path):
    import os
    import stat

    target = tmp_path / "map.csv"
    tiny_map().export("csv", target)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
