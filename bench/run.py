"""``make bench``: argmap's speed, scale and memory, as ratios measured in one run.

Every figure is a whole process (interpreter start and model loading
included), timed from outside, on the same benchmark corpus (see
``bench/corpus.py``: perturbed copies of data/raw, about 300,000 words):

- (a) plain spaCy: ``nlp.pipe`` over the same texts with the same pipeline
  package, all its components, in one process, with the batch size that was
  fastest on a sample;
- (b) ``argmap build``, one process, cold (empty cache);
- (c) ``argmap build --jobs 2``, cold;
- (d) ``argmap build`` again on the unchanged corpus (warm cache: the build
  finds its outputs up to date);
- (e) two one-process ``argmap build`` runs at once, each on half of the
  corpus: (b) / (e) is what two independent processes gain on this machine,
  the yardstick for (c) / (b) (two busy cores of a shared host do not give
  twice the work of one);
- (f) ``argmap build`` after one document of the corpus changed: that one is
  processed, the others come from the per-document cache, and the whole
  corpus is linked and written again;
- (a') plain spaCy as in (a), its models multiplying with numpy's BLAS on one
  thread, as argmap's do (``argmap.fastpipe.numpy_gemm``), and (b') ``argmap
  build`` as in (b), its models on spaCy's default ops (blis): (b) / (a') is
  what argmap gains over parsing everything with the same matrix products,
  (b) / (b') what the BLAS gains.

Then peak RSS of ``argmap build`` on 1,000 and 10,000 short articles, and a
check that ``argmap eval`` on the seeds gives identical figures, and the build
identical files, with and without every speed-up (cache cold and warm,
``--jobs 2``, a Dask cluster of 2 workers on loopback, numpy's BLAS in place
of blis).

Usage: ``python bench/run.py [--words N] [--rounds N] [--skip-memory | --only-memory]
[--out bench/out]`` (``--only-memory``: the memory rows alone, no timings and
no checks). Timings on a shared machine are noisy: (a) to (b') run in
interleaved rounds (``--rounds``, default 5, ``timeit``'s default repeat) and
each counts its fastest, as ``timeit`` does (a slower round measures the
neighbours); read the ratios, which are taken in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from corpus import make_corpus  # noqa: E402

PYTHON = sys.executable
ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
}
OUTPUT_FILES = ("claims.jsonl", "documents.jsonl", "graph.json", "manifest.json")
BATCH_SIZES = (8, 32, 128)
#: The timed runs, in the order of the table: see the module's docstring.
KEYS = ("a", "b", "c", "d", "e", "f", "a'", "b'")

# argv: corpus, batch size, "blis" (spaCy's default) or "numpy" (argmap's BLAS), [files]
PLAIN_SPACY = r"""
import contextlib, sys, time
from pathlib import Path
import spacy
from argmap.fastpipe import numpy_gemm, one_blas_thread
from argmap.segment import resolve_model
gemm = sys.argv[3] == "numpy"
with numpy_gemm() if gemm else contextlib.nullcontext():
    nlp = spacy.load(resolve_model(None))  # every component of the package
files = sorted(p for p in Path(sys.argv[1]).rglob("*") if p.suffix in (".txt", ".md"))
limit = int(sys.argv[4]) if len(sys.argv) > 4 else len(files)
texts = (open(p, encoding="utf-8").read() for p in files[:limit])
with one_blas_thread() if gemm else contextlib.nullcontext():
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=int(sys.argv[2])))
print(tokens, ",".join(nlp.pipe_names))
"""

# `argmap build` with the models on spaCy's default ops, which multiply with blis
BLIS_BUILD = r"""
import contextlib, sys
import argmap.fastpipe
argmap.fastpipe.numpy_gemm = contextlib.nullcontext
from argmap.cli import main
sys.argv = ["argmap", *sys.argv[1:]]
main()
"""


class Run:
    """One timed subprocess: wall seconds, peak RSS of its process tree, output."""

    def __init__(self, args: list[str], *, cwd: Path = ROOT) -> None:
        self.args = args
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.Popen(
            args, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.peak_rss = 0
        sampler = threading.Thread(target=self._sample, args=(proc.pid,), daemon=True)
        sampler.start()
        self.stdout, self.stderr = proc.communicate()
        self.seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU of the process and of every worker it waited for: what a quiet machine would need.
        self.cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        self.returncode = proc.returncode
        sampler.join(timeout=1)
        if self.returncode != 0:
            raise SystemExit(f"bench: {' '.join(args)} failed:\n{self.stderr[-2000:]}")

    def _sample(self, pid: int) -> None:
        try:
            import psutil
        except ImportError:
            return
        try:
            root = psutil.Process(pid)
            while root.is_running() and root.status() != psutil.STATUS_ZOMBIE:
                procs = [root, *root.children(recursive=True)]
                rss = 0
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        rss += p.memory_info().rss
                self.peak_rss = max(self.peak_rss, rss)
                time.sleep(0.05)
        except psutil.Error:
            return


class Pair:
    """Two processes started together: wall seconds until both are done, and their CPU."""

    def __init__(self, first: list[str], second: list[str]) -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        procs = [
            subprocess.Popen(
                args,
                cwd=ROOT,
                env=ENV,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for args in (first, second)
        ]
        errors = [proc.communicate()[1] for proc in procs]
        self.seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        for proc, err in zip(procs, errors, strict=True):
            if proc.returncode != 0:
                raise SystemExit(f"bench: {' '.join(proc.args)} failed:\n{err[-2000:]}")


def halves(corpus: Path, work: Path) -> tuple[Path, Path]:
    """The corpus's files dealt alternately into two folders (for the (e) row)."""
    folders = (work / "half1", work / "half2")
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    for i, path in enumerate(sorted(corpus.glob("*.txt"))):
        shutil.copy(path, folders[i % 2] / path.name)
    return folders


