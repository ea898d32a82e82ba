"""Ingest: article files -> :class:`~argmap.models.Document` (text, sha256, metadata).

The text is decoded exactly as ``open(path, encoding=...).read()`` would decode
it (universal newlines included), because every offset argmap writes refers to
that string.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from argmap.errors import InputError
from argmap.models import Document

SUFFIXES = (".txt", ".md")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_UNSAFE_ID = re.compile(r"[^\w.\-]+", re.UNICODE)
_DATE_PATTERNS = (
    re.compile(r"\b(\d{4}-\d{2}-\d{2})\b"),
    re.compile(
        r"\b((?:January|February|March|April|May|June|July|August|September|October|"
        r"November|December) \d{1,2}, \d{4})\b"
    ),
    re.compile(
        r"\b(\d{1,2} (?:January|February|March|April|May|June|July|August|September|"
        r"October|November|December) \d{4})\b"
    ),
)
_AUTHOR = re.compile(r"^\s*By\s+\[?([A-Z][\w'’.\- ]{1,60}?)\]?(?:\(.*\))?\s*$", re.MULTILINE)
_URL_LINE = re.compile(r"^\s*Original url:\s*(?:\n\s*)*<?(https?://[^\s>]+)>?", re.MULTILINE)
_TITLE = re.compile(r"^\s*#{0,3}\s*(\S.{3,200}?)\s*$", re.MULTILINE)


def doc_id_for(path: Path) -> str:
    """The document id of a file: its name without the extension, made safe to use as a name.

    Args:
        path: the input file.

    Returns:
        The stem with path separators and other unsafe characters replaced by ``_``
        and no leading dot or dash.
    """
    stem = _UNSAFE_ID.sub("_", path.stem).lstrip(".-") or "document"
    return stem


def iter_input_files(inputs: Iterable[Path]) -> Iterator[Path]:
    """Expand files and folders into article files, sorted within each folder.

    Args:
        inputs: files or folders.

    Yields:
        Every ``.txt``/``.md`` file, recursively for folders; files named directly
        are yielded whatever their extension.

    Raises:
        InputError: an input does not exist.
    """
    for path in inputs:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
            )
            yield from found
        elif path.is_file():
            yield path
        else:
            raise InputError(f"{path}: no such file or folder")


def decode(data: bytes, *, encoding: str = "utf-8", name: str = "<bytes>") -> str:
    """Decode file bytes the way ``open(path, encoding=encoding).read()`` does.

    Raises:
        InputError: the bytes are binary or not valid in ``encoding``.
    """
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: binary file (NUL bytes), not an article; skipped")
    try:
        return io.TextIOWrapper(io.BytesIO(data), encoding=encoding).read()
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not valid {encoding} (byte {exc.start}); pass --encoding "
            f"(for example cp1252, latin-1 or cp1251) or convert the file to UTF-8"
        ) from None
    except LookupError:
        raise InputError(f"{name}: unknown encoding {encoding!r}") from None


def read_document(
    path: Path, *, encoding: str = "utf-8", max_bytes: int = DEFAULT_MAX_BYTES
) -> Document:
    """Read one article file.

    Args:
        path: the file.
        encoding: its text encoding.
        max_bytes: larger files are refused rather than processed.

    Returns:
        The document with its text, sha256 of its bytes and the metadata the text offers.

    Raises:
        InputError: the file is missing, too large, binary or not decodable.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path}: {size} bytes is over the limit of {max_bytes} (raise it with --max-bytes)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    text = decode(data, encoding=encoding, name=str(path))
    return Document(
        doc_id=doc_id_for(path),
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        **read_metadata(text),  # type: ignore[arg-type]
    )


def read_metadata(text: str) -> dict[str, str | None]:
    """What the text says about itself: title, date, author and original url.

    Args:
        text: the article text.

    Returns:
        A dict with ``title``, ``date``, ``author`` and ``url``, each None when absent.
    """
    head = text[:3000]
    title = None
    for match in _TITLE.finditer(head):
        line = match.group(1).strip()
        if (
            line.lower().startswith(("skip to", "date ", "by ", "see also", "("))
            or len(line.split()) < 3
            or line.endswith((".", ":", ";", ",", ".”", '."'))
        ):
            continue
        title = line
        break
    date = None
    for pattern in _DATE_PATTERNS:
        if found := pattern.search(head):
            date = found.group(1)
            break
    author = found.group(1).strip() if (found := _AUTHOR.search(head)) else None
    url = found.group(1) if (found := _URL_LINE.search(text)) else None
    return {"title": title, "date": date, "author": author, "url": url}
