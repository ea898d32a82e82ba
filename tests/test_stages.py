"""Each stage on small hand-made cases: ingest, clean, segment."""

from __future__ import annotations

from pathlib import Path

import pytest

from argmap.clean import split_blocks
from argmap.errors import InputError
from argmap.ingest import read_document, read_metadata
from argmap.segment import split_sentences

from .conftest import RAW


def kinds(text, rules):
    return [(b.kind, b.text) for b in split_blocks(text, rules)]


def test_sentences_end_where_spacys_sentencizer_ends_them_on_the_seeds(nlp):
    from spacy.pipeline import Sentencizer

    from argmap.segment import sentence_bounds

    bounds = 0
    for path in sorted(RAW.iterdir()):
        for line in path.read_text(encoding="utf-8").splitlines():
            expected = [(s.start_char, s.end_char) for s in Sentencizer()(nlp.make_doc(line)).sents]
            assert sentence_bounds(nlp.make_doc(line)) == expected
            bounds += len(expected)
    assert bounds > 150  # the seeds have some 200 sentences and headings


def test_heading_then_sentence_stay_apart(rules, nlp):
    text = "The former KGB\nFinally, state security services could be the source of a coup.\n"
    blocks = split_blocks(text, rules)
    assert [b.kind for b in blocks] == ["title", "body"]
    sentences = split_sentences(blocks, nlp)
    assert [s.text for s in sentences] == [
        "Finally, state security services could be the source of a coup."
    ]


@pytest.mark.parametrize(
    "line, kind",
    [
        ("(AP Photo/Alexander Zemlianichenko)", "caption"),
        ("(Sergei Guneyev/Sputnik Pool Photo via AP)", "caption"),
        ("Russia has struggled to topple major Ukrainian cities (stock image)", "caption"),
        (
            "Shoigu and Gerasimov attend a meeting in Moscow. "
            "Mikhail Klimentyev/Sputnik/AFP via Getty Images",
            "caption",
        ),
        ("The generals at a parade in Moscow. Photograph: Gavriil Grigorov/AP", "caption"),
        (
            "FILE - Members of the National Guard stand near Red Square during the mutiny, "
            "June 24, 2023. (AP Photo/Irina Vasko)",
            "caption",
        ),
        ("The generals met for Moscow/Kyiv talks, said the AP.", "body"),
        ("The generals (pictured) are loyal.", "body"),
        ("See also  First look at Roman Abramovich’s huge £430m yacht", "furniture"),
        (
            "**Related article:** [Russian Elite Voices Anger at Military Leadership](#)",
            "furniture",
        ),
        ("Skip to main content", "furniture"),
        ("Leave a Reply", "furniture"),
        ("Similar Posts", "furniture"),
        ("By [Boris Bondarev](#)", "byline"),
        ("February 23, 2023", "byline"),
        ("Original url:", "furniture"),
        ("The army stays loyal to the president.", "body"),
    ],
)
def test_line_roles(rules, line, kind):
    text = "Some body sentence about the army comes first.\n" + line + "\n"
    assert kinds(text, rules)[1] == (kind, line)


def test_markdown_keeps_offsets(rules, nlp):
    text = "# Title here\n\n**Bold** start: the FSB is *said* to plot.\n"
    blocks = split_blocks(text, rules)
    for b in blocks:
        assert text[b.start : b.end] == b.text
    for s in split_sentences(blocks, nlp):
        assert text[s.start : s.end] == s.text


def test_glued_word_sentence_is_kept_whole(rules, nlp):
    text = (
        "According to a long time Russian NGOmore than 15,000 protesters have been arrested "
        "across the country since the start of the invasion.\n"
    )
    sentences = split_sentences(split_blocks(text, rules), nlp)
    assert len(sentences) == 1 and "NGOmore" in sentences[0].text


def test_seed_sentences_match_text(rules, nlp):
    for path in sorted(RAW.glob("*.txt")):
        doc = read_document(path)
        sentences = split_sentences(split_blocks(doc.text, rules), nlp)
        assert sentences
        for s in sentences:
            assert doc.text[s.start : s.end] == s.text


