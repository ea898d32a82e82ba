"""The command line: every command through ``run`` (one-line errors, exit codes) and its --help."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest
import typer
from typer.testing import CliRunner

import argmap
from argmap import cli

from .mapfixtures import tiny_map


def invoke(capsys, *args):
    code = cli.run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def tiny_dir(tmp_path):
    out = tmp_path / "claims"
    argmap.write(tiny_map(), out)
    return out


def commands():
    group = typer.main.get_command(cli.app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    names = commands()
    assert {"build", "eval", "query", "summary", "explain", "export", "schema"} <= set(names)
    for name in names:
        result = runner.invoke(cli.app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example: argmap " + name in " ".join(result.output.split()), (
            f"{name} --help has no example"
        )


@pytest.mark.parametrize(
    "args",
    [
        ["query", "{d}", "--stance", "bogus"],
        ["query", "{d}", "--certainty", "maybe"],
        ["query", "{d}", "--format", "xml"],
        ["query", "{d}", "--text", "("],
        ["query", "{d}", "--related-to", "nope"],
        ["query", "{d}", "--no-such-option"],
        ["query", "{missing}"],
        ["summary", "{missing}"],
        ["explain", "nope", "--out", "{d}"],
        ["export", "{d}"],
        ["export", "{d}", "--format", "pdf"],
        ["export", "{d}", "--format", "html"],
        ["eval", "--out", "{d}"],
    ],
)
def test_usage_errors_are_one_line_exit_2(capsys, tiny_dir, tmp_path, args):
    args = [a.format(d=tiny_dir, missing=tmp_path / "missing") for a in args]
    code, out, err = invoke(capsys, *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("argmap: error:") and "Traceback" not in err


def test_query_parity_with_library(capsys, tiny_dir):
    amap = argmap.load(tiny_dir)
    code, out, _ = invoke(capsys, "query", tiny_dir, "--stance", "loyal", "--format", "jsonl")
    assert code == 0
    assert [json.loads(x)["id"] for x in out.splitlines()] == [
        c.id for c in amap.claims(stance="loyal")
    ]
    code, out, _ = invoke(capsys, "query", tiny_dir, "--source", "experts", "--format", "json")
    assert [c["id"] for c in json.loads(out)] == [c.id for c in amap.claims(source="experts")]
    first = amap.claim_list[0].id
    code, out, _ = invoke(capsys, "query", tiny_dir, "--related-to", first, "--format", "csv")
    assert [r["id"] for r in csv.DictReader(io.StringIO(out))] == [
        c.id for c in amap.claims(related_to=first)
    ]
    code, out, _ = invoke(
        capsys, "query", tiny_dir, "--faction", "military", "--doc", "b", "--text", "army"
    )
    assert code == 0 and "(1 claims)" in out


def test_summary_and_explain(capsys, tiny_dir):
    code, out, _ = invoke(capsys, "summary", tiny_dir)
    assert code == 0 and "fsb" in out and "top sources" in out
    code, out, _ = invoke(capsys, "summary", tiny_dir, "--json")
    assert json.loads(out)["claims"] == 4
    claim = argmap.load(tiny_dir).claim_list[1]
    code, out, _ = invoke(capsys, "explain", claim.id, "--out", tiny_dir)
    assert code == 0 and "loyal.support+negation" in out and "backs, serves" in out
    code, out, _ = invoke(capsys, "explain", claim.id, "--out", tiny_dir, "--json")
    assert json.loads(out)["claim"]["id"] == claim.id


@pytest.mark.parametrize("fmt", ["graphml", "aif", "csv", "cytoscape"])
def test_export_to_stdout_equals_library(capsys, tiny_dir, fmt):
    code, out, _ = invoke(capsys, "export", tiny_dir, "--format", fmt)
    assert code == 0
    assert out == argmap.load(tiny_dir).export(fmt)


def test_export_to_file(capsys, tiny_dir, tmp_path):
    target = tmp_path / "map.html"
    code, out, err = invoke(capsys, "export", tiny_dir, "--format", "html", "--out", target)
    assert code == 0 and out == "" and "wrote" in err
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    target = tmp_path / "claims.csv"
    code, _, _ = invoke(capsys, "export", tiny_dir, "--format", "csv", "--bom", "--out", target)
    assert target.read_bytes().startswith(b"\xef\xbb\xbfid,")


def test_schema_command(capsys, tmp_path):
    code, out, _ = invoke(capsys, "schema")
    assert code == 0 and json.loads(out)["title"] == "argmap outputs"
    code, _, _ = invoke(capsys, "schema", "--out", tmp_path / "s.json")
    assert json.loads((tmp_path / "s.json").read_text())["$defs"]["Claim"]


def test_build_is_quiet_off_a_terminal(capsys, tmp_path):
    """No progress bar when stderr is not a terminal; --quiet drops the summary too."""
    src = tmp_path / "raw"
    src.mkdir()
    (src / "a.txt").write_text(
        "The FSB is plotting against Putin, experts say.\n", encoding="utf-8"
    )
    code, out, err = invoke(capsys, "build", src, "--out", tmp_path / "out")
    assert code == 0 and "building" not in err and "built 1 documents" in err
    code, out, err = invoke(capsys, "build", src, "--out", tmp_path / "out", "--quiet")
    assert code == 0 and err == "" and out == ""


def test_build_says_when_nothing_changed(capsys, tmp_path):
    src = tmp_path / "raw"
    src.mkdir()
    (src / "a.txt").write_text("The FSB is plotting against Putin.\n", encoding="utf-8")
    code, _, err = invoke(capsys, "build", src, "--out", tmp_path / "out")
    assert code == 0 and "built 1 documents, 1 claims" in err
    code, _, err = invoke(capsys, "build", src, "--out", tmp_path / "out")
    assert code == 0
    assert "up to date (no input or setting changed): 1 documents, 1 claims" in err
    assert "fsb 1" in err
    (src / "a.txt").write_text("The FSB is loyal to Putin.\n", encoding="utf-8")
    code, _, err = invoke(capsys, "build", src, "--out", tmp_path / "out")
    assert code == 0 and "built 1 documents, 1 claims" in err and "loyal 1" in err


def test_build_progress_on_a_terminal(monkeypatch, tmp_path):
    src = tmp_path / "raw"
    src.mkdir()
    for n in range(3):
        (src / f"{n}.txt").write_text("x\n", encoding="utf-8")
    stream = io.StringIO()
    stream.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stderr", stream)
    with cli.build_progress([src], quiet=False) as step:
        assert step is not None
        for _ in range(3):
            step("x")
    assert "building" in stream.getvalue()
    with cli.build_progress([src], quiet=True) as step:
        assert step is None


def test_seed_commands(capsys, seed_build):
    out_dir = seed_build[0]
    code, out, _ = invoke(capsys, "query", out_dir, "--faction", "fsb", "--format", "jsonl")
    assert code == 0 and all("fsb" in json.loads(x)["factions"] for x in out.splitlines())
    code, out, _ = invoke(capsys, "summary", out_dir)
    assert code == 0 and "elites" in out


def test_the_script_prints_no_traceback(tmp_path):
    """The real entry point (``python -m argmap``): one line on stderr, exit 2."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "argmap", "summary", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_export_to_an_unwritable_place_is_one_line(capsys, tiny_dir, tmp_path):
    code, out, err = invoke(
        capsys, "export", tiny_dir, "--format", "csv", "--out", tmp_path / "no" / "such" / "x.csv"
    )
    assert code == 1 and len(err.strip().splitlines()) == 1 and "cannot write" in err


