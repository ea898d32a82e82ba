"""Bad input, interrupted and concurrent builds, untouched inputs, malformed configuration.

One test (or one parametrised family) per row of the reliability table; every
case also checks that the rest of the corpus still builds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from argmap.cli import app
from argmap.export.files import CLAIMS, DOCUMENTS, GRAPH, MANIFEST, locked
from argmap.validate import validate

from .conftest import ARTICLE, OTHER

pytestmark = pytest.mark.usefixtures("shared_pipeline")

OUTPUTS = (CLAIMS, DOCUMENTS, GRAPH, MANIFEST)


def run(*args: str | Path) -> tuple[int, str, str]:
    """Run the argmap CLI in this process; (exit code, stdout, stderr)."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every output file's bytes (through the links), by name."""
    return {name: (folder / name).read_bytes() for name in OUTPUTS}


def tree(root: Path, *, skip: Path | None = None) -> dict[str, tuple[str, int]]:
    """sha256 and mtime of every file under ``root`` (outside ``skip``)."""
    out = {}
    for path in sorted(root.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        if path.is_file() and not path.is_symlink():
            out[str(path.relative_to(root))] = (
                hashlib.sha256(path.read_bytes()).hexdigest(),
                path.stat().st_mtime_ns,
            )
    return out


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text(ARTICLE, encoding="utf-8")
    return raw


def check_offsets(out: Path, raw: Path, *, encoding: str = "utf-8") -> list[dict]:
    """Claims of ``out``, each checked against ``open(path, encoding=...).read()``."""
    docs = {d["doc_id"]: d for d in read_jsonl(out / DOCUMENTS)}
    claims = read_jsonl(out / CLAIMS)
    for claim in claims:
        path = Path(docs[claim["doc_id"]]["path"])
        with open(path, encoding=encoding) as handle:
            doc_text = handle.read()
        assert doc_text[claim["start"] : claim["end"]] == claim["text"]
        for mention in claim["mentions"]:
            assert doc_text[mention["start"] : mention["end"]] == mention["text"]
    assert validate(out, raw=raw) == []
    return claims


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\t\n  \r\n", b"\xef\xbb\xbf\n\xe2\x80\x8b\n"])
def test_empty_or_whitespace_file_warns_and_builds_a_document_with_no_claims(
    corpus: Path, tmp_path: Path, content: bytes
) -> None:
    (corpus / "blank.txt").write_bytes(content)
    code, _, err = run("build", corpus, "--out", tmp_path / "out")
    assert code == 0
    assert re.search(r"warning: .*blank\.txt: empty file", err)
    docs = {d["doc_id"]: d for d in read_jsonl(tmp_path / "out" / DOCUMENTS)}
    assert docs["blank"]["n_claims"] == 0
    assert docs["good"]["n_claims"] > 0
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text(encoding="utf-8"))
    assert any("blank.txt" in k for k in manifest["warnings"])


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("nul.txt", b"The FSB \x00\x00 arrested oligarchs.\n", "NUL bytes"),
        ("late-nul.txt", b"The FSB arrested oligarchs.\n" * 5000 + b"\x00", "NUL bytes"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "PNG image"),
        ("scan.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200), "JPEG image"),
        ("report.md", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF document"),
        ("wide.txt", "The FSB arrested oligarchs.\n".encode("utf-16"), "--encoding utf-16"),
    ],
)
def test_binary_or_image_file_is_named_skipped_and_exit_1(
    corpus: Path, tmp_path: Path, name: str, content: bytes, why: str
) -> None:
    (corpus / name).write_bytes(content)
    code, _, err = run("build", corpus, "--out", tmp_path / "out")
    assert code == 1
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1 and name in lines[0] and why in lines[0]
    doc_ids = [d["doc_id"] for d in read_jsonl(tmp_path / "out" / DOCUMENTS)]
    assert doc_ids == ["good"]


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1252", "The FSB arrested the oligarchs at the café – “quietly”, sources said.\n"),
        ("latin-1", "The FSB arrested the oligarchs in Zürich, sources said.\n"),
        ("cp1251", "The FSB arrested the oligarchs (ФСБ задержала олигархов), sources said.\n"),
    ],
)
def test_not_utf8_is_named_with_how_to_proceed_and_encoding_option_builds(
    tmp_path: Path, encoding: str, text: str
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text(ARTICLE, encoding="ascii")
    (raw / "legacy.txt").write_bytes(("Moscow report\n\n" + text).encode(encoding))
    code, _, err = run("build", raw, "--out", tmp_path / "out")
    assert code == 1
    message = next(line for line in err.splitlines() if "legacy.txt" in line)
    assert "not valid utf-8" in message and "--encoding" in message and "convert" in message
    assert [d["doc_id"] for d in read_jsonl(tmp_path / "out" / DOCUMENTS)] == ["good"]

    code, _, err = run("build", raw, "--out", tmp_path / "out", "--encoding", encoding)
    assert code == 0, err
    claims = check_offsets(tmp_path / "out", raw, encoding=encoding)
    legacy = [c for c in claims if c["doc_id"] == "legacy"]
    assert legacy and any("FSB" in c["text"] for c in legacy)


@pytest.mark.parametrize(
    "variant",
    ["bom", "crlf", "cr", "nbsp", "zero-width", "guillemets", "all", "unicode-lines"],
)
def test_bom_crlf_nbsp_zero_width_and_guillemets_keep_offsets(tmp_path: Path, variant: str) -> None:
    text = ARTICLE + "«The FSB is loyal», the oligarchs said.\n"
    if variant in ("bom", "all"):
        text = "\ufeff" + text
    if variant in ("nbsp", "all"):
        text = text.replace("two oligarchs", "two\u00a0oligarchs").replace(
            "is loyal", "is\u00a0loyal"
        )
    if variant in ("zero-width", "all"):
        text = text.replace("Moscow", "Mos\u200bcow").replace(
            "\nThe military", "\n\u200bThe military"
        )
    if variant == "guillemets":
        text = text.replace("Kremlin.", "«Kremlin».")
    if variant == "unicode-lines":
        text = text.replace("said.\n", "said.\u2028").replace("Putin.\n", "Putin.\x85")
    data = text.encode("utf-8")
    if variant in ("crlf", "all"):
        data = data.replace(b"\n", b"\r\n")
    if variant == "cr":
        data = data.replace(b"\n", b"\r")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "doc.txt").write_bytes(data)
    code, _, err = run("build", raw, "--out", tmp_path / "out")
    assert code == 0, err
    claims = check_offsets(tmp_path / "out", raw)
    assert len(claims) >= 3
    assert not any(c["text"][:1] in "\ufeff\u200b \n\r" for c in claims)


