"""The README's examples run: every ``python`` block, and every ``$ argmap`` line of a ``console`` block.

They run in a scratch folder holding ``data/raw`` (the seeds) and ``data/claims``
(their build), the layout the README assumes.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

from argmap import cli

from .conftest import RAW, ROOT

BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(language: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [body for lang, body in BLOCK.findall(text) if lang == language]


@pytest.fixture
def workdir(tmp_path, seed_build):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "raw").symlink_to(RAW)
    (tmp_path / "data" / "gold").symlink_to(ROOT / "data" / "gold")
    shutil.copytree(seed_build[0], tmp_path / "data" / "claims")
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)


def test_readme_has_examples_for_each_audience():
    assert len(blocks("python")) >= 3
    commands = [line for body in blocks("console") for line in body.splitlines()]
    for name in ("query", "summary", "explain", "export"):
        assert any(line.startswith(f"$ argmap {name}") for line in commands), name


def test_python_blocks_run(workdir):
    import argmap.component  # noqa: F401 - the entry point needs an installed package; this works from a checkout too

    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(io.StringIO()) as out:
        for body in blocks("python"):
            exec(compile(body, "README.md", "exec"), namespace)
    assert out.getvalue()
    assert (workdir / "map.html").is_file()


def test_console_commands_run(workdir, capsys):
    for body in blocks("console"):
        for line in body.splitlines():
            if not line.startswith("$ argmap "):
                continue
            code = cli.run(shlex.split(line)[2:])
            out, err = capsys.readouterr()
            assert code == 0, f"{line}: {err}"
            assert out or "wrote" in err, line


def test_help_examples_run(workdir, capsys):
    """The example in each command's --help works as written (a redirection is dropped)."""
    import typer

    group = typer.main.get_command(cli.app)
    for name, command in sorted(group.commands.items()):  # type: ignore[attr-defined]
        example = re.search(r"Example: (argmap .+)", command.help or "")
        assert example, name
        args = shlex.split(example.group(1))[1:]
        if ">" in args:
            args = args[: args.index(">")]
        code = cli.run(args)
        out, err = capsys.readouterr()
        assert code == 0, f"{example.group(1)}: {err}"
