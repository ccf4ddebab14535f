"""The CV PDF (``portfolio_cv_pdf``) and the publication list PDF (``<portfolio_export_path>.pdf``),
typeset at the end of an HTML build from ``cv.yaml`` and the paper model of ``refs.bib``.

They are typeset again only when an input changed: the CV data, a bib file, a template, a font, our
code, the options they read or ``SOURCE_DATE_EPOCH`` (their creation date, so two builds of one commit
give the same bytes). A PDF is written whole or not at all (a temporary file renamed into place); when
Typst fails, the warning names the template and line, and no PDF is left at that path.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from sphinx.util import logging

from ..bib.meta import owner_name_keys
from ..bib.model import paper_of
from ..bib.style import NewestFirstSortingStyle
from ..bib.vocabulary import is_true
from ..cv.typeset import Layout, TypesetError, cv_document, font_files, list_document, template_files, typeset
from ..options import site_base
from ..papers import seam
from ..papers.fingerprint import digest_of_files, outputs_current, remember_outputs, write_whole
from ..papers.listing import paper_docname
from ..papers.pages import list_page

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from ..bib.model import Paper

logger = logging.getLogger(__name__)

RECORD_NAME = "portfolio-pdfs.json"
OPTIONS_READ = (
    "portfolio_cv_data",
    "portfolio_cv_pdf",
    "portfolio_cv_papers",
    "portfolio_publications_pdf",
    "portfolio_pdf_page_size",
    "portfolio_export_path",
    "portfolio_owner_names",
    "portfolio_selected_field",
    "portfolio_paper_dir",
    "html_baseurl",
)


def targets(app: Sphinx) -> dict[str, Path]:
    """template name -> the PDF it makes, as configured."""
    config = app.config
    found = {}
    if config.portfolio_cv_pdf and config.portfolio_cv_data:
        found["cv"] = Path(app.outdir, config.portfolio_cv_pdf)
    if config.portfolio_publications_pdf and config.portfolio_export_path:
        found["publications"] = Path(app.outdir, config.portfolio_export_path + ".pdf")
    return found


def timestamp() -> int | None:
    stamp = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(stamp) if stamp.isdigit() else None


def inputs_digest(app: Sphinx) -> str:
    files = [Path(app.srcdir, app.config.portfolio_cv_data), *seam.bib_paths(app), *template_files()]
    fonts = [(path.name, path.stat().st_size) for path in font_files()]
    settings = {name: getattr(app.config, name) for name in OPTIONS_READ}
    return digest_of_files(files) + json.dumps([fonts, settings, timestamp()], default=str, sort_keys=True)


def write_pdfs(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    wanted = targets(app)
    if not wanted:
        return
    record = Path(app.doctreedir, RECORD_NAME)
    inputs = inputs_digest(app)
    outputs = list(wanted.values())
    if outputs_current(record, inputs, outputs):
        return
    written = []
    for template, target in wanted.items():
        document = documents(app, template)
        if document is None:  # no CV to typeset (reported with cv.yaml's line): no stale PDF either
            target.unlink(missing_ok=True)
            continue
        try:
            pdf, warnings = typeset(template, document, timestamp())
        except ImportError as error:
            logger.warning(
                "the %s PDF was not made: %s (install the pinned requirements.txt)",
                template,
                error,
                type="portfolio",
                subtype="pdf",
            )
            target.unlink(missing_ok=True)
            continue
        except TypesetError as error:
            logger.warning(
                "the %s PDF was not made: %s",
                template,
                error.message,
                location=f"{error.file}:{error.line}",
                type="portfolio",
                subtype="pdf",
            )
            target.unlink(missing_ok=True)
            continue
        for warning in warnings:
            logger.warning("Typst, %s PDF: %s", template, warning, type="portfolio", subtype="pdf")
        write_whole(target, pdf)
        written.append(target)
    if len(written) == len(wanted):
        remember_outputs(record, inputs, outputs)
    else:
        record.unlink(missing_ok=True)


def documents(app: Sphinx, template: str) -> dict[str, Any] | None:
    from . import load_cv

    config = app.config
    env = app.env
    entries = NewestFirstSortingStyle().sort(seam.bib_data(env).entries.values())
    base = site_base(config)
    layout = Layout(
        page_size=config.portfolio_pdf_page_size,
        dated=timestamp() is not None,
        owner_keys=owner_name_keys(tuple(config.portfolio_owner_names)),
        paper_url=lambda paper: paper_url(app, paper),
    )
    cv = load_cv(env) if config.portfolio_cv_data else None
    owner = cv.person.name if cv else (config.portfolio_owner_names or [config.author])[0]
    listing = list_page(app)
    list_url = urljoin(base, app.builder.get_target_uri(listing)) if listing and base else ""
    if template == "publications":
        return list_document(cv, owner, entries, layout, list_url or base)
    if cv is None:
        return None
    selected = config.portfolio_cv_papers == "selected"
    field = config.portfolio_selected_field
    listed = [entry for entry in entries if is_true(entry.fields.get(field, ""))] if selected else entries

    def cite(key: str) -> tuple[str, str] | None:
        entry = seam.bib_data(env).entries.get(key)
        if entry is None:
            return None
        return paper_of(entry).label, paper_url(app, paper_of(entry))

    return cv_document(cv, listed, layout, cite, all_papers=not selected, more=(len(entries), list_url))


def paper_url(app: Sphinx, paper: Paper) -> str:
    """Where a reader of the PDF finds the paper: its page on the site, else its first record."""
    docname = paper_docname(app.env, paper.key)
    base = site_base(app.config)
    if docname and base:
        return urljoin(base, app.builder.get_target_uri(docname))
    return next(iter(paper.records), base)
