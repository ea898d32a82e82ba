"""Ingest: article files -> :class:`~argmap.models.Document` (text, sha256, metadata).

The text is decoded exactly as ``open(path, encoding=...).read()`` would decode
it (universal newlines included), because every offset argmap writes refers to
that string.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from argmap.errors import ArgmapError, InputError
from argmap.models import Document

SUFFIXES = (".txt", ".md")
#: Characters that are not white space to Python but show nothing: BOM, zero-width marks.
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_DROP_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE))
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_UNSAFE_ID = re.compile(r"[^\w.\-]+", re.UNICODE)
_DOTS = re.compile(r"\.{2,}")
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
        The stem in Unicode NFC (so that the same name gives the same id on every
        system), with path separators and other unsafe characters replaced by ``_``,
        runs of dots collapsed (never ``..``) and no leading dot or dash.
    """
    stem = _UNSAFE_ID.sub("_", unicodedata.normalize("NFC", path.stem))
    return _DOTS.sub(".", stem).lstrip(".-") or "document"


def iter_input_files(inputs: Iterable[Path]) -> Iterator[Path]:
    """Expand files and folders into article files, sorted within each folder.

    Args:
        inputs: files or folders.

    Yields:
        Every ``.txt``/``.md`` file, recursively for folders; files named directly
        are yielded whatever their extension. A file reached twice (named and in
        a folder, or through a symbolic or hard link) is yielded once.

    Raises:
        InputError: an input does not exist.
    """
    seen: set[tuple[int, int]] = set()  # (device, inode): the file itself, however reached
    for path in inputs:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
            )
        elif path.is_file():
            found = [path]
        elif path.exists():
            raise InputError(f"{path}: not a regular file or folder")
        else:
            raise InputError(f"{path}: no such file or folder")
        for file in found:
            info = file.stat()
            key = (info.st_dev, info.st_ino)
            if key not in seen:
                seen.add(key)
                yield file


#: Leading bytes of file formats that scrapers save under a text name by mistake.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.epub)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _is_wide(encoding: str) -> bool:
    name = encoding.lower().replace("_", "-")
    return name.startswith(("utf-16", "utf-32", "utf16", "utf32"))


def sniff_binary(data: bytes, *, encoding: str = "utf-8") -> str | None:
    """Why ``data`` is not article text in ``encoding``, or None when it may be.

    Args:
        data: the file's bytes.
        encoding: the encoding the user says the file is in.

    Returns:
        A short reason (``"a PNG image"``, ``"binary (NUL bytes)"``...) or None.
    """
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "a RIFF media file"
    if _is_wide(encoding):
        return None
    for bom, wide in _WIDE_BOMS:
        if data.startswith(bom):
            return f"{wide} text; pass --encoding {wide}"
    if b"\x00" in data:
        return "binary (NUL bytes)"
    return None


def decode(data: bytes, *, encoding: str = "utf-8", name: str = "<bytes>") -> str:
    """Decode file bytes the way ``open(path, encoding=encoding).read()`` does.

    Universal newlines apply (``\\r\\n`` and ``\\r`` become ``\\n``) and a UTF-8 byte
    order mark is kept as ``\\ufeff``, exactly as ``open`` does.

    Raises:
        InputError: the bytes are binary or not valid in ``encoding``; the message
            names the file and says how to proceed.
    """
    if (why := sniff_binary(data, encoding=encoding)) is not None:
        raise InputError(f"{name}: {why}, not an article text; skipped")
    try:
        return io.TextIOWrapper(io.BytesIO(data), encoding=encoding).read()
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not valid {encoding} (byte {exc.start}); pass --encoding "
            f"(for example cp1252, latin-1 or cp1251) or convert the file to UTF-8"
        ) from None
    except LookupError:
        raise InputError(f"{name}: unknown encoding {encoding!r}") from None


def is_blank(text: str) -> bool:
    """True for a text with nothing to read: empty, or only white space and invisible marks."""
    stripped = text.strip()
    if stripped and ord(stripped[0]) not in _DROP_INVISIBLE:
        return False  # a visible character: no need to look at the rest
    return not stripped.translate(_DROP_INVISIBLE).strip()


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
    return document_from_bytes(path, read_bytes(path, max_bytes=max_bytes), encoding=encoding)


def read_bytes(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of an input file.

    Raises:
        InputError: the file is missing or too large.
    """
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            # Never more than the limit in memory, even if the file grows meanwhile.
            data = handle.read(max_bytes + 1) if size <= max_bytes else b""
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if size > max_bytes or len(data) > max_bytes:
        size = max(size, len(data))
        raise InputError(
            f"{path}: {size} bytes is over the limit of {max_bytes} (raise it with --max-bytes)"
        )
    return data


def document_from_bytes(path: Path, data: bytes, *, encoding: str = "utf-8") -> Document:
    """The document of an input file whose bytes have been read already.

    Raises:
        InputError: the bytes are binary or not decodable.
    """
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


def read_utf8(path: Path | str, *, error: type[ArgmapError]) -> str:
    """A UTF-8 side file (rules, gold), with the failing line named on error.

    Raises:
        error: the file cannot be read, or is not UTF-8 (the message names the line).
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(f"{path}:{line}: not UTF-8 (byte {exc.start})") from None