def test_file_over_the_size_limit_is_refused_clearly_and_the_limit_is_configurable(
    corpus: Path, tmp_path: Path
) -> None:
    with open(corpus / "huge.txt", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: the size check comes before any read
    code, _, err = run("build", corpus, "--out", tmp_path / "out")
    assert code == 1
    message = next(line for line in err.splitlines() if "huge.txt" in line)
    assert "over the limit" in message and "--max-bytes" in message
    assert [d["doc_id"] for d in read_jsonl(tmp_path / "out" / DOCUMENTS)] == ["good"]

    (corpus / "huge.txt").unlink()
    (corpus / "medium.txt").write_text(ARTICLE * 50, encoding="utf-8")
    code, _, err = run("build", corpus, "--out", tmp_path / "out", "--max-bytes", "2000")
    assert code == 1 and "medium.txt" in err and "over the limit of 2000" in err


def test_a_fifo_or_device_never_hangs_the_build(corpus: Path, tmp_path: Path) -> None:
    os.mkfifo(corpus / "pipe.txt")  # in a folder: not a regular file, passed over
    code, _, err = run("build", corpus, "--out", tmp_path / "out")
    assert code == 0, err
    code, _, err = run("build", corpus / "pipe.txt", "--out", tmp_path / "out")
    assert code == 2 and "not a regular file" in err and err.count("\n") == 1


def test_single_one_megabyte_line_builds_in_bounded_time(corpus: Path, tmp_path: Path) -> None:
    words = "the FSB and the oligarchs argue about loyalty while the military waits "
    (corpus / "oneline.txt").write_text((words * 15000)[: 1024 * 1024], encoding="utf-8")
    started = time.monotonic()
    code, _, err = run("build", corpus, "--out", tmp_path / "out")
    assert code == 0, err
    assert time.monotonic() - started < 60
    check_offsets(tmp_path / "out", corpus)


def test_odd_file_names_give_safe_unique_doc_ids_and_nothing_is_written_outside_out(
    tmp_path: Path,
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    names = [
        "a b.txt",
        "a_b.txt",
        "-rf.txt",
        "--out=evil.txt",
        "..txt",
        "...md",
        "x..y.txt",
        "ünïcödé «news».txt",
        "Cafe\u0301.txt",  # decomposed é (as macOS stores names)
        "Café.txt",  # composed é: the same name in NFC
        "semi;colon$(rm -rf).txt",
        "tab\tname.txt",
        "new\nline.txt",
    ]
    for name in names:
        (raw / name).write_text(ARTICLE, encoding="utf-8")
    (raw / "sub").mkdir()
    (raw / "sub" / "a b.txt").write_text(OTHER, encoding="utf-8")
    out = tmp_path / "work" / "out"
    before = tree(tmp_path)
    code, _, err = run("build", raw, "--out", out)
    assert code == 0, err
    assert tree(tmp_path, skip=out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted([".argmap", ".lock", *OUTPUTS])
    doc_ids = [d["doc_id"] for d in read_jsonl(out / DOCUMENTS)]
    assert len(doc_ids) == len(names) + 1 == len(set(doc_ids))
    for doc_id in doc_ids:
        assert re.fullmatch(r"[\w.\-~]+", doc_id), doc_id
        assert not doc_id.startswith((".", "-")) and ".." not in doc_id
    check_offsets(out, raw)


def test_messages_about_hostile_file_names_stay_one_harmless_line(
    corpus: Path, tmp_path: Path
) -> None:
    (corpus / "evil\x1b[2J\nname\u2028.txt").write_bytes(b"\x00binary")
    (corpus / "blank\x1b]0;title\x07.txt").write_bytes(b"")
    code, _, err = run("build", corpus, "--out", tmp_path / "out", "-q")
    assert code == 1
    assert "\x1b" not in err and "\x07" not in err and "\u2028" not in err
    lines = err.splitlines()
    assert len(lines) == 2
    assert "error:" in lines[1] and "evil\\x1b[2J\\nname\\u2028.txt" in lines[1]
    assert "warning:" in lines[0] and "blank\\x1b]0;title\\x07.txt" in lines[0]


def test_a_file_reached_twice_is_built_once(corpus: Path, tmp_path: Path) -> None:
    (corpus / "link.txt").symlink_to(corpus / "good.txt")
    os.link(corpus / "good.txt", corpus / "hard.txt")
    code, _, err = run("build", corpus, corpus / "good.txt", "--out", tmp_path / "out")
    assert code == 0, err
    assert [d["doc_id"] for d in read_jsonl(tmp_path / "out" / DOCUMENTS)] == ["good"]


def test_inputs_are_never_modified(corpus: Path, tmp_path: Path) -> None:
    (corpus / "crlf.txt").write_bytes(ARTICLE.encode("utf-8").replace(b"\n", b"\r\n"))
    (corpus / "bom.md").write_bytes(b"\xef\xbb\xbf# Title\n\n" + OTHER.encode("utf-8"))
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02")
    (corpus / "empty.txt").write_bytes(b"")
    os.chmod(corpus / "good.txt", 0o444)
    before = tree(corpus)
    for out in (tmp_path / "out", corpus / "out-inside-inputs"):
        run("build", corpus, "--out", out)
        run("build", corpus, "--out", out)
        run("validate", out, "--raw", corpus)
    assert tree(corpus, skip=corpus / "out-inside-inputs") == before


# -- never lose data ---------------------------------------------------------------------------


def test_failed_write_at_any_step_leaves_previous_outputs_intact(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault injected at every filesystem step of a write: the old outputs stay whole."""
    import argmap.export.files as files

    out = tmp_path / "out"
    assert run("build", corpus, "--out", out)[0] == 0
    previous = snapshot(out)
    (corpus / "second.txt").write_text(OTHER, encoding="utf-8")
    steps = 0
    real = {name: getattr(files.os, name) for name in ("replace", "fsync", "symlink", "link")}

    class Crash(BaseException):
        pass

    def counting(name: str, limit: int):
        def step(*args, **kwargs):
            nonlocal steps
            steps += 1
            if steps == limit:
                raise Crash(name)
            return real[name](*args, **kwargs)

        return step

    limit = 1
    while True:
        steps = 0
        with monkeypatch.context() as patch:
            for name in real:
                patch.setattr(files.os, name, counting(name, limit))
            try:
                run("build", corpus, "--out", out)
                finished = True
            except Crash:
                finished = False
        current = snapshot(out)
        assert validate(out, raw=corpus) == []
        if finished:
            assert json.loads(current[MANIFEST])["counts"]["documents"] == 2
            break
        assert current == previous or json.loads(current[MANIFEST])["counts"]["documents"] == 2
        previous = current
        limit += 1
    assert limit > 5


def test_disk_full_or_unwritable_output_fails_in_one_line_and_keeps_previous_outputs(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import argmap.export.files as files

    out = tmp_path / "out"
    assert run("build", corpus, "--out", out)[0] == 0
    before = snapshot(out)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(files.os, "fsync", full)
        # --no-cache: the outputs are written again (an unchanged build keeps them)
        code, _, err = run("build", corpus, "--out", out, "--no-cache")
    assert code == 2 and err.count("\n") == 1
    assert "No space left on device" in err and "previous outputs are kept" in err
    assert snapshot(out) == before
    assert sorted(p.name for p in (out / ".argmap").iterdir() if p.name.startswith("gen-")) == [
        Path(os.readlink(out / ".argmap" / "current")).name
    ]

    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    code, _, err = run("build", corpus, "--out", not_a_folder)
    assert code == 2 and err.count("\n") == 1 and str(not_a_folder) in err


@pytest.mark.parametrize("keep_links", [True, False])
def test_a_copied_output_folder_can_be_read_and_rebuilt(
    corpus: Path, tmp_path: Path, keep_links: bool
) -> None:
    import shutil

    import argmap

    out = tmp_path / "out"
    assert run("build", corpus, "--out", out)[0] == 0
    copy = tmp_path / "copy"
    shutil.copytree(out, copy, symlinks=keep_links)
    assert snapshot(copy) == snapshot(out)
    assert argmap.load(copy).claim_list == argmap.load(out).claim_list
    assert validate(copy, raw=corpus) == []
    (corpus / "second.txt").write_text(OTHER, encoding="utf-8")
    code, _, err = run("build", corpus, "--out", copy)
    assert code == 0, err
    assert validate(copy, raw=corpus) == []
    assert len(read_jsonl(copy / DOCUMENTS)) == 2
    assert len(read_jsonl(out / DOCUMENTS)) == 1
    gens = [p.name for p in (copy / ".argmap").iterdir() if p.name.startswith("gen-")]
    assert len(gens) <= 2


def _slow_writer(target: Path, source: Path, marker: Path) -> str:
    """A child program: write the map of ``source`` into ``target``, pausing at each fsync."""
    return f"""
import os, time
real_fsync = os.fsync
def slow_fsync(fd):
    real_fsync(fd)
    with open({str(marker)!r}, "a") as m:
        m.write("x")
    time.sleep(0.15)
os.fsync = slow_fsync
import argmap
argmap.write(argmap.load({str(source)!r}), {str(target)!r})
"""


def test_sigkill_mid_build_leaves_previous_outputs_intact_and_readable(
    corpus: Path, tmp_path: Path, cli_env: dict[str, str], argmap_cmd: list[str]
) -> None:
    import argmap

    out = tmp_path / "out"
    assert run("build", corpus, "--out", out)[0] == 0
    old = snapshot(out)
    old_map = argmap.load(out)
    other_raw = tmp_path / "raw2"
    other_raw.mkdir()
    (other_raw / "other.txt").write_text(OTHER, encoding="utf-8")
    (other_raw / "more.txt").write_text(ARTICLE.replace("FSB", "GRU"), encoding="utf-8")
    new_dir = tmp_path / "new"
    assert run("build", other_raw, "--out", new_dir)[0] == 0
    new = snapshot(new_dir)

    # A write makes 7 fsyncs: 4 files, the new generation, the switch, the links.
    seen = []
    for kill_after in (2, 5, 6):
        marker = tmp_path / f"marker{kill_after}"
        child = subprocess.Popen(
            [argmap_cmd[0], "-c", _slow_writer(out, new_dir, marker)], env=cli_env
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and child.poll() is None:
            if marker.exists() and len(marker.read_text()) >= kill_after:
                break
            time.sleep(0.005)
        child.send_signal(signal.SIGKILL)
        child.wait()
        state = snapshot(out)
        assert state in (old, new), f"a mix after SIGKILL at fsync {kill_after}"
        seen.append("old" if state == old else "new")
        assert argmap.load(out).manifest is not None
        assert validate(out) == []
        argmap.write(old_map, out)  # the old outputs back for the next round
    assert seen == ["old", "old", "new"]

    # and a whole `argmap build` killed while it runs
    child = subprocess.Popen(
        [*argmap_cmd, "build", str(other_raw), "--out", str(out), "-q"], env=cli_env
    )
    time.sleep(1.0)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert snapshot(out) in (old, new)
    assert validate(out, raw=corpus) == [] or validate(out, raw=other_raw) == []


def test_a_build_into_a_locked_folder_fails_clearly(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", corpus, "--out", out)[0] == 0
    before = snapshot(out)
    with locked(out):
        # the lock is per open file: the CLI's own attempt (another thread) must fail
        import threading

        result: list[tuple[int, str, str]] = []
        worker = threading.Thread(target=lambda: result.append(run("build", corpus, "--out", out)))
        worker.start()
        worker.join()
    code, _, err = result[0]
    assert code == 2
    assert err.count("\n") == 1 and "another argmap build" in err and str(out) in err
    assert snapshot(out) == before


def _slow_build(raw: Path, out: Path, go: Path) -> str:
    """A child program: ``argmap build`` that waits for ``go`` before linking, holding the lock."""
    return f"""
import os, sys, time
from argmap.link import Linker
real_finish = Linker.finish
def slow_finish(*args, **kwargs):
    deadline = time.monotonic() + 60
    while not os.path.exists({str(go)!r}) and time.monotonic() < deadline:
        time.sleep(0.01)
    return real_finish(*args, **kwargs)
Linker.finish = slow_finish
sys.argv = ["argmap", "build", {str(raw)!r}, "--out", {str(out)!r}, "-q"]
from argmap.cli import main
main()
"""


def test_two_concurrent_builds_one_fails_clearly_never_a_mix(
    corpus: Path, tmp_path: Path, cli_env: dict[str, str], argmap_cmd: list[str]
) -> None:
    out = tmp_path / "out"
    other_raw = tmp_path / "raw2"
    other_raw.mkdir()
    for i in range(3):
        (other_raw / f"other{i}.txt").write_text(OTHER, encoding="utf-8")
    first = subprocess.Popen(
        [argmap_cmd[0], "-c", _slow_build(corpus, out, tmp_path / "go")],
        env=cli_env,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = out / ".lock"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if lock.exists() and lock.read_text().strip() == str(first.pid):
            break
        time.sleep(0.01)
    second = subprocess.run(
        [*argmap_cmd, "build", str(other_raw), "--out", str(out), "-q"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    (tmp_path / "go").touch()
    _, first_err = first.communicate(timeout=120)
    assert first.returncode == 0, first_err
    assert second.returncode == 2, second.stderr
    assert second.stderr.count("\n") == 1 and "another argmap build" in second.stderr
    assert f"pid {first.pid}" in second.stderr
    assert validate(out, raw=corpus) == []
    documents = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["documents"]
    assert set(documents) == {"good"}


# -- malformed configuration -------------------------------------------------------------------

RULE = '{"id": "x.tycoon", "type": "faction", "label": "oligarchs", "terms": ["tycoon"]}'


@pytest.mark.parametrize(
    ("content", "line", "field"),
    [
        (
            RULE + "\n" + '{"id": "x.bad", "type": "stance", "label": "sideways", "terms": ["a"]}',
            2,
            "label",
        ),
        (
            RULE
            + "\n\n"
            + '{"id": "x.pat", "type": "stance", "label": "loyal", "pattern": [{"FOO": 1}]}',
            3,
            "pattern",
        ),
        ('{"id": "x.a", "type": "faction", "label": "Bad Label", "terms": ["a"]}', 1, "label"),
        ('{"id": "x.a", "type": "factions", "label": "oligarchs", "terms": ["a"]}', 1, "type"),
        (
            '{"id": "x.a", "type": "faction", "label": "x", "terms": ["a"], "colour": 1}',
            1,
            "colour",
        ),
        ('{"id": "x.a", "type": "faction", "label": "x"}', 1, "terms"),
        (RULE + "\n" + RULE, 2, "id"),
        ('{"id": "x.gone", "type": "disable"}', 1, "id"),
        (
            '{"id": "x.p", "type": "parse_as", "label": "people", "terms": ["the siloviki"]}',
            1,
            "label",
        ),
        (RULE + "\n" + '{"id": "x.b", "type": "faction", "label": "x", "terms": [}', 2, None),
        (RULE + "\n" + "[1, 2]", 2, None),
    ],
)
def test_malformed_taxonomy_exits_2_with_one_line_naming_file_line_and_field(
    corpus: Path, tmp_path: Path, content: str, line: int, field: str | None
) -> None:
    taxonomy = tmp_path / "taxonomy.jsonl"
    taxonomy.write_text(content + "\n", encoding="utf-8")
    code, _, err = run("build", corpus, "--out", tmp_path / "out", "--taxonomy", taxonomy)
    assert code == 2
    assert err.count("\n") == 1, err
    assert f"{taxonomy}:{line}:" in err
    if field:
        assert f"field {field}" in err
    assert not (tmp_path / "out" / CLAIMS).exists()


def test_taxonomy_not_utf8_names_the_line(corpus: Path, tmp_path: Path) -> None:
    taxonomy = tmp_path / "taxonomy.jsonl"
    taxonomy.write_bytes((RULE + "\n").encode() + b'{"id": "x.b", "terms": ["caf\xe9"]}\n')
    code, _, err = run("build", corpus, "--out", tmp_path / "out", "--taxonomy", taxonomy)
    assert code == 2 and err.count("\n") == 1 and f"{taxonomy}:2:" in err


GOLD = (
    '{"id": "g1", "doc_id": "good", "text": "The military is loyal to Putin.", '
    '"factions": ["military"], "stance": "loyal", "certainty": "asserted", "source": null}'
)


@pytest.mark.parametrize(
    ("claims", "relations", "bad", "line", "field"),
    [
        (
            GOLD + "\n" + GOLD.replace('"loyal"', '"sideways"').replace("g1", "g2"),
            None,
            "claims",
            2,
            "stance",
        ),
        ("\n" + GOLD.replace('"doc_id": "good", ', ""), None, "claims", 2, "doc_id"),
        (GOLD.replace('["military"]', '"military"'), None, "claims", 1, "factions"),
        (GOLD.replace("Putin.", "Putin!"), None, "claims", 1, "text"),
        (GOLD.replace('"good"', '"nope"'), None, "claims", 1, "doc_id"),
        (GOLD[:-1] + ', "occurrence": "two"}', None, "claims", 1, "occurrence"),
        (GOLD + "\n" + GOLD, None, "claims", 2, "id"),
        (GOLD + "\n[1]", None, "claims", 2, None),
        (GOLD + "\n{not json", None, "claims", 2, None),
        (
            GOLD,
            '{"from": "g1", "to": "g1", "relation": "restates"}\n{"from": "g1"}',
            "relations",
            2,
            "to",
        ),
        (GOLD, '{"from": "g1", "to": "g1", "relation": "agrees"}', "relations", 1, "relation"),
    ],
)
def test_malformed_gold_exits_2_with_one_line_naming_file_line_and_field(
    corpus: Path,
    tmp_path: Path,
    claims: str,
    relations: str | None,
    bad: str,
    line: int,
    field: str | None,
) -> None:
    out = tmp_path / "out"
    assert run("build", corpus, "--out", out)[0] == 0
    gold = tmp_path / "gold.claims.jsonl"
    gold.write_text(claims + "\n", encoding="utf-8")
    args = ["eval", "--gold", gold, "--raw", corpus, "--out", out]
    rel = tmp_path / "gold.relations.jsonl"
    if relations is not None:
        rel.write_text(relations + "\n", encoding="utf-8")
        args += ["--relations", rel]
    code, _, err = run(*args)
    assert code == 2
    assert err.count("\n") == 1, err
    assert f"{gold if bad == 'claims' else rel}:{line}:" in err
    if field:
        assert f"field {field}" in err


def test_well_formed_gold_still_scores(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", corpus, "--out", out)[0] == 0
    gold = tmp_path / "gold.jsonl"
    gold.write_text(GOLD[:-1] + ', "note": "free text is allowed"}\n', encoding="utf-8")
    code, text, err = run("eval", "--gold", gold, "--raw", corpus, "--out", out, "--json")
    assert code == 0, err
    assert json.loads(text)["claims"]["gold"] == 1


def test_gold_is_located_in_the_text_as_the_build_decoded_it(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    text = (
        "Moscow report\n\nThe FSB arrested the oligarchs (ФСБ задержала олигархов), sources said.\n"
    )
    (raw / "legacy.txt").write_bytes(text.encode("cp1251"))
    out = tmp_path / "out"
    assert run("build", raw, "--out", out, "--encoding", "cp1251")[0] == 0
    gold = tmp_path / "gold.jsonl"
    record = {
        "id": "g1",
        "doc_id": "legacy",
        "text": "The FSB arrested the oligarchs (ФСБ задержала олигархов), sources said.",
        "factions": ["fsb", "oligarchs"],
        "stance": "targeted",
        "certainty": "asserted",
        "source": "sources",
    }
    gold.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    code, text_out, err = run("eval", "--gold", gold, "--raw", raw, "--out", out, "--json")
    assert code == 0, err
    assert json.loads(text_out)["claims"]["tp"] == 1


def _break_graph(graph: Path, how: str) -> str:
    text = graph.read_text(encoding="utf-8")
    data = json.loads(text)
    if how == "not-json":
        graph.write_text(re.sub(r'"edges":\s*\[', '"edges": [,', text, count=1), encoding="utf-8")
        return ""
    if how == "dangling-edge":
        data["edges"][2]["target"] = "no-such-claim"
        field = "edges[2].target"
    elif how == "node-without-id":
        del data["nodes"][1]["id"]
        field = "nodes[1].id"
    elif how == "edge-without-relation":
        del data["edges"][0]["relation"]
        field = "edges[0].relation"
    else:
        data = {"nodes": []}
        field = "directed"
    graph.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return field


@pytest.mark.parametrize(
    "how", ["not-json", "dangling-edge", "node-without-id", "edge-without-relation", "not-a-graph"]
)
def test_malformed_graph_exits_2_with_one_line_naming_file_line_and_field(
    corpus: Path, tmp_path: Path, how: str
) -> None:
    out = tmp_path / "out"
    assert run("build", corpus, "--out", out)[0] == 0
    graph = out / GRAPH
    field = _break_graph(graph, how)
    text = graph.read_text(encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(GOLD + "\n", encoding="utf-8")
    code, _, err = run("eval", "--gold", gold, "--raw", corpus, "--out", out)
    assert code == 2
    assert err.count("\n") == 1, err
    found = re.search(re.escape(str(graph)) + r":(\d+): ", err)
    assert found, err
    line = int(found.group(1))
    assert 1 <= line <= text.count("\n")
    if field:
        assert f"field {field}" in err
        # the named line holds the field, or starts the record that lacks it
        named = text.splitlines()[line - 1].strip()
        key = field.rsplit(".", 1)[-1]
        assert named.startswith(f'"{key}"') or named in ("{", "[", "{}") or line == 1, named


@pytest.mark.parametrize(
    ("name", "line", "field"),
    [(CLAIMS, 2, "stance"), (DOCUMENTS, 1, "sha256"), (MANIFEST, 1, "counts")],
)
def test_malformed_claims_documents_or_manifest_exit_2_naming_file_line_and_field(
    corpus: Path, tmp_path: Path, name: str, line: int, field: str
) -> None:
    out = tmp_path / "out"
    (corpus / "other.txt").write_text(ARTICLE, encoding="utf-8")
    assert run("build", corpus, "--out", out)[0] == 0
    path = out / name
    if name == MANIFEST:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["counts"] = "many"
        text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    else:
        records = read_jsonl(path)
        records[line - 1][field] = "furious" if field == "stance" else 12
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.unlink()  # a plain file in place of the link: edited by hand
    path.write_text(text, encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(GOLD + "\n", encoding="utf-8")
    code, _, err = run("eval", "--gold", gold, "--raw", corpus, "--out", out)
    assert code == 2 and err.count("\n") == 1, err
    if name == MANIFEST:
        line = next(i for i, t in enumerate(text.splitlines(), 1) if '"counts"' in t)
    assert f"{path}:{line}: field {field}" in err
