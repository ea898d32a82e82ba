"""Rules: load and validate the rule files in ``argmap/data``, compile them to spaCy matchers.

Every rule is one JSON line with a stable ``id`` (it survives into the output so
an analyst can ask why a claim got its label), a ``type`` and a ``label``, and
one way to match: ``terms`` (phrases, case-insensitive, simple plurals added),
``lemmas`` (single-token lemmas) or ``pattern`` (a spaCy ``Matcher`` token
pattern). Boilerplate rules match whole lines with a ``regex`` instead, and
dateline rules the start of a body line (``MOSCOW (AP) —``).

A taxonomy file given by the user (``--taxonomy``) has the same format; its rules
are added to the defaults, and a rule ``{"type": "disable", "id": ...}`` removes
a default rule.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from argmap.errors import RuleFileError
from argmap.ingest import read_utf8

if TYPE_CHECKING:  # spaCy is imported only when a matcher is built
    from spacy.language import Language
    from spacy.tokens import Doc, Span

RuleType = Literal[
    "faction",
    "stance",
    "pseudo",
    "negation",
    "reverse",
    "external",
    "hedge",
    "reporting",
    "anaphor",
    "discourse",
    "boilerplate",
    "dateline",
    "glue",
    "foreign",
    "parse_as",
    "disable",
]

DEFAULT_FILES = (
    "boilerplate.jsonl",
    "factions.jsonl",
    "stance_cues.jsonl",
    "hedges.jsonl",
    "attribution.jsonl",
    "anaphora.jsonl",
    "discourse.jsonl",
    "glue.jsonl",
)
DEFAULT_FACTIONS = ("oligarchs", "siloviki", "military", "fsb", "elites")
STANCE_LABELS = ("loyal", "disloyal", "targeted", "neutral")
BLOCK_KINDS = ("body", "title", "heading", "caption", "byline", "furniture")

# Token attributes that need the tagger or parser; the prefilter runs on the
# tokenizer alone, so a loose copy of each pattern drops them.
_PARSE_ATTRS = {"POS", "TAG", "DEP", "LEMMA", "MORPH", "ENT_TYPE", "IS_SENT_START"}


class Rule(BaseModel):
    """One line of a rule file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    type: RuleType
    label: str = "none"
    terms: list[str] = Field(default_factory=list)
    lemmas: list[str] = Field(default_factory=list)
    pattern: list[dict[str, Any]] | None = None
    regex: str | None = None
    patient: str | None = None
    direction: Literal["forward", "backward"] | None = None
    scope: Literal["previous", "unit", "position"] | None = None
    position: Literal["initial", "early", "anywhere"] | None = None
    deps: list[str] = Field(default_factory=list)
    requires: str | None = None
    certainty: Literal["hedged", "asserted"] | None = None
    trim: int = Field(
        default=0, ge=0, description="tokens of context to drop from the end of a match"
    )
    description: str = ""

    @model_validator(mode="after")
    def _one_matcher(self, info: ValidationInfo) -> Rule:
        if self.type == "disable":
            return self
        ways = sum(bool(x) for x in (self.terms, self.lemmas, self.pattern, self.regex))
        if ways != 1:
            raise ValueError("terms: give exactly one of terms, lemmas, pattern or regex")
        if self.type in ("boilerplate", "dateline"):
            if not self.regex:
                raise ValueError(f"regex: a {self.type} rule needs a regex")
            kinds = BLOCK_KINDS if self.type == "boilerplate" else BLOCK_KINDS[1:]
            if self.label not in kinds:
                raise ValueError(f"label: must be one of {', '.join(kinds)}")
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"regex: does not compile: {exc}") from None
        elif self.regex:
            raise ValueError("regex: only boilerplate and dateline rules take a regex")
        if self.type == "stance" and self.label not in STANCE_LABELS:
            raise ValueError(f"label: must be one of {', '.join(STANCE_LABELS)}")
        if self.type == "discourse" and self.label not in ("supports", "contrasts"):
            raise ValueError("label: must be supports or contrasts")
        if self.certainty is not None and self.type != "reporting":
            raise ValueError("certainty: only reporting rules take a certainty")
        if self.patient is not None and self.patient not in STANCE_LABELS:
            raise ValueError(f"patient: must be one of {', '.join(STANCE_LABELS)}")
        if self.type == "parse_as" and not (
            re.fullmatch(r"[a-z]+", self.label)
            and self.terms
            and all(" " not in t for t in self.terms)
        ):
            raise ValueError("label: a parse_as rule gives one lower-case word, and one-word terms")
        if self.type == "faction" and not re.fullmatch(r"[a-z][a-z0-9_\-]*", self.label):
            raise ValueError("label: a faction label is lower case letters, digits, _ or -")
        if self.pattern and (info.context or {}).get("check_patterns", True):
            from spacy.schemas import validate_token_pattern  # spaCy loads only when needed

            if problems := validate_token_pattern(self.pattern):
                raise ValueError(f"pattern: {_one_line(problems[0])}")
        return self


