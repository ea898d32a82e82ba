"""Property-based tests: arbitrary unicode text, line structures and markdown.

Whatever the text, a build never crashes, every invariant of the output
contract holds (checked by :func:`argmap.validate.validate`), and the output is
the same on every run and wherever the inputs live. ``make test`` runs a few
examples of each property; ``make fuzz`` sets ``ARGMAP_FUZZ_EXAMPLES`` for a
long run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from spacy.language import Language

import argmap
from argmap.clean import split_blocks
from argmap.errors import InputError
from argmap.export.files import CLAIMS, DOCUMENTS, GRAPH, MANIFEST
from argmap.ingest import read_document
from argmap.rules import RuleSet
from argmap.segment import split_sentences
from argmap.validate import validate

EXAMPLES = int(os.environ.get("ARGMAP_FUZZ_EXAMPLES", "25"))
OUTPUTS = (CLAIMS, DOCUMENTS, GRAPH, MANIFEST)


def examples(factor: int = 1) -> settings:
    """Settings for a property: ``factor`` times the configured number of examples."""
    return settings(
        max_examples=EXAMPLES * factor,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# -- strategies --------------------------------------------------------------------------------

WORDS = [
    "the",
    "FSB",
    "siloviki",
    "oligarchs",
    "oligarch",
    "military",
    "army",
    "generals",
    "Kremlin",
    "elites",
    "elite",
    "security",
    "services",
    "Putin",
    "Prigozhin",
    "Shoigu",
    "Wagner",
    "they",
    "he",
    "she",
    "it",
    "them",
    "this",
    "is",
    "are",
    "was",
    "remains",
    "loyal",
    "disloyal",
    "arrested",
    "purged",
    "criticized",
    "backed",
    "supported",
    "fears",
    "may",
    "might",
    "reportedly",
    "allegedly",
    "said",
    "told",
    "according",
    "to",
    "sources",
    "but",
    "however",
    "because",
    "thus",
    "not",
    "never",
    "no",
    "Moscow",
    "Tuesday",
    "war",
    "mutiny",
    "coup",
    "regime",
    "against",
    "with",
    "of",
    "and",
]
ODD = [
    "«",
    "»",
    "“",
    "”",
    '"',
    "'",
    "—",
    "–",
    "…",
    "\u00a0",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2060",
    "\t",
    "\u00ad",
    "é",
    "ФСБ",
    "олигархи",
    "😀",
    "\U0001f1f7\U0001f1fa",
    "e\u0301",
    "&amp;",
    "<b>",
    "</script>",
    "**",
    "_",
    "`",
    "[1]",
    "(",
    ")",
    ":",
    ";",
    ",",
    ".",
    "?",
    "!",
    "\\",
    "$",
    "%",
    "#",
]

any_char = st.characters(exclude_categories=["Cs"])
word = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS).map(str.capitalize),
    st.sampled_from(ODD),
    st.text(any_char, min_size=1, max_size=8),
)
sentence = st.builds(
    lambda words, end, quote: quote[0] + " ".join(words) + end + quote[1],
    st.lists(word, min_size=1, max_size=14),
    st.sampled_from([".", ".", ".", "!", "?", "…", "", ":", ".”", '."', "»."]),
    st.sampled_from([("", ""), ("", ""), ("«", "»"), ("“", "”"), ('"', '"')]),
)
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
markdown = st.one_of(
    st.builds(lambda n, s: "#" * n + " " + s, st.integers(1, 6), sentence),
    st.builds(
        lambda b, s: b + s, st.sampled_from(["- ", "* ", "1. ", "> ", ">> ", "    "]), paragraph
    ),
    st.builds(lambda s: f"**{s}**", sentence),
    st.builds(
        lambda s, u: f"[{s}]({u})",
        sentence,
        st.sampled_from(["http://x.ru", "javascript:alert(1)"]),
    ),
    st.sampled_from(["```", "---", "***", "| a | b |", "|---|---|", "<!-- c -->", "![img](x.png)"]),
)
dateline = st.builds(
    lambda place, agency, dash, p: place + agency + dash + p,
    st.sampled_from(["MOSCOW", "KYIV, Ukraine", "ST. PETERSBURG, March 3", "FSB", "Moscow"]),
    st.sampled_from(["", " (AP)", " (Reuters)"]),
    st.sampled_from([" — ", "—", " - ", " -- ", " –\t"]),
    paragraph,
)
line = st.one_of(
    paragraph,
    paragraph,
    markdown,
    dateline,
    st.text(any_char, max_size=60),
    st.sampled_from(["", " ", "\t", "\u00a0", "\u200b", "\ufeff", "By Jane Doe", "Original url:"]),
)
newline = st.sampled_from(
    ["\n", "\n", "\n", "\r\n", "\r", "\n\n", "\u2028", "\u2029", "\x85", "\x0c", "\x0b"]
)
document = st.builds(
    lambda bom, parts: bom + "".join(a + b for a, b in parts),
    st.sampled_from(["", "", "", "\ufeff"]),
    st.lists(st.tuples(line, newline), max_size=10),
)
corpus = st.lists(st.tuples(document, st.sampled_from([".txt", ".md"])), min_size=1, max_size=3)


# -- properties --------------------------------------------------------------------------------


def _write(folder: Path, docs: list[tuple[str, str]]) -> None:
    folder.mkdir()
    for i, (text, suffix) in enumerate(docs):
        (folder / f"doc{i}{suffix}").write_bytes(text.encode("utf-8"))


@pytest.mark.usefixtures("shared_pipeline")
@examples()
@given(docs=corpus)
@example(docs=[("0 0\u2028```\n", ".txt")])  # a title holding U+2028 once split a JSON line
@example(docs=[("\ufeff# The FSB\r\n\r\nThe FSB is loyal.\x00", ".md"), ("", ".txt")])
def test_build_never_crashes_keeps_every_invariant_and_is_deterministic(
    docs: list[tuple[str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        raw = root / "raw"
        _write(raw, docs)
        first = argmap.build(raw, out=root / "out1")
        assert validate(root / "out1", raw=raw) == []
        for i, (text, suffix) in enumerate(docs):
            name = str(raw / f"doc{i}{suffix}")
            if "\x00" in text:
                assert "NUL" in first.errors[name]
            else:
                assert name not in first.errors

        loaded = argmap.load(root / "out1")
        assert loaded.claim_list == first.claim_list
        assert loaded.documents == [d.model_copy(update={"text": ""}) for d in first.documents]

        argmap.build(raw, out=root / "out2")
        for name in OUTPUTS:
            assert (root / "out1" / name).read_bytes() == (root / "out2" / name).read_bytes()

        moved = root / "elsewhere" / "articles"
        shutil.copytree(raw, moved)
        argmap.build(moved, out=root / "out3")
        assert (root / "out3" / CLAIMS).read_bytes() == (root / "out1" / CLAIMS).read_bytes()


@examples(4)
@given(text=st.text(any_char, max_size=300), newline=newline)
def test_documents_are_read_exactly_as_open_reads_them(text: str, newline: str) -> None:
    text = text.replace("\n", newline)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.txt"
        path.write_bytes(text.encode("utf-8"))
        try:
            doc = read_document(path)
        except InputError as exc:
            assert "\x00" in text and str(path) in str(exc)
            return
        with open(path, encoding="utf-8") as handle:
            assert doc.text == handle.read()


@pytest.fixture(scope="module")
def default_rules() -> RuleSet:
    return RuleSet.load()


@examples(4)
@given(text=document)
def test_blocks_and_sentences_point_into_the_text(
    text: str, nlp: Language, default_rules: RuleSet
) -> None:
    blocks = split_blocks(text, default_rules)
    for block in blocks:
        assert text[block.start : block.end] == block.text
        assert block.text and block.text == block.text.strip()
    previous_end = 0
    for sentence in split_sentences(blocks, nlp):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.start >= previous_end
        previous_end = sentence.end


@examples(4)
@given(text=st.one_of(paragraph, document, st.text(any_char, max_size=200)))
def test_sentence_bounds_are_spacys_sentencizers(text: str, nlp: Language) -> None:
    from spacy.pipeline import Sentencizer

    from argmap.segment import sentence_bounds

    doc = nlp.make_doc(text)
    expected = [(s.start_char, s.end_char) for s in Sentencizer()(nlp.make_doc(text)).sents]
    assert sentence_bounds(doc) == expected


@settings(max_examples=EXAMPLES * 8, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            [" ", "\n", "\t", "\u00a0", "\u200b", "\ufeff", "\u2060", "a", "."]
        )
    )
)
def test_blank_means_only_white_space_and_invisible_marks(text: str) -> None:
    from argmap.ingest import _INVISIBLE, is_blank

    assert is_blank(text) == (not "".join(c for c in text if c not in _INVISIBLE).strip())
