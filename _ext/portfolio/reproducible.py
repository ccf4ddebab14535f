"""Builds of one commit are byte-identical, whenever and wherever they run.

The only date a page shows that does not come from its content is the copyright year (``%Y`` in
``copyright``). Sphinx takes it from ``SOURCE_DATE_EPOCH`` when that is set
(https://reproducible-builds.org/specs/source-date-epoch/); this extension sets it, unless the
environment already does, to the time of the last commit, so the footer shows the year of the last
edit and a rebuild next January changes nothing.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def last_commit_time(folder: Path) -> str | None:
    """Seconds since the epoch of the last commit, or None outside a git checkout (or without git)."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    stamp = result.stdout.strip()
    return stamp if result.returncode == 0 and stamp.isdigit() else None


def setup(app: Sphinx) -> ExtensionMetadata:
    # Sphinx applies SOURCE_DATE_EPOCH to the copyright at config-inited, after every extension's setup.
    if "SOURCE_DATE_EPOCH" not in os.environ and (stamp := last_commit_time(Path(app.srcdir))):
        os.environ["SOURCE_DATE_EPOCH"] = stamp
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
