"""argmap: turn articles about Russia's elite factions into a queryable argument map.

>>> import argmap
>>> amap = argmap.build("data/raw")          # doctest: +SKIP
>>> amap.claims(faction="fsb", stance="disloyal")  # doctest: +SKIP
"""

__version__ = "0.1.0"

from argmap.api import ArgumentMap, build, load, write  # noqa: E402
from argmap.errors import ArgmapError  # noqa: E402
from argmap.models import Claim, Document, Manifest, Mention, Position, Relation  # noqa: E402

__all__ = [
    "ArgmapError",
    "ArgumentMap",
    "Claim",
    "Document",
    "Manifest",
    "Mention",
    "Position",
    "Relation",
    "__version__",
    "build",
    "load",
    "write",
]
