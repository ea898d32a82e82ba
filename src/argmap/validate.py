"""Validate: check a built output folder against every invariant of CONTRACT.md.

Checked: each record against its schema; claim and mention offsets against the
input files (``doc_text[start:end] == text`` with the text read as ``open(path,
encoding=...).read()``); ids unique and derived from the text's place (so the
same input gives the same id on every run); claims in document then text
order; graph edges between existing nodes, each with a ``relation``, and claim
to claim edges with a known relation and a ``basis``; claim nodes equal to the
claims; the manifest's counts, and its hashes against documents.jsonl and the
input files. Every violation is reported, not only the first.
"""

from __future__ import annotations

import functools
import hashlib
import json
import json.decoder
import json.scanner
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from pydantic import BaseModel, ValidationError

from argmap.errors import InputError
from argmap.export.files import (
    CLAIMS,
    DOCUMENTS,
    GRAPH,
    MANIFEST,
    jsonl_lines,
    resolve_outputs,
)
from argmap.ingest import decode
from argmap.models import RELATIONS, SCHEMA_VERSION, Claim, Document, Manifest

JsonPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Violation:
    """One broken invariant: where (file, line, field) and what."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = self.message if self.field is None else f"field {self.field}: {self.message}"
        return f"{where}: {what}"


def dotted(path: JsonPath) -> str:
    """A JSON path as ``edges[3].source``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "record"


# -- where a value sits in a JSON text ------------------------------------------------------


