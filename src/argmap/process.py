"""Process: one article file -> its :class:`~argmap.models.Document` and claims.

:func:`process_document` is the unit of work of a build. The serial loop, the
process pool (``--jobs``) and Dask workers (``--scheduler``) all call it, each
with a :class:`DocumentProcessor` that loads the rules and the spaCy pipeline
once per process (or thread) and keeps them for every document it is given.
Results are plain pydantic records, so they cross process and machine
boundaries by pickling and go into the cache as JSON.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib.util
import json
import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argmap import __version__
from argmap.errors import InputError
from argmap.ingest import DEFAULT_MAX_BYTES, document_from_bytes, read_bytes
from argmap.link import ClaimFeatures, claim_features
from argmap.link.discourse import CueMatcher
from argmap.models import Block, Claim, Document, Sentence
from argmap.rules import RuleSet

if TYPE_CHECKING:
    from spacy.language import Language

    from argmap.extract import Extractor


@dataclass(frozen=True)
class BuildSettings:
    """What a build is made with, besides its inputs (picklable: it travels to workers)."""

    taxonomy: str | None = None
    model: str | None = None
    encoding: str = "utf-8"
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass
class DocumentResult:
    """What processing one input gave: a document and its claims, or an error message.

    ``document`` never holds the article text (documents are kept for the whole
    build); ``text`` has it, for the driver, and is not cached.
    """

    path: str
    document: Document | None = None
    claims: list[Claim] = field(default_factory=list)
    error: str | None = None
    text: str = ""
    features: list[ClaimFeatures] | None = None
    """What linking reads of each claim, found with it (None: not found yet, as in a
    cache entry written before they were kept)."""


@dataclass(frozen=True)
class Source:
    """An input file as read by the build driver: its path, bytes and their sha256."""

    path: Path
    data: bytes
    sha256: str


def read_source(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read an input file's bytes (for the cache key and for the workers).

    Raises:
        InputError: the file cannot be read or is too large.
    """
    data = read_bytes(path, max_bytes=max_bytes)
    return Source(path, data, hashlib.sha256(data).hexdigest())


def model_meta(name: str | None = None) -> dict[str, Any]:
    """The ``meta.json`` of a spaCy pipeline, read without loading the pipeline.

    Raises:
        ModelError: the pipeline is not installed.
    """
    from argmap.segment import resolve_model

    model = resolve_model(name)
    if model.startswith(("/", ".")):
        meta_path = Path(model) / "meta.json"
    else:
        spec = importlib.util.find_spec(model)
        locations = list(spec.submodule_search_locations or []) if spec else []
        meta_path = Path(locations[0]) / "meta.json" if locations else Path("/nonexistent")
    try:
        meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # A pipeline without a readable meta.json: ask spaCy itself.
        meta = dict(load_pipeline_cached(name).meta)
    return meta


def model_label(meta: dict[str, Any]) -> tuple[str, str]:
    """The model name and version as the manifest writes them."""
    name = meta.get("lang", "en") + "_" + meta.get("name", "unknown")
    return name, meta.get("version", "unknown")


#: glibc's malloc settings while documents are processed (see :func:`keep_heap`).
MMAP_THRESHOLD = 32 << 20  # the most glibc accepts on 64-bit systems
TRIM_THRESHOLD = 128 << 20
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers (malloc.h)
_heap_kept: bool | None = None


