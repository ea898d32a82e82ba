"""Writing record by record: graph.json as networkx would write it, a generation file by file.

graph.json is written one record at a time, without the networkx graph, its
node-link dict or the whole text; it must be the very text that
``json.dumps(node_link_data(build_graph(...)))`` gives, whatever the map.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from argmap.errors import OutputError
from argmap.export.files import (
    CLAIMS,
    CURRENT,
    GRAPH,
    OUTPUT_FILES,
    STATE_DIR,
    dumps,
    generation,
    write_outputs,
)
from argmap.export.nodelink import node_link_text
from argmap.graph import build_graph, to_json
from argmap.models import Claim, Document, Relation

from .mapfixtures import tiny_map

pytestmark = pytest.mark.usefixtures("shared_pipeline")


def graph_text(documents, claims, relations) -> str:
    """graph.json as networkx writes it: the reference for the streaming writer."""
    return dumps(to_json(build_graph(documents, claims, relations)), compact=True)


def streamed(documents, claims, relations) -> str:
    records = lambda: (c.model_dump(mode="json") for c in claims)  # noqa: E731
    return "".join(node_link_text(documents, claims, relations, records=records))


# graph.json record by record


def test_streamed_graph_equals_node_link_data_on_the_seeds(seed_build):
    out, amap = seed_build
    expected = graph_text(amap.documents, amap.claim_list, amap.relations)
    assert streamed(amap.documents, amap.claim_list, amap.relations) == expected
    assert (out / GRAPH).read_text(encoding="utf-8") == expected


def test_streamed_graph_takes_overlaps_apart_from_the_documents(seed_build):
    _, amap = seed_build
    assert any(d.overlaps for d in amap.documents)
    from argmap.link import Overlap

    bare = [d.model_copy(update={"overlaps": []}) for d in amap.documents]
    overlaps = {
        d.doc_id: [Overlap(o.doc_id, o.restated_claims, o.share) for o in d.overlaps]
        for d in amap.documents
    }
    text = "".join(
        node_link_text(
            bare,
            amap.claim_list,
            amap.relations,
            records=lambda: (c.model_dump(mode="json") for c in amap.claim_list),
            overlaps=overlaps,
        )
    )
    assert text == graph_text(amap.documents, amap.claim_list, amap.relations)


def test_streamed_graph_equals_node_link_data_on_a_hand_made_map():
    amap = tiny_map()
    expected = graph_text(amap.documents, amap.claim_list, amap.relations)
    assert streamed(amap.documents, amap.claim_list, amap.relations) == expected


def _claim(doc_id: str, start: int, factions: list[str], stance: str = "loyal") -> Claim:
    return Claim(
        id=f"{doc_id}:{start}-{start + 1}",
        doc_id=doc_id,
        start=start,
        end=start + 1,
        text="x",
        factions=factions,
        mentions=[],
        stance=stance,  # type: ignore[arg-type]
        certainty="asserted",
        cues=[],
        source=None,
        sentence=0,
    )


def _doc(doc_id: str) -> Document:
    return Document(doc_id=doc_id, path=f"{doc_id}.txt", sha256="0" * 64)


@pytest.mark.parametrize(
    "case",
    [
        "repeated faction",
        "two relations between one pair",
        "relation to itself",
        "claim id like a document node",
        "two claims with one id",
        "relation from an unknown claim",
        "claim of an unknown document",
        "no claims",
    ],
)
def test_streamed_graph_equals_node_link_data_on_odd_maps(case: str):
    docs = [_doc("a"), _doc("b")]
    a1, a2 = _claim("a", 1, ["fsb", "elites", "fsb"]), _claim("a", 5, ["military"], "disloyal")
    b1 = _claim("b", 3, ["elites", "fsb"], "targeted")
    claims = [a1, a2, b1]
    relations = [
        Relation(source=b1.id, target=a1.id, relation="restates", basis="near-duplicate:0.90"),
        Relation(source=a2.id, target=a1.id, relation="contrasts", basis="discourse:but"),
    ]
    if case == "two relations between one pair":
        relations.append(
            Relation(source=a2.id, target=a1.id, relation="supports", basis="evidence:x")
        )
        relations.append(Relation(source=a2.id, target=b1.id, relation="supports", basis="e:y"))
        relations.append(Relation(source=a2.id, target=a1.id, relation="contrasts", basis="z"))
    elif case == "relation to itself":
        relations.append(Relation(source=a1.id, target=a1.id, relation="supports", basis="e"))
    elif case == "claim id like a document node":
        docs = [_doc("doc"), _doc("1-2")]
        claims = [_claim("doc", 1, ["fsb"]), _claim("1-2", 0, ["fsb"])]
        relations = []
    elif case == "two claims with one id":
        claims.append(_claim("b", 3, ["oligarchs"], "neutral"))
    elif case == "relation from an unknown claim":
        relations.append(Relation(source="c:0-1", target=a1.id, relation="supports", basis="e"))
    elif case == "claim of an unknown document":
        claims.append(_claim("c", 0, ["fsb"]))
    elif case == "no claims":
        claims, relations = [], []
    expected = graph_text(docs, claims, relations)
    assert streamed(docs, claims, relations) == expected


# generations written file by file


def test_a_failed_generation_leaves_the_outputs_in_force(tmp_path: Path):
    out = tmp_path / "out"
    write_outputs(out, {name: f"old {name}\n" for name in OUTPUT_FILES})
    current = os.readlink(out / STATE_DIR / CURRENT)

    class Interrupted(Exception):
        pass

    with pytest.raises(Interrupted), generation(out) as gen:
        with gen.file(CLAIMS) as handle:
            handle.write("half a file")
        raise Interrupted
    assert os.readlink(out / STATE_DIR / CURRENT) == current
    assert [p.name for p in (out / STATE_DIR).iterdir() if p.name.startswith("gen-")] == [current]
    for name in OUTPUT_FILES:
        assert (out / name).read_text(encoding="utf-8") == f"old {name}\n"


def test_a_write_that_fails_is_an_output_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import errno

    out = tmp_path / "out"
    write_outputs(out, {CLAIMS: "old\n"})

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    message = "No space left on device.*previous outputs are kept"
    with (
        pytest.raises(OutputError, match=message),
        generation(out) as gen,
        gen.file(CLAIMS) as handle,
    ):
        monkeypatch.setattr(handle._handle, "write", full)
        handle.write("new\n")
    assert (out / CLAIMS).read_text(encoding="utf-8") == "old\n"
    with pytest.raises(OutputError, match="not a plain output file name"), generation(out) as gen:
        gen.file("../escape.json")
