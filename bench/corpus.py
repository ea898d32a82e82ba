"""Benchmark corpora for argmap: perturbed copies of the seed articles in data/raw.

Each generated article is one seed article (taken in turn) whose words are
perturbed with a fixed random seed, so the corpus is the same on every run:

- words that any rule file uses (faction terms, stance cues, hedges, reporting
  verbs, anaphora, discourse cues) and stop words are kept, so the share of
  sentences that can hold a claim stays that of the seeds (a topical corpus);
- every other word is replaced, with probability ``REPLACE``, by a word drawn
  from the seeds' own vocabulary, keeping its capitalisation;
- numbers are redrawn;
- lines with a word that a scraper glued to the next (``tiesand``, split
  before parsing by ``clean.GlueSplitter``) are copied as they are, and glued
  words are never drawn as replacements, so the glue splitter sees exactly the
  cases of the seeds.

The replacements keep copies of one seed from being near-duplicates of each
other (which would turn linking into a quadratic stress test no real corpus
resembles) while keeping sentence shapes, lengths and the lexicon hits.

``make_corpus(out, words=300_000)`` writes whole articles until the word count
is reached; ``make_corpus(out, documents=N, lines=K)`` writes N short articles
of a title and K body lines each (for the memory measurements).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

from argmap.link.text import STOPWORDS
from argmap.rules import RuleSet

REPLACE = 0.8
_TOKEN = re.compile(r"[^\W\d_]+(?:[’'\-][^\W\d_]+)*|\d+", re.UNICODE)


def _kept_words(rules: RuleSet) -> set[str]:
    kept = set(STOPWORDS)
    for rule in rules.rules:
        for phrase in (*rule.terms, *rule.lemmas):
            kept.update(w.lower() for w in _TOKEN.findall(phrase))
    return kept


def _glued(rules: RuleSet) -> Callable[[str], bool]:
    """Whether a text has a word that the glue splitter would split."""
    from argmap.clean import GlueSplitter
    from argmap.segment import load_pipeline

    nlp = load_pipeline()
    glue = GlueSplitter(nlp, rules)

    def check(text: str) -> bool:
        return len(glue(nlp.make_doc(text))) != len(nlp.make_doc(text))

    return check


def _perturb_lines(
    text: str,
    rng: random.Random,
    vocabulary: list[str],
    kept: set[str],
    glued: Callable[[str], bool],
) -> str:
    return "".join(
        line if glued(line) else _perturb(line, rng, vocabulary, kept)
        for line in text.splitlines(keepends=True)
    )


def _perturb(text: str, rng: random.Random, vocabulary: list[str], kept: set[str]) -> str:
    def swap(match: re.Match[str]) -> str:
        word = match.group()
        if word.isdigit():
            return str(rng.randint(1, 10 ** len(word) - 1))
        if word.lower() in kept or len(word) < 3 or rng.random() >= REPLACE:
            return word
        new = rng.choice(vocabulary)
        if word.isupper() and len(word) > 1:
            return new.upper()
        if word[0].isupper():
            return new[0].upper() + new[1:]
        return new

    return _TOKEN.sub(swap, text)


def _seeds(raw: Path) -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(raw.glob("*.txt"))]


def make_corpus(
    out: Path,
    *,
    raw: Path = Path("data/raw"),
    words: int | None = None,
    documents: int | None = None,
    lines: int = 3,
    seed: int = 6,
) -> tuple[int, int]:
    """Write a benchmark corpus into ``out``; return (documents, words) written."""
    out.mkdir(parents=True, exist_ok=True)
    seeds = _seeds(raw)
    rules = RuleSet.load()
    kept = _kept_words(rules)
    glued = _glued(rules)
    words_of_seeds = {
        w.lower()
        for _, text in seeds
        for w in _TOKEN.findall(text)
        if len(w) >= 3 and not w.isdigit()
    }
    vocabulary = sorted(w for w in words_of_seeds - kept if not glued(w))
    rng = random.Random(seed)
    n_docs = n_words = 0
    while (words is not None and n_words < words) or (documents is not None and n_docs < documents):
        stem, text = seeds[n_docs % len(seeds)]
        if documents is not None:
            body = [line for line in text.splitlines() if len(line.split()) >= 8]
            start = rng.randrange(max(1, len(body) - lines))
            text = (
                "A report on Russia's elites and the war\n\n"
                + "\n".join(body[start : start + lines])
                + "\n"
            )
        article = _perturb_lines(text, rng, vocabulary, kept, glued)
        (out / f"{n_docs:06d}_{stem}.txt").write_text(article, encoding="utf-8")
        n_docs += 1
        n_words += len(article.split())
    return n_docs, n_words


if __name__ == "__main__":
    import sys

    print(make_corpus(Path(sys.argv[1]), words=int(sys.argv[2]) if len(sys.argv) > 2 else 300_000))
