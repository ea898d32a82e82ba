"""Speed-ups change nothing: the cache (hits and invalidation), --jobs and Dask give the same files.

Behaviour only; timings belong to ``make bench``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import argmap
import argmap.api
import argmap.process
from argmap.cache import CACHE_DIR
from argmap.export.files import OUTPUT_FILES
from argmap.extract import Extractor

from .conftest import RAW


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    for path in sorted(RAW.glob("*.txt"))[:3]:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture()
def extractions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The doc ids the extractor is run on (in this process)."""
    calls: list[str] = []
    original = Extractor.extract_many

    def counted(self: Extractor, documents: list[tuple[str, ...]]) -> object:
        calls.extend(d[0] for d in documents)
        return original(self, documents)  # type: ignore[arg-type]

    monkeypatch.setattr(Extractor, "extract_many", counted)
    return calls


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES}


@pytest.fixture()
def reference(corpus: Path, tmp_path: Path) -> dict[str, bytes]:
    """The outputs of a plain build: one process, no cache."""
    out = tmp_path / "reference"
    argmap.build(corpus, out=out, cache=False)
    assert not (out / CACHE_DIR).exists()
    return outputs(out)


def test_second_build_takes_every_document_from_the_cache(corpus, tmp_path, reference, extractions):
    out = tmp_path / "out"
    argmap.build(corpus, out=out)
    assert len(extractions) == 3
    assert (out / CACHE_DIR).is_dir()
    assert outputs(out) == reference
    argmap.build(corpus, out=out)
    assert len(extractions) == 3, "an unchanged document was processed again"
    assert outputs(out) == reference


