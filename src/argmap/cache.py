"""Cache: a document's result, kept so that an unchanged document is never processed twice.

An entry is keyed on the sha256 of the file's bytes and on everything else
its claims depend on: the argmap version, the spaCy model's name and version,
the hash of the taxonomy in force and the input encoding (see
:func:`argmap.process.cache_key`). Change any of them and the entry is not
found. Entries are JSON files written atomically, so concurrent builds and
interrupted ones never leave a torn entry; a damaged entry is a miss.

The default location is ``DIR/.argmap/cache``, beside the output generations, never inside
the inputs.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from argmap.models import Claim, Document
from argmap.process import DocumentResult

CACHE_DIR = ".argmap/cache"


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
            raw = json.loads(self._path(sha256).read_bytes())
            document = Document.model_validate(raw["document"])
            claims = [Claim.model_validate(c) for c in raw["claims"]]
        except (OSError, ValueError, KeyError, TypeError, ValidationError):
            self.misses += 1
            return None
        self.hits += 1
        return DocumentResult(document.path, document, claims)

    def put(self, sha256: str, result: DocumentResult) -> None:
        """Keep a result (results with errors are not kept). A full disk is not an error."""
        if result.document is None:
            return
        text = (
            '{"document":'
            + result.document.model_dump_json()
            + ',"claims":['
            + ",".join(c.model_dump_json() for c in result.claims)
            + "]}\n"
        )
        _write_quietly(self._path(sha256), text)


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
