"""Shared fixtures: the spaCy pipeline and the seed build are made once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

import argmap
from argmap.rules import RuleSet
from argmap.segment import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "data" / "gold"


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
