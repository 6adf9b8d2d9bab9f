"""Dates that make builds reproducible: front matter first, then git history."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)


def git_dates(root: Path) -> dict[str, dt.date]:
    """Last commit date of every file under ``root`` (paths relative to it), or {} without git.

    One `git log` for the whole folder: asking per file would cost a process per article.
    """
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        out = subprocess.run(
            ["git", "log", "--format=%x00%ct", "--name-only", "--no-renames", "--", "."],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    prefix = Path(top).resolve()
    dates: dict[str, dt.date] = {}
    current: dt.date | None = None
    for line in out.splitlines():
        if line.startswith("\0"):
            current = dt.datetime.fromtimestamp(int(line[1:]), dt.UTC).date()
        elif line and current is not None:
            try:
                rel = (prefix / line).resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                continue
            dates.setdefault(rel, current)  # newest first: keep the first seen
    return dates