def argmap_cmd(*args: str) -> list[str]:
    return [PYTHON, "-m", "argmap", *args]


def blis_cmd(*args: str) -> list[str]:
    """``argmap build``, its models on spaCy's default ops (blis)."""
    return [PYTHON, "-c", BLIS_BUILD, *args]


def words_in(folder: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8").split()) for p in folder.glob("*.txt"))


def same_files(a: Path, b: Path) -> bool:
    return all((a / n).read_bytes() == (b / n).read_bytes() for n in OUTPUT_FILES)


def tune_batch_size(corpus: Path, sample: int) -> tuple[int, dict[int, float]]:
    times = {}
    for size in BATCH_SIZES:
        run = Run([PYTHON, "-c", PLAIN_SPACY, str(corpus), str(size), "blis", str(sample)])
        times[size] = run.seconds
    return min(times, key=times.__getitem__), times


def eval_checks(work: Path) -> list[tuple[str, bool, bool]]:
    """Build the seeds with and without each speed-up; compare eval figures and files."""
    raw = ROOT / "data" / "raw"
    gold = [
        "--gold",
        str(ROOT / "data/gold/seeds.claims.jsonl"),
        "--relations",
        str(ROOT / "data/gold/seeds.relations.jsonl"),
        "--raw",
        str(raw),
        "--json",
    ]

    def scores(out: Path) -> str:
        return Run(argmap_cmd("eval", *gold, "--out", str(out))).stdout

    plain = work / "eval-plain"
    Run(argmap_cmd("build", str(raw), "--out", str(plain), "--no-cache", "-q"))
    reference = scores(plain)
    checks = []

    def remove_outputs(out: Path) -> None:
        # the build then finds no outputs to keep: every document from the cache, written again
        for name in OUTPUT_FILES:
            (out / name).unlink()

    # (name, build options, output folder, what to do to the folder before the build)
    variants: list[tuple[str, list[str], Path, Callable[[Path], None] | None]] = [
        ("cache, cold", [], work / "eval-cache", None),
        ("cache, warm (outputs up to date)", [], work / "eval-cache", None),
        ("cache, warm (outputs removed)", [], work / "eval-cache", remove_outputs),
        ("--jobs 2", ["--jobs", "2", "--no-cache"], work / "eval-jobs", None),
        ("numpy's BLAS in place of blis", ["--no-cache"], work / "eval-blis", None),
    ]
    cluster = None
    try:
        from distributed import LocalCluster

        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        variants.append(
            (
                "Dask, 2 workers",
                ["--scheduler", cluster.scheduler_address, "--no-cache"],
                work / "eval-dask",
                None,
            )
        )
    except ImportError:
        print(
            "bench: Dask is not installed; the Dask check is skipped (pip install 'argmap[dask]')"
        )
    try:
        for name, extra, out, before in variants:
            if before is not None:
                before(out)
            command = blis_cmd if out.name == "eval-blis" else argmap_cmd
            Run(command("build", str(raw), "--out", str(out), "-q", *extra))
            checks.append((name, scores(out) == reference, same_files(out, plain)))
    finally:
        if cluster is not None:
            cluster.close()
    return checks


def memory_rows(work: Path) -> list[str]:
    """Peak RSS of ``argmap build --no-cache`` on 1,000 and 10,000 short articles: table rows."""
    mem = []
    for n in (1_000, 10_000):
        folder = work / f"mem{n}"
        make_corpus(folder, raw=ROOT / "data" / "raw", documents=n, lines=2)
        out = work / f"mem{n}-out"
        run = Run(argmap_cmd("build", str(folder), "--out", str(out), "--no-cache", "-q"))
        counts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]
        size = sum((out / name).stat().st_size for name in OUTPUT_FILES)
        mem.append((n, words_in(folder), run, counts, size))
        print(
            f"memory, {n} documents: {run.peak_rss / 2**20:.0f} MiB in {run.seconds:.1f} s",
            flush=True,
        )
    lines = [
        "| argmap build, 1 process | words | claims | relations | output MiB | seconds | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for n, w, run, counts, size in mem:
        lines.append(
            f"| {n:,} documents | {w:,} | {counts['claims']:,} | {counts['relations']:,} "
            f"| {size / 2**20:.1f} | {run.seconds:.1f} | {run.peak_rss / 2**20:.0f} |"
        )
    ratio = mem[1][2].peak_rss / max(1, mem[0][2].peak_rss)
    lines.append(
        f"| 10,000 / 1,000 | | | | | | {ratio:.2f}x (target < 2x: {'yes' if ratio < 2 else 'NO'}) |"
    )
    for sub in ("mem1000", "mem10000", "mem1000-out", "mem10000-out"):
        shutil.rmtree(work / sub, ignore_errors=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=300_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds of (a) to (f)")
    parser.add_argument("--only-memory", action="store_true")
    opts = parser.parse_args()
    work: Path = opts.out
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    if opts.only_memory:
        table = "\n".join(memory_rows(work))
        print()
        print(table)
        (work / "results.md").write_text(table + "\n", encoding="utf-8")
        return
    corpus = work / "corpus"
    n_docs, _ = make_corpus(corpus, raw=ROOT / "data" / "raw", words=opts.words)
    words = words_in(corpus)
    print(f"corpus: {n_docs} documents, {words} words in {corpus}", flush=True)

    size, tuning = tune_batch_size(corpus, max(20, n_docs // 8))
    print(
        "batch size tuning (seconds on a sample): "
        + ", ".join(f"{k}: {v:.1f}" for k, v in tuning.items()),
        flush=True,
    )
    # Interleaved rounds; each run's fastest counts (as timeit does): on a shared
    # machine a slower run measures the neighbours, and interleaving exposes every
    # run to the same periods of load.
    runs: dict[str, list[Any]] = {k: [] for k in KEYS}
    changed = sorted(corpus.glob("*.txt"))[0]
    half1, half2 = halves(corpus, work)
    for round_ in range(1, opts.rounds + 1):
        for sub in ("b", "b2", "c", "e1", "e2", "f"):
            shutil.rmtree(work / sub, ignore_errors=True)
        runs["a"].append(Run([PYTHON, "-c", PLAIN_SPACY, str(corpus), str(size), "blis"]))
        runs["b"].append(Run(argmap_cmd("build", str(corpus), "--out", str(work / "b"), "-q")))
        runs["a'"].append(Run([PYTHON, "-c", PLAIN_SPACY, str(corpus), str(size), "numpy"]))
        runs["b'"].append(Run(blis_cmd("build", str(corpus), "--out", str(work / "b2"), "-q")))
        runs["c"].append(
            Run(argmap_cmd("build", str(corpus), "--out", str(work / "c"), "--jobs", "2", "-q"))
        )
        runs["d"].append(Run(argmap_cmd("build", str(corpus), "--out", str(work / "b"), "-q")))
        runs["e"].append(
            Pair(
                argmap_cmd("build", str(half1), "--out", str(work / "e1"), "-q"),
                argmap_cmd("build", str(half2), "--out", str(work / "e2"), "-q"),
            )
        )
        # (f) on a copy of (b)'s folder, cache included, so that (b)'s files stay for the check
        shutil.copytree(work / "b", work / "f", symlinks=True)
        saved = changed.read_bytes()
        changed.write_bytes(saved + f"\nThe generals stayed silent ({round_}).\n".encode())
        try:
            runs["f"].append(Run(argmap_cmd("build", str(corpus), "--out", str(work / "f"), "-q")))
        finally:
            changed.write_bytes(saved)
        print(
            f"round {round_}: "
            + ", ".join(f"({k}) {v[-1].seconds:.1f} s" for k, v in runs.items()),
            flush=True,
        )
    fastest = {k: min(runs[k], key=lambda r: r.seconds) for k in KEYS}
    a, b, c, d, e, f = (fastest[k] for k in "abcdef")
    identical = same_files(work / "b", work / "c")
    identical_blis = same_files(work / "b", work / "b2")

    rows = [
        (f"(a) plain spaCy nlp.pipe, all components, batch {size}", a),
        ("(b) argmap build, 1 process, cold", b),
        ("(c) argmap build --jobs 2, cold", c),
        ("(d) argmap build, warm cache", d),
        ("(e) two argmap builds at once, 1 process each, on a half of the corpus each", e),
        ("(f) argmap build, one document changed, the others from the cache", f),
        (
            "(a') plain spaCy as (a), its models multiplying with numpy's BLAS on one thread",
            fastest["a'"],
        ),
        (
            "(b') argmap build as (b), its models multiplying with blis (spaCy's default)",
            fastest["b'"],
        ),
    ]
    lines = [
        f"| run (fastest of {opts.rounds}) | seconds | words/s | CPU seconds | every round (s) |",
        "|---|---:|---:|---:|---|",
    ]
    for (name, run), key in zip(rows, KEYS, strict=True):
        every = ", ".join(f"{r.seconds:.1f}" for r in runs[key])
        lines.append(
            f"| {name} | {run.seconds:.1f} | {words / run.seconds:,.0f} | {run.cpu:.1f} | {every} |"
        )
    ratios = [
        ("(b) / (a)", a.seconds / b.seconds, 3.0),
        ("(c) / (b)", b.seconds / c.seconds, 1.7),
        ("(d) / (b)", b.seconds / d.seconds, 20.0),
    ]
    lines += ["", "| ratio | measured | target | met |", "|---|---:|---:|---|"]
    for name, value, target in ratios:
        lines.append(
            f"| {name} | {value:.2f} | >= {target:g} | {'yes' if value >= target else 'NO'} |"
        )
    ceiling = b.seconds / e.seconds
    lines.append(f"| (b) / (e): what two independent processes gain here | {ceiling:.2f} | | |")
    lines.append(
        f"| (b) / (f): a build with one document changed | {b.seconds / f.seconds:.2f} | | |"
    )
    prefilter = fastest["a'"].seconds / b.seconds
    gemm = fastest["b'"].seconds / b.seconds
    lines.append(f"| (b) / (a'): the same gemm on both sides | {prefilter:.2f} | | |")
    lines.append(f"| (b) / (b'): numpy's BLAS against blis | {gemm:.2f} | | |")
    per_round = [
        ("(b) / (a)", [x.seconds / y.seconds for x, y in zip(runs["a"], runs["b"], strict=True)]),
        ("(c) / (b)", [x.seconds / y.seconds for x, y in zip(runs["b"], runs["c"], strict=True)]),
        ("(b) / (e)", [x.seconds / y.seconds for x, y in zip(runs["b"], runs["e"], strict=True)]),
        ("(b) / (a')", [x.seconds / y.seconds for x, y in zip(runs["a'"], runs["b"], strict=True)]),
    ]
    lines += [
        "",
        "| ratio, round by round | "
        + " | ".join(f"round {i + 1}" for i in range(opts.rounds))
        + " |",
    ]
    lines.append("|---|" + "---:|" * opts.rounds)
    for name, values in per_round:
        lines.append(f"| {name} | " + " | ".join(f"{v:.2f}" for v in values) + " |")

    if not opts.skip_memory:
        lines += [""] + memory_rows(work)

    checks = eval_checks(work)
    lines += [
        "",
        "| speed-up (seeds) | eval figures identical | files identical |",
        "|---|---|---|",
    ]
    lines.append(f"| 300k corpus: --jobs 2 vs 1 process | | {'yes' if identical else 'NO'} |")
    lines.append(f"| 300k corpus: numpy's BLAS vs blis | | {'yes' if identical_blis else 'NO'} |")
    for name, same_scores, same_bytes in checks:
        lines.append(
            f"| {name} | {'yes' if same_scores else 'NO'} | {'yes' if same_bytes else 'NO'} |"
        )
    table = "\n".join(lines)
    print()
    print(table)
    (work / "results.md").write_text(table + "\n", encoding="utf-8")
    (work / "results.json").write_text(
        json.dumps(
            {
                "documents": n_docs,
                "words": words,
                "batch_size": size,
                "seconds": {k: r.seconds for k, r in fastest.items()},
                "every_round": {k: [r.seconds for r in v] for k, v in runs.items()},
                "cpu_seconds": {k: r.cpu for k, r in fastest.items()},
                "ratios": {n: v for n, v, _ in ratios},
                "ceiling_c_over_b": ceiling,
            },
            indent=2,
        )
        + "\n"
    )
    for sub in (
        "corpus",
        "b",
        "b2",
        "c",
        "e1",
        "e2",
        "f",
        "half1",
        "half2",
        "mem1000",
        "mem10000",
        "mem1000-out",
        "mem10000-out",
    ):
        shutil.rmtree(work / sub, ignore_errors=True)


if __name__ == "__main__":
    main()
