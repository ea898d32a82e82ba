"""Chromium for the browser tests: find it, or install Debian's packages when missing.

``make browser-deps`` (part of ``make test``) runs this file; the browser tests
call :func:`ensure_chromium` too, so that a bare ``pytest`` sets itself up the
same way. Only Debian's ``chromium`` and ``chromium-driver`` are installed
(with ``apt-get``, as root); playwright never downloads a browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path(os.environ.get("ARGMAP_CHROMIUM", "/usr/bin/chromium"))
PACKAGES = ("chromium", "chromium-driver")
TIMEOUT = 900


def ensure_chromium() -> str | None:
    """Make Chromium available; None when it is, else the reason it cannot be."""
    if CHROMIUM.exists():
        return None
    if os.environ.get("ARGMAP_NO_INSTALL"):
        return f"{CHROMIUM} not found and ARGMAP_NO_INSTALL is set"
    if shutil.which("apt-get") is None:
        return f"{CHROMIUM} not found and there is no apt-get to install {' '.join(PACKAGES)}"
    if os.geteuid() != 0:
        return f"{CHROMIUM} not found; as root: apt-get install {' '.join(PACKAGES)}"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *PACKAGES]):
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, env=env, timeout=TIMEOUT
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{' '.join(command)} failed: {exc}"
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no message"])[-1]
            return f"{' '.join(command)} failed: {last}"
    return None if CHROMIUM.exists() else f"{CHROMIUM} still missing after apt-get install"


if __name__ == "__main__":
    if not CHROMIUM.exists():
        print(f"installing {' '.join(PACKAGES)} for the browser tests", file=sys.stderr)
    reason = ensure_chromium()
    if reason:
        print(f"warning: {reason}; the browser tests will skip", file=sys.stderr)