def keep_heap() -> bool:
    """Have glibc's malloc keep the memory the tagger and parser free, for their next batch.

    Each batch allocates and frees arrays of several MiB. By default glibc serves
    blocks that large with ``mmap`` and hands the top of its heap back to the
    system as soon as it is free, so every batch faults its memory in again: on
    the bench corpus, 400,000 page faults and a second of system time, against
    52,000 with a 32 MiB mmap threshold and a 128 MiB trim threshold, for 7 to 13
    MiB more peak memory. (With a 64 MiB trim threshold a ``--jobs`` worker, whose
    heap holds little else, still gave back more than 64 MiB after most batches,
    and faulted 490,000 times.) Made once per process, when a process first loads the
    pipeline (a forked worker inherits it); never when the environment has
    malloc settings of its own (a ``MALLOC_*`` variable, a malloc entry in
    ``GLIBC_TUNABLES``); a no-op off glibc.

    Returns:
        Whether this process runs with these settings.
    """
    global _heap_kept
    if _heap_kept is None:
        _heap_kept = False
        own = "malloc" in os.environ.get("GLIBC_TUNABLES", "") or any(
            name.startswith("MALLOC_") for name in os.environ
        )
        if _glibc() and not own:
            import ctypes

            mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
            if mallopt is not None:
                _heap_kept = (
                    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                    and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
                )
    return _heap_kept


def _glibc() -> bool:
    """Whether this process runs on glibc."""
    try:
        version = os.confstr("CS_GNU_LIBC_VERSION")
    except (ValueError, OSError, AttributeError):  # not a name this platform knows
        return False
    return sys.platform.startswith("linux") and (version or "").startswith("glibc")


def load_pipeline_cached(name: str | None) -> Language:
    """The pipeline for ``name``, loaded once per thread."""
    from argmap.segment import load_pipeline

    cache = _local.__dict__.setdefault("pipelines", {})
    if name not in cache:
        cache[name] = load_pipeline(name)
    return cache[name]


_local = threading.local()


class DocumentProcessor:
    """Rules and (on first use) the spaCy pipeline, kept for every document processed.

    Args:
        settings: the build settings.
        rules: the rules in force, when already loaded (else they are loaded here).
    """

    def __init__(self, settings: BuildSettings, rules: RuleSet | None = None) -> None:
        self.settings = settings
        self.rules = rules if rules is not None else RuleSet.load(settings.taxonomy)
        self._extractor: Extractor | None = None

    @cached_property
    def cues(self) -> CueMatcher:
        """The discourse cues of the rules, for each claim's features."""
        return CueMatcher(self.rules)

    @property
    def loaded(self) -> bool:
        """Whether the spaCy pipeline has been loaded."""
        return self._extractor is not None

    @property
    def extractor(self) -> Extractor:
        """The extractor; the spaCy pipeline is loaded the first time it is needed."""
        if self._extractor is None:
            from argmap.segment import import_spacy

            import_spacy()  # before argmap.extract imports spaCy: without its command line
            from argmap.extract import Extractor

            keep_heap()
            self._extractor = Extractor(load_pipeline_cached(self.settings.model), self.rules)
        return self._extractor

    def __call__(self, path: Path, data: bytes | None = None) -> DocumentResult:
        return process_document(path, self, data=data)


def process_document(
    path: Path, processor: DocumentProcessor, *, data: bytes | None = None
) -> DocumentResult:
    """Read one article and extract its claims.

    Args:
        path: the input file (its name gives the ``doc_id``).
        processor: rules, pipeline and settings.
        data: the file's bytes when the caller has read them already.

    Returns:
        The document (without its text) and its claims in text order, or the
        error that kept the file from being read.
    """
    settings = processor.settings
    if data is None:
        try:
            data = read_source(path, max_bytes=settings.max_bytes).data
        except InputError as exc:
            return DocumentResult(str(path), error=str(exc))
    return process_documents([Source(path, data, "")], processor)[0]


