"""The ``argmap`` command: a thin typer layer over :mod:`argmap.api`.

Commands parse options, call the library, print, and map errors to exit codes:
0 success, 1 some inputs or checks failed, 2 usage or configuration error.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from argmap import api
from argmap.errors import ArgmapError, GoldError, InputError, ModelError, OutputError, RuleFileError

app = typer.Typer(
    name="argmap",
    help="Turn articles about Russia's elite factions into an argument map.\n\n"
    "Example: argmap build data/raw --out data/claims",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DEFAULT_OUT = Path("data/claims")
USAGE_ERRORS = (RuleFileError, ModelError, GoldError, OutputError)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one line on stderr and exit."""
    typer.echo(f"argmap: error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def build(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders of .txt/.md articles.", show_default="data/raw"),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = DEFAULT_OUT,
    model: Annotated[
        str | None, typer.Option(help="spaCy pipeline (package name or path).")
    ] = None,
    taxonomy: Annotated[
        Path | None, typer.Option(help="Rule file that extends the lexicons and cues.")
    ] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of the inputs.")] = "utf-8",
    max_bytes: Annotated[int, typer.Option(help="Refuse inputs larger than this.")] = 20
    * 1024
    * 1024,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
) -> None:
    """Build the argument map of a folder of articles.

    Example: argmap build data/raw --out data/claims
    """
    paths = inputs or [Path("data/raw")]
    try:
        amap = api.build(
            paths, out=out, taxonomy=taxonomy, model=model, encoding=encoding, max_bytes=max_bytes
        )
    except USAGE_ERRORS as exc:
        fail(str(exc), 2)
    except InputError as exc:
        fail(str(exc), 2)
    except ArgmapError as exc:
        fail(str(exc), 1)
    for message in amap.errors.values():
        typer.echo(f"argmap: error: {message}", err=True)
    if not quiet:
        stances = Counter(c.stance for c in amap.claim_list)
        factions = Counter(f for c in amap.claim_list for f in c.factions)
        typer.echo(
            f"built {len(amap.documents)} documents, {len(amap.claim_list)} claims, "
            f"{len(amap.relations)} relations -> {out}",
            err=True,
        )
        typer.echo(
            "  factions: " + ", ".join(f"{k} {v}" for k, v in sorted(factions.items())), err=True
        )
        typer.echo(
            "  stances:  " + ", ".join(f"{k} {v}" for k, v in sorted(stances.items())), err=True
        )
    if amap.errors:
        raise typer.Exit(1)


@app.command("eval")
def eval_(
    gold: Annotated[Path, typer.Option(help="Gold claims (JSONL).")],
    relations: Annotated[Path | None, typer.Option(help="Gold relations (JSONL).")] = None,
    raw: Annotated[Path, typer.Option(help="Folder of the input articles.")] = Path("data/raw"),
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder of built outputs.")
    ] = DEFAULT_OUT,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score built outputs against gold annotations (GUIDELINES.md section 8).

    Example: argmap eval --gold data/gold/seeds.claims.jsonl --relations data/gold/seeds.relations.jsonl
    """
    from argmap.evaluate import evaluate, format_scores, read_gold_claims, read_gold_relations

    try:
        amap = api.load(out)
        gold_claims = read_gold_claims(gold, raw)
        gold_rel = read_gold_relations(relations) if relations else None
    except ArgmapError as exc:
        fail(str(exc), 2)
    scores = evaluate(
        amap.claim_list, gold_claims, predicted_relations=amap.relations, gold_relations=gold_rel
    )
    if as_json:
        typer.echo(json.dumps(scores, indent=2, sort_keys=True))
    else:
        typer.echo(format_scores(scores))


def main() -> None:
    """Entry point of the ``argmap`` script."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("argmap: interrupted", err=True)
        sys.exit(130)
