"""PDFs hosted beside the paper pages, and when each entry last changed (``bib.pdfs``, ``bib.history``).

At ``builder-inited`` (after sphinxcontrib-bibtex read the entries) the hosted PDFs are found and their
problems logged as warnings naming the entry's line (or the file no entry claims); an entry whose
hosting changed since the last build counts as a changed entry, so the pages that render it are read
again. At ``build-finished`` each hosted PDF is copied next to its paper page (again only when it
changed), and a PDF that is no longer hosted is deleted from the output.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from ..bib.history import entry_times, head_commit
from ..bib.parse import read_text
from ..bib.pdfs import HostedPdf, hosted_pdfs
from . import seam
from .locations import entry_location
from .state import changed_keys, remembered, state

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)


def find_hosted_pdfs(app: Sphinx) -> None:
    ours = state(app.env)
    previous = ours.hosted
    found: dict[str, HostedPdf] = {}
    if app.config.portfolio_paper_dir and app.builder.format == "html":
        found, problems = hosted_pdfs(
            seam.bib_data(app.env).entries,
            Path(app.srcdir),
            app.config.portfolio_pdf_folder,
            app.config.portfolio_pdf_max_mb,
        )
        for problem in problems:
            logger.warning(
                problem.message,
                # A PDF no entry claims has no line to point at: its message names the file.
                location=entry_location(app, problem.key) if problem.key else None,
                type="portfolio",
                subtype=problem.subtype,
            )
    ours.hosted = found
    ours.hosting_changed = changed_keys(previous, found)
    ours.unhosted = {pdf.name for key, pdf in previous.items() if key not in found}


def hosted_href(env: BuildEnvironment, key: str, from_uri: str) -> str:
    """The hosted PDF of ``key`` as a link from the page at ``from_uri`` (a builder target URI), or ""."""
    pdf = state(env).hosted.get(key)
    pagename = state(env).pages.get(key)
    if pdf is None or pagename is None:
        return ""
    return relative_uri(from_uri, f"{pagename.rsplit('/', 1)[0]}/{pdf.name}")


def hosted_stamp(env: BuildEnvironment, key: str) -> tuple:
    """What a rendering of ``key`` depends on of its hosted PDF (part of cache keys)."""
    pdf = state(env).hosted.get(key)
    return (pdf.name, pdf.size, pdf.stamp) if pdf else ()


def copy_hosted_pdfs(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    ours = state(app.env)
    folder = Path(app.outdir, app.config.portfolio_paper_dir.strip("/"))
    for name in ours.unhosted:
        (folder / name).unlink(missing_ok=True)
    for pdf in ours.hosted.values():
        target = folder / pdf.name
        try:
            current = target.stat()
            if current.st_size == pdf.size and current.st_mtime_ns == pdf.stamp:
                continue
        except OSError:
            pass
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(pdf.source, target)  # keeps the mtime: the next build sees the copy is current


# -- When entries last changed ---------------------------------------------------------------------------


def entry_dates(app: Sphinx) -> dict[str, int]:
    """Key -> commit time of the entry's newest committed line, over every bib file; kept between builds
    while the files and the checked-out commit are the same; looked up once per build (every paper
    page and the sitemap ask)."""
    found = getattr(app.builder, "portfolio_entry_dates", None)
    if found is None:
        found = app.builder.portfolio_entry_dates = _entry_dates(app)
    return found


def _entry_dates(app: Sphinx) -> dict[str, int]:
    paths = [path for path in seam.bib_paths(app) if path.is_file()]
    head = head_commit(Path(app.srcdir))
    inputs = (head, tuple((str(path), path.stat().st_mtime_ns) for path in paths))

    def compute() -> dict[str, int]:
        dates: dict[str, int] = {}
        for path in paths:
            for key, stamp in entry_times(path, read_text(path, app.config.bibtex_encoding)[0]).items():
                dates.setdefault(key, stamp)
        return dates

    return remembered(app.env, "entry-dates", inputs, compute) if head else {}
