"""The spaCy component ``argmap_claims``."""

from __future__ import annotations

import tomllib
from importlib import import_module
from importlib.metadata import entry_points

import pytest

import argmap
from argmap.segment import load_pipeline

from .mapfixtures import ROOT

TEXT = "Business leaders are loyal to the Kremlin because they depend on its approval.\nThe FSB is plotting against Putin, experts say.\n"


@pytest.fixture(scope="module")
def nlp():
    import argmap.component  # noqa: F401 - registers the factory when argmap is not installed

    pipeline = load_pipeline()
    pipeline.add_pipe("argmap_claims")
    return pipeline


def test_component_sets_doc_claims_like_build(nlp, tmp_path):
    doc = nlp(TEXT)
    claims = doc._.claims
    assert [(c.stance, c.factions, c.source) for c in claims] == [
        ("loyal", ["oligarchs"], None),
        ("disloyal", ["fsb"], "experts"),
    ]
    assert all(doc.text[c.start : c.end] == c.text for c in claims)
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    built = argmap.build(tmp_path / "doc.txt")
    assert [c.model_dump(exclude={"id", "doc_id"}) for c in built.claim_list] == [
        c.model_dump(exclude={"id", "doc_id"}) for c in claims
    ]


def test_component_uses_doc_id_from_user_data(nlp):
    doc = nlp.make_doc(TEXT)
    doc.user_data["doc_id"] = "mydoc"
    doc = nlp(doc)
    assert doc._.claims[0].id.startswith("mydoc:")


def test_entry_point_is_declared_and_importable():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    target = meta["project"]["entry-points"]["spacy_factories"]["argmap_claims"]
    module, _, name = target.partition(":")
    assert callable(getattr(import_module(module), name))
    installed = [e for e in entry_points(group="spacy_factories") if e.name == "argmap_claims"]
    for ep in installed:  # present once the package is installed (pip install -e .)
        assert ep.value == target


def test_a_pipeline_with_the_component_saves_and_loads(nlp, tmp_path):
    import spacy

    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names[-1] == "argmap_claims"
    docs = list(loaded.pipe(TEXT.splitlines()))
    assert [[c.stance for c in d._.claims] for d in docs] == [["loyal"], ["disloyal"]]
