"""The bib checks in the build, around sphinxcontrib-bibtex's own reading of the files.

Left alone, a BibTeX syntax error surfaces as a traceback from sphinxcontrib-bibtex's ``builder-inited``
handler that names neither the file nor the entry, and nothing is built. Before it runs, every file of
``bibtex_bibfiles`` is checked (``bib.check``: syntax, and with ``portfolio_bib_checks`` the site's lint)
and each problem is logged as a warning naming the file and line, of type ``portfolio``; ``-W`` turns
them into a failed build, while the rest of the site is still built (pybtex is told to skip what it
cannot read instead of raising). The checked parse is handed to sphinxcontrib-bibtex, which then need
not parse the file again.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pybtex.errors
from sphinx.util import logging

from ..bib import parse
from ..bib.check import Problem, check_files
from ..bib.parse import lenient_parse, read_text
from . import seam
from .fingerprint import digest_of_files
from .state import remembered, state

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)


def check_bib_files(app: Sphinx) -> None:
    """Report every problem of the bib files; read leniently from here on when there is one."""
    ours = state(app.env)
    parse.REUSABLE.clear()
    parse.REUSABLE.update(ours.reusable_entries)
    paths = [path for path in seam.bib_paths(app) if path.is_file()]  # sphinxcontrib-bibtex reports the rest
    if not paths:
        return
    encoding = app.config.bibtex_encoding
    owner_names = tuple(app.config.portfolio_owner_names)
    lint = bool(app.config.portfolio_bib_checks)
    # The plausible years end next year: a new year is a new key.
    key = (digest_of_files(paths), encoding, owner_names, lint, dt.date.today().year)
    problems, lenient = remembered(
        app.env, "bib-checks", key, lambda: find_problems(paths, encoding, owner_names, lint)
    )
    for problem in problems:
        logger.warning(problem.message, location=problem.location, type="portfolio", subtype=problem.subtype)
    if lenient:
        pybtex.errors.set_strict_mode(False)
        pybtex.errors.captured_errors = []


def find_problems(
    paths, encoding: str, owner_names: tuple[str, ...], lint: bool
) -> tuple[list[Problem], bool]:
    """The problems to report, and whether pybtex objects to anything (then it must read leniently)."""
    problems = check_files(paths, owner_names, encoding, lint=lint)
    lenient = bool(problems) or any(lenient_parse(read_text(path, encoding)[0])[1] for path in paths)
    return problems, lenient


def share_the_parse(app: Sphinx) -> None:
    """Give sphinxcontrib-bibtex the entries already read for the checks, instead of a second parse: only
    while the site's checks are on, for one bib file that reads without a syntax error (otherwise it
    parses, as it always did, and reports what it finds)."""
    paths = seam.bib_paths(app)
    # With the site's checks off, sphinxcontrib-bibtex reads its files itself, exactly as it does alone.
    if len(paths) != 1 or not paths[0].is_file() or not app.config.portfolio_bib_checks:
        return
    if not seam.bibdata_is_outdated(app, paths):
        return  # it keeps what it stored: nothing to read
    text, reason = read_text(paths[0], app.config.bibtex_encoding)
    data, errors = lenient_parse(text)
    # A file that is not in the configured encoding would stop sphinxcontrib-bibtex's own parse with a
    # traceback: it gets our reading (undecodable bytes as U+FFFD, reported above) instead.
    if errors and not reason:
        state(app.env).reusable_entries = {}
        return
    seam.store_parsed_bibdata(app, paths[0], data)
    # References to the same objects: the environment stores each entry once.
    state(app.env).reusable_entries = parse.entries_by_digest(text, data)


def share_equal_values(app: Sphinx) -> None:
    """After a parse: one object per distinct name and short value (see ``seam.share_equal_values``)."""
    data = seam.bib_data(app.env)
    if not getattr(data, "portfolio_compact", False):
        seam.share_equal_values(data)
        data.portfolio_compact = True


def restore_strict_parsing(app: Sphinx) -> None:
    pybtex.errors.set_strict_mode(True)
    pybtex.errors.captured_errors = None
