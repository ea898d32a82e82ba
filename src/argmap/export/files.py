"""The build outputs of CONTRACT.md: claims.jsonl, documents.jsonl, graph.json, manifest.json.

Every file is written to a temporary file in the output folder, flushed to
disk, and moved into place with ``os.replace``; the manifest goes last, so a
build interrupted at any point leaves the previous outputs readable.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from argmap.errors import OutputError

CLAIMS = "claims.jsonl"
DOCUMENTS = "documents.jsonl"
GRAPH = "graph.json"
MANIFEST = "manifest.json"
OUTPUT_FILES = (CLAIMS, DOCUMENTS, GRAPH, MANIFEST)


def jsonl(records: Iterable[BaseModel]) -> str:
    """Records as JSON Lines, keys in model order, non-ASCII kept."""
    return "".join(r.model_dump_json() + "\n" for r in records)


def dumps(data: Any) -> str:
    """Stable JSON: sorted keys, two-space indent, non-ASCII kept, final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never a part."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output folder for the length of a build.

    Raises:
        OutputError: another build holds the lock.
    """
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    handle = open(out / ".lock", "a+")  # noqa: SIM115
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"{out}: another argmap build is writing here; try again when it ends"
            ) from None
        yield
    finally:
        handle.close()


def write_outputs(out: Path, files: dict[str, str]) -> None:
    """Write the named files into ``out`` atomically, the manifest last."""
    out.mkdir(parents=True, exist_ok=True)
    for name in sorted(files, key=lambda n: n == MANIFEST):
        write_atomic(out / name, files[name])
