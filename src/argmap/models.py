"""Pydantic models: the one contract between argmap's stages and its output files.

Models hold plain data (strings, offsets, labels), never spaCy objects, so that
every stage can be tested, cached and serialised on its own.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1.0"

Stance = Literal["loyal", "disloyal", "targeted", "neutral"]
Certainty = Literal["asserted", "hedged"]
RelationType = Literal["restates", "supports", "contrasts"]
BlockKind = Literal["body", "title", "heading", "caption", "byline", "furniture"]

STANCES: tuple[str, ...] = ("loyal", "disloyal", "targeted", "neutral")
CERTAINTIES: tuple[str, ...] = ("asserted", "hedged")
RELATIONS: tuple[str, ...] = ("restates", "supports", "contrasts")


class Record(BaseModel):
    """Base of every model: unknown fields are an error, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Span(Record):
    """A stretch of a document's text, by character offsets."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _check_offsets(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.end - self.start != len(self.text):
            raise ValueError("text length does not match its offsets")
        return self


class Document(Record):
    """One input article as read from disk (the text itself is not written out)."""

    doc_id: str
    path: str
    sha256: str
    text: str = Field(default="", exclude=True, repr=False)
    title: str | None = None
    date: str | None = None
    author: str | None = None
    url: str | None = None
    n_sentences: int = 0
    n_claims: int = 0
    overlaps: list[DocumentOverlap] = Field(default_factory=list)


class DocumentOverlap(Record):
    """How much of a document another document restates (syndication, paraphrase)."""

    doc_id: str
    restated_claims: int
    share: float


class Block(Span):
    """A line or paragraph of a document with its role (body text or furniture)."""

    kind: BlockKind
    rule: str | None = None


class Sentence(Span):
    """A sentence of a body block."""

    index: int = Field(ge=0, description="position among the document's sentences")
    block: int = Field(ge=0, description="index of the body block it belongs to")


class Mention(Span):
    """A span that names (or refers back to) an elite faction."""

    faction: str
    rule: str = Field(description="id of the lexicon entry or anaphora rule that matched")


class Claim(Span):
    """A sentence, or a clause of one, that asserts something about an elite faction."""

    id: str
    doc_id: str
    factions: list[str]
    mentions: list[Mention]
    stance: Stance
    certainty: Certainty
    cues: list[str] = Field(description="the words that decided stance and certainty")
    source: str | None = Field(description="to whom the text attributes the claim")
    rules: list[str] = Field(default_factory=list, description="ids of the rules that fired")
    sentence: int = Field(ge=0, description="index of the sentence the claim comes from")


class Relation(Record):
    """A directed edge between two claims (restates and contrasts are symmetric)."""

    source: str
    target: str
    relation: RelationType
    basis: str
    score: float = 1.0


class Position(Record):
    """All claims about one faction with one stance: what the corpus says, and how often."""

    id: str
    faction: str
    stance: Stance
    claims: int
    documents: int
    independent_documents: int
    hedged: int
    asserted: int
    claim_ids: list[str]


class Manifest(Record):
    """What a build was made from, so that outputs can be checked and reproduced."""

    schema_version: str = SCHEMA_VERSION
    argmap_version: str
    model: str
    model_version: str
    taxonomy_sha256: str
    counts: dict[str, int]
    documents: dict[str, str] = Field(description="doc_id -> sha256 of the input file")
    errors: dict[str, str] = Field(
        default_factory=dict, description="inputs that could not be read"
    )
    warnings: dict[str, str] = Field(
        default_factory=dict, description="inputs built with a warning (an empty file, say)"
    )
    encoding: str = Field(default="utf-8", description="the text encoding the inputs were read in")


Document.model_rebuild()