def _pretty_loc(errors: list[Any]) -> str:
    first = errors[0]
    where = ".".join(str(x) for x in first["loc"])
    msg = first["msg"].removeprefix("Value error, ")
    if not where and (named := re.match(r"(\w+): (.*)", msg)):
        where, msg = named.groups()
    return f"field {where or 'record'}: {msg}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def read_rule_file(
    path: Path | str, *, text: str | None = None, check_patterns: bool = True
) -> list[Rule]:
    """Read and validate one JSONL rule file.

    Args:
        path: the file (used for reading, and for messages when ``text`` is given).
        text: its contents, when already read.

    Returns:
        The rules, in file order.

    Raises:
        RuleFileError: the file cannot be read, or a line is not a valid rule; the
            message names the file, the line and the field.
    """
    if text is None:
        text = read_utf8(path, error=RuleFileError)
    rules = []
    seen: set[str] = set()
    # JSON Lines: records end at "\n" only (str.splitlines would also split at U+2028).
    for lineno, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RuleFileError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
        if not isinstance(raw, dict):
            raise RuleFileError(f"{path}:{lineno}: a rule must be a JSON object")
        try:
            rule = Rule.model_validate(raw, context={"check_patterns": check_patterns})
        except ValidationError as exc:
            rid = raw.get("id", "?")
            raise RuleFileError(
                f"{path}:{lineno}: rule {rid}: {_pretty_loc(exc.errors())}"
            ) from None
        if rule.id in seen and rule.type != "disable":
            raise RuleFileError(f"{path}:{lineno}: field id: duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        rules.append(rule)
    return rules


def _line_of(path: Path | str, rule_id: str) -> int:
    """The line of a rule file that holds the rule ``rule_id`` (for messages)."""
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    for lineno, line in enumerate(lines, start=1):
        try:
            if json.loads(line).get("id") == rule_id:
                return lineno
        except (ValueError, AttributeError):
            continue
    return 1


def _plurals(term: str) -> list[str]:
    """Simple English plurals of a lexicon term (both -s and -es where unsure)."""
    last = term.split()[-1] if term.split() else ""
    if not last.isalpha() or not last.islower() or last.endswith("s"):
        return []
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        return [term[:-1] + "ies"]
    if last.endswith(("ch", "sh", "x")):
        return [term + "s", term + "es"]
    return [term + "s"]


def _loose(pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
    loose = []
    for token in pattern:
        kept = {k: v for k, v in token.items() if k not in _PARSE_ATTRS}
        if not any(k != "OP" for k in kept):
            kept = {"OP": token["OP"]} if "OP" in token else {}
        loose.append(kept)
    return loose


#: Token-pattern keys whose values are words (a word the tokenizer splits is a run of tokens).
_WORD_KEYS = ("ORTH", "LOWER", "TEXT", "NORM", "LEMMA")
#: The most patterns one rule's pattern may become (see :func:`_as_tokenized`).
MAX_VARIANTS = 32


def _as_tokenized(
    pattern: list[dict[str, Any]], split: Callable[[str], list[str]], *, trim: int = 0
) -> list[list[dict[str, Any]]]:
    """The pattern as the tokenizer sees its words: one pattern, or several.

    spaCy's English tokenizer splits 'high-ranking' into 'high', '-', 'ranking'
    and 'Col.' into 'Col', '.', so a pattern token listing such a word would
    never match. Each such word becomes a run of tokens in a pattern of its
    own: the run's last token tests the last piece with the word's key and
    keeps the token's other tests, the pieces before it test ``LOWER`` (or
    ``ORTH``, for an ``ORTH`` word). The first pattern is the rule's own (its
    one-token words). A run stands for its token once: an optional token (``?``)
    is absent in the rule's own pattern, and a repeated one (``*``, ``+``) may
    repeat around the run. A negated token (``!``), and a token among the
    ``trim`` last (context cut off a match), keep their words as they are.

    Args:
        pattern: a spaCy Matcher token pattern.
        split: the tokenizer, as a function from a word to its tokens' texts.
        trim: the rule's ``trim``.

    Raises:
        RuleFileError: the pattern would become more than ``MAX_VARIANTS`` patterns.
    """
    choices: list[list[list[dict[str, Any]]]] = []
    for i, token in enumerate(pattern):
        options = [[token]]
        op = token.get("OP", "1")
        if op != "!" and i < len(pattern) - trim:
            for key in _WORD_KEYS:
                value = token.get(key)
                if isinstance(value, str):
                    words = [value]
                elif isinstance(value, dict) and set(value) == {"IN"}:
                    words = list(value["IN"])
                else:
                    continue
                others = {k: v for k, v in token.items() if k not in (key, "OP")}
                before = "ORTH" if key == "ORTH" else "LOWER"
                for word in words:
                    pieces = split(word)
                    if len(pieces) < 2:
                        continue
                    run = [{before: piece} for piece in pieces[:-1]]
                    run.append({**others, key: pieces[-1]})
                    if op in ("*", "+"):
                        around = {**token, "OP": "*"}
                        run = [around, *run, around]
                    options.append(run)
        choices.append(options)
    variants: list[list[dict[str, Any]]] = [[]]
    for options in choices:
        variants = [v + option for v in variants for option in options]
        if len(variants) > MAX_VARIANTS:
            raise RuleFileError(
                f"pattern: more than {MAX_VARIANTS} ways to match the words the tokenizer "
                "splits; list them in a rule of their own"
            )
    return variants


class Match(NamedTuple):
    """A rule that matched a span of a spaCy doc (token offsets)."""

    rule: Rule
    start: int
    end: int


@dataclass
class RuleSet:
    """All rules in force, with their compiled matchers (built lazily, per vocabulary)."""

    rules: list[Rule]
    sources: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, taxonomy: Path | str | None = None) -> RuleSet:
        """The default rules, extended (or pruned) by an optional taxonomy file.

        Raises:
            RuleFileError: a rule file is malformed.
        """
        rules: list[Rule] = []
        sources = []
        pkg = resources.files("argmap") / "data"
        for name in DEFAULT_FILES:
            text = (pkg / name).read_text(encoding="utf-8")
            # the shipped patterns are checked by the test suite, not on every start
            rules.extend(read_rule_file(f"argmap/data/{name}", text=text, check_patterns=False))
            sources.append(text)
        if taxonomy is not None:
            extra = read_rule_file(taxonomy)
            disabled = {r.id for r in extra if r.type == "disable"}
            known = {r.id for r in rules}
            for rule in extra:
                where = f"{taxonomy}:{_line_of(taxonomy, rule.id)}"
                if rule.type == "disable" and rule.id not in known:
                    raise RuleFileError(f"{where}: field id: no rule {rule.id!r} to disable")
                if rule.type != "disable" and rule.id in known:
                    raise RuleFileError(
                        f"{where}: field id: rule {rule.id!r} already exists "
                        "(disable it first to replace it)"
                    )
            rules = [r for r in rules if r.id not in disabled]
            rules.extend(r for r in extra if r.type != "disable")
            sources.append(Path(taxonomy).read_text(encoding="utf-8"))
        return cls(rules=rules, sources=sources)

    @cached_property
    def sha256(self) -> str:
        """A hash of the rules in force (part of the manifest and of cache keys)."""
        blob = "\n".join(r.model_dump_json() for r in self.rules)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    @cached_property
    def factions(self) -> list[str]:
        """Faction labels in taxonomy order (defaults first, then added ones)."""
        labels = list(DEFAULT_FACTIONS)
        for rule in self.of("faction"):
            if rule.label not in labels:
                labels.append(rule.label)
        present = {r.label for r in self.of("faction")}
        return [label for label in labels if label in present]

    def of(self, *types: str) -> list[Rule]:
        """The rules of the given types, in order."""
        return [r for r in self.rules if r.type in types]

    def by_id(self, rule_id: str) -> Rule | None:
        """The rule with this id, if any."""
        return self._by_id.get(rule_id)

    @cached_property
    def _by_id(self) -> dict[str, Rule]:
        found: dict[str, Rule] = {}
        for rule in self.rules:
            found.setdefault(rule.id, rule)
        return found

    @cached_property
    def boilerplate(self) -> list[tuple[Rule, re.Pattern[str]]]:
        """Boilerplate rules with their compiled, case-insensitive regexes."""
        return [(r, re.compile(r.regex or "", re.IGNORECASE)) for r in self.of("boilerplate")]

    @cached_property
    def datelines(self) -> list[tuple[Rule, re.Pattern[str]]]:
        """Dateline rules with their compiled regexes, case-sensitive: a dateline's place is
        in capitals (``MOSCOW —``), which tells it from a sentence's first words."""
        return [(r, re.compile(r.regex or "")) for r in self.of("dateline")]

    @cached_property
    def any_boilerplate(self) -> re.Pattern[str] | None:
        """One regex that matches where any boilerplate rule's does (None if they cannot be
        joined): most lines match none, and one search tells so."""
        regexes = [r.regex or "" for r in self.of("boilerplate")]
        if not regexes:
            return None
        try:
            joined = re.compile("|".join(f"(?:{x})" for x in regexes), re.IGNORECASE)
        except re.error:
            return None
        # group numbers shift when patterns are joined: back-references would change meaning
        if joined.groups != sum(re.compile(x).groups for x in regexes) or re.search(
            r"\\[1-9]|\(\?P[=<]", "".join(regexes)
        ):
            return None
        return joined

    def matcher(self, nlp: Language, *types: str, loose: bool = False) -> RuleMatcher:
        """A matcher for the rules of the given types (cached per vocabulary)."""
        key = (id(nlp.vocab), types, loose)
        cache = self.__dict__.setdefault("_matchers", {})
        if key not in cache:
            cache[key] = RuleMatcher(nlp, self.of(*types), loose=loose)
        return cache[key]


#: Token-pattern keys an anchor may test (the values are string hashes in ``Doc.to_array``).
_ANCHOR_KEYS = ("ORTH", "LOWER", "LEMMA", "NORM")


def _anchors(pattern: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """Tokens every match of ``pattern`` must contain, as (key, values) tests.

    One test per token that is not optional and tests ORTH, LOWER, LEMMA or NORM
    for equality or membership: a doc failing one of them cannot match.
    """
    out = []
    for token in pattern:
        if token.get("OP", "1") not in ("1", "+"):
            continue
        for key in _ANCHOR_KEYS:
            value = token.get(key)
            if isinstance(value, str):
                out.append((key, [value]))
                break
            if isinstance(value, dict) and set(value) == {"IN"}:
                out.append((key, list(value["IN"])))
                break
    return out


class RuleMatcher:
    """Phrase, lemma and token-pattern rules compiled into spaCy matchers.

    A token pattern runs only on docs holding all its anchors (the words it
    requires): each doc gets a spaCy ``Matcher`` of just the patterns whose
    anchors it holds (one per such set of patterns, kept), since the Matcher's
    cost grows with its number of patterns. Single-word rules are a dictionary
    look-up on the tokens' hashes.
    """

    def __init__(self, nlp: Language, rules: Iterable[Rule], *, loose: bool = False) -> None:
        self.rules = {r.id: r for r in rules}
        from spacy.attrs import IDS
        from spacy.matcher import Matcher, PhraseMatcher

        strings = nlp.vocab.strings
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        # checks every token pattern against spaCy's schema once; matching uses
        # Matchers of the patterns a sentence may match (see _matcher)
        validator = Matcher(nlp.vocab, validate=True)
        self.words: dict[int, list[Rule]] = {}
        self.loose = loose
        # per token pattern: its rule id and pattern, and its anchors as
        # (column in _anchor_keys, hashes); [] for none
        self.patterns: list[tuple[str, list[dict[str, Any]]]] = []
        self.anchors: list[list[tuple[int, frozenset[int]]]] = []
        self._subsets: dict[int, Any] = {}
        self._type_bits: dict[frozenset[str], int] = {}
        self._vocab = nlp.vocab
        self._anchor_keys: list[int] = []
        self._lower: dict[int, int] = {}
        tokenizer = nlp.tokenizer
        special = set(getattr(tokenizer, "rules", None) or ())  # 'cannot', 'gonna' ...

        def split(word: str) -> list[str]:
            if word.isalpha() and word not in special:
                return [word]  # most words: no tokenizer call (it was half the build time)
            return [t.text for t in tokenizer(word)]

        for rule in self.rules.values():
            if rule.terms:
                variants: list[str] = []
                for term in rule.terms:
                    variants.append(term)
                    if rule.type == "faction":
                        variants.extend(_plurals(term))
                self.phrases.add(rule.id, list(nlp.tokenizer.pipe(variants)))  # type: ignore[union-attr]
            elif rule.lemmas:
                # single words are a dictionary look-up, much cheaper than the Matcher
                for lemma in rule.lemmas:
                    if len(pieces := split(lemma)) > 1:
                        raise RuleFileError(
                            f"rule {rule.id}: field lemmas: {lemma!r} is {len(pieces)} tokens, "
                            "and a lemma is one word: list a phrase in the terms of a rule"
                        )
                    self.words.setdefault(strings.add(lemma.lower()), []).append(rule)
            elif rule.pattern:
                try:
                    forms = _as_tokenized(rule.pattern, split, trim=rule.trim)
                except RuleFileError as exc:
                    raise RuleFileError(f"rule {rule.id}: field {exc}") from None
                for variant in forms:
                    pattern = _loose(variant) if loose else variant
                    try:
                        validator.add(rule.id, [pattern])
                    except ValueError as exc:
                        raise RuleFileError(
                            f"rule {rule.id}: field pattern: {_one_line(str(exc))}"
                        ) from None
                    self.patterns.append((rule.id, pattern))
                    tests = []
                    for key, values in _anchors(pattern):
                        if IDS[key] not in self._anchor_keys:
                            self._anchor_keys.append(IDS[key])
                        column = self._anchor_keys.index(IDS[key])
                        tests.append((column, frozenset(strings.add(v) for v in values)))
                    self.anchors.append(tests)
        self._columns = [IDS["LOWER"]] if loose else [IDS["LOWER"], IDS["LEMMA"]]
        # per anchor column: anchor value -> the bits of the tests it satisfies (a bit
        # per test of every pattern); per pattern, the bits of its tests (0: always runs)
        self._satisfies: list[dict[int, int]] = [{} for _ in self._anchor_keys]
        self._needs: list[int] = []
        n_tests = 0
        for tests in self.anchors:
            need = 0
            for column, hashes in tests:
                bit = 1 << n_tests
                n_tests += 1
                need |= bit
                table = self._satisfies[column]
                for value in hashes:
                    table[value] = table.get(value, 0) | bit
            self._needs.append(need)

    def _passing(self, rows: list[list[int]]) -> int:
        """The token patterns whose anchors the doc holds, as a bit set of their indices."""
        if not self._anchor_keys or not rows:
            return (1 << len(self.patterns)) - 1
        first = len(self._columns)
        met = 0  # the bits of the tests some token of the doc satisfies
        for j, table in enumerate(self._satisfies):
            for value in {row[first + j] for row in rows}:
                met |= table.get(value, 0)
        bits = 0
        for index, need in enumerate(self._needs):
            if met & need == need:
                bits |= 1 << index
        return bits

    def _matcher(self, bits: int) -> Any:
        """A Matcher of the token patterns in the bit set (made once per set)."""
        matcher = self._subsets.get(bits)
        if matcher is None:
            from spacy.matcher import Matcher

            matcher = self._subsets[bits] = Matcher(self._vocab, validate=False)
            for index, (rule_id, pattern) in enumerate(self.patterns):
                if bits >> index & 1:
                    matcher.add(rule_id, [pattern])
        return matcher

    def __call__(self, doc: Doc | Span) -> list[Match]:
        """All matches in ``doc``, sorted by position, longest first at equal starts."""
        strings = doc.vocab.strings
        found = []
        raw = [*self.phrases(doc)] if len(self.phrases) else []
        rows = self._rows(doc)
        if self.patterns:
            bits = self._passing(rows)
            if bits:
                raw.extend(self._matcher(bits)(doc))
        for match_id, start, end in dict.fromkeys(raw):  # (two patterns of a rule may agree)
            found.append(Match(self.rules[strings[match_id]], start, end))
        if self.words:
            for offset, row in enumerate(rows):
                found.extend(Match(r, offset, offset + 1) for r in self._word_rules(row, strings))
        found.sort(key=lambda m: (m.start, m.start - m.end, m.rule.id))
        return found

    def finds(self, doc: Doc | Span, types: Collection[str]) -> bool:
        """Whether a rule of one of these types matches in ``doc``: ``any(m.rule.type in
        types for m in self(doc))``, found with the cheapest test first."""
        strings = doc.vocab.strings
        if len(self.phrases) and any(
            self.rules[strings[match_id]].type in types for match_id, _, _ in self.phrases(doc)
        ):
            return True
        rows = self._rows(doc)
        if self.words and any(
            r.type in types for row in rows for r in self._word_rules(row, strings)
        ):
            return True
        if self.patterns:
            bits = self._passing(rows) & self._of_types(types)
            if bits and self._matcher(bits)(doc):
                return True
        return False

    def _rows(self, doc: Doc | Span) -> list[list[int]]:
        """Per token: LOWER (and LEMMA) for the single words, then the anchors' attributes."""
        if not len(doc):
            return []
        return doc.to_array([*self._columns, *self._anchor_keys]).tolist()  # type: ignore[union-attr]

    def _word_rules(self, row: list[int], strings: Any) -> Iterable[Rule]:
        """The single-word rules a token matches, each once: by the word itself, or by
        its lemma (lemmatizers disagree on forms such as 'disgruntled', lemma
        'disgruntle'); loose matching has no lemmas."""
        by_word = self.words.get(row[0], ())
        by_lemma = () if self.loose else self.words.get(self._lowered(row[1], strings), ())
        if not by_word and not by_lemma:
            return ()
        return {r.id: r for r in (*by_word, *by_lemma)}.values()

    def _of_types(self, types: Collection[str]) -> int:
        """The token patterns of rules of these types, as a bit set (memoised)."""
        key = frozenset(types)
        bits = self._type_bits.get(key)
        if bits is None:
            bits = self._type_bits[key] = sum(
                1 << i
                for i, (rule_id, _) in enumerate(self.patterns)
                if self.rules[rule_id].type in key
            )
        return bits

    def _lowered(self, key: int, strings: Any) -> int:
        """The hash of the lower-cased string of hash ``key`` (memoised)."""
        lower = self._lower.get(key)
        if lower is None:
            lower = self._lower[key] = strings.add(strings[key].lower()) if key else 0
        return lower


def longest(matches: Iterable[Match]) -> list[Match]:
    """Keep the longest of overlapping matches (earliest first on ties), as spaCy's filter_spans."""
    chosen: list[Match] = []
    taken: set[int] = set()
    for m in sorted(matches, key=lambda m: (-(m.end - m.start), m.start, m.rule.id)):
        if not taken.intersection(range(m.start, m.end)):
            chosen.append(m)
            taken.update(range(m.start, m.end))
    return sorted(chosen, key=lambda m: m.start)