def test_metadata_from_the_text():
    meta = read_metadata(
        "\n\n# The West Must Drive a Wedge\n\nBy [Boris Bondarev](#)\n\nFebruary 23, 2023\n\n"
        "Body.\n\nOriginal url:\n\n<https://example.org/a>\n"
    )
    assert meta == {
        "title": "The West Must Drive a Wedge",
        "date": "February 23, 2023",
        "author": "Boris Bondarev",
        "url": "https://example.org/a",
    }


def test_empty_file_reads_as_empty_document(tmp_path: Path):
    path = tmp_path / "empty.txt"
    path.write_text("")
    assert read_document(path).text == ""


def test_binary_file_is_refused_by_name(tmp_path: Path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match="image.txt"):
        read_document(path)


def test_non_utf8_file_is_refused_with_a_way_out(tmp_path: Path):
    path = tmp_path / "cp1252.txt"
    path.write_bytes("The army’s “loyalty” is in doubt.".encode("cp1252"))
    with pytest.raises(InputError, match="--encoding"):
        read_document(path)
    assert "loyalty" in read_document(path, encoding="cp1252").text


def test_crlf_offsets_follow_universal_newlines(tmp_path: Path, rules, nlp):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Heading\r\nThe FSB is said to be plotting a coup.\r\n")
    doc = read_document(path)
    assert doc.text == open(path, encoding="utf-8").read()
    for s in split_sentences(split_blocks(doc.text, rules), nlp):
        assert doc.text[s.start : s.end] == s.text


def test_a_standfirst_that_ends_like_a_cut_line_is_no_body(rules):
    text = (
        "Russia's elite is preparing for life after Putin\n"
        "Business leaders are hedging their bets as the war drags on\n"
        "By Jane Doe\n"
        "The oligarchs have grown frustrated with the war.\n"
        "Their fortunes depend on the\n"
        "Kremlin, which they cannot leave.\n"
    )
    blocks = split_blocks(text, rules)
    assert [b.kind for b in blocks] == ["title", "heading", "byline", "body", "body", "body"]
    assert blocks[4].rule == "layout-cut-line"  # in the body, a cut line stays body


def test_hard_wrapped_sentence_is_joined(rules, nlp):
    text = (
        "Analysts say the security services\n"
        "are increasingly unhappy with the war.\n\n"
        "If Ukraine and the West were also to acknowledge the\n\n"
        "validity of such an approach, a signal would be sent.\n"
        "A Heading Without Punctuation\n"
        "The next sentence starts in upper case.\n"
    )
    blocks = split_blocks(text, rules)
    assert [b.kind for b in blocks] == ["body", "body", "heading", "body"]
    assert (
        blocks[0].text
        == "Analysts say the security services\nare increasingly unhappy with the war."
    )
    sentences = split_sentences(blocks, nlp)
    assert sentences[0].text == blocks[0].text
    for s in sentences:
        assert text[s.start : s.end] == s.text


@pytest.mark.parametrize(
    "line, dateline",
    [
        ("MOSCOW — The generals are loyal.", "MOSCOW —"),
        ("KYIV, Ukraine (AP) — The generals are loyal.", "KYIV, Ukraine (AP) —"),
        ("MOSCOW, March 3 (Reuters) - The generals are loyal.", "MOSCOW, March 3 (Reuters) -"),
        ("ST. PETERSBURG, Russia —“The generals are loyal.”", "ST. PETERSBURG, Russia —"),
        ("FSB — The agency is loyal.", None),  # a faction opens the sentence
        ("Moscow — the capital — is calm.", None),
        ("MOSCOW - the capital is calm.", None),
        ("MOSCOW —", None),  # nothing after it: a line of its own
    ],
)
def test_a_wire_dateline_is_a_byline_block_before_the_body(rules, line, dateline):
    text = f"Title\n\n{line}\n"
    blocks = split_blocks(text, rules)
    for block in blocks:
        assert text[block.start : block.end] == block.text
    if dateline is None:
        assert all(b.kind != "byline" for b in blocks)
        return
    assert [(b.kind, b.text) for b in blocks[1:]] == [
        ("byline", dateline),
        ("body", line[len(line) - len(line.split(dateline, 1)[1].lstrip()) :]),
    ]
    assert blocks[1].rule == "dateline.place"


