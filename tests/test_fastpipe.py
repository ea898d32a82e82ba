"""The table look-ups give exactly the annotations of spaCy's attribute ruler and lemmatizer,
the models give the same with numpy's BLAS as with blis, and the rule matchers' anchor
pre-check never drops a match."""

from __future__ import annotations

import os

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, NORM, ORTH, POS, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from thinc.api import NumpyOps, get_current_ops, set_current_ops
from threadpoolctl import threadpool_info, threadpool_limits

from argmap.clean import split_blocks
from argmap.extract import Extractor
from argmap.fastpipe import (
    FastAttributeRuler,
    FastLemmatizer,
    FastPipe,
    numpy_gemm,
    one_blas_thread,
    row_ops,
)
from argmap.segment import UNUSED, load_pipeline, resolve_model, split_sentences

from .conftest import RAW

ATTRS = [ORTH, TAG, POS, MORPH, LEMMA, NORM, DEP, HEAD]
EXAMPLES = int(os.environ.get("ARGMAP_FUZZ_EXAMPLES", "60"))

# Rules of every shape the English attribute ruler has: two-token ones (gonna,
# gotta, let's, y'all, ain't, there is), a REGEX one (nothin'), DEP-conditioned
# ones (but as an adverb), pronouns with lemmas, and white space.
EDGE_CASES = [
    "There are generals who are gonna defect, and there's no doubt about it.",
    "Y'all ain't seen nothin' yet: the siloviki gotta stay loyal.",
    "Let's say the FSB is loyal, but the army is n't.",
    "I think he told me she'd go; they said it was nothing.",
    "  Double  spaces\tand\ttabs  \n\n",
    "",
    "C'mon, the oligarchs aren't going anywhere!",
    "He was but a colonel, and everyone knew it.",
]


@pytest.fixture(scope="module")
def fast(nlp: Language) -> FastPipe:
    return FastPipe(nlp)


def _same(fast: FastPipe, plain: Language, texts: list[str]) -> list[str]:
    """Texts whose token attributes differ between the stand-ins and spaCy's components."""
    differ = []
    for text, a, b in zip(texts, fast.pipe(texts), plain.pipe(texts), strict=True):
        if not (a.to_array(ATTRS) == b.to_array(ATTRS)).all():
            differ.append(text)
    return differ


def test_stand_ins_for_the_attribute_ruler_and_lemmatizer(nlp: Language, fast: FastPipe) -> None:
    assert [(n, type(c)) for n, c in fast.stand_ins] == [
        ("attribute_ruler", FastAttributeRuler),
        ("lemmatizer", FastLemmatizer),
    ]
    # the pipeline itself is untouched
    assert isinstance(nlp.get_pipe("attribute_ruler"), AttributeRuler)


def test_seed_articles_annotated_as_by_spacy(fast: FastPipe, nlp: Language) -> None:
    lines = [
        line
        for path in sorted(RAW.iterdir())
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(lines) > 100
    assert _same(fast, nlp, lines) == []


def test_edge_cases_annotated_as_by_spacy(fast: FastPipe, nlp: Language) -> None:
    assert _same(fast, nlp, EDGE_CASES) == []
    doc = next(fast.pipe(["They ain't seen nothin' yet, there are gonna be arrests, let's see."]))
    # the two-token, REGEX and DEP-conditioned rules did apply
    lemmas = {t.lower_: t.lemma_ for t in doc}
    assert [lemmas[w] for w in ("ai", "nothin'", "gon", "na", "'s")] == [
        "be", "nothing", "go", "to", "us"
    ]  # fmt: skip
    assert next(t for t in doc if t.lower_ == "are").pos_ == "VERB"


WORDS = [
    "the", "FSB", "siloviki", "there", "is", "are", "gon", "na", "got", "ta", "let", "'s",
    "y'", "all", "ai", "n't", "nothin'", "but", "he", "her", "that", "'d", "loyal", "stays",
    "generals", "running", "Putin", "'", ",", ".", "  ", "\n", "was", "will", "can", "seen",
]  # fmt: skip


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25))
def test_any_word_sequence_annotated_as_by_spacy(
    fast: FastPipe, nlp: Language, words: list[str]
) -> None:
    text = " ".join(words)
    assert _same(fast, nlp, [text]) == []


def test_components_it_does_not_cover_run_as_they_are() -> None:
    nlp = load_pipeline()
    nlp.get_pipe("attribute_ruler").add([[{"LOWER": "kremlin"}]], {"IS_STOP": True})
    assert [n for n, _ in FastPipe(nlp).stand_ins] == ["lemmatizer"]
    nlp.get_pipe("lemmatizer").overwrite = True
    # nothing before a component it does not cover is stood in for
    assert FastPipe(nlp).stand_ins == []
    doc = next(FastPipe(nlp).pipe(["The Kremlin stays."]))
    assert doc[1].is_stop and doc[2].lemma_ == "stay"


