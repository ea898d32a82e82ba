"""The ``argmap`` command: a thin typer layer over :mod:`argmap.api`.

Commands parse options, call the library, print, and map errors to exit codes:
0 success, 1 some inputs or checks failed, 2 usage or configuration error.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from argmap import api
from argmap.errors import (
    ArgmapError,
    GoldError,
    InputError,
    ModelError,
    OutputError,
    RuleFileError,
    SchedulerError,
)

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
USAGE_ERRORS = (RuleFileError, ModelError, GoldError, OutputError, SchedulerError)


# Control characters (a file name may hold a newline or a terminal escape) and
# Unicode line breaks: shown escaped, so that a message stays one harmless line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(message: str) -> str:
    """``message`` with control characters and line breaks shown as escapes."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], message)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one line on stderr and exit."""
    typer.echo(f"argmap: error: {one_line(message)}", err=True)
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
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", min=1, help="Worker processes (each loads the pipeline once)."
        ),
    ] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (tcp://host:8786) to shard the build over."),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Process every document again (cache in OUT/.argmap/cache)."
        ),
    ] = False,
) -> None:
    """Build the argument map of a folder of articles.

    Example: argmap build data/raw --out data/claims
    """
    paths = inputs or [Path("data/raw")]
    try:
        with build_progress(paths, quiet=quiet) as on_document:
            amap = api.build(
                paths,
                out=out,
                taxonomy=taxonomy,
                model=model,
                encoding=encoding,
                max_bytes=max_bytes,
                on_document=on_document,
                jobs=jobs,
                scheduler=scheduler,
                cache=not no_cache,
            )
    except USAGE_ERRORS as exc:
        fail(str(exc), 2)
    except InputError as exc:
        fail(str(exc), 2)
    except ArgmapError as exc:
        fail(str(exc), 1)
    for message in amap.warnings.values():
        typer.echo(f"argmap: warning: {one_line(message)}", err=True)
    for message in amap.errors.values():
        typer.echo(f"argmap: error: {one_line(message)}", err=True)
    if not quiet:
        # the counts kept by the build: the claims are not read back to print them
        counts = amap.counts()
        done = "up to date (no input or setting changed):" if amap.up_to_date else "built"
        typer.echo(
            f"{done} {counts.documents} documents, {counts.claims} claims, "
            f"{counts.relations} relations -> {out}",
            err=True,
        )
        typer.echo(
            "  factions: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.factions.items())),
            err=True,
        )
        typer.echo(
            "  stances:  " + ", ".join(f"{k} {v}" for k, v in sorted(counts.stances.items())),
            err=True,
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
        encoding = amap.manifest.encoding if amap.manifest else "utf-8"
        gold_claims = read_gold_claims(gold, raw, encoding=encoding)
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


@contextmanager
def build_progress(paths: Sequence[Path], *, quiet: bool) -> Iterator[Callable[[str], None] | None]:
    """A progress bar on stderr, one step per input file; none when quiet or not a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from argmap.ingest import iter_input_files

    try:
        total = len(list(iter_input_files(paths)))
    except ArgmapError:
        yield None
        return
    with typer.progressbar(length=total, label="building", file=sys.stderr, show_pos=True) as bar:
        yield lambda _name: bar.update(1)


def _load(directory: Path) -> api.ArgumentMap:
    try:
        return api.load(directory)
    except ArgmapError as exc:
        fail(str(exc), 2)


def _choice(name: str, value: str | None, allowed: Sequence[str]) -> None:
    if value is not None and value not in allowed:
        fail(f"{name}: {value!r} is not one of {', '.join(allowed)}", 2)


DirArgument = Annotated[
    Path, typer.Argument(metavar="DIR", help="Folder of built outputs (argmap build --out).")
]


@app.command()
def query(
    directory: DirArgument = DEFAULT_OUT,
    faction: Annotated[str | None, typer.Option(help="Claims about this faction.")] = None,
    stance: Annotated[
        str | None, typer.Option(help="loyal, disloyal, targeted or neutral.")
    ] = None,
    certainty: Annotated[str | None, typer.Option(help="asserted or hedged.")] = None,
    source: Annotated[
        str | None,
        typer.Option(help="Part of the source's name; 'author' for the author's own voice."),
    ] = None,
    doc: Annotated[str | None, typer.Option(help="Claims of this document id.")] = None,
    text: Annotated[
        str | None, typer.Option(help="Regular expression searched in the claim text (any case).")
    ] = None,
    related_to: Annotated[str | None, typer.Option(help="Claims linked to this claim id.")] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table, json, jsonl or csv.")
    ] = "table",
) -> None:
    """Filter claims and print them to stdout.

    Example: argmap query data/claims --faction fsb --stance disloyal --format csv
    """
    from argmap.models import CERTAINTIES, STANCES
    from argmap.query import FORMATS, render

    _choice("--stance", stance, STANCES)
    _choice("--certainty", certainty, CERTAINTIES)
    _choice("--format", fmt, FORMATS)
    amap = _load(directory)
    try:
        claims = amap.claims(
            faction=faction,
            stance=stance,
            certainty=certainty,
            source=source,
            doc=doc,
            text=text,
            related_to=related_to,
        )
    except ArgmapError as exc:
        fail(str(exc), 2)
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 0
    typer.echo(render(claims, fmt, width=width), nl=False)


@app.command()
def summary(
    directory: DirArgument = DEFAULT_OUT,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Faction x stance matrix with claim and independent-document counts, top sources, contested factions.

    Example: argmap summary data/claims
    """
    result = _load(directory).summary()
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(str(result))


@app.command()
def explain(
    claim_id: Annotated[
        str, typer.Argument(metavar="CLAIM_ID", help="A claim id, as printed by argmap query.")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder of built outputs.")
    ] = DEFAULT_OUT,
    taxonomy: Annotated[
        Path | None, typer.Option(help="The taxonomy file the map was built with.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the explanation as JSON.")] = False,
) -> None:
    """Why a claim got its labels: the rules that fired (with their descriptions), cues and relations.

    Example: argmap explain 004_8b7efb0c373544da:984-1084 --out data/claims
    """
    from argmap.query import explain as explain_claim
    from argmap.rules import RuleSet

    amap = _load(out)
    try:
        result = explain_claim(amap, claim_id, rules=RuleSet.load(taxonomy))
    except ArgmapError as exc:
        fail(str(exc), 2)
    typer.echo(
        json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if as_json else str(result)
    )


@app.command()
def export(
    directory: DirArgument = DEFAULT_OUT,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="graphml, aif, csv, html or cytoscape.")
    ] = "",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (stdout when absent).")
    ] = None,
    bom: Annotated[
        bool, typer.Option(help="csv: start with a UTF-8 byte-order mark (Excel).")
    ] = False,
    raw: Annotated[
        Path | None, typer.Option(help="html: folder of the articles, if moved since the build.")
    ] = None,
    title: Annotated[str, typer.Option(help="html: the page title.")] = "argmap",
) -> None:
    """Write the map in one export format: to --out, or to stdout (html needs --out).

    Example: argmap export data/claims --format html --out map.html
    """
    from argmap.export import FORMATS

    if not fmt:
        fail(f"--format is required: one of {', '.join(FORMATS)}", 2)
    _choice("--format", fmt, FORMATS)
    if fmt == "html" and out is None:
        fail("--format html needs --out FILE (the page is not written to a terminal)", 2)
    amap = _load(directory)
    try:
        # Without --raw, recorded relative paths may be relative to the project
        # folder that holds DIR (data/raw beside data/claims).
        folders = [raw] if raw else [directory.parent.parent, directory.parent]
        text = amap.export(fmt, out, bom=bom, raw=folders, title=title)
    except OSError as exc:
        fail(f"{out}: cannot write ({exc.strerror})", 1)
    except ArgmapError as exc:
        fail(str(exc), 2)
    if out is None:
        typer.echo(text, nl=False)
    else:
        typer.echo(f"wrote {out}", err=True)


