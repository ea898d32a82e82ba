"""Clean: a document's text -> blocks (one a line) with their role.

Scraped articles mix the body with titles, bylines, photo credits and site
furniture. Each non-blank line becomes a :class:`~argmap.models.Block` whose
``kind`` says which; only ``body`` blocks can hold claims. The line patterns
live in ``data/boilerplate.jsonl``; the rest are layout cues that hold across
sites: a markdown heading, or a short line with no closing punctuation.
Offsets always refer to the original text, markdown markup included.
"""

from __future__ import annotations

import re

from argmap.models import Block, BlockKind
from argmap.rules import RuleSet

_MARKUP = re.compile(r"^[\s#>*_\-]+|[\s*_]+$")
_LINE_END = re.compile(r"[.!?:;…][\"'”’)\]*_]*$")
_HEADING_WORDS = 20
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

    The first heading before any body text is the ``title``.

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
        lead = len(line) - len(line.lstrip())
        content = line.strip()
        start = offset + lead
        offset += len(raw)
        if not content:
            continue
        kind, rule = classify_line(content, rules)
        if kind == "heading" and not seen_body and not titled:
            kind, titled = "title", True
        seen_body = seen_body or kind == "body"
        blocks.append(Block(start=start, end=start + len(content), text=content, kind=kind, rule=rule))
    return blocks