def test_rule_matchers_find_what_an_unfiltered_matcher_finds(
    nlp: Language, rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    from argmap.rules import RuleMatcher

    text = " ".join(path.read_text(encoding="utf-8") for path in sorted(RAW.iterdir())) + " ".join(
        EDGE_CASES
    )
    docs = list(nlp.pipe(line for line in text.splitlines() if line.strip()))
    kinds = [("faction",), ("anaphor",), ("foreign",), ("stance", "pseudo", "reverse", "external")]
    kinds += [("hedge", "pseudo"), ("reporting",)]
    for loose in (False, True):
        matchers = [RuleMatcher(nlp, rules.of(*k), loose=loose) for k in kinds]
        filtered = [[m(d) for d in docs] for m in matchers]
        with monkeypatch.context() as patch:
            patch.setattr(RuleMatcher, "_passing", lambda self, rows: (1 << len(self.patterns)) - 1)
            unfiltered = [[m(d) for d in docs] for m in matchers]
        assert filtered == unfiltered
        assert sum(len(x) for f in filtered for x in f) > 100


def test_a_matcher_finds_a_type_exactly_where_its_matches_hold_one(nlp: Language, rules) -> None:
    from argmap.extract import MATCHED_TYPES
    from argmap.rules import RuleMatcher

    text = " ".join(path.read_text(encoding="utf-8") for path in sorted(RAW.iterdir()))
    docs = list(nlp.pipe(line for line in [*text.splitlines(), *EDGE_CASES] if line.strip()))
    docs.append(nlp.make_doc(""))
    for loose in (False, True):
        matcher = RuleMatcher(nlp, rules.of(*MATCHED_TYPES), loose=loose)
        hits = 0
        for doc in docs:
            found = {m.rule.type for m in matcher(doc)}
            for kind in [*MATCHED_TYPES, ("faction", "anaphor"), ("stance", "hedge")]:
                types = {kind} if isinstance(kind, str) else set(kind)
                assert matcher.finds(doc, types) == bool(found & types), (doc.text, types)
                hits += bool(found & types)
        assert hits > 100


def _model_ops(nlp: Language) -> set[tuple[str, bool | None]]:
    """(ops class, use_blis) of every layer of every component with a model, but the
    parser's output layer: spaCy builds it on CPU ops of its own choosing, and its
    greedy parse multiplies with blis whatever the ops."""
    found = set()
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None:
            continue
        upper = model.maybe_get_ref("upper")
        found |= {
            (type(node.ops).__name__, getattr(node.ops, "use_blis", None))
            for node in model.walk()
            if node is not upper
        }
    return found


def test_models_multiply_with_numpys_blas_and_annotate_as_with_blis() -> None:
    nlp = load_pipeline()
    assert _model_ops(nlp) == {("RowOps", False)}
    spacy_default = spacy.load(resolve_model(), exclude=UNUSED)
    assert _model_ops(spacy_default) == {("NumpyOps", True)}
    lines = [
        line
        for path in sorted(RAW.iterdir())
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for a, b in zip(nlp.pipe(lines), spacy_default.pipe(lines), strict=True):
        assert (a.to_array(ATTRS) == b.to_array(ATTRS)).all(), a.text


def test_ops_of_a_users_choice_are_kept() -> None:
    mine = NumpyOps(use_blis=False)
    set_current_ops(mine)
    try:
        with numpy_gemm():
            assert get_current_ops() is mine
    finally:
        set_current_ops(NumpyOps())
    with numpy_gemm():
        assert get_current_ops() is row_ops()
    assert get_current_ops().use_blis is True  # type: ignore[attr-defined]


#: (inputs, outputs) of the pipeline's layers: tok2vec's embedding mixer and encoder,
#: the tagger, the parser's projection and its precomputed lower layer.
LAYER_SHAPES = [(384, 288), (288, 288), (96, 50), (96, 64), (64, 1664)]


@pytest.mark.parametrize(("width", "outputs"), LAYER_SHAPES)
def test_a_rows_product_does_not_depend_on_the_rest_of_the_batch(width, outputs) -> None:
    """OpenBLAS sums a product of a few rows in another order: a sentence parsed alone
    would otherwise differ a hair from the same sentence in a batch."""
    import numpy

    rng = numpy.random.default_rng(7)
    batch = rng.standard_normal((3000, width)).astype("float32")
    weights = rng.standard_normal((outputs, width)).astype("float32")
    ops = row_ops()
    with one_blas_thread():
        whole = ops.gemm(batch, weights, trans2=True)
        for rows in [*range(1, 70), 200, 1001]:
            start = int(rng.integers(0, len(batch) - rows))
            part = ops.gemm(batch[start : start + rows], weights, trans2=True)
            assert (part == whole[start : start + rows]).all(), rows
        out = numpy.empty((3, outputs), dtype="float32")
        assert ops.gemm(batch[:3], weights, trans2=True, out=out) is out
        assert (out == whole[:3]).all()


def test_sentences_parse_the_same_alone_and_in_a_batch(nlp: Language, rules) -> None:
    extractor = Extractor(nlp, rules)
    texts = [
        s.text
        for path in sorted(RAW.iterdir())
        for s in split_sentences(split_blocks(path.read_text(encoding="utf-8"), rules), nlp)
    ][:120]
    together = list(extractor.parser.pipe(texts, batch_size=128))
    for text, doc in zip(texts, together, strict=True):
        alone = next(extractor.parser.pipe([text]))
        assert (alone.to_array(ATTRS) == doc.to_array(ATTRS)).all(), text


def _blas_threads() -> set[int]:
    return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}


def test_blas_runs_on_one_thread_within_the_block_only() -> None:
    with threadpool_limits(limits=2, user_api="blas"):
        assert _blas_threads() == {2}
        with one_blas_thread():
            assert _blas_threads() == {1}
        assert _blas_threads() == {2}


def test_sentences_are_parsed_on_one_blas_thread(nlp: Language, rules, monkeypatch) -> None:
    extractor = Extractor(nlp, rules)
    seen: list[set[int]] = []
    pipe = extractor.parser.pipe

    def watched(*args, **kwargs):
        for doc in pipe(*args, **kwargs):
            seen.append(_blas_threads())
            yield doc

    monkeypatch.setattr(extractor.parser, "pipe", watched)
    text = "The generals stay loyal to Putin. The FSB is split."
    blocks = split_blocks(text, rules)
    with threadpool_limits(limits=2, user_api="blas"):
        claims = extractor.extract("d", text, blocks, split_sentences(blocks, nlp))
    assert len(claims) == 2 and seen == [{1}, {1}]
