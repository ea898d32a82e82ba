"""``argmap validate``: a valid build passes; each broken invariant is reported with its place."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import argmap
from argmap.cli import app
from argmap.export.files import CLAIMS, DOCUMENTS, GRAPH, MANIFEST
from argmap.validate import Violation, json_line, validate

from .conftest import ARTICLE, OTHER, RAW


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, shared_pipeline: Any) -> tuple[Path, Path]:
    """One build of a two-article corpus with restates and contrasts edges: (raw, out)."""
    root = tmp_path_factory.mktemp("validate")
    raw = root / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (raw / "b.txt").write_text(OTHER, encoding="utf-8")
    out = root / "out"
    argmap.build(raw, out=out)
    return raw, out


@pytest.fixture
def copy(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the build, as plain files, with its inputs: (raw, out)."""
    raw, out = built
    shutil.copytree(raw, tmp_path / "raw")
    (tmp_path / "out").mkdir()
    for name in (CLAIMS, DOCUMENTS, GRAPH, MANIFEST):
        shutil.copyfile(out / name, tmp_path / "out" / name)
    return tmp_path / "raw", tmp_path / "out"


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def edit_jsonl(path: Path, change: Callable[[list[dict]], None]) -> None:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    change(records)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")


def edit_json(path: Path, change: Callable[[Any], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def test_a_fresh_build_is_valid(built: tuple[Path, Path]) -> None:
    raw, out = built
    assert validate(out) == []
    assert validate(out, raw=raw) == []
    code, text, err = invoke("validate", out, "--raw", raw)
    assert (code, text) == (0, "") and "valid" in err


def test_the_build_has_what_the_checks_need(built: tuple[Path, Path]) -> None:
    _, out = built
    graph = json.loads((out / GRAPH).read_text(encoding="utf-8"))
    relations = {e["relation"] for e in graph["edges"]}
    assert {"restates", "contrasts"} <= relations


def test_the_seed_build_is_valid(seed_build: tuple[Path, Any]) -> None:
    out, _ = seed_build
    assert validate(out, raw=RAW) == []


def test_a_plain_folder_without_generations_is_checked_too(copy: tuple[Path, Path]) -> None:
    raw, out = copy
    assert validate(out, raw=raw) == []


def _claims(change: Callable[[list[dict]], None]) -> Callable[[Path], None]:
    return lambda out: edit_jsonl(out / CLAIMS, change)


def _set(index: int, **fields: Any) -> Callable[[list[dict]], None]:
    def change(records: list[dict]) -> None:
        records[index].update(fields)

    return change


def _shift_text(records: list[dict]) -> None:
    claim = records[1]
    claim["start"] += 1
    claim["end"] += 1
    claim["id"] = f"{claim['doc_id']}:{claim['start']}-{claim['end']}"


def _bad_mention(records: list[dict]) -> None:
    records[0]["mentions"][0]["text"] = "KGB"


def _swap(records: list[dict]) -> None:
    records[0], records[1] = records[1], records[0]


def _duplicate(records: list[dict]) -> None:
    records.append(dict(records[0]))


def _graph(change: Callable[[Any], None]) -> Callable[[Path], None]:
    return lambda out: edit_json(out / GRAPH, change)


def _claim_edge(data: Any) -> dict:
    return next(e for e in data["edges"] if e["relation"] in ("restates", "contrasts", "supports"))


def _manifest(change: Callable[[Any], None]) -> Callable[[Path], None]:
    return lambda out: edit_json(out / MANIFEST, change)


def _first_doc(data: Any) -> str:
    return sorted(data["documents"])[0]


CASES: dict[str, tuple[Callable[[Path], None], str, str | None, str]] = {
    # name: (corruption, file, field, words of the message)
    "offsets": (_claims(_shift_text), CLAIMS, "text", "not the text"),
    "mention offsets": (_claims(_bad_mention), CLAIMS, "mentions[0].text", "not the text"),
    "schema: stance": (_claims(_set(0, stance="maybe")), CLAIMS, "stance", "Input should be"),
    "schema: unknown field": (_claims(_set(0, colour="red")), CLAIMS, "colour", "Extra inputs"),
    "schema: offsets": (_claims(_set(0, end=5)), CLAIMS, None, "is before start"),
    "schema: length": (_claims(_set(0, text="The FSB")), CLAIMS, None, "length does not match"),
    "duplicate id": (_claims(_duplicate), CLAIMS, "id", "duplicate claim id"),
    "unstable id": (_claims(_set(0, id="claim-1")), CLAIMS, "id", "stable id"),
    "unknown document": (_claims(_set(0, doc_id="zzz")), CLAIMS, "doc_id", "no document"),
    "order": (_claims(_swap), CLAIMS, "start", "order"),
    "unjustified faction": (
        _claims(_set(0, factions=["fsb", "military"])),
        CLAIMS,
        "factions",
        "no mention justifies",
    ),
    "dangling edge": (
        _graph(lambda d: _claim_edge(d).update(target="nowhere")),
        GRAPH,
        "target",
        "no node",
    ),
    "unknown relation": (
        _graph(lambda d: _claim_edge(d).update(relation="agrees")),
        GRAPH,
        "relation",
        "must be one of",
    ),
    "no basis": (_graph(lambda d: _claim_edge(d).pop("basis")), GRAPH, "basis", "needs a basis"),
    "claim node differs": (
        _graph(
            lambda d: next(n for n in d["nodes"] if n.get("kind") == "claim").update(stance="x")
        ),
        GRAPH,
        "stance",
        "differs from claims.jsonl",
    ),
    "claim node missing": (
        _graph(
            lambda d: d["nodes"].remove(next(n for n in d["nodes"] if n.get("kind") == "claim"))
        ),
        GRAPH,
        None,
        "no node",
    ),
    "manifest hash": (
        _manifest(lambda d: d["documents"].update({_first_doc(d): "0" * 64})),
        MANIFEST,
        "documents.a",
        "sha256 differs",
    ),
    "manifest counts": (
        _manifest(lambda d: d["counts"].update(claims=99)),
        MANIFEST,
        "counts.claims",
        "but there are",
    ),
    "manifest schema": (
        _manifest(lambda d: d.pop("taxonomy_sha256")),
        MANIFEST,
        "taxonomy_sha256",
        "Field required",
    ),
    "schema version": (
        _manifest(lambda d: d.update(schema_version="9.0")),
        MANIFEST,
        "schema_version",
        "this argmap reads",
    ),
    "documents: n_claims": (
        lambda out: edit_jsonl(out / DOCUMENTS, _set(0, n_claims=42)),
        DOCUMENTS,
        "n_claims",
        "but claims.jsonl has",
    ),
    "input changed": (
        lambda out: (out.parent / "raw" / "a.txt").write_text(ARTICLE + "More.\n", "utf-8"),
        DOCUMENTS,
        "sha256",
        "changed since the build",
    ),
    "input missing": (
        lambda out: (out.parent / "raw" / "b.txt").unlink(),
        DOCUMENTS,
        "path",
        "not found",
    ),
    "not json": (
        lambda out: (out / CLAIMS).write_text("{oops\n", encoding="utf-8"),
        CLAIMS,
        None,
        "not valid JSON",
    ),
    "missing file": (lambda out: (out / GRAPH).unlink(), GRAPH, None, "missing"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_broken_invariant_is_reported_with_file_line_and_field(
    copy: tuple[Path, Path], case: str
) -> None:
    raw, out = copy
    corrupt, name, field, words = CASES[case]
    corrupt(out)
    violations = validate(out, raw=raw)
    hits = [v for v in violations if v.file == str(out / name) and words in v.message]
    assert hits, violations
    if field is not None:
        assert any(v.field is not None and v.field.endswith(field) for v in hits), hits
    if name.endswith(".jsonl") and case not in ("documents: n_claims",):
        assert all(v.line is not None for v in hits if v.field is not None)

    code, text, err = invoke("validate", out, "--raw", raw)
    assert code == 1
    assert len(text.splitlines()) == len(violations)
    assert any(str(out / name) in line and words in line for line in text.splitlines())
    assert err.count("\n") == 1 and "violation" in err


def test_every_violation_is_reported_not_only_the_first(copy: tuple[Path, Path]) -> None:
    raw, out = copy
    _claims(_set(0, stance="maybe"))(out)
    _claims(_set(1, id="x"))(out)
    _graph(lambda d: _claim_edge(d).update(relation="agrees"))(out)
    _manifest(lambda d: d["counts"].update(documents=7))(out)
    files = {Path(v.file).name for v in validate(out, raw=raw)}
    assert {CLAIMS, GRAPH, MANIFEST} <= files


def test_raw_option_finds_moved_inputs(copy: tuple[Path, Path], tmp_path: Path) -> None:
    raw, out = copy
    moved = tmp_path / "elsewhere" / "articles"
    shutil.copytree(raw, moved)
    assert validate(out, raw=moved) == []
    assert any("not found" in v.message for v in validate(out, raw=tmp_path / "elsewhere"))


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    code, _, err = invoke("validate", tmp_path / "nowhere")
    assert code == 2 and err.count("\n") == 1 and "no such folder" in err


def test_violation_reads_as_one_line() -> None:
    v = Violation("out/claims.jsonl", "is wrong", 3, "stance")
    assert str(v) == "out/claims.jsonl:3: field stance: is wrong"
    assert str(Violation("out/graph.json", "missing")) == "out/graph.json: missing"


def test_json_line_finds_nested_records() -> None:
    text = '{\n  "edges": [\n    {\n      "source": 1\n    },\n    {\n      "x": 2\n    }\n  ]\n}\n'
    assert json_line(text, ("edges", 1, "x")) == 7
    assert json_line(text, ("edges", 1)) == 6
    assert json_line(text, ("edges", 1, "missing")) == 6
    assert json_line(text, ("edges",)) == 2
    assert json_line(text, ()) == 1


CLAIM_FIELDS = ("start", "end", "text", "id", "doc_id", "factions", "stance", "mentions")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_change_to_a_claim_is_caught(
    built: tuple[Path, Path], tmp_path: Path, data: st.DataObject
) -> None:
    raw, out = built
    records = [json.loads(line) for line in (out / CLAIMS).read_text("utf-8").splitlines()]
    index = data.draw(st.integers(0, len(records) - 1), label="claim")
    field = data.draw(st.sampled_from(CLAIM_FIELDS), label="field")
    claim = records[index]
    if field in ("start", "end"):
        claim[field] += data.draw(st.sampled_from([-2, -1, 1, 3]), label="shift")
    elif field == "text":
        claim["text"] = claim["text"][::-1] if len(set(claim["text"])) > 1 else claim["text"] + "x"
    elif field in ("id", "doc_id"):
        claim[field] = data.draw(st.sampled_from(["x", claim[field] + "~9", "b:0-1"]), label=field)
    elif field == "factions":
        claim["factions"] = data.draw(st.sampled_from([[], ["fsb", "fsb"], ["generals"]]))
    elif field == "stance":
        claim["stance"] = "sideways"
    else:
        claim["mentions"] = []
    if claim == json.loads((out / CLAIMS).read_text("utf-8").splitlines()[index]):
        return
    target = tmp_path / f"mutant-{index}-{field}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for name in (DOCUMENTS, GRAPH, MANIFEST):
        shutil.copyfile(out / name, target / name)
    (target / CLAIMS).write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    assert validate(target, raw=raw), (field, claim)
