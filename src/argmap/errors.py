"""Errors argmap raises; the CLI turns them into one-line messages and exit codes."""

from __future__ import annotations


class ArgmapError(Exception):
    """Base of every error argmap raises on purpose."""


class InputError(ArgmapError):
    """An input file cannot be read as an article (missing, binary, wrong encoding, too large)."""


class RuleFileError(ArgmapError):
    """A rule or taxonomy file is malformed; the message names file, line and field."""


class ModelError(ArgmapError):
    """No usable spaCy pipeline could be loaded."""


class OutputError(ArgmapError):
    """An output folder is missing, incomplete or invalid."""


class GoldError(ArgmapError):
    """A gold annotation file is malformed; the message names file, line and field."""


class QueryError(ArgmapError):
    """A query is malformed: a bad regex, an unknown claim id or an unknown format."""


class SchedulerError(ArgmapError):
    """A Dask scheduler was asked for but Dask is missing or the scheduler cannot be reached."""