class _Locator(json.JSONDecoder):
    """A JSON decoder that remembers where each object and array starts."""

    def __init__(self) -> None:
        super().__init__()
        self.starts: dict[int, int] = {}
        self._keep: list[Any] = []

        def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
            value, end = json.decoder.JSONObject(s_and_end, *args)  # type: ignore[attr-defined]
            self._note(value, s_and_end[1] - 1)
            return value, end

        def parse_array(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
            value, end = json.decoder.JSONArray(s_and_end, *args)  # type: ignore[attr-defined]
            self._note(value, s_and_end[1] - 1)
            return value, end

        self.parse_object = parse_object
        self.parse_array = parse_array
        self.scan_once = json.scanner.py_make_scanner(self)  # type: ignore[attr-defined]

    def _note(self, value: Any, offset: int) -> None:
        self._keep.append(value)
        self.starts[id(value)] = offset


@functools.lru_cache(maxsize=4)
def _located(text: str) -> tuple[Any, dict[int, int]] | None:
    locator = _Locator()
    try:
        return locator.decode(text), locator.starts
    except ValueError:
        return None


def json_line(text: str, path: JsonPath) -> int | None:
    """The line of ``text`` where the value at ``path`` (or its nearest container) starts."""
    located = _located(text)
    if located is None:
        return None
    node, starts = located
    offset = starts.get(id(node), 0)
    for part in path:
        parent = node
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if id(node) in starts:
            offset = starts[id(node)]
        elif isinstance(parent, dict):
            # A scalar member: the first "key": after its object's start.
            key = re.compile(re.escape(json.dumps(part, ensure_ascii=False)) + r"\s*:")
            if found := key.search(text, offset):
                offset = found.start()
            break
        else:
            break
    return text.count("\n", 0, offset) + 1


# -- graph structure --------------------------------------------------------------------------


def graph_problems(data: Any) -> Iterator[tuple[JsonPath, str]]:
    """What makes ``data`` not a node-link graph as argmap writes it: (JSON path, message).

    Only the structure is checked here (what :func:`argmap.api.load` needs to read
    the graph); :func:`validate` checks the rest.
    """
    if not isinstance(data, dict):
        yield (), "not a JSON object"
        return
    for key in ("directed", "multigraph"):
        if data.get(key) is not True:
            yield (key,), "must be true (a directed multigraph)"
    for key in ("nodes", "edges"):
        if not isinstance(data.get(key), list):
            yield (key,), "missing or not a list"
    nodes: list[Any] = data["nodes"] if isinstance(data.get("nodes"), list) else []
    edges: list[Any] = data["edges"] if isinstance(data.get("edges"), list) else []
    ids: set[Any] = set()
    for i, node in enumerate(nodes):
        if not isinstance(node, dict) or "id" not in node:
            yield ("nodes", i, "id"), "a node needs an id"
            continue
        try:
            if node["id"] in ids:
                yield ("nodes", i, "id"), f"duplicate node id {node['id']!r}"
            ids.add(node["id"])
        except TypeError:
            yield ("nodes", i, "id"), "must be a string or a number"
    for i, edge in enumerate(edges):
        if not isinstance(edge, dict):
            yield ("edges", i), "an edge must be an object"
            continue
        for end in ("source", "target"):
            if end not in edge:
                yield ("edges", i, end), "missing"
            elif not isinstance(edge[end], (str, int)) or edge[end] not in ids:
                yield ("edges", i, end), f"no node {edge[end]!r}"
        if not isinstance(edge.get("relation"), str):
            yield ("edges", i, "relation"), "missing or not a string"


# -- reading records --------------------------------------------------------------------------


def _schema_violations(
    name: str, exc: ValidationError, *, line: int | None, prefix: JsonPath = ()
) -> list[Violation]:
    out = []
    for err in exc.errors():
        if err["type"] == "json_invalid":
            out.append(Violation(name, f"not valid JSON ({err['msg']})", line))
        else:
            message = err["msg"].removeprefix("Value error, ")
            out.append(Violation(name, message, line, dotted(prefix + tuple(err["loc"]))))
    return out


def _read_jsonl(path: Path, name: str, model: type[BaseModel]) -> tuple[list[Any], list[Violation]]:
    records: list[tuple[int, Any]] = []
    problems: list[Violation] = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [], [Violation(name, f"not UTF-8 (byte {exc.start})")]
    for lineno, line in enumerate(jsonl_lines(text), start=1):
        if not line.strip():
            problems.append(Violation(name, "blank line", lineno))
            continue
        try:
            records.append((lineno, model.model_validate_json(line)))
        except ValidationError as exc:
            problems.extend(_schema_violations(name, exc, line=lineno))
    return records, problems


def _read_json(path: Path, name: str) -> tuple[str, Any, list[Violation]]:
    try:
        text = path.read_text(encoding="utf-8")
        return text, json.loads(text), []
    except UnicodeDecodeError as exc:
        return "", None, [Violation(name, f"not UTF-8 (byte {exc.start})")]
    except json.JSONDecodeError as exc:
        return "", None, [Violation(name, f"not valid JSON ({exc.msg})", exc.lineno)]


# -- inputs -----------------------------------------------------------------------------------


def _candidates(doc_path: str, raw: Path | None) -> list[Path]:
    path = PurePath(doc_path)
    if raw is None:
        return [Path(path)]
    parts = [p for p in path.parts if p not in (path.anchor, "", ".", "..")]
    return [raw.joinpath(*parts[i:]) for i in range(len(parts))]


def _find_input(doc: Document, raw: Path | None) -> tuple[Path | None, bytes | None]:
    first: tuple[Path | None, bytes | None] = (None, None)
    for candidate in _candidates(doc.path, raw):
        if not candidate.is_file():
            continue
        try:
            data = candidate.read_bytes()
        except OSError:
            continue
        if hashlib.sha256(data).hexdigest() == doc.sha256:
            return candidate, data
        if first[0] is None:
            first = (candidate, data)
    return first


# -- the validator ----------------------------------------------------------------------------


def validate(
    directory: Path | str = "data/claims", *, raw: Path | str | None = None
) -> list[Violation]:
    """Check a built output folder against CONTRACT.md.

    Args:
        directory: the folder ``argmap build`` wrote.
        raw: the folder of the input files; by default each document's recorded
            ``path`` is used as it is.

    Returns:
        Every violation found, in file order; an empty list when the folder is valid.
    """
    directory = Path(directory)
    raw = Path(raw) if raw is not None else None
    if not directory.is_dir():
        return [Violation(str(directory), "no such folder")]
    source = resolve_outputs(directory)
    shown = {n: str(directory / n) for n in (CLAIMS, DOCUMENTS, GRAPH, MANIFEST)}
    problems: list[Violation] = []
    missing = [n for n in shown if not (source / n).is_file()]
    for name in missing:
        problems.append(Violation(shown[name], "missing; run `argmap build` first"))
    if missing:
        return problems

    claim_rows, found = _read_jsonl(source / CLAIMS, shown[CLAIMS], Claim)
    problems += found
    doc_rows, found = _read_jsonl(source / DOCUMENTS, shown[DOCUMENTS], Document)
    problems += found
    manifest_text, manifest_data, found = _read_json(source / MANIFEST, shown[MANIFEST])
    problems += found
    graph_text, graph_data, found = _read_json(source / GRAPH, shown[GRAPH])
    problems += found

    manifest: Manifest | None = None
    if manifest_data is not None:
        try:
            manifest = Manifest.model_validate(manifest_data)
        except ValidationError as exc:
            for err in exc.errors():
                line = json_line(manifest_text, tuple(err["loc"]))
                problems.append(
                    Violation(shown[MANIFEST], err["msg"], line, dotted(tuple(err["loc"])))
                )
    if (
        manifest is not None
        and manifest.schema_version.split(".")[0] != SCHEMA_VERSION.split(".")[0]
    ):
        problems.append(
            Violation(
                shown[MANIFEST],
                f"{manifest.schema_version!r}, this argmap reads {SCHEMA_VERSION}",
                json_line(manifest_text, ("schema_version",)),
                "schema_version",
            )
        )

    problems += _check_documents(shown[DOCUMENTS], doc_rows)
    problems += _check_claims(shown[CLAIMS], claim_rows, doc_rows)
    relations = None
    if graph_data is not None:
        relations, found = _check_graph(shown[GRAPH], graph_text, graph_data, claim_rows)
        problems += found
    if manifest is not None:
        problems += _check_manifest(
            shown[MANIFEST], manifest_text, manifest, doc_rows, claim_rows, relations
        )
    problems += _check_inputs(
        shown[DOCUMENTS], doc_rows, claim_rows, raw, manifest.encoding if manifest else "utf-8"
    )
    return problems


def _check_documents(name: str, rows: list[tuple[int, Document]]) -> list[Violation]:
    out = []
    seen: dict[str, int] = {}
    for line, doc in rows:
        if doc.doc_id in seen:
            out.append(
                Violation(
                    name,
                    f"duplicate doc_id {doc.doc_id!r} (first on line {seen[doc.doc_id]})",
                    line,
                    "doc_id",
                )
            )
        seen.setdefault(doc.doc_id, line)
        if len(doc.sha256) != 64 or any(c not in "0123456789abcdef" for c in doc.sha256):
            out.append(Violation(name, "not a hex sha256", line, "sha256"))
    return out


def _check_claims(
    name: str, rows: list[tuple[int, Claim]], doc_rows: list[tuple[int, Document]]
) -> list[Violation]:
    out = []
    order = {doc.doc_id: i for i, (_, doc) in enumerate(doc_rows)}
    per_doc: dict[str, int] = {}
    seen: dict[str, int] = {}
    previous: tuple[int, int, int] | None = None
    for line, claim in rows:
        if claim.id in seen:
            out.append(
                Violation(
                    name,
                    f"duplicate claim id {claim.id!r} (first on line {seen[claim.id]})",
                    line,
                    "id",
                )
            )
        seen.setdefault(claim.id, line)
        stable = f"{claim.doc_id}:{claim.start}-{claim.end}"
        if claim.id != stable:
            out.append(Violation(name, f"{claim.id!r} is not the stable id {stable!r}", line, "id"))
        if claim.doc_id not in order:
            out.append(
                Violation(name, f"no document {claim.doc_id!r} in documents.jsonl", line, "doc_id")
            )
            continue
        per_doc[claim.doc_id] = per_doc.get(claim.doc_id, 0) + 1
        place = (order[claim.doc_id], claim.start, claim.end)
        if previous is not None and place < previous:
            out.append(Violation(name, "claims are not in document then text order", line, "start"))
        previous = place
        justified = {m.faction for m in claim.mentions}
        for faction in claim.factions:
            if faction not in justified:
                out.append(
                    Violation(name, f"no mention justifies faction {faction!r}", line, "factions")
                )
        for i, mention in enumerate(claim.mentions):
            if mention.faction not in claim.factions:
                out.append(
                    Violation(
                        name,
                        f"faction {mention.faction!r} is not among the claim's",
                        line,
                        f"mentions[{i}].faction",
                    )
                )
        if len(set(claim.factions)) != len(claim.factions):
            out.append(Violation(name, "a faction is listed twice", line, "factions"))
    for line, doc in doc_rows:
        if doc.n_claims != per_doc.get(doc.doc_id, 0):
            out.append(
                Violation(
                    str(Path(name).with_name(DOCUMENTS)),
                    f"{doc.n_claims}, but claims.jsonl has {per_doc.get(doc.doc_id, 0)}",
                    line,
                    "n_claims",
                )
            )
    return out


def _check_graph(
    name: str, text: str, data: Any, claim_rows: list[tuple[int, Claim]]
) -> tuple[int | None, list[Violation]]:
    out = []
    for path, message in graph_problems(data):
        out.append(Violation(name, message, json_line(text, path), dotted(path)))
    if out:
        return None, out
    nodes = {node["id"]: (i, node) for i, node in enumerate(data["nodes"])}
    claims = {claim.id: claim for _, claim in claim_rows}
    for cid, claim in claims.items():
        if cid not in nodes:
            out.append(Violation(name, f"no node for claim {cid!r}", None, "nodes"))
            continue
        i, node = nodes[cid]
        if node.get("kind") != "claim":
            out.append(
                Violation(
                    name,
                    "a claim's node must have kind 'claim'",
                    json_line(text, ("nodes", i)),
                    f"nodes[{i}].kind",
                )
            )
        for key, value in claim.model_dump(mode="json").items():
            if node.get(key) != value:
                out.append(
                    Violation(
                        name,
                        f"differs from claims.jsonl for {cid!r}",
                        json_line(text, ("nodes", i)),
                        f"nodes[{i}].{key}",
                    )
                )
    for nid, (i, node) in nodes.items():
        if node.get("kind") == "claim" and nid not in claims:
            out.append(
                Violation(
                    name,
                    f"claim node {nid!r} is not in claims.jsonl",
                    json_line(text, ("nodes", i)),
                    f"nodes[{i}].id",
                )
            )
    n_relations = 0
    for i, edge in enumerate(data["edges"]):
        if edge["source"] not in claims or edge["target"] not in claims:
            continue
        n_relations += 1
        if edge["relation"] not in RELATIONS:
            out.append(
                Violation(
                    name,
                    f"{edge['relation']!r} between claims; must be one of {', '.join(RELATIONS)}",
                    json_line(text, ("edges", i)),
                    f"edges[{i}].relation",
                )
            )
        if not isinstance(edge.get("basis"), str) or not edge["basis"]:
            out.append(
                Violation(
                    name,
                    "a claim-to-claim edge needs a basis",
                    json_line(text, ("edges", i)),
                    f"edges[{i}].basis",
                )
            )
    return n_relations, out


def _check_manifest(
    name: str,
    text: str,
    manifest: Manifest,
    doc_rows: list[tuple[int, Document]],
    claim_rows: list[tuple[int, Claim]],
    relations: int | None,
) -> list[Violation]:
    out = []
    expected = {
        "documents": len(doc_rows),
        "claims": len(claim_rows),
        "errors": len(manifest.errors),
    }
    if relations is not None:
        expected["relations"] = relations
    for key, value in expected.items():
        if key in manifest.counts and manifest.counts[key] != value:
            out.append(
                Violation(
                    name,
                    f"{manifest.counts[key]}, but there are {value}",
                    json_line(text, ("counts",)),
                    f"counts.{key}",
                )
            )
    hashes = {doc.doc_id: doc.sha256 for _, doc in doc_rows}
    line = json_line(text, ("documents",))
    for doc_id in sorted(set(hashes) | set(manifest.documents)):
        if doc_id not in manifest.documents:
            out.append(Violation(name, f"document {doc_id!r} is missing", line, "documents"))
        elif doc_id not in hashes:
            out.append(
                Violation(
                    name,
                    f"document {doc_id!r} is not in documents.jsonl",
                    line,
                    f"documents.{doc_id}",
                )
            )
        elif manifest.documents[doc_id] != hashes[doc_id]:
            out.append(
                Violation(name, "sha256 differs from documents.jsonl", line, f"documents.{doc_id}")
            )
    return out


def _check_span(
    name: str, line: int, field: str, text: str, start: int, end: int, doc_text: str
) -> list[Violation]:
    if end > len(doc_text):
        return [
            Violation(
                name, f"end {end} is past the end of the document ({len(doc_text)})", line, field
            )
        ]
    if doc_text[start:end] != text:
        return [
            Violation(
                name,
                f"doc_text[{start}:{end}] is {doc_text[start:end]!r}, not the text",
                line,
                field,
            )
        ]
    return []


def _check_inputs(
    docs_name: str,
    doc_rows: list[tuple[int, Document]],
    claim_rows: list[tuple[int, Claim]],
    raw: Path | None,
    encoding: str,
) -> list[Violation]:
    out = []
    claims_name = str(Path(docs_name).with_name(CLAIMS))
    by_doc: dict[str, list[tuple[int, Claim]]] = {}
    for line, claim in claim_rows:
        by_doc.setdefault(claim.doc_id, []).append((line, claim))
    for line, doc in doc_rows:
        path, data = _find_input(doc, raw)
        if path is None or data is None:
            hint = f" in {raw}" if raw is not None else "; pass --raw DIR"
            out.append(Violation(docs_name, f"input {doc.path!r} not found{hint}", line, "path"))
            continue
        if hashlib.sha256(data).hexdigest() != doc.sha256:
            out.append(Violation(docs_name, f"{path} has changed since the build", line, "sha256"))
            continue
        try:
            doc_text = decode(data, encoding=encoding, name=str(path))
        except InputError as exc:
            out.append(Violation(docs_name, str(exc), line, "path"))
            continue
        for cline, claim in by_doc.get(doc.doc_id, []):
            out += _check_span(
                claims_name, cline, "text", claim.text, claim.start, claim.end, doc_text
            )
            for i, m in enumerate(claim.mentions):
                out += _check_span(
                    claims_name, cline, f"mentions[{i}].text", m.text, m.start, m.end, doc_text
                )
    return out