def test_build_progress_bar_on_a_real_terminal(tmp_path):
    """With stderr on a pseudo-terminal the bar is drawn there, and stdout stays clean."""
    import pty
    import subprocess
    import sys

    src = tmp_path / "raw"
    src.mkdir()
    (src / "a.txt").write_text(
        "The FSB is plotting against Putin, experts say.\n", encoding="utf-8"
    )
    master, slave = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "argmap", "build", str(src), "--out", str(tmp_path / "out")],
            stdout=subprocess.PIPE,
            stderr=slave,
            timeout=300,
        )
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    assert result.returncode == 0
    assert result.stdout == b""
    assert b"building" in seen and b"built 1 documents" in seen


def test_html_export_finds_the_articles_from_another_folder(capsys, tmp_path, monkeypatch):
    """A build made with relative paths still shows its article text when exported from elsewhere."""
    project = tmp_path / "project"
    (project / "data" / "raw").mkdir(parents=True)
    text = "The FSB is plotting against Putin, experts say.\n"
    (project / "data" / "raw" / "a.txt").write_text(text, encoding="utf-8")
    monkeypatch.chdir(project)
    assert invoke(capsys, "build", "data/raw", "--out", "data/claims", "--quiet")[0] == 0
    monkeypatch.chdir(tmp_path)
    code, _, _ = invoke(
        capsys, "export", "project/data/claims", "--format", "html", "--out", "map.html"
    )
    assert code == 0
    page = (tmp_path / "map.html").read_text(encoding="utf-8")
    data = json.loads(page.split('id="argmap-data">')[1].split("</script>")[0])
    assert data["documents"][0]["text"] == text
