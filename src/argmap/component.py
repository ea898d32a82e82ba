"""The spaCy component ``argmap_claims``: argmap's claim extraction inside any spaCy pipeline.

>>> nlp = spacy.load("en_core_web_sm")          # doctest: +SKIP
>>> nlp.add_pipe("argmap_claims")               # doctest: +SKIP
>>> doc = nlp("The oligarchs remain loyal to Putin.")  # doctest: +SKIP
>>> doc._.claims[0].stance                      # doctest: +SKIP
'loyal'

The factory is registered with spaCy's ``spacy_factories`` entry point, so
``add_pipe`` finds it without importing argmap first. The pipeline must have
a tagger, a parser and a lemmatizer (as ``en_core_web_sm``); the component
runs the same stages as :func:`argmap.build` on ``doc.text`` and sets
``doc._.claims`` to a list of :class:`~argmap.models.Claim` whose offsets are
character offsets into ``doc.text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from argmap.clean import split_blocks
from argmap.errors import ModelError
from argmap.extract import Extractor
from argmap.rules import RuleSet
from argmap.segment import split_sentences

if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=None)


class _Inner:
    """The host pipeline without this component, for the extractor's own parsing."""

    def __init__(self, nlp: Language, name: str) -> None:
        self._nlp = nlp
        self._name = name

    def pipe(self, texts: Iterable[str], **kwargs: Any) -> Iterator[Doc]:
        disable = [self._name, *kwargs.pop("disable", [])]
        return self._nlp.pipe(texts, disable=disable, **kwargs)

    @property
    def pipe_names(self) -> list[str]:
        return [name for name in self._nlp.pipe_names if name != self._name]

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._nlp, attr)


class ClaimsComponent:
    """Sets ``doc._.claims``: the claims argmap finds in the doc's text.

    Args:
        nlp: the host pipeline.
        name: the component's name in it.
        taxonomy: a rule file that extends argmap's default rules.
        doc_id: the document id used in claim ids when ``doc.user_data`` has
            no ``"doc_id"``.
    """

    def __init__(
        self, nlp: Language, name: str, *, taxonomy: str | None = None, doc_id: str = "doc"
    ) -> None:
        self.name = name
        self.nlp = nlp
        self.rules = RuleSet.load(taxonomy)
        self.doc_id = doc_id
        self._extractor: Extractor | None = None

    @property
    def extractor(self) -> Extractor:
        if self._extractor is None:
            if "parser" not in self.nlp.pipe_names:
                raise ModelError(
                    f"{self.name}: the pipeline needs a parser (for example en_core_web_sm)"
                )
            self._extractor = Extractor(_Inner(self.nlp, self.name), self.rules)  # type: ignore[arg-type]
        return self._extractor

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        blocks = split_blocks(text, self.rules)
        sentences = split_sentences(blocks, self.nlp)
        doc_id = str(doc.user_data.get("doc_id", self.doc_id))
        doc._.claims = self.extractor.extract(doc_id, text, blocks, sentences)
        return doc


@Language.factory("argmap_claims", default_config={"taxonomy": None, "doc_id": "doc"})
def make_claims_component(
    nlp: Language, name: str, taxonomy: str | None, doc_id: str
) -> ClaimsComponent:
    """Factory of the ``argmap_claims`` component (see the module docstring)."""
    return ClaimsComponent(nlp, name, taxonomy=taxonomy, doc_id=doc_id)