def process_documents(
    sources: Sequence[Source], processor: DocumentProcessor
) -> list[DocumentResult]:
    """:func:`process_document` on each source, with their sentences parsed in shared batches.

    The results are the same as one document at a time; batching the candidate
    sentences of several documents keeps the tagger and parser busy with full
    batches. Every runner (serial, ``--jobs``, Dask) calls this on its share.
    """
    from argmap.clean import split_blocks
    from argmap.segment import split_sentences

    settings = processor.settings
    results: list[DocumentResult | None] = []
    read: list[tuple[int, Source, Document, Sequence[Block], Sequence[Sentence]]] = []
    for source in sources:
        try:
            doc = document_from_bytes(source.path, source.data, encoding=settings.encoding)
        except InputError as exc:
            results.append(DocumentResult(str(source.path), error=str(exc)))
            continue
        if not read:
            extractor = processor.extractor  # the pipeline loads on first use
        blocks = split_blocks(doc.text, processor.rules)
        sentences = split_sentences(blocks, extractor.nlp)
        read.append((len(results), source, doc, blocks, sentences))
        results.append(None)
    if read:
        claims = extractor.extract_many([(d.doc_id, d.text, b, s) for _, _, d, b, s in read])
        for (slot, src, d, _, s), found in zip(read, claims, strict=True):
            document = d.model_copy(
                update={"text": "", "n_sentences": len(s), "n_claims": len(found)}
            )
            features = [claim_features(c, processor.cues) for c in found]
            results[slot] = DocumentResult(
                str(src.path), document, found, text=d.text, features=features
            )
    return [r for r in results if r is not None]


def relabel(result: DocumentResult, doc_id: str, path: str) -> DocumentResult:
    """The same result for a document known under another id or path.

    A claim id is ``doc_id:start-end``, so a renamed document (two inputs with
    one name, or a cached result found under another name) renames its claims.
    """
    doc = result.document
    if doc is None or (doc.doc_id == doc_id and doc.path == path):
        return dataclasses.replace(result, path=path)
    old = doc.doc_id
    claims = [
        c.model_copy(update={"doc_id": doc_id, "id": doc_id + c.id[len(old) :]})
        if c.doc_id == old
        else c
        for c in result.claims
    ]
    document = doc.model_copy(update={"doc_id": doc_id, "path": path})
    # the features do not depend on the ids
    return dataclasses.replace(result, path=path, document=document, claims=claims)


# -- workers ---------------------------------------------------------------------------

_worker: DocumentProcessor | None = None


def init_worker(
    settings: BuildSettings,
    rules: RuleSet | None = None,
    processor: DocumentProcessor | None = None,
) -> None:
    """Pool initializer: one processor per worker process, its pipeline loaded at once.

    Args:
        settings: the build settings.
        rules: the driver's rules (loaded again from the settings when None).
        processor: the driver's own processor, pipeline loaded, when the worker is a
            fork of the driver: it is used as it is, and nothing is loaded again.
    """
    global _worker
    if processor is not None:
        _worker = processor
        return
    _worker = DocumentProcessor(settings, rules)
    # Load the pipeline now, while the driver reads the inputs. An initializer that
    # raises makes the pool start workers forever: a failure is raised again, to
    # the driver, by the first document.
    with contextlib.suppress(Exception):
        _worker.extractor  # noqa: B018


def work(sources: list[Source]) -> list[DocumentResult]:
    """Process a chunk of documents in a pool worker."""
    assert _worker is not None, "init_worker was not called"
    return process_documents(sources, _worker)


def work_shard(settings: BuildSettings, shard: list[Source]) -> list[DocumentResult]:
    """Process a shard of documents on a Dask worker, with one processor per worker thread."""
    processors = _local.__dict__.setdefault("processors", {})
    if settings not in processors:
        processors[settings] = DocumentProcessor(settings)
    return process_documents(shard, processors[settings])


#: The folder of argmap's own modules.
PACKAGE = Path(__file__).resolve().parent


@functools.cache
def code_sha256(root: Path = PACKAGE) -> str:
    """The sha256 of argmap's Python modules under ``root``: a cache entry written by other
    code is not taken, even where the version number stayed the same (a development
    install, a patched copy). About 2 ms, once per process."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_key(settings: BuildSettings, rules: RuleSet, meta: dict[str, Any]) -> str:
    """What a document's result depends on besides its bytes, as one hash."""
    name, version = model_label(meta)
    parts = {
        "argmap": __version__,
        "code": code_sha256(),
        "model": name,
        "model_version": version,
        "taxonomy": rules.sha256,
        "encoding": settings.encoding,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


__all__ = [
    "BuildSettings",
    "DocumentProcessor",
    "DocumentResult",
    "Source",
    "process_document",
    "process_documents",
    "read_source",
    "relabel",
]
