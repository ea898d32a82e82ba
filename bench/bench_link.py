"""Benchmark of argmap's linking stage on synthetic corpora made from the seed claims.

    python bench/bench_link.py                 # 10k, 100k, 200k claims
    python bench/bench_link.py --sizes 1000 5000

Each size runs in a fresh process, so that its peak memory (max RSS) is its
own. The corpus is built from the gold seed claims (``data/gold``): every
synthetic story takes a seed claim and replaces four in five of its content
words with words drawn from a Zipf-distributed vocabulary of 50,000 made-up
words (so that stories differ as real ones do, with common and rare words);
articles hold 20 claims, and one article in five is a syndicated copy of an
earlier one, with dropped words, changed punctuation and a few replaced
words. Claims keep the seed's factions, stance and certainty. Only linking
(:func:`argmap.link.link`) is timed, not the generation; wall-clock and
CPU seconds are both shown, as the CPU time is less disturbed by other work on
a shared machine.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "gold" / "seeds.claims.jsonl"
CLAIMS_PER_DOC = 20
VOCABULARY = 50_000
_WORD = re.compile(r"[A-Za-z]+")
_STOP = {"the", "a", "an", "of", "to", "in", "and", "is", "are", "that", "for", "on", "with"}


def _made_up(n: int) -> str:
    letters = "bcdfghjklmnprstvz"
    vowels = "aeiou"
    out = []
    while True:
        n, r = divmod(n, len(letters) * len(vowels))
        out.append(letters[r % len(letters)] + vowels[r // len(letters)])
        if n == 0:
            return "".join(out) + "x"


def synthetic_claims(n: int, *, seed: int = 7) -> list:
    """``n`` synthetic claims (see the module docstring)."""
    from argmap.models import Claim

    rng = random.Random(seed)
    seeds = [json.loads(line) for line in SEEDS.read_text(encoding="utf-8").splitlines() if line]
    vocab = [_made_up(i) for i in range(VOCABULARY)]
    # Zipf over content words; the head of a real distribution is function words, left out here.
    cum = list(itertools.accumulate(1 / (r + 100) for r in range(VOCABULARY)))

    def story(base: dict) -> str:
        def swap(m: re.Match[str]) -> str:
            w = m.group()
            if w.lower() in _STOP or rng.random() >= 0.8:
                return w
            return rng.choices(vocab, cum_weights=cum)[0]

        return _WORD.sub(swap, base["text"])

    def copy_of(text: str) -> str:
        words = [w for w in text.split() if rng.random() > 0.1]
        words = [rng.choice(vocab[:5000]) if rng.random() < 0.05 else w for w in words]
        return " ".join(words).replace(",", "").replace("“", '"').replace("”", '"')

    claims: list[Claim] = []
    docs: list[list[tuple[str, dict]]] = []
    while len(claims) < n:
        doc_id = f"syn{len(docs):06d}"
        if docs and rng.random() < 0.2:
            original = rng.choice(docs[-200:])
            items = [(copy_of(text), base) for text, base in original]
        else:
            start = rng.randrange(len(seeds))
            bases = [seeds[(start + k) % len(seeds)] for k in range(CLAIMS_PER_DOC)]
            items = [(story(b), b) for b in bases]
        docs.append(items)
        offset = 0
        for k, (text, base) in enumerate(items[: n - len(claims)]):
            claims.append(
                Claim.model_construct(
                    id=f"{doc_id}:{offset}-{offset + len(text)}",
                    doc_id=doc_id,
                    start=offset,
                    end=offset + len(text),
                    text=text,
                    factions=base["factions"],
                    mentions=[],
                    stance=base["stance"],
                    certainty=base["certainty"],
                    cues=[],
                    source=base["source"],
                    rules=[],
                    sentence=k,
                )
            )
            offset += len(text) + 1
    return claims


def measure(n: int) -> dict[str, float]:
    """Link ``n`` synthetic claims in this process: seconds, peak RSS and edge counts."""
    from argmap.link import link
    from argmap.rules import RuleSet

    claims = synthetic_claims(n)
    rules = RuleSet.load()
    t0, c0 = time.perf_counter(), time.process_time()
    linkage = link(claims, rules)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = {kind: 0 for kind in ("restates", "supports", "contrasts")}
    for rel in linkage.relations:
        counts[rel.relation] += 1
    return {"claims": n, "seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, **counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 200_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    rows = []
    for n in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        f"{'claims':>8} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} "
        f"{'restates':>9} {'supports':>9} {'contrasts':>9}"
    )
    for r in rows:
        print(
            f"{r['claims']:>8} {r['seconds']:>8.1f} {r['cpu']:>8.1f} {r['peak_mb']:>8.0f} "
            f"{r['restates']:>9} {r['supports']:>9} {r['contrasts']:>9}"
        )
    wall = {r["claims"]: r["seconds"] for r in rows}
    cpu = {r["claims"]: r["cpu"] for r in rows}
    if 100_000 in wall and 200_000 in wall:
        print(
            f"time ratio 200k/100k: wall {wall[200_000] / wall[100_000]:.2f}, "
            f"cpu {cpu[200_000] / cpu[100_000]:.2f}"
        )


if __name__ == "__main__":
    main()
