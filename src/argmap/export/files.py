"""The build outputs of CONTRACT.md: claims.jsonl, documents.jsonl, graph.json, manifest.json.

The files of one build are replaced together, never one by one. Each build
writes a complete *generation* into ``DIR/.argmap/gen-*``, flushed to disk;
``DIR/.argmap/current`` is a symbolic link to the generation in force, and
``DIR/claims.jsonl`` and the other names are links through it. The switch from
one generation to the next is a single ``os.replace`` of ``current``, so a
reader (or a build killed at any moment) sees either every old file or every
new one, never a mix. Readers that open several files should resolve
``current`` once (:func:`resolve_outputs`) so that a build finishing in between
cannot hand them files of two generations.

A build holds an exclusive lock on ``DIR/.lock`` from start to end; a second
build into the same folder fails at once with a message saying so.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from argmap.errors import OutputError

CLAIMS = "claims.jsonl"
DOCUMENTS = "documents.jsonl"
GRAPH = "graph.json"
MANIFEST = "manifest.json"
OUTPUT_FILES = (CLAIMS, DOCUMENTS, GRAPH, MANIFEST)

STATE_DIR = ".argmap"
CURRENT = "current"
LOCK = ".lock"


#: Line separators other than ``\n`` that JSON leaves unescaped; escaped in JSON Lines
#: so that readers splitting lines the Unicode way (``str.splitlines``) still get one
#: record a line.
_UNICODE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def jsonl_line(record: BaseModel) -> str:
    """A record as a line of JSON Lines, ``\\n`` included: keys in model order, non-ASCII
    kept, line separators escaped."""
    line = record.model_dump_json()
    if "\u2028" in line or "\u2029" in line or "\x85" in line:
        line = line.translate(_UNICODE_BREAKS)
    return line + "\n"


def jsonl_lines(text: str) -> list[str]:
    """The lines of a JSON Lines text: split on ``\n`` only, as the format says."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def dumps(data: Any, *, compact: bool = False) -> str:
    """Stable JSON: sorted keys, non-ASCII kept, final newline; two-space indent
    unless ``compact`` (large files: Python's C encoder runs only without indent)."""
    if compact:
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _umask() -> int:
    # os.umask can only be read by setting it; put it straight back.
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never a part."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _symlink_atomic(target: str, link: Path) -> None:
    """Point ``link`` at ``target`` in one step (a new link, then ``os.replace``)."""
    tmp = link.with_name(f".{link.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


_held: dict[tuple[Path, int], int] = {}
_held_guard = threading.Lock()


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output folder (re-entrant within one process).

    Raises:
        OutputError: another build holds the lock.
    """
    import fcntl

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the output folder ({exc.strerror})") from None
    key = (out.resolve(), threading.get_ident())
    with _held_guard:
        if key in _held:
            _held[key] += 1
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield
        finally:
            with _held_guard:
                _held[key] -= 1
        return
    try:
        handle = open(out / LOCK, "a+")  # noqa: SIM115
    except OSError as exc:
        raise OutputError(f"{out}: cannot write here ({exc.strerror})") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            who = f" (pid {holder})" if holder.isdigit() else ""
            raise OutputError(
                f"{out}: another argmap build{who} is writing here; try again when it ends"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        with _held_guard:
            _held[key] = 1
        try:
            yield
        finally:
            with _held_guard:
                del _held[key]
    finally:
        handle.close()


def resolve_outputs(out: Path) -> Path:
    """The folder holding one consistent generation of outputs in ``out``.

    That is ``out/.argmap/current`` resolved once, when the output files in
    ``out`` are argmap's links through it; otherwise (a folder written by hand,
    files replaced or copied, an argmap that predates generations) ``out`` itself.
    """
    current = out / STATE_DIR / CURRENT
    if not current.is_symlink():
        return out
    for name in OUTPUT_FILES:
        link = out / name
        if not link.is_symlink() or os.readlink(link) != f"{STATE_DIR}/{CURRENT}/{name}":
            return out
    target = current.resolve()
    return target if target.is_dir() else out


def _switch_current(state: Path, gen_name: str) -> None:
    """Point ``state/current`` at the generation ``gen_name`` in one step.

    A ``current`` that is a real folder (the outputs were copied without keeping
    links) is first moved aside as an old generation, to be pruned.
    """
    current = state / CURRENT
    if current.is_dir() and not current.is_symlink():
        current.rename(Path(tempfile.mkdtemp(prefix="gen-", dir=state)) / "copied")
    _symlink_atomic(gen_name, current)


def _adopt_plain_files(out: Path, state: Path) -> None:
    """Turn plain output files (from an older argmap) into a generation, without a gap."""
    plain = [n for n in OUTPUT_FILES if (out / n).is_file() and not (out / n).is_symlink()]
    if not plain:
        return
    gen = Path(tempfile.mkdtemp(prefix="gen-", dir=state))
    for name in plain:
        try:
            os.link(out / name, gen / name)
        except OSError:
            shutil.copy2(out / name, gen / name)
    _fsync_dir(gen)
    _switch_current(state, gen.name)
    for name in plain:
        _symlink_atomic(f"{STATE_DIR}/{CURRENT}/{name}", out / name)


def _prune(state: Path, keep: set[str]) -> None:
    """Remove generations other than ``keep`` (older ones, and those of killed builds)."""
    for old in state.iterdir():
        if old.name.startswith("gen-") and old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    for stray in state.glob(".*.tmp"):
        stray.unlink(missing_ok=True)


def write_outputs(out: Path, files: dict[str, str]) -> None:
    """Write the named files into ``out`` as one new generation, switched in atomically.

    Args:
        out: the output folder (created when missing).
        files: file name -> contents; names are plain (no folders).

    Raises:
        OutputError: a name is not a plain file name, another build holds the
            folder, or the files cannot be written (the previous ones are kept).
    """
    for name in files:
        _check_name(name)
    with generation(out) as gen:
        for name, text in files.items():
            with gen.file(name) as handle:
                handle.write(text)


def _check_name(name: str) -> None:
    if name != Path(name).name or name in {"", ".", "..", STATE_DIR, LOCK}:
        raise OutputError(f"{name!r}: not a plain output file name")


def _cannot_write(exc: OSError, out: Path) -> OutputError:
    where = exc.filename or out
    return OutputError(f"{where}: cannot write ({exc.strerror}); the previous outputs are kept")


class OutputFile:
    """A file of a new generation, open for writing (text, UTF-8, ``\\n`` line ends).

    A failed write is an :class:`~argmap.errors.OutputError` that says the
    previous outputs are kept.
    """

    def __init__(self, path: Path, out: Path) -> None:
        self.path = path
        self._out = out
        try:
            self._handle = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        except OSError as exc:
            raise _cannot_write(exc, out) from None

    def write(self, text: str) -> None:
        """Append ``text``."""
        try:
            self._handle.write(text)
        except OSError as exc:
            raise _cannot_write(exc, self._out) from None

    def close(self) -> None:
        """Flush the file to disk and close it."""
        if self._handle.closed:
            return
        try:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            os.chmod(self.path, 0o666 & ~_umask())
        except OSError as exc:
            raise _cannot_write(exc, self._out) from None
        finally:
            self._handle.close()

    def abandon(self) -> None:
        """Close without flushing to disk (the generation is being dropped)."""
        with suppress(OSError):
            self._handle.close()

    def __enter__(self) -> OutputFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.close()
        else:
            self.abandon()


class Generation:
    """A new generation of outputs in ``out/.argmap/gen-*``, written file by file while
    the build runs; :meth:`switch` puts it in force at once (see the module docstring).

    Use :func:`generation`, which holds the lock and drops an unfinished generation.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.state = out / STATE_DIR
        self.state.mkdir(exist_ok=True)
        for stray in out.glob(".*.tmp"):
            if stray.is_symlink():
                stray.unlink()
        _adopt_plain_files(out, self.state)
        current = self.state / CURRENT
        self.previous = os.readlink(current) if current.is_symlink() else None
        self.path = Path(tempfile.mkdtemp(prefix="gen-", dir=self.state))
        self.names: list[str] = []
        self._open: list[OutputFile] = []

    def file(self, name: str) -> OutputFile:
        """Open the output file ``name`` of this generation for writing."""
        _check_name(name)
        handle = OutputFile(self.path / name, self.out)
        self.names.append(name)
        self._open.append(handle)
        return handle

    def finish(self) -> None:
        """Close every file and flush the generation to disk (it is not in force yet)."""
        for handle in self._open:
            handle.close()
        try:
            os.chmod(self.path, 0o777 & ~_umask())
            _fsync_dir(self.path)
        except OSError as exc:
            raise _cannot_write(exc, self.out) from None

    def switch(self) -> None:
        """Put the finished generation in force: one rename, then the links, then old
        generations pruned."""
        out, state, gen = self.out, self.state, self.path
        _switch_current(state, gen.name)
        _fsync_dir(state)
        for name in self.names:
            link = out / name
            if not link.is_symlink() or os.readlink(link) != f"{STATE_DIR}/{CURRENT}/{name}":
                _symlink_atomic(f"{STATE_DIR}/{CURRENT}/{name}", link)
        for link in out.iterdir():
            if (
                link.name not in self.names
                and link.is_symlink()
                and os.readlink(link).startswith(f"{STATE_DIR}/{CURRENT}/")
            ):
                link.unlink()
        _fsync_dir(out)
        _prune(state, {gen.name} | ({self.previous} if self.previous else set()))

    def discard(self) -> None:
        """Drop the unfinished generation: the outputs in force stay as they are."""
        for handle in self._open:
            handle.abandon()
        shutil.rmtree(self.path, ignore_errors=True)


@contextmanager
def generation(out: Path) -> Iterator[Generation]:
    """A new generation of outputs in ``out``, put in force when the block ends normally
    and dropped when it raises; the lock on ``out`` is held throughout.

    Raises:
        OutputError: another build holds the folder, or the files cannot be
            written (the previous ones are kept).
    """
    with locked(out):
        try:
            gen = Generation(out)
        except OSError as exc:
            raise _cannot_write(exc, out) from None
        try:
            yield gen
            gen.finish()
        except BaseException:
            gen.discard()
            raise
        try:
            gen.switch()
        except OSError as exc:
            raise _cannot_write(exc, out) from None
