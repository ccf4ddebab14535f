"""When each entry last changed, from git: the newest commit among the lines of its entry.

``git blame --line-porcelain`` runs once per bib file (tens of milliseconds for a thousand lines) and gives
every line's commit time; an entry's date is the newest of its lines. Lines not committed yet count for
nothing, so a working copy's edits do not make the date of a clean build move. Outside a git checkout
(an unpacked archive), in a shallow clone (whose oldest commit would date every older line), or without
git, no entry has a date.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .scan import scan


def head_commit(folder: Path) -> str:
    """The commit checked out in ``folder``'s repository; "" outside one or without git. Dates are kept
    between builds while it (and the bib files) stay the same."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, check=False
        )
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def line_times(path: Path) -> dict[int, int]:
    """Line number -> commit time (Unix seconds) of each committed line of ``path``; {} without git."""
    try:
        shallow = subprocess.run(
            ["git", "rev-parse", "--is-shallow-repository"],
            cwd=path.parent,
            capture_output=True,
            text=True,
            check=False,
        )
        if shallow.stdout.strip() == "true":
            return {}  # its oldest commit would date every older line
        result = subprocess.run(
            ["git", "blame", "--root", "--line-porcelain", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if result.returncode != 0:
        return {}
    times: dict[int, int] = {}
    line, uncommitted, stamp = 0, False, 0
    for text in result.stdout.splitlines():
        if text.startswith("\t"):
            if not uncommitted:
                times[line] = stamp
            continue
        first, _, rest = text.partition(" ")
        if len(first) == 40 and all(char in "0123456789abcdef" for char in first):
            line = int(rest.split()[1])
            uncommitted = first == "0" * 40
        elif first == "committer-time":
            stamp = int(rest)
        elif first == "boundary":  # a commit past what blame may look at (a --since limit): no date
            uncommitted = True
    return times


def entry_times(path: Path, text: str) -> dict[str, int]:
    """Key -> the newest commit time among its entry's lines (an entry with no committed line: none)."""
    times = line_times(path)
    if not times:
        return {}
    raw_entries = scan(text)
    total = text.count("\n") + 1
    found: dict[str, int] = {}
    for index, raw in enumerate(raw_entries):
        end = raw_entries[index + 1].line if index + 1 < len(raw_entries) else total + 1
        stamps = [times[line] for line in range(raw.line, end) if line in times]
        if stamps:
            found[raw.key] = max(stamps)
    return found
