"""Table look-ups in place of spaCy's ``attribute_ruler`` and rule ``lemmatizer``.

Both components of the English pipelines are tables, but spaCy applies them a
token object at a time: the attribute ruler runs a Matcher of ~180 patterns
over every token, and on candidate sentences it and the lemmatizer together
cost about as much as the parser. The stand-ins here give the same
annotations, several times faster:

- :class:`FastAttributeRuler` compiles the ruler's one-token patterns (tests of
  ``TAG``, ``LOWER``, ``DEP`` ... by equality, ``IN``, ``NOT_IN`` or
  ``REGEX``) into bit sets per attribute value, works out once per distinct combination of
  those values which rules match and what they leave on the token (later rules
  win, as in spaCy), and writes the result with ``Doc.from_array``. Patterns of
  other shapes (``gon na``, ``there is``) stay in a Matcher, which runs only on
  a doc with a token that could start one; its matches are merged into the
  target token's rules in spaCy's order.
- :class:`FastLemmatizer` memoises the lemma per (orth, pos, morph), the key
  spaCy's rule lemmatizer itself caches on, and writes lemmas with
  ``Doc.from_array``.

:class:`FastPipe` runs a pipeline with them standing in for its last
components where those are spaCy's own and of a shape covered here; anything
else runs as it is. The test suite checks on the seed articles that every
token attribute comes out as spaCy's components set it.

The models' matrix products are the other half of the cost. spaCy's CPU
backend, thinc's ``NumpyOps``, multiplies with blis; :func:`numpy_gemm` has
the models built to multiply with numpy's own BLAS instead, which on the
machines argmap is measured on runs the tok2vec layers about 2.8 times as fast
(see ``bench/README.md``), with :func:`one_blas_thread` keeping it to one
thread, as blis is, so that ``--jobs`` workers do not compete for cores.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy
from spacy.attrs import IDS, LEMMA, MORPH, ORTH, POS
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from thinc.api import NumpyOps

if TYPE_CHECKING:
    from collections.abc import Iterable

    from spacy.language import Language
    from spacy.strings import StringStore
    from spacy.tokens import Doc

#: Token-pattern keys whose values ``Doc.to_array`` gives, so a table can test them.
TABLE_KEYS = frozenset(
    {"ORTH", "LOWER", "NORM", "TAG", "POS", "DEP", "IS_SPACE", "IS_PUNCT", "IS_ALPHA"}
)

#: Attributes a rule may set for the table to write them (token-level, no extensions).
TOKEN_ATTRS = frozenset(IDS[k] for k in ("TAG", "POS", "MORPH", "LEMMA", "NORM", "DEP"))

#: A compiled token test: (key, accepted values, rejected values, regular expression),
#: each None when it does not apply.
Test = tuple[str, frozenset[int] | None, frozenset[int] | None, re.Pattern[str] | None]

#: Keys whose values are strings (a REGEX test applies to them).
STRING_KEYS = frozenset({"ORTH", "LOWER", "NORM", "TAG", "POS", "DEP"})


def _tests(token: dict[str, Any], strings: StringStore) -> list[Test] | None:
    """A token pattern as tests on attribute values, or None when it has other kinds."""
    out: list[Test] = []
    for key, value in token.items():
        if key not in TABLE_KEYS:
            return None
        if isinstance(value, bool):
            out.append((key, frozenset({int(value)}), None, None))
        elif isinstance(value, str):
            out.append((key, frozenset({strings.add(value)}), None, None))
        elif isinstance(value, dict) and len(value) == 1:
            op, arg = next(iter(value.items()))
            if op in ("IN", "NOT_IN") and all(isinstance(x, str) for x in arg):
                keys = frozenset(strings.add(x) for x in arg)
                out.append((key, keys, None, None) if op == "IN" else (key, None, keys, None))
            elif op == "REGEX" and isinstance(arg, str) and key in STRING_KEYS:
                out.append((key, None, None, re.compile(arg)))
            else:
                return None
        else:
            return None
    return out


class _Table:
    """Which of a list of token tests pass, for a row of attribute values, as a bit set."""

    def __init__(self, keys: list[str], tests: list[list[Test]], strings: StringStore) -> None:
        self.keys = keys
        self.strings = strings
        self.everyone = everyone = (1 << len(tests)) - 1
        # per column: rules that pass whatever the value, rules a value adds, rules it removes
        self.base = [everyone] * len(keys)
        self.add: list[dict[int, int]] = [{} for _ in keys]
        self.remove: list[dict[int, int]] = [{} for _ in keys]
        self.regexes: list[tuple[int, int, re.Pattern[str]]] = []  # (column, bit, regex)
        for bit, rule in enumerate(tests):
            for key, accepted, rejected, regex in rule:
                column = keys.index(key)
                if accepted is not None:
                    self.base[column] &= ~(1 << bit)
                    for value in accepted:
                        self.add[column][value] = self.add[column].get(value, 0) | 1 << bit
                if rejected is not None:
                    for value in rejected:
                        self.remove[column][value] = self.remove[column].get(value, 0) | 1 << bit
                if regex is not None:
                    self.regexes.append((column, bit, regex))

    def __call__(self, row: tuple[int, ...]) -> int:
        bits = self.everyone
        for column, value in enumerate(row):
            bits &= (self.base[column] | self.add[column].get(value, 0)) & ~self.remove[column].get(
                value, 0
            )
        for column, bit, regex in self.regexes:
            # as the Matcher: re.search on the attribute's string
            if bits >> bit & 1 and not regex.search(self.strings[row[column]]):
                bits &= ~(1 << bit)
        return bits


#: What the ruler does to a token with given attribute values: the one-token rules that
#: match it, whether a residual pattern may match there, and the (column, value) pairs set.
Plan = tuple[tuple[int, ...], bool, tuple[tuple[int, int], ...]]


def _ones(bits: int) -> list[int]:
    out = []
    while bits:
        low = bits & -bits
        out.append(low.bit_length() - 1)
        bits ^= low
    return out


class FastAttributeRuler:
    """spaCy's :class:`AttributeRuler` with its one-token patterns as a memoised table.

    Args:
        ruler: the pipeline's attribute ruler; its rules are read once (rules added
            to it later are not seen).
    """

    def __init__(self, ruler: AttributeRuler) -> None:
        self.ruler = ruler
        self.name = ruler.name
        strings = ruler.vocab.strings
        self.residual = Matcher(ruler.vocab, validate=False)
        simple: list[tuple[int, list[Test]]] = []  # (attr_id, tests), in rule order
        hints: list[list[Test]] = []  # for each residual pattern, the tests of one token
        always = False  # a residual pattern with no token a table can test
        for attr_id in range(len(ruler.attrs)):
            key = str(attr_id)
            for pattern in ruler.matcher.get(strings.add(key))[1]:
                tests = _tests(pattern[0], strings) if len(pattern) == 1 else None
                if tests is not None and ruler.indices[attr_id] in (0, -1):
                    simple.append((attr_id, tests))
                    continue
                self.residual.add(key, [pattern])
                hint = next((t for t in (_tests(x, strings) for x in pattern) if t), None)
                if hint is None:
                    always = True
                else:
                    hints.append(hint)
        keys = sorted(
            {t[0] for _, tests in simple for t in tests} | {t[0] for h in hints for t in h}
        )
        self.keys = [IDS[k] for k in keys]
        self.rule_ids = [attr_id for attr_id, _ in simple]
        self.rules = _Table(keys, [tests for _, tests in simple], strings)
        self.hints = _Table(keys, hints, strings)
        self.always = always
        self.columns = sorted({a for attrs in ruler.attrs for a in attrs}, key=int)
        self._plans: dict[tuple[int, ...], Plan] = {}
        self._values: dict[tuple[int, ...], tuple[tuple[int, int], ...]] = {}

    def _plan(self, row: tuple[int, ...]) -> Plan:
        """For a token with these attribute values: the one-token rules that match it
        (attr ids, in order), whether a residual pattern may match there, and the
        (column, value) pairs the rules leave on it."""
        plan = self._plans.get(row)
        if plan is None:
            rules = tuple(dict.fromkeys(self.rule_ids[b] for b in _ones(self.rules(row))))
            residual = self.always or bool(self.hints(row))
            plan = self._plans[row] = (rules, residual, self._assign(rules))
        return plan

    def _assign(self, rules: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
        """(column, value) pairs that these rules, applied in order, leave on a token."""
        found = self._values.get(rules)
        if found is None:
            merged: dict[int, int] = {}
            for attr_id in rules:
                merged.update(self.ruler.attrs[attr_id])
            found = self._values[rules] = tuple(
                (self.columns.index(a), v) for a, v in sorted(merged.items())
            )
        return found

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc) or not self.columns:
            return doc
        known = self._plans
        plans = [
            known.get(row) or self._plan(row)
            for row in map(tuple, doc.to_array(self.keys).tolist())
        ]
        assignments = [p[2] for p in plans]
        if len(self.residual) and any(p[1] for p in plans):
            strings = doc.vocab.strings
            extra: dict[int, list[int]] = {}
            for m_id, start, end in self.residual(doc, allow_missing=True):
                attr_id = int(strings[m_id])
                span = doc[start:end]
                # a negative index counts from the end, as AttributeRuler does it
                target = span[self.ruler.indices[attr_id]].i
                extra.setdefault(target, []).append(attr_id)
            for target, more in extra.items():
                assignments[target] = self._assign(tuple(sorted({*plans[target][0], *more})))
        # only the columns some rule sets on this doc are read and written back
        used = sorted({column for assigned in set(assignments) for column, _ in assigned})
        if not used:
            return doc
        attrs = [self.columns[c] for c in used]
        where = {c: j for j, c in enumerate(used)}
        values = doc.to_array(attrs).tolist()  # lists: item writes cost less than numpy's
        for row, assigned in zip(values, assignments, strict=True):
            for column, value in assigned:
                row[where[column]] = value
        doc.from_array(attrs, numpy.array(values, dtype=numpy.uint64))  # type: ignore[arg-type]
        return doc

    def pipe(self, docs: Iterable[Doc], **_: Any) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


class FastLemmatizer:
    """spaCy's rule (or lookup) :class:`Lemmatizer`, memoised per (orth, pos, morph).

    Args:
        lemmatizer: the pipeline's lemmatizer.
    """

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.name = lemmatizer.name
        self.lookups = lemmatizer.lookups
        self._memo: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        table = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        lemmas = [row[3] for row in table]
        memo = self._memo
        strings = doc.vocab.strings
        changed = False
        for i, (orth, pos, morph, lemma) in enumerate(table):
            if lemma:
                continue  # set by the attribute ruler: spaCy's lemmatizer keeps it too
            key = (orth, pos, morph)
            value = memo.get(key)
            if value is None:
                value = memo[key] = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            lemmas[i] = value
            changed = True
        if changed:
            column = numpy.array(lemmas, dtype=numpy.uint64).reshape(-1, 1)
            doc.from_array([LEMMA], column)  # type: ignore[arg-type]
        return doc

    def pipe(self, docs: Iterable[Doc], **_: Any) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


def covered(component: Any) -> bool:
    """Whether a table look-up gives exactly what this component gives."""
    if type(component) is AttributeRuler:
        # attributes of the token alone (spaCy also writes lexical ones to the lexeme)
        return all(set(attrs) <= TOKEN_ATTRS for attrs in component.attrs)
    return (
        isinstance(component, Lemmatizer)
        and component.mode in ("rule", "lookup")
        and not component.overwrite
        and type(component).rule_lemmatize is Lemmatizer.rule_lemmatize
        and type(component).lookup_lemmatize is Lemmatizer.lookup_lemmatize
    )


class FastPipe:
    """A pipeline's ``pipe``, with table look-ups standing in for its last components.

    The stand-ins replace the run of covered components (attribute ruler,
    lemmatizer) at the end of ``nlp.pipe_names``: the pipeline runs without them,
    then they annotate each doc in the same order. The pipeline itself is not
    changed (it saves and loads as before); rules added to its attribute ruler
    after this object is made are not seen by it.

    Args:
        nlp: the pipeline (or an object with its ``pipe``, ``pipe_names`` and
            ``get_pipe``).
    """

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.stand_ins: list[tuple[str, FastAttributeRuler | FastLemmatizer]] = []
        for name in reversed(nlp.pipe_names):
            component = nlp.get_pipe(name)
            if not covered(component):
                break
            fast: FastAttributeRuler | FastLemmatizer
            if isinstance(component, AttributeRuler):
                fast = FastAttributeRuler(component)
            else:
                assert isinstance(component, Lemmatizer)
                fast = FastLemmatizer(component)
            self.stand_ins.insert(0, (name, fast))

    def pipe(self, docs: Iterable[Doc | str], **kwargs: Any) -> Iterator[Doc]:
        """``nlp.pipe(docs, **kwargs)``, with the same annotations."""
        if not self.stand_ins:
            yield from self.nlp.pipe(docs, **kwargs)
            return
        disable = [*kwargs.pop("disable", []), *(name for name, _ in self.stand_ins)]
        for doc in self.nlp.pipe(docs, disable=disable, **kwargs):
            for _, component in self.stand_ins:
                component(doc)
            yield doc


#: Fewer rows than this are padded before numpy's BLAS multiplies them (see :class:`RowOps`).
MIN_ROWS = 64


class RowOps(NumpyOps):
    """thinc's ``NumpyOps``, multiplying with numpy's BLAS, each row of a product the same
    whatever else is in the batch.

    OpenBLAS takes another path for a matrix of few rows (a matrix-vector product
    for one row, a small-matrix kernel up to a few dozen), which sums in another
    order: a sentence parsed alone could come out a hair different from the same
    sentence in a batch, and a near tie in the parser turn. A product of fewer
    than ``MIN_ROWS`` rows is padded with zero rows, so every row is computed as
    in a large matrix (the tests check it for the shapes of the pipeline's
    layers, and the annotations of sentences parsed alone and together).
    """

    def __init__(self) -> None:
        super().__init__(use_blis=False)

    def gemm(
        self, x: Any, y: Any, *, out: Any = None, trans1: bool = False, trans2: bool = False
    ) -> Any:
        rows = len(x)
        if trans1 or rows >= MIN_ROWS:
            return super().gemm(x, y, out=out, trans1=trans1, trans2=trans2)
        padded = numpy.zeros((MIN_ROWS, x.shape[1]), dtype=x.dtype)
        padded[:rows] = x
        product = super().gemm(padded, y, trans2=trans2)[:rows]
        if out is None:
            return numpy.ascontiguousarray(product)
        out[...] = product
        return out


@cache
def row_ops() -> RowOps:
    """The one :class:`RowOps` of this process, that the models argmap loads share."""
    return RowOps()


def _numpy_blas() -> str | None:
    """The BLAS numpy multiplies with ('openblas', 'mkl', ...), when threadpoolctl knows."""
    libraries = [i for i in _blas().info() if i.get("user_api") == "blas"]
    return libraries[0].get("internal_api") if len(libraries) == 1 else None


@contextmanager
def numpy_gemm() -> Iterator[None]:
    """Within the block, thinc models are built to multiply matrices with numpy's BLAS.

    thinc's ``NumpyOps`` multiplies with blis. numpy's OpenBLAS is the faster of
    the two on x86 machines: for the tok2vec layer of ``en_core_web_sm`` on a
    batch of 3,700 tokens, 92 against 32 GFLOPS on one core of an AMD EPYC.
    Floats summed in another order could in principle turn a near tie, but on
    the seed articles (checked by the tests) and on the 210,000 tokens the bench
    corpus parses every annotation comes out the same; and :func:`row_ops` keeps
    each row's product independent of the batch, so a document's claims do not
    depend on the documents parsed with it (which a cache and ``--jobs`` need).

    Only a pipeline on thinc's own CPU ops with blis, where numpy multiplies
    with OpenBLAS, is changed: a GPU, ops a user chose (``thinc-apple-ops``), or
    another BLAS (whose small products were not checked) keep blis.
    """
    from thinc.api import get_current_ops, set_current_ops

    ops = get_current_ops()
    if type(ops) is NumpyOps and getattr(ops, "use_blis", False) and _numpy_blas() == "openblas":
        set_current_ops(row_ops())
        try:
            yield
        finally:
            set_current_ops(ops)
    else:
        yield


@cache
def _blas() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Within the block, numpy's BLAS runs on one thread, as blis does.

    A build parses on one core per process and scales with processes
    (``--jobs``, Dask workers), so a BLAS with a thread per core would only
    compete with the other workers. The limit holds for the block alone: a
    notebook's own numpy keeps its threads.
    """
    with _blas().limit(limits=1, user_api="blas"):
        yield
