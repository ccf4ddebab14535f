"""The CV from data in the build: ``extensions = ["portfolio.cvbuild"]`` (the pure core is ``portfolio.cv``).

``cv.yaml`` (``portfolio_cv_data``, RenderCV's layout) is the one source of the CV's facts:

* a page that holds a ``{cv}`` block is read with the CV's sections in its place, written as MyST
  (``page``), so labels, citations and the search index work as on any page, and the page is the one the
  owner wrote by hand before (``tests/test_cv_pdf.py`` compares them). Put the block last on its page: a
  warning about a line after it would name the line as if the sections were part of the file;
* ``{cv-pdf}`CV (PDF)``` links the CV's PDF, and the profile card gets the same link;
* the CV PDF and the publication list PDF are typeset with Typst at the end of the build (``pdfs``).

The data is checked at every build, as the bib files are: a problem is a warning naming ``cv.yaml`` and
its line (type ``portfolio``, subtype ``cv``), and only the entry at fault is left out.

Timeline::

    builder-inited 700  check the CV data (after sphinxcontrib-bibtex read the bib files: citations)
    source-read    500  a {cv} block becomes the CV's sections
    build-finished 500  the PDFs, when an input changed
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .. import options
from ..cv.data import CV, Problem, read_cv
from ..cv.inline import problems_of
from ..cv.page import sections_markdown
from ..papers import seam
from ..papers.nodes import export_link
from . import pdfs

if TYPE_CHECKING:
    from docutils.parsers.rst.states import Inliner
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

AFTER_BIB = 700
# ```{cv}``` or :::{cv}::: on lines of their own; a body (options, text) is not allowed.
CV_BLOCK = re.compile(r"^(?P<fence>`{3,}|:{3,})\{cv\}[ \t]*\n(?P=fence)[ \t]*$", re.MULTILINE)
PAGE_SIZES = ("a4", "us-letter")
PAPER_CHOICES = ("selected", "all")


def cv_path(app_or_env) -> Path:
    return Path(app_or_env.srcdir, app_or_env.config.portfolio_cv_data)


def load_cv(env: BuildEnvironment, *, report: bool = False) -> CV | None:
    """The CV of the data file (None when there is none); ``report``: warn of every problem, by line."""
    path = cv_path(env)
    location = env.config.portfolio_cv_data
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if report:
            logger.warning("portfolio_cv_data: %s does not exist", location, type="portfolio", subtype="cv")
        return None
    except (OSError, UnicodeDecodeError) as error:
        if report:
            logger.warning("%s cannot be read: %s", location, error, type="portfolio", subtype="cv")
        return None
    cv, problems = read_cv(text)
    if report:
        if cv is not None:
            problems += text_problems(cv, known_keys(env))
        for problem in sorted(problems, key=lambda problem: problem.line):
            logger.warning(problem.message, location=f"{path}:{problem.line}", type="portfolio", subtype="cv")
    return cv


def text_problems(cv: CV, known) -> list[Problem]:
    """Citations of unknown keys, raw HTML and unsafe links in the CV's texts, at the line of their key."""
    found = []
    for section in cv.sections:
        for entry in section.entries:
            for key, line in entry.lines.items() or {"text": entry.line}.items():
                for value in [entry.values.get(key, ""), *entry.lists.get(key, ())]:
                    found += [Problem(line, message) for message in problems_of(value, known)]
    return found


def known_keys(env: BuildEnvironment):
    entries = seam.bib_data(env).entries
    return lambda key: key in entries


def check_cv(app: Sphinx) -> None:
    if app.config.portfolio_cv_data:
        load_cv(app.env, report=True)


def check_config(app: Sphinx, config: Config) -> None:
    for name, choices in (("portfolio_pdf_page_size", PAGE_SIZES), ("portfolio_cv_papers", PAPER_CHOICES)):
        if getattr(config, name) not in choices:
            logger.warning(
                "conf.py: %s = %r: use one of %s (%r is used)",
                name,
                getattr(config, name),
                ", ".join(map(repr, choices)),
                choices[0],
                type="portfolio",
                subtype="cv",
            )
            setattr(config, name, choices[0])


def expand_cv_block(app: Sphinx, docname: str, source: list[str]) -> None:
    """Read the page with the CV's sections where its ``{cv}`` block is."""
    match = CV_BLOCK.search(source[0])
    if match is None:
        return
    env = app.env
    if app.config.portfolio_cv_data:
        env.note_dependency(str(cv_path(app)))
    else:
        line = source[0].count("\n", 0, match.start()) + 1
        logger.warning(
            "a {cv} block, but no CV data: set portfolio_cv_data in conf.py (e.g. 'cv.yaml')",
            location=(docname, line),
            type="portfolio",
            subtype="cv",
        )
    cv = load_cv(env) if app.config.portfolio_cv_data else None
    # Without a CV the block's lines stay (blank), so the lines after it keep their numbers.
    markdown = (
        sections_markdown(cv, app.config.portfolio_cv_section_ids, known_keys(env))
        if cv
        else "\n" * match.group(0).count("\n")
    )
    source[0] = source[0][: match.start()] + markdown + source[0][match.end() :]


def cv_pdf_role(
    name: str, rawtext: str, text: str, lineno: int, inliner: Inliner, options=None, content=()
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """``{cv-pdf}`CV (PDF)```: a link to the CV's PDF from any page."""
    env = inliner.document.settings.env
    if not env.config.portfolio_cv_pdf:
        logger.warning(
            "cv-pdf: portfolio_cv_pdf is not set in conf.py",
            location=(env.docname, lineno),
            type="portfolio",
            subtype="cv",
        )
        return [nodes.Text(text)], []
    return [export_link("", text or "CV (PDF)", path=env.config.portfolio_cv_pdf)], []


class MisplacedCvBlock(SphinxDirective):
    """A ``{cv}`` block the page expansion did not take (options, content, inside another block)."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        logger.warning(
            "the {cv} block must stand alone at the top level, with nothing inside: ```{cv}``` then ```",
            location=self.get_location(),
            type="portfolio",
            subtype="cv",
        )
        return []


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("portfolio.papers")
    options.add(
        app,
        "portfolio_cv_data",
        "portfolio_cv_section_ids",
        "portfolio_cv_pdf",
        "portfolio_cv_papers",
        "portfolio_publications_pdf",
        "portfolio_pdf_page_size",
    )
    app.add_role("cv-pdf", cv_pdf_role)
    app.add_directive("cv", MisplacedCvBlock)
    app.connect("config-inited", check_config)
    app.connect("builder-inited", check_cv, priority=AFTER_BIB)
    app.connect("source-read", expand_cv_block)
    app.connect("build-finished", pdfs.write_pdfs)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