@app.command()
def schema(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (stdout when absent).")
    ] = None,
) -> None:
    """Print the JSON Schema of the output files (claims, documents, graph, manifest).

    Example: argmap schema > argmap.schema.json
    """
    from argmap.schema import schema_text

    text = schema_text()
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{out}: cannot write ({exc.strerror})", 1)


@app.command()
def validate(
    directory: Annotated[Path, typer.Argument(help="Folder of built outputs.")] = DEFAULT_OUT,
    raw: Annotated[
        Path | None,
        typer.Option(help="Folder of the input files (default: each document's recorded path)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print violations only.")] = False,
) -> None:
    """Check built outputs against every invariant of the output contract.

    Prints each violation on a line (file:line: field: what); exit 1 if any.

    Example: argmap validate data/claims --raw data/raw
    """
    from argmap.validate import validate as check

    for folder in (directory, raw):
        if folder is not None and not folder.is_dir():
            fail(f"{folder}: no such folder", 2)
    violations = check(directory, raw=raw)
    for violation in violations:
        typer.echo(one_line(str(violation)))
    if violations:
        noun = "violation" if len(violations) == 1 else "violations"
        typer.echo(
            f"argmap: {len(violations)} {noun} of the output contract in {directory}", err=True
        )
        raise typer.Exit(1)
    if not quiet:
        typer.echo(f"{directory}: valid", err=True)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status; errors are one line on stderr.

    Args:
        argv: the arguments (default: ``sys.argv[1:]``).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = app(args, prog_name="argmap", standalone_mode=False)
    except typer.Abort:
        typer.echo("argmap: interrupted", err=True)
        return 130
    except KeyboardInterrupt:
        typer.echo("argmap: interrupted", err=True)
        return 130
    except typer.TyperException as exc:
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        message = " ".join(message.split())
        if not message:  # no arguments: help was printed
            return int(getattr(exc, "exit_code", 2) or 2)
        typer.echo(f"argmap: error: {message} (see argmap --help)", err=True)
        return int(getattr(exc, "exit_code", 2) or 2)
    except Exception as exc:  # noqa: BLE001 - the last guard: never a traceback
        if os.environ.get("ARGMAP_DEBUG"):
            raise
        typer.echo(
            f"argmap: internal error: {type(exc).__name__}: {exc} (set ARGMAP_DEBUG=1 for details)",
            err=True,
        )
        return 1
    return int(code or 0)


def main() -> None:
    """Entry point of the ``argmap`` script."""
    sys.exit(run())