def test_joined_boilerplate_regex_classifies_as_the_rules_one_by_one(rules, monkeypatch):
    from argmap.clean import classify_line
    from argmap.rules import RuleSet

    assert rules.any_boilerplate is not None
    lines = [
        line
        for path in sorted(RAW.iterdir())
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    lines += ["Skip to content", "Read more: the FSB", "(Photo: Reuters)", "By John Smith"]
    fast = [classify_line(line, rules) for line in lines]
    one_by_one = RuleSet(rules=rules.rules, sources=rules.sources)
    monkeypatch.setattr(RuleSet, "any_boilerplate", None)
    assert [classify_line(line, one_by_one) for line in lines] == fast
    assert sum(rule is not None and not rule.startswith("layout") for _, rule in fast) >= 4


SPACY_WITHOUT_ITS_CLI = """
import sys
from argmap.process import BuildSettings, DocumentProcessor
processor = DocumentProcessor(BuildSettings())
processor.extractor
assert processor.extractor.nlp("The FSB stays loyal.")[1].dep_ == "nsubj"
print(sorted(m for m in sys.modules if m.startswith("spacy.cli")))
import spacy
print(spacy.info()["spacy_version"] == spacy.__version__)
from spacy.cli.info import info_model
import spacy.cli
print(callable(info_model), spacy.cli.info is not spacy.info, "spacy.cli.download" in sys.modules)
"""


def test_spacy_loads_without_its_command_line_until_asked(cli_env: dict[str, str]) -> None:
    """The pipeline loads without importing spaCy's command line; spacy.info and
    spacy.cli still work, imported when first used."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", SPACY_WITHOUT_ITS_CLI],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["[]", "True", "True True True"]


def test_import_spacy_returns_spacy_once_imported() -> None:
    import spacy

    from argmap.segment import import_spacy

    assert import_spacy() is spacy


@pytest.mark.parametrize(
    "line, sentence",
    [
        ("- The oligarchs remain loyal.", "The oligarchs remain loyal."),
        ("* Several generals have been arrested.", "Several generals have been arrested."),
        ("2) Technocrats keep the economy running.", "Technocrats keep the economy running."),
        ("> The generals are afraid.", "The generals are afraid."),
        ("**Bottom line:** the elite will not revolt.", "the elite will not revolt."),
        ("**The FSB** is furious.", "**The FSB** is furious."),  # bold words of the sentence
        (
            "Stanovaya: The FSB has never been more powerful.",
            "The FSB has never been more powerful.",
        ),
        ("2022 was a hard year for the army.", "2022 was a hard year for the army."),
    ],
)
def test_list_and_quote_markers_are_no_part_of_the_sentence(rules, nlp, line, sentence):
    text = "Some body sentence about the army comes first.\n" + line + "\n"
    sentences = split_sentences(split_blocks(text, rules), nlp)
    last = sentences[-1]
    assert (last.text, text[last.start : last.end]) == (sentence, sentence)


@pytest.mark.parametrize(
    "line, kinds",
    [
        # a scraper's date before the first paragraph: the paragraph is body
        (
            "date 2023-07-19 The mutiny has revealed how brittle the army is. Nobody expected it.",
            [
                ("byline", "date 2023-07-19"),
                ("body", "The mutiny has revealed how brittle the army is. Nobody expected it."),
            ],
        ),
        # before a caption or a heading: read as what it is
        (
            "date 2022-03-25 Why the generals stay loyal",
            [("byline", "date 2022-03-25"), ("title", "Why the generals stay loyal")],
        ),
        # a date alone is a byline line
        ("date 2022-03-25", [("byline", "date 2022-03-25")]),
        ("March 3, 2022", [("byline", "March 3, 2022")]),
    ],
)
def test_a_scrapers_date_is_split_from_the_line_it_opens(rules, line, kinds):
    text = f" {line}\n\nThe generals are loyal.\n"
    blocks = split_blocks(text, rules)
    for block in blocks:
        assert text[block.start : block.end] == block.text
    assert [(b.kind, b.text) for b in blocks[: len(kinds)]] == kinds
