"""Run :func:`argmap.process.process_documents` over a corpus: here, on a process pool, or on Dask.

The build driver reads each input's bytes (for the cache key), answers what
it can from the cache, and hands the rest to a runner in windows of a few
dozen documents. Every runner returns a window's results in input order, so
the outputs do not depend on which runner made them. At most a few windows are
in flight at once: memory holds the texts of those windows only, never the
corpus.

- :class:`SerialRunner` processes in the driver's own process.
- :class:`PoolRunner` (``--jobs N``) uses N worker processes, forked from the
  driver once it has loaded the spaCy pipeline (where processes cannot be
  forked, each loads it once).
- :class:`DaskRunner` (``--scheduler ADDRESS``) sends shards of a window to a
  Dask distributed cluster; each worker loads the pipeline once per thread.
  The workers get the file bytes with the shard, so they need argmap and the
  spaCy model installed, but not the inputs.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from argmap.cache import DocumentCache
from argmap.errors import InputError, SchedulerError
from argmap.ingest import decode
from argmap.process import (
    BuildSettings,
    DocumentProcessor,
    DocumentResult,
    Source,
    init_worker,
    process_documents,
    read_source,
    work,
    work_shard,
)
from argmap.rules import RuleSet

#: Documents read ahead and handed to a runner at once, per worker.
WINDOW_PER_WORKER = 16
#: Documents in one task of a pool worker: their candidate sentences are parsed
#: in shared batches, and a window holds several chunks per worker to balance the load.
CHUNK = 8
#: Documents in one Dask task.
SHARD = 8
#: Seconds to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT = 30


class Pending(Protocol):
    def get(self) -> list[DocumentResult]: ...


class Runner(Protocol):
    """Processes windows of documents; results come back in input order."""

    workers: int

    def submit(self, sources: list[Source]) -> Pending: ...

    def close(self, *, cancel: bool = False) -> None:
        """Release the workers; ``cancel`` drops work still queued (after an error)."""


class _Later:
    def __init__(self, compute: Callable[[], list[DocumentResult]]) -> None:
        self.compute = compute

    def get(self) -> list[DocumentResult]:
        return self.compute()


class _Freeze:
    """A runner's hold on the collector: the objects alive when it is taken go to the
    permanent generation, so that collections skip them (the spaCy pipeline's many
    objects among them), until it is released."""

    def __init__(self) -> None:
        self.held = False

    def take(self) -> None:
        """Freeze, unless this hold is taken already or the caller froze objects of its
        own (releasing would unfreeze theirs too)."""
        if not self.held and not gc.get_freeze_count():
            gc.freeze()
            self.held = True

    def release(self) -> None:
        if self.held:
            gc.unfreeze()
            self.held = False


class SerialRunner:
    """Process in this process (the spaCy pipeline is loaded on the first cache miss).

    Once the pipeline is loaded, the objects alive then are frozen until the
    runner closes: the collections that processing sets off skip them.
    """

    workers = 1

    def __init__(self, processor: DocumentProcessor) -> None:
        self.processor = processor
        self._frozen = _Freeze()

    def submit(self, sources: list[Source]) -> Pending:
        return _Later(lambda: self._process(sources))

    def _process(self, sources: list[Source]) -> list[DocumentResult]:
        results = process_documents(sources, self.processor)
        if self.processor.loaded:
            self._frozen.take()
        return results

    def close(self, *, cancel: bool = False) -> None:
        self._frozen.release()


class PoolRunner:
    """A pool of worker processes, started on first use.

    Where processes can be forked, the driver loads the pipeline once, before the
    pool starts, and every worker begins with it loaded: no worker loads it again,
    and a pipeline that cannot be loaded fails the build at once. The objects
    alive then are frozen until the runner closes, as :class:`SerialRunner` does.
    Elsewhere (``spawn``) each worker loads its own pipeline and takes the
    driver's rules.
    """

    def __init__(self, processor: DocumentProcessor, jobs: int) -> None:
        self.processor = processor
        self.workers = jobs
        self._pool: Any = None
        self._frozen = _Freeze()

    def _start(self) -> Any:
        processor = self.processor
        context: multiprocessing.context.BaseContext
        fork = "fork" in multiprocessing.get_all_start_methods()
        if fork:
            processor.extractor  # noqa: B018 (loaded here, inherited by every worker)
            context = multiprocessing.get_context("fork")
            initargs: tuple[Any, ...] = (processor.settings, None, processor)
        else:
            # the rules travel to the workers rather than being read from the files again
            rules = RuleSet(rules=processor.rules.rules, sources=processor.rules.sources)
            context = multiprocessing.get_context("spawn")
            initargs = (processor.settings, rules)
        # Frozen from before the workers fork until the pool closes: the workers'
        # collections never walk the objects alive now (the pipeline's among
        # them), nor copy the pages they live on, and neither do the driver's
        # while it collects the results.
        if fork:
            self._frozen.take()
        try:
            return context.Pool(self.workers, initializer=init_worker, initargs=initargs)
        except BaseException:
            self._frozen.release()
            raise

    def submit(self, sources: list[Source]) -> Pending:
        if self._pool is None:
            self._pool = self._start()
        chunks = [sources[i : i + CHUNK] for i in range(0, len(sources), CHUNK)]
        pending = self._pool.map_async(work, chunks, chunksize=1)
        return _Later(lambda: [r for chunk in pending.get() for r in chunk])

    def close(self, *, cancel: bool = False) -> None:
        if self._pool is not None:
            if cancel:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None
        self._frozen.release()


class DaskRunner:
    """Shards on a Dask distributed cluster.

    Args:
        settings: the build settings (sent with every shard).
        scheduler: the scheduler's address (``tcp://host:8786``) or a ``distributed.Client``.

    Raises:
        SchedulerError: Dask is not installed or the scheduler cannot be reached.
    """

    def __init__(self, settings: BuildSettings, scheduler: Any) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise SchedulerError("--scheduler needs Dask: pip install 'argmap[dask]'") from None
        self.settings = settings
        self._own = not isinstance(scheduler, Client)
        try:
            self.client = Client(scheduler, timeout=CONNECT_TIMEOUT) if self._own else scheduler
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        self.workers = max(1, sum(self.client.nthreads().values()))

    def submit(self, sources: list[Source]) -> Pending:
        shards = [sources[i : i + SHARD] for i in range(0, len(sources), SHARD)]
        futures = [
            self.client.submit(work_shard, self.settings, shard, pure=False) for shard in shards
        ]
        return _Later(lambda: [r for shard in self.client.gather(futures) for r in shard])

    def close(self, *, cancel: bool = False) -> None:
        if self._own:
            self.client.close()


def make_runner(processor: DocumentProcessor, *, jobs: int = 1, scheduler: Any = None) -> Runner:
    """The runner for these options: Dask if a scheduler is named, a pool if ``jobs > 1``."""
    if scheduler is not None:
        return DaskRunner(processor.settings, scheduler)
    if jobs > 1:
        return PoolRunner(processor, jobs)
    return SerialRunner(processor)


def _windows(items: Iterable[Path], size: int) -> Iterator[list[Path]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def results(
    files: Iterable[Path],
    runner: Runner,
    *,
    settings: BuildSettings,
    cache: DocumentCache | None = None,
) -> Iterator[tuple[Path, DocumentResult]]:
    """Each input's result, in input order, from the cache or from the runner.

    New results are added to the cache as they come.
    """
    pending: deque[tuple[list[tuple[Path, DocumentResult | None, Source | None]], Pending | None]]
    pending = deque()
    size = WINDOW_PER_WORKER * runner.workers
    depth = 1 if isinstance(runner, SerialRunner) else 2
    for window in _windows(files, size):
        entries: list[tuple[Path, DocumentResult | None, Source | None]] = []
        todo: list[Source] = []
        for path in window:
            try:
                source = read_source(path, max_bytes=settings.max_bytes)
            except InputError as exc:
                entries.append((path, DocumentResult(str(path), error=str(exc)), None))
                continue
            hit = cache.get(source.sha256) if cache is not None else None
            if hit is not None:
                hit.text = decode(source.data, encoding=settings.encoding, name=str(path))
                entries.append((path, hit, None))
            else:
                entries.append((path, None, source))
                todo.append(source)
        pending.append((entries, runner.submit(todo) if todo else None))
        while len(pending) >= depth:
            yield from _finish(*pending.popleft(), cache)
    while pending:
        yield from _finish(*pending.popleft(), cache)


def _finish(
    entries: list[tuple[Path, DocumentResult | None, Source | None]],
    handle: Pending | None,
    cache: DocumentCache | None,
) -> Iterator[tuple[Path, DocumentResult]]:
    done = iter(handle.get() if handle is not None else [])
    for path, result, source in entries:
        if result is None:
            result = next(done)
            if cache is not None and source is not None:
                cache.put(source.sha256, result)
        yield path, result
