"""Citation counts on the list and the paper pages, from ``citations.yaml`` (``make sync`` writes it).

At ``builder-inited`` the file named by ``portfolio_citations_file`` is read (:mod:`..bib.citations`); a
malformed item is a warning naming the file and line, and is left out. An entry whose count changed since
the last build counts as a changed entry (like a newly hosted PDF), so the pages that render it are read
again and its paper page is written again. No file, or no count for a paper: nothing is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from ..bib.citations import Count, parse, split_problem
from . import seam
from .state import changed_keys, state

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)


def read_counts(app: Sphinx) -> None:
    ours = state(app.env)
    previous = ours.counts
    found: dict[str, Count] = {}
    name = app.config.portfolio_citations_file
    path = Path(app.srcdir, name) if name else None
    if path is not None and path.is_file():
        found, problems = parse(path.read_text(encoding="utf-8"))
        for problem in problems:
            line, message = split_problem(problem)
            logger.warning(message, location=f"{path}:{line}", type="portfolio", subtype="citations")
        entries = seam.bib_data(app.env).entries
        found = {key: item for key, item in found.items() if key in entries}
    ours.counts = found
    ours.counts_changed = changed_keys(previous, found)


def count_of(env: BuildEnvironment, key: str) -> Count | None:
    return state(env).counts.get(key)


def count_stamp(env: BuildEnvironment, key: str) -> tuple:
    """What a rendering of ``key`` depends on of its count (part of cache keys)."""
    item = count_of(env, key)
    return (item.count, item.paper_id, item.fetched.isoformat()) if item else ()
