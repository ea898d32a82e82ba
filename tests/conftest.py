"""Shared fixtures: the spaCy pipeline and the seed build are made once per session."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language

import argmap
import argmap.api
from argmap.rules import RuleSet
from argmap.segment import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"

# A small article and a paraphrase of part of it, for build, validate and reliability tests.
ARTICLE = (
    "Kremlin elites under pressure\n"
    "\n"
    "The FSB arrested two oligarchs in Moscow, sources said.\n"
    "The military is loyal to Putin.\n"
    "But the siloviki may turn against the Kremlin.\n"
)
OTHER = (
    "The FSB arrested two oligarchs in Moscow on Tuesday.\n"
    "Analysts said the siloviki may turn against the Kremlin.\n"
)
GOLD = ROOT / "data" / "gold"
SRC = ROOT / "src"


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="session")
def rules():
    return RuleSet.load()


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    amap = argmap.build(RAW, out=out)
    return out, amap


@pytest.fixture(scope="session")
def shared_pipeline(nlp: Language) -> Iterator[Language]:
    """Make ``argmap.build`` reuse the session's pipeline instead of loading its own."""
    import argmap.process

    real = argmap.process.load_pipeline_cached

    def cached(name: str | None = None) -> Language:
        return nlp if name is None else real(name)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(argmap.process, "load_pipeline_cached", cached)
        yield nlp


@pytest.fixture(scope="session")
def cli_env() -> dict[str, str]:
    """Environment for running ``python -m argmap`` in a subprocess on this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH", "")) if p)
    return env


@pytest.fixture(scope="session")
def argmap_cmd() -> list[str]:
    """The command line that runs argmap in a subprocess."""
    return [sys.executable, "-m", "argmap"]
