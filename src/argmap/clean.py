"""Clean: a document's text -> blocks (one a line) with their role.

Scraped articles mix the body with titles, bylines, photo credits and site
furniture. Each non-blank line becomes a :class:`~argmap.models.Block` whose
``kind`` says which; only ``body`` blocks can hold claims. The line patterns
live in ``data/boilerplate.jsonl``; the rest are layout cues that hold across
sites: a markdown heading, or a short line with no closing punctuation. A
wire dateline that opens a paragraph (``MOSCOW (AP) —``, the ``dateline``
rules) becomes a ``byline`` block of its own, so that the sentence after it is
parsed as the sentence it is.
Offsets always refer to the original text, markdown markup included.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

from argmap.models import Block, BlockKind
from argmap.rules import Rule, RuleSet

if TYPE_CHECKING:  # spaCy is imported only when the glue splitter is used
    from spacy.language import Language
    from spacy.tokens import Doc

_MARKUP = re.compile(r"^[\s#>*_\-]+|[\s*_]+$")
_LINE_END = re.compile(r"[.!?:;…][\"'”’)\]*_]*$")
_HEADING_WORDS = 20
# White space and the marks that show nothing (BOM, zero-width) around a line.
_BLANK = r"[\s\ufeff\u200b\u200c\u200d\u2060]*"
_EDGES = re.compile(_BLANK + "(.*?)" + _BLANK, re.S)
# A line cut in the middle of a sentence by the scraper ends on one of these.
_DANGLING = {
    "the", "a", "an", "of", "to", "and", "or", "but", "in", "on", "for", "with", "that",
    "which", "who", "as", "at", "by", "from", "is", "are", "was", "were", "be", "its",
    "their", "his", "her", "this", "these", "those", "than", "if", "when", "while",
}  # fmt: skip


def classify_line(line: str, rules: RuleSet) -> tuple[BlockKind, str | None]:
    """The role of one line of text.

    Args:
        line: the line, without its line break.
        rules: the rules in force (boilerplate patterns).

    Returns:
        The block kind and the id of the rule that decided it.
    """
    bare = _MARKUP.sub("", line).strip()
    joined = rules.any_boilerplate
    if joined is None or joined.search(bare):
        # the first rule, in order, that matches decides
        for rule, regex in rules.boilerplate:
            if regex.search(bare):
                return rule.label, rule.id  # type: ignore[return-value]
    if line.lstrip().startswith("#"):
        return "heading", "layout-markdown-heading"
    words = bare.split()
    if not _LINE_END.search(bare) and len(words) <= _HEADING_WORDS:
        if words and words[-1].lower() in _DANGLING:
            return "body", "layout-cut-line"
        return "heading", "layout-no-final-punctuation"
    return "body", None


def split_blocks(text: str, rules: RuleSet) -> list[Block]:
    """Split a document's text into classified blocks, one per non-blank line.

    The first heading before any body text is the ``title``; a line cut
    mid-sentence is joined with the line that continues it.

    Args:
        text: the document text.
        rules: the rules in force.

    Returns:
        The blocks in text order; ``text[b.start:b.end] == b.text`` for each.
    """
    blocks: list[Block] = []
    seen_body = False
    titled = False
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        edges = _EDGES.fullmatch(line)
        assert edges is not None  # the pattern matches every string
        content = edges.group(1)
        start = offset + edges.start(1)
        offset += len(raw)
        if not content:
            continue
        kind, rule = classify_line(content, rules)
        dateline = _dateline(content, rules)
        if dateline is not None and (kind == "body" or dateline[0].id == DATE_PREFIX):
            # 'MOSCOW (AP) — ...' opens a paragraph; 'date 2023-07-19 ...' any line: the
            # line after it is read on its own
            found, cut = dateline
            head = content[:cut].rstrip()
            blocks.append(
                Block(
                    start=start,
                    end=start + len(head),
                    text=head,
                    kind=cast(BlockKind, found.label),
                    rule=found.id,
                )
            )
            content, start = content[cut:], start + cut
            if found.id == DATE_PREFIX:
                kind, rule = classify_line(content, rules)
        if kind == "heading" and not seen_body and not titled:
            kind, titled = "title", True
        seen_body = seen_body or kind == "body"
        blocks.append(
            Block(start=start, end=start + len(content), text=content, kind=kind, rule=rule)
        )
    return _join_wrapped(text, blocks)


#: The dateline rule of a date a scraper puts before a line of any kind.
DATE_PREFIX = "dateline.date"


def _dateline(line: str, rules: RuleSet) -> tuple[Rule, int] | None:
    """The dateline rule that opens a body line and where the body after it starts."""
    for rule, regex in rules.datelines:
        found = regex.match(line)
        if found is not None and 0 < found.end() < len(line):
            return rule, found.end()
    return None


def _join_wrapped(text: str, blocks: list[Block]) -> list[Block]:
    """Join a line cut mid-sentence with the line that continues it.

    Hard-wrapped or badly scraped text breaks sentences over lines: a line with
    no closing punctuation followed by a line that starts in lower case is one
    sentence, so the two become one body block (its text keeps the line break).
    """
    joined: list[Block] = []
    for block in blocks:
        prev = joined[-1] if joined else None
        if (
            prev is not None
            and prev.kind in {"body", "heading", "title"}
            and block.kind in {"body", "heading"}
            and block.text[:1].islower()
            and not _LINE_END.search(_MARKUP.sub("", prev.text))
        ):
            joined[-1] = Block(
                start=prev.start,
                end=block.end,
                text=text[prev.start : block.end],
                kind="body",
                rule="layout-joined-lines",
            )
            continue
        joined.append(block)
    # A line that ends as if cut ('... as the war drags on') but is continued by no
    # line before the body begins is a standfirst under the headline, not body text.
    body_seen = False
    for i, block in enumerate(joined):
        if block.kind == "body" and block.rule == "layout-cut-line" and not body_seen:
            joined[i] = block.model_copy(
                update={"kind": "heading", "rule": "layout-no-final-punctuation"}
            )
        body_seen = body_seen or joined[i].kind == "body"
    return joined


class GlueSplitter:
    """Splits words that a scraper glued together (``protestcould`` -> ``protest`` ``could``,
    ``beendismissed`` -> ``been`` ``dismissed``).

    A token is split when it is not a known word, ends with one of the function
    words of the ``glue`` rules (or, for rules labelled ``prefix``, begins with
    one), and the rest is a known word (or an inflection of one, or a capitalised
    name after a prefix: ``theKremlin``). Known words are the lemmatizer's word
    lists. Only token boundaries change, so character offsets are untouched.

    Args:
        nlp: the pipeline, whose lemmatizer tables give the known words.
        rules: the rules in force (``glue`` rules list the function words).
    """

    def __init__(self, nlp: Language, rules: RuleSet) -> None:
        glue = rules.of("glue")
        self.suffixes = sorted(
            {t.lower() for r in glue if r.label != "prefix" for t in r.terms}, key=len, reverse=True
        )
        self.prefixes = sorted(
            {t.lower() for r in glue if r.label == "prefix" for t in r.terms}, key=len, reverse=True
        )
        self.words: set[str] = set()
        if "lemmatizer" in nlp.pipe_names:
            lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
            if lookups is not None and lookups.has_table("lemma_index"):
                for words in lookups.get_table("lemma_index").values():
                    self.words.update(words)
        self.words.update(self.suffixes)
        self.words.update(self.prefixes)
        self._cuts: dict[int, int] = {}  # orth hash -> where to split (0: nowhere)

    def _cut(self, orth: int, text: str) -> int:
        """Where to split a glued token (0: not glued); decided once per word."""
        cut = 0
        if len(text) >= 6 and text.isalpha() and not self.known(text):
            for suffix in self.suffixes:
                head = text[: -len(suffix)]
                if (
                    text.lower().endswith(suffix)
                    and len(head) >= 3
                    and (self.known(head) or head.isupper())
                ):
                    cut = len(head)
                    break
            for prefix in self.prefixes if not cut else ():
                tail = text[len(prefix) :]
                if (
                    text.startswith(prefix)  # lower case: 'Notting' is no 'not' glued on
                    and len(tail) >= 4
                    and (self.known(tail) or (tail[0].isupper() and tail[1:].islower()))
                ):
                    cut = len(prefix)
                    break
        if len(self._cuts) < 1 << 20:
            self._cuts[orth] = cut
        return cut

    def known(self, word: str) -> bool:
        """A word of the dictionary, or a regular inflection of one."""
        w = word.lower()
        if w in self.words:
            return True
        for ending, repl in (
            ("ies", "y"),
            ("es", ""),
            ("s", ""),
            ("ed", ""),
            ("ed", "e"),
            ("ing", ""),
            ("ing", "e"),
            ("ly", ""),
        ):
            if w.endswith(ending) and w[: -len(ending)] + repl in self.words:
                return True
        return False

    def __call__(self, doc: Doc) -> Doc:
        if not self.words or not (self.suffixes or self.prefixes):
            return doc
        if not len(doc):
            return doc
        strings = doc.vocab.strings
        known = self._cuts
        cuts = [
            known[orth] if orth in known else self._cut(orth, strings[orth])
            for orth in doc.to_array("ORTH").tolist()
        ]
        if not any(cuts):
            return doc
        words: list[str] = []
        spaces: list[bool] = []
        for token, cut in zip(doc, cuts, strict=True):
            text = token.text
            pieces = [text[:cut], text[cut:]] if cut else [text]
            words.extend(pieces)
            spaces.extend([False] * (len(pieces) - 1) + [bool(token.whitespace_)])
        # a fresh Doc with the same text: the parser starts from clean tokens
        from spacy.tokens import Doc

        return Doc(doc.vocab, words=words, spaces=spaces)
