"""Building into a folder record by record: the same files and the same map as building in memory.

A build with ``out=`` writes its claims as each document is done, links from a
compact record of each claim and a layout of each text, and writes graph.json
one record at a time; a build without ``out`` keeps everything as models. Both
must give the very same bytes and the very same map.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import argmap
from argmap.errors import OutputError
from argmap.export.files import (
    CLAIMS,
    CURRENT,
    DOCUMENTS,
    GRAPH,
    MANIFEST,
    OUTPUT_FILES,
    STATE_DIR,
    dumps,
    generation,
    jsonl_line,
    write_outputs,
)
from argmap.export.nodelink import node_link_text
from argmap.graph import build_graph, to_json
from argmap.models import Claim, Document, DocumentOverlap, Relation

from .conftest import ARTICLE, OTHER, RAW
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


# the build


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    for name in sorted(RAW.glob("*.txt")):
        shutil.copy(name, raw / name.name)
    (raw / "copy.txt").write_text(ARTICLE, encoding="utf-8")
    (raw / "paraphrase.txt").write_text(OTHER, encoding="utf-8")
    (raw / "empty.txt").write_text("\n", encoding="utf-8")
    return raw


def test_built_files_are_those_of_the_map_built_in_memory(corpus: Path, tmp_path: Path):
    in_memory = argmap.build(corpus)
    written = argmap.build(corpus, out=tmp_path / "out", cache=False)
    out = tmp_path / "out"
    assert (out / CLAIMS).read_text(encoding="utf-8") == "".join(
        map(jsonl_line, in_memory.claim_list)
    )
    assert (out / DOCUMENTS).read_text(encoding="utf-8") == "".join(
        map(jsonl_line, in_memory.documents)
    )
    assert (out / GRAPH).read_text(encoding="utf-8") == dumps(in_memory.to_json(), compact=True)
    assert in_memory.manifest is not None
    assert (out / MANIFEST).read_text(encoding="utf-8") == dumps(
        in_memory.manifest.model_dump(mode="json")
    )
    assert written.manifest == in_memory.manifest
    argmap.write(in_memory, tmp_path / "again")
    for name in OUTPUT_FILES:
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes(), name


def test_the_map_built_into_a_folder_reads_its_claims_when_first_used(corpus: Path, tmp_path: Path):
    in_memory = argmap.build(corpus)
    written = argmap.build(corpus, out=tmp_path / "out")
    assert "claim_list" not in vars(written) and "documents" not in vars(written)
    assert written.counts() == in_memory.counts()
    assert repr(written) == repr(in_memory)
    assert "claim_list" not in vars(written)
    assert written.relations == in_memory.relations
    assert written.claim_list == in_memory.claim_list
    assert written.documents == in_memory.documents
    assert written.positions == in_memory.positions
    assert written.to_json() == in_memory.to_json()
    assert written.claims(faction="fsb", stance="disloyal") == in_memory.claims(
        faction="fsb", stance="disloyal"
    )
    assert written.export("aif") == in_memory.export("aif")


def test_the_map_of_a_build_whose_files_were_replaced_says_so(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = argmap.build(corpus, out=out)
    for _ in range(2):  # the generation before the current one is kept; older ones go
        argmap.build(corpus, out=out, cache=False)  # written again, though unchanged
    with pytest.raises(OutputError, match="replaced by later builds"):
        _ = first.claim_list


def test_a_build_that_stops_midway_keeps_the_outputs_in_force(corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    argmap.build(corpus, out=out)
    before = {name: (out / name).read_bytes() for name in OUTPUT_FILES}
    done: list[str] = []

    def stop(name: str) -> None:
        done.append(name)
        if len(done) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        argmap.build(corpus, out=out, on_document=stop, cache=False)
    assert {name: (out / name).read_bytes() for name in OUTPUT_FILES} == before
    generations = [p.name for p in (out / STATE_DIR).iterdir() if p.name.startswith("gen-")]
    assert generations == [os.readlink(out / STATE_DIR / CURRENT)]


def test_a_build_with_no_claims_writes_the_same_files(tmp_path: Path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "quiet.txt").write_text("Nothing about any faction here.\n", encoding="utf-8")
    (raw / "empty.txt").write_text("", encoding="utf-8")
    in_memory = argmap.build(raw)
    argmap.build(raw, out=tmp_path / "out")
    argmap.write(in_memory, tmp_path / "again")
    for name in OUTPUT_FILES:
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "out" / name).read_bytes()


def test_documents_have_their_overlaps_as_models_and_in_the_file(seed_build):
    out, amap = seed_build
    written = [json.loads(line) for line in (out / DOCUMENTS).read_text().splitlines()]
    assert [d["overlaps"] for d in written] == [
        [o.model_dump(mode="json") for o in d.overlaps] for d in amap.documents
    ]
    assert all(isinstance(o, DocumentOverlap) for d in amap.documents for o in d.overlaps)


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
