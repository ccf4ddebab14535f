"""Where an entry is written: ``refs.bib:line``, for warnings and edit links that point at what to fix."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from ..bib.parse import read_text
from ..bib.scan import entry_lines
from . import seam

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def entry_location(app: Sphinx, key: str) -> str | None:
    """``refs.bib:line`` of the entry, for warnings and edit links that point at what to fix."""
    for path, keys in seam.bib_file_keys(app.env).items():
        if key not in keys:
            continue
        try:
            stamp = Path(path).stat().st_mtime_ns
        except OSError:
            continue
        if (line := lines_of_entries(str(path), stamp, app.config.bibtex_encoding).get(key)) is not None:
            return f"{path}:{line}"
    return None


@functools.lru_cache(maxsize=8)
def lines_of_entries(path: str, stamp: int, encoding: str) -> dict[str, int]:
    """Key -> line of each entry of one bib file, read once per version of the file (``stamp``)."""
    return entry_lines(read_text(Path(path), encoding)[0])