def test_an_unchanged_corpus_is_not_linked_again(corpus, tmp_path, reference, monkeypatch):
    from argmap.link import Linker

    calls: list[object] = []
    original = Linker.finish

    def counted(self, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(self)
        return original(self, **kwargs)

    monkeypatch.setattr(Linker, "finish", counted)
    out = tmp_path / "out"
    argmap.build(corpus, out=out)
    argmap.build(corpus, out=out)
    assert len(calls) == 1, "the linkage of an unchanged corpus was computed again"
    assert outputs(out) == reference
    (corpus / "extra.txt").write_text("The generals are said to be furious.\n", encoding="utf-8")
    argmap.build(corpus, out=out)
    assert len(calls) == 2, "a changed corpus must be linked again"


def _current(out: Path) -> str:
    import os

    return os.readlink(out / ".argmap" / "current")


def test_an_unchanged_build_keeps_its_outputs(
    corpus, tmp_path, reference, extractions, monkeypatch
):
    from argmap.link import Linker

    out = tmp_path / "out"
    first = argmap.build(corpus, out=out)
    assert not first.up_to_date
    generation = _current(out)
    with monkeypatch.context() as patch:
        patch.setattr(Linker, "finish", None)  # linking would fail
        again = argmap.build(corpus, out=out)
    assert again.up_to_date
    assert len(extractions) == 3, "an unchanged document was processed again"
    assert _current(out) == generation, "the outputs in force were written again"
    assert outputs(out) == reference
    # the map is the one the first build returned
    assert again.counts() == first.counts()
    assert again.relations == first.relations
    assert again.manifest == first.manifest
    assert again.claim_list == first.claim_list
    assert again.documents == first.documents


@pytest.mark.parametrize("name", OUTPUT_FILES)
def test_an_output_file_changed_by_hand_is_written_again(corpus, tmp_path, reference, name):
    out = tmp_path / "out"
    argmap.build(corpus, out=out)
    target = (out / name).resolve()
    target.write_bytes(target.read_bytes().replace(b"}", b"} ", 1))
    amap = argmap.build(corpus, out=out)
    assert not amap.up_to_date
    assert outputs(out) == reference


def test_a_build_with_other_inputs_or_settings_is_not_up_to_date(corpus, tmp_path, reference):
    out = tmp_path / "out"
    argmap.build(corpus, out=out)
    # the same files listed one by one: the same inputs
    assert argmap.build(sorted(corpus.glob("*.txt")), out=out).up_to_date
    # the same files under another path (documents.jsonl records the path)
    alias = tmp_path / "alias"
    alias.symlink_to(corpus)
    assert not argmap.build(alias, out=out).up_to_date
    assert not argmap.build(corpus, out=out).up_to_date
    # the same files, one fewer
    assert not argmap.build(sorted(corpus.glob("*.txt"))[1:], out=out).up_to_date
    assert argmap.build(sorted(corpus.glob("*.txt"))[1:], out=out).up_to_date
    # the earlier build's record still holds for its outputs, were they written again
    assert not argmap.build(corpus, out=out).up_to_date
    assert argmap.build(corpus, out=out).up_to_date
    assert outputs(out) == reference
    # no cache: built again, whatever the record says
    assert not argmap.build(corpus, out=out, cache=False).up_to_date
    # a record is of the outputs a build wrote, not of the folder: another folder is built
    assert not argmap.build(corpus, out=tmp_path / "other").up_to_date


def test_a_build_with_errors_is_built_again_and_reports_them_again(corpus, tmp_path):
    (corpus / "binary.txt").write_bytes(b"\x00\x01 not text")
    out = tmp_path / "out"
    first = argmap.build(corpus, out=out)
    again = argmap.build(corpus, out=out)
    assert not again.up_to_date
    assert list(again.errors) == list(first.errors) == [str(corpus / "binary.txt")]


def test_the_cache_lives_in_the_output_folder_not_the_inputs(corpus, tmp_path):
    before = sorted(p.name for p in corpus.rglob("*"))
    argmap.build(corpus, out=tmp_path / "out")
    assert sorted(p.name for p in corpus.rglob("*")) == before


def test_a_changed_file_is_processed_again_and_only_it(corpus, tmp_path, extractions):
    out = tmp_path / "out"
    argmap.build(corpus, out=out)
    changed = sorted(corpus.glob("*.txt"))[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nThe oligarchs stayed silent.\n")
    extractions.clear()
    amap = argmap.build(corpus, out=out)
    assert not amap.up_to_date
    assert extractions == [changed.stem]
    assert any(c.text == "The oligarchs stayed silent." for c in amap.claim_list)


def test_a_build_partly_from_the_cache_writes_what_a_cold_build_writes(corpus, tmp_path):
    """Claims from the cache and claims just extracted are linked together, in input order."""
    out = tmp_path / "out"
    first = sorted(corpus.glob("*.txt"))[0]
    saved = first.read_bytes()
    first.write_text("The oligarchs stayed silent.\n", encoding="utf-8")
    argmap.build(corpus, out=out)
    first.write_bytes(saved)
    argmap.build(corpus, out=out)  # the first document new, the others from the cache
    cold = tmp_path / "cold"
    argmap.build(corpus, out=cold, cache=False)
    assert outputs(out) == outputs(cold)


def test_two_jobs_fail_at_once_on_a_pipeline_that_cannot_load(corpus, tmp_path):
    from argmap.errors import ModelError

    with pytest.raises(ModelError, match="no_such_pipeline"):
        argmap.build(corpus, out=tmp_path / "out", jobs=2, model="no_such_pipeline")
    assert not (tmp_path / "out" / "claims.jsonl").exists()


def test_a_changed_taxonomy_invalidates_the_cache(corpus, tmp_path, extractions):
    out = tmp_path / "out"
    argmap.build(corpus, out=out)
    taxonomy = tmp_path / "extra.jsonl"
    taxonomy.write_text(
        '{"id": "elites.test", "type": "faction", "label": "elites", "terms": ["courtiers"]}\n'
    )
    extractions.clear()
    argmap.build(corpus, out=out, taxonomy=taxonomy)
    assert len(extractions) == 3


def test_a_changed_argmap_version_invalidates_the_cache(corpus, tmp_path, extractions, monkeypatch):
    out = tmp_path / "out"
    argmap.build(corpus, out=out)
    monkeypatch.setattr(argmap.process, "__version__", "999.0")
    extractions.clear()
    argmap.build(corpus, out=out)
    assert len(extractions) == 3


def test_changed_code_invalidates_the_cache(corpus, tmp_path, extractions, monkeypatch):
    package = tmp_path / "package"
    (package / "link").mkdir(parents=True)
    (package / "extract.py").write_text("RULE = 1\n")
    (package / "link" / "text.py").write_text("STEM = 1\n")
    before = argmap.process.code_sha256(package)
    (package / "link" / "text.py").write_text("STEM = 2\n")
    argmap.process.code_sha256.cache_clear()
    assert argmap.process.code_sha256(package) != before
    assert argmap.process.code_sha256() == argmap.process.code_sha256(argmap.process.PACKAGE)
    out = tmp_path / "out"
    argmap.build(corpus, out=out)
    monkeypatch.setattr(argmap.process, "code_sha256", lambda: "patched")
    extractions.clear()
    argmap.build(corpus, out=out)
    assert len(extractions) == 3


def test_a_changed_model_version_invalidates_the_cache(corpus, tmp_path, extractions, monkeypatch):
    out = tmp_path / "out"
    argmap.build(corpus, out=out)
    real = argmap.process.model_meta

    def newer(name: str | None = None) -> dict[str, object]:
        return {**real(name), "version": "99.0.0"}

    monkeypatch.setattr("argmap.api.model_meta", newer)
    extractions.clear()
    argmap.build(corpus, out=out)
    assert len(extractions) == 3


def test_a_cached_document_under_another_name_gets_its_own_ids(corpus, tmp_path, reference):
    out = tmp_path / "out"
    argmap.build(corpus, out=out)
    first = sorted(corpus.glob("*.txt"))[0]
    renamed = first.with_name("renamed.txt")
    first.rename(renamed)
    amap = argmap.build(corpus, out=out)
    fresh = argmap.build(corpus, out=tmp_path / "fresh", cache=False)
    assert {c.doc_id for c in amap.claim_list} == {c.doc_id for c in fresh.claim_list}
    assert outputs(out) == outputs(tmp_path / "fresh")


def _entries(out: Path) -> list[Path]:
    """The cache's per-document entries (not its linkages and build records)."""
    return [
        p for p in (out / CACHE_DIR).rglob("*.json") if p.parent.name not in ("links", "builds")
    ]


def _forget_linkage(out: Path) -> None:
    """Leave only the per-document entries: the next build links and writes everything."""
    for folder in ("links", "builds"):
        for path in (out / CACHE_DIR).rglob(f"{folder}/*.json"):
            path.unlink()


def test_a_build_links_cached_documents_without_reading_their_claims_again(
    corpus, tmp_path, reference, extractions, monkeypatch
):
    """A cache entry keeps what linking reads of each claim: a build that takes every
    document from the cache links without finding it again."""
    import argmap.link

    out = tmp_path / "out"
    argmap.build(corpus, out=out)
    entry = json.loads(_entries(out)[0].read_text(encoding="utf-8"))
    assert len(entry["features"]) == len(entry["claims"]) > 0
    _forget_linkage(out)
    extractions.clear()

    def refused(*args: object) -> None:
        raise AssertionError("a cached claim was read again for linking")

    monkeypatch.setattr(argmap.link, "signature", refused)
    amap = argmap.build(corpus, out=out)
    assert not extractions and not amap.up_to_date
    assert outputs(out) == reference


@pytest.mark.parametrize("damage", ["absent", "one too many"])
def test_cache_entries_without_their_features_still_build_the_same_files(
    corpus, tmp_path, reference, extractions, damage
):
    """Entries written before the features were kept (or whose features do not match
    their claims) are still hits: linking finds the features again."""
    out = tmp_path / "out"
    argmap.build(corpus, out=out)
    for path in _entries(out):
        entry = json.loads(path.read_text(encoding="utf-8"))
        if damage == "absent":
            del entry["features"]
        else:
            entry["features"].append([[], 0, None, False])
        path.write_text(json.dumps(entry), encoding="utf-8")
    _forget_linkage(out)
    extractions.clear()
    argmap.build(corpus, out=out)
    assert not extractions, "an entry without features was processed again"
    assert outputs(out) == reference


def test_a_cached_linkage_is_the_linkage_and_a_damaged_one_a_miss(corpus, tmp_path, reference):
    from argmap.cache import DocumentCache
    from argmap.link import Linkage, Overlap
    from argmap.models import Relation

    store = DocumentCache(tmp_path / "cache", "k" * 64)
    linkage = Linkage(
        relations=[
            Relation(source="a:0-9", target="b:5-20", relation="restates", basis="x", score=0.5)
        ],
        overlaps={"a": [Overlap("b", 2, 0.25), Overlap("c", 1, 1.0)], "b": []},
        groups={"a": "a", "b": "a"},
    )
    store.put_linkage("key", linkage)
    assert store.get_linkage("key") == linkage
    assert store.get_linkage("other") is None
    path = next((tmp_path / "cache").rglob("key.json"))
    # as earlier versions wrote an overlap: an object
    path.write_text(
        '{"relations":[],"overlaps":{"a":[{"doc_id":"b","restated_claims":2,"share":0.25}]},'
        '"groups":{}}'
    )
    assert store.get_linkage("key") is None
    path.write_text('{"relations":[],"overlaps":{"a":[["b","two",0.25]]},"groups":{}}')
    assert store.get_linkage("key") is None
    # a build whose linkage entries are damaged links again and writes the same files
    out = tmp_path / "out"
    argmap.build(corpus, out=out)
    for entry in (out / CACHE_DIR).rglob("links/*.json"):
        entry.write_text("{not json")
    _forget_builds(out)
    (out / OUTPUT_FILES[0]).unlink()
    argmap.build(corpus, out=out)
    assert outputs(out) == reference


def _forget_builds(out: Path) -> None:
    for path in (out / CACHE_DIR).rglob("builds/*.json"):
        path.unlink()


def test_a_damaged_cache_entry_is_a_miss(corpus, tmp_path, reference, extractions):
    out = tmp_path / "out"
    argmap.build(corpus, out=out)
    for entry in (out / CACHE_DIR).rglob("*.json"):
        entry.write_text("{not json")
    extractions.clear()
    argmap.build(corpus, out=out)
    assert len(extractions) == 3
    assert outputs(out) == reference


def test_two_jobs_write_the_same_files(corpus, tmp_path, reference):
    out = tmp_path / "jobs"
    argmap.build(corpus, out=out, jobs=2, cache=False)
    assert outputs(out) == reference


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_leaves_the_collector_as_it_found_it(corpus, tmp_path, jobs):
    """The pipeline's objects are frozen while a build needs it (one process, or the
    driver of --jobs, whose workers fork with them frozen); the caller's own frozen
    objects stay frozen."""
    import gc

    during: list[int] = []
    argmap.build(
        corpus,
        out=tmp_path / "a",
        jobs=jobs,
        cache=False,
        on_document=lambda _name: during.append(gc.get_freeze_count()),
    )
    assert gc.get_freeze_count() == 0
    assert during and all(during)
    gc.freeze()
    try:
        theirs = gc.get_freeze_count()
        argmap.build(corpus, out=tmp_path / "b", jobs=jobs, cache=False)
        assert gc.get_freeze_count() == theirs
    finally:
        gc.unfreeze()


# Allocates and frees arrays of 1, 2 and 3 MiB forty times, as a batch of the parser
# does, and prints the page faults that took; "keep" first calls keep_heap().
_FAULTS = """
import resource, sys
import numpy
from argmap.process import keep_heap
kept = sys.argv[1] == "keep" and keep_heap()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(40):
    arrays = [numpy.ones(n << 20, dtype=numpy.uint8) for n in (1, 2, 3)]
    del arrays
print(kept, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str, **env: str) -> tuple[str, int]:
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    clean.pop("GLIBC_TUNABLES", None)
    out = subprocess.run(
        [sys.executable, "-c", _FAULTS, mode],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return out[0], int(out[1])


@pytest.mark.skipif(not argmap.process._glibc(), reason="glibc's malloc only")
def test_processing_keeps_freed_memory_instead_of_faulting_it_in_again():
    assert _faults("keep")[0] == "True"
    assert _faults("keep")[1] * 10 < _faults("default")[1]
    # malloc settings of the user's own win: then nothing is changed
    mine = {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"}
    assert _faults("keep", **mine)[0] == "False"


def test_cli_jobs_and_no_cache(corpus, tmp_path, reference):
    from typer.testing import CliRunner

    from argmap.cli import app

    out = tmp_path / "cli"
    result = CliRunner().invoke(
        app, ["build", str(corpus), "--out", str(out), "--jobs", "2", "--no-cache", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert outputs(out) == reference
    assert not (out / CACHE_DIR).exists()


def test_unreadable_inputs_are_reported_the_same_with_jobs(corpus, tmp_path):
    (corpus / "binary.txt").write_bytes(b"\x00\x01 not text")
    serial = argmap.build(corpus, out=tmp_path / "a", cache=False)
    pooled = argmap.build(corpus, out=tmp_path / "b", jobs=2)
    assert list(serial.errors) == list(pooled.errors) == [str(corpus / "binary.txt")]
    assert outputs(tmp_path / "a") == outputs(tmp_path / "b")


def test_dask_writes_the_same_files(corpus, tmp_path, reference):
    distributed = pytest.importorskip(
        "distributed", reason="Dask is not installed (pip install 'argmap[dask]')"
    )
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
            host="127.0.0.1",
            protocol="tcp",
        ) as cluster,
    ):
        out = tmp_path / "dask"
        argmap.build(corpus, out=out, scheduler=cluster.scheduler_address, cache=False)
        assert outputs(out) == reference


def test_an_unreachable_scheduler_is_a_usage_error(corpus, tmp_path, monkeypatch):
    pytest.importorskip("distributed", reason="Dask is not installed (pip install 'argmap[dask]')")
    monkeypatch.setattr("argmap.distribute.CONNECT_TIMEOUT", 1)
    from typer.testing import CliRunner

    from argmap.cli import app

    result = CliRunner().invoke(
        app,
        ["build", str(corpus), "--out", str(tmp_path / "x"), "--scheduler", "tcp://127.0.0.1:9"],
    )
    assert result.exit_code == 2
