"""The repository's copies of the shared contract and gold stay verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.mark.parametrize(
    "copy, original",
    [
        ("docs/CONTRACT.md", "CONTRACT.md"),
        ("docs/STYLE.md", "STYLE.md"),
        ("data/gold/GUIDELINES.md", "gold/GUIDELINES.md"),
        ("data/gold/README.md", "gold/README.md"),
        ("data/gold/seeds.claims.jsonl", "gold/seeds.claims.jsonl"),
        ("data/gold/seeds.relations.jsonl", "gold/seeds.relations.jsonl"),
    ],
)
def test_copies_match_the_shared_originals(copy, original):
    if not (SHARED / original).is_file():
        pytest.skip(f"no shared folder beside the repository ({SHARED})")
    assert (ROOT / copy).read_bytes() == (SHARED / original).read_bytes()


def test_seed_articles_are_byte_for_byte_the_corpus():
    seeds = SHARED / "corpus" / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"no shared corpus beside the repository ({seeds})")
    for path in sorted(seeds.glob("*.txt")):
        assert (ROOT / "data" / "raw" / path.name).read_bytes() == path.read_bytes()
