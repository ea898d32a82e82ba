"""Cache: a document's result, kept so that an unchanged document is never processed twice.

An entry holds a document's record, its claims and what linking reads of
each claim (:class:`argmap.link.ClaimFeatures`). It is keyed on the sha256 of
the file's bytes and on everything else its claims depend on: the argmap
version and the hash of its modules (a development install changes code under
one version number), the spaCy model's name and version, the hash of the taxonomy in
force and the input encoding (see
:func:`argmap.process.cache_key`). Change any of them and the entry is not
found. Entries are JSON files written atomically, so concurrent builds and
interrupted ones never leave a torn entry; a damaged entry is a miss.

The linkage of a whole corpus is kept too, keyed on the same settings and on
every document id with its file's sha256: an unchanged corpus is not linked
again. So is a record of each build that read every input: the sha256 of
each output file it wrote, keyed on every input path with its file's sha256
(:func:`build_key`). A build whose record is found, and whose output folder
still holds exactly those files, has nothing to do.

The default location is ``DIR/.argmap/cache``, beside the output generations, never inside
the inputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from argmap.link import ClaimFeatures, Linkage, Overlap
from argmap.models import Claim, Document, Relation
from argmap.process import DocumentResult

CACHE_DIR = ".argmap/cache"

_compact: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""Compact JSON, for the parts of an entry that are not models."""


class _Entry(BaseModel):
    """A cache file: one document's record and claims (validated in one pass), and what
    linking reads of each claim (absent from entries written before it was kept)."""

    document: Document
    claims: list[Claim]
    features: list[ClaimFeatures] | None = None


class _LinkageEntry(BaseModel):
    """A cached linkage (validated in one pass): each overlap as ``[doc_id,
    restated_claims, share]``, the fields of :class:`~argmap.models.DocumentOverlap`."""

    relations: list[Relation]
    overlaps: dict[str, list[tuple[str, int, float]]]
    groups: dict[str, str]


class BuildRecord(BaseModel):
    """What a build wrote: the sha256 of each output file, the key of its linkage and
    its counts (those ``argmap build`` prints)."""

    files: dict[str, str]
    linkage: str
    counts: dict[str, Any]


class DocumentCache:
    """Per-document results on disk.

    Args:
        directory: the cache folder (created on first write).
        key: the hash of the build settings (:func:`argmap.process.cache_key`).
    """

    def __init__(self, directory: Path, key: str) -> None:
        self.directory = Path(directory)
        self.key = key
        self.hits = 0
        self.misses = 0

    def _path(self, sha256: str) -> Path:
        return self.directory / self.key[:16] / sha256[:2] / f"{sha256}.json"

    def get(self, sha256: str) -> DocumentResult | None:
        """The cached result of the file with these bytes, or None."""
        try:
            entry = _Entry.model_validate_json(self._path(sha256).read_bytes())
        except (OSError, ValueError, ValidationError):
            self.misses += 1
            return None
        if entry.features is not None and len(entry.features) != len(entry.claims):
            entry.features = None  # not this entry's: found again when linking
        self.hits += 1
        return DocumentResult(
            entry.document.path,
            entry.document,
            entry.claims,
            features=entry.features,
        )

    def put(self, sha256: str, result: DocumentResult) -> None:
        """Keep a result (results with errors are not kept). A full disk is not an error."""
        if result.document is None:
            return
        parts = [
            '{"document":',
            result.document.model_dump_json(),
            ',"claims":[',
            ",".join(c.model_dump_json() for c in result.claims),
            "]",
        ]
        if result.features is not None:
            parts += [',"features":', _compact(result.features)]
        parts.append("}\n")
        _write_quietly(self._path(sha256), "".join(parts))

    def _linkage_path(self, key: str) -> Path:
        return self.directory / self.key[:16] / "links" / f"{key}.json"

    def get_linkage(self, key: str) -> Linkage | None:
        """The linkage of a corpus whose documents hash to ``key``, or None."""
        try:
            entry = _LinkageEntry.model_validate_json(self._linkage_path(key).read_bytes())
        except (OSError, ValueError, ValidationError):
            return None
        return Linkage(
            relations=entry.relations,
            overlaps={doc: [Overlap(*o) for o in items] for doc, items in entry.overlaps.items()},
            groups=entry.groups,
        )

    def put_linkage(self, key: str, linkage: Linkage) -> None:
        """Keep the linkage of a corpus (a full disk is not an error)."""
        text = (
            '{"relations":['
            + ",".join(r.model_dump_json() for r in linkage.relations)
            + '],"overlaps":'
            # an overlap is a named tuple: a JSON array, as _LinkageEntry reads it
            + _compact(linkage.overlaps)
            + ',"groups":'
            + _compact(linkage.groups)
            + "}\n"
        )
        _write_quietly(self._linkage_path(key), text)

    def _build_path(self, key: str) -> Path:
        return self.directory / self.key[:16] / "builds" / f"{key}.json"

    def get_build(self, key: str) -> BuildRecord | None:
        """The record of a build whose inputs hash to ``key`` (:func:`build_key`), or None."""
        try:
            return BuildRecord.model_validate_json(self._build_path(key).read_bytes())
        except (OSError, ValueError, ValidationError):
            return None

    def put_build(self, key: str, record: BuildRecord) -> None:
        """Keep the record of a build (a full disk is not an error)."""
        _write_quietly(self._build_path(key), record.model_dump_json() + "\n")


def linkage_key(documents: Iterable[Document]) -> str:
    """A hash of a corpus for the linkage cache: every document id with its file's sha256, in order."""
    return _hash_pairs((d.doc_id, d.sha256) for d in documents)


def build_key(inputs: Iterable[tuple[str, str]]) -> str:
    """A hash of a build's inputs: every input path as given with its file's sha256, in order."""
    return _hash_pairs(inputs)


def _hash_pairs(pairs: Iterable[tuple[str, str]]) -> str:
    blob = "\n".join(f"{name}\t{sha256}" for name, sha256 in pairs)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def file_hashes(folder: Path, names: Iterable[str]) -> dict[str, str] | None:
    """The sha256 of each named file of ``folder``, or None if one cannot be read."""
    hashes: dict[str, str] = {}
    for name in names:
        digest = hashlib.sha256()
        try:
            with open(folder / name, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
        except OSError:
            return None
        hashes[name] = digest.hexdigest()
    return hashes


def _write_quietly(path: Path, text: str) -> None:
    """Write atomically; a cache that cannot be written is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return
