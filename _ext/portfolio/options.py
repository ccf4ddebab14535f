"""Every ``portfolio_*`` option, in one table: its default, what a change rebuilds, its types and meaning.

Each module adds the options it reads with :func:`add`; CONTRIBUTING.md lists them for the owner. The
"rebuild" column is Sphinx's: ``env`` re-reads every page, ``html`` rewrites them, ``""`` neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .bib.vocabulary import PDF_FOLDER, PDF_MAX_MB

if TYPE_CHECKING:
    from sphinx.application import Sphinx


@dataclass(frozen=True)
class Option:
    default: Any
    rebuild: str
    types: tuple[type, ...]
    meaning: str


OPTIONS: dict[str, Option] = {
    # -- Publications (portfolio.papers)
    "portfolio_owner_names": Option(
        ("Kun Zhou",), "env", (list, tuple), "spellings of the owner's name, set in bold"
    ),
    "portfolio_author_limit": Option(8, "env", (int,), 'authors shown before "+N more" in lists (0: all)'),
    "portfolio_paper_dir": Option("publications", "env", (str,), 'folder of the paper pages ("": none)'),
    "portfolio_selected_field": Option(
        "selected", "env", (str,), "the field that lists a paper on the home page"
    ),
    "portfolio_export_path": Option(
        "publications/publications", "html", (str,), 'the downloads, without .bib / .json ("": none)'
    ),
    "portfolio_pdf_folder": Option(
        PDF_FOLDER, "html", (str,), "drop <key>.pdf here to host a paper's PDF beside its page"
    ),
    "portfolio_pdf_max_mb": Option(
        PDF_MAX_MB,
        "html",
        (int, float),
        "a hosted PDF larger than this is a warning (Google Scholar's limit)",
    ),
    "portfolio_citations_file": Option(
        "citations.yaml", "", (str,), 'the citation counts make sync writes, shown per paper ("": none)'
    ),
    "portfolio_bib_checks": Option(
        True, "", (bool,), "run the site's checks of refs.bib in the build (make check always runs them)"
    ),
    # -- Importers (portfolio.sources: make add, make sync; the build does not read them)
    "portfolio_contact": Option("", "", (str,), "the e-mail address sent to the scholarly APIs"),
    "portfolio_dblp_pid": Option("", "", (str,), "the owner's DBLP person id (make sync)"),
    "portfolio_semantic_scholar_id": Option(
        "", "", (str,), "the owner's Semantic Scholar author id (make sync)"
    ),
    "portfolio_openalex_id": Option("", "", (str,), "the owner's OpenAlex author id, A... (make sync)"),
    "portfolio_orcid": Option("", "", (str,), "the owner's ORCID iD (make sync)"),
    # -- News (portfolio.news)
    "portfolio_news_file": Option("news.yaml", "env", (str,), "the news items"),
    "portfolio_news_page": Option("news", "html", (str,), "the page that lists every item"),
    "portfolio_news_feed": Option("news.xml", "html", (str,), 'the Atom feed ("": none)'),
    # Not an "env" value: a date that moves must not re-read every page, only those that list news.
    "portfolio_news_today": Option("", "", (str,), "the date the build counts as today (tests)"),
    # -- Profile card (portfolio.profile)
    "portfolio_photo_candidates": Option([], "env", (list, tuple), "photos to use, the first that exists"),
    "portfolio_photo_placeholder": Option("", "env", (str,), "the photo when none of them exists"),
    "portfolio_profile_links": Option([], "env", (list, tuple), "name, url and icon of each profile link"),
    # -- CV and PDFs (portfolio.cvbuild)
    "portfolio_cv_data": Option(
        "", "env", (str,), 'the CV as data (RenderCV\'s layout), for the CV page and PDF ("": none)'
    ),
    "portfolio_cv_section_ids": Option(
        {}, "env", (dict,), "section title -> its anchor on the CV page (else the title's slug)"
    ),
    "portfolio_cv_pdf": Option("", "env", (str,), 'the CV as PDF, a path in the built site ("": none)'),
    "portfolio_cv_papers": Option(
        "selected", "", (str,), '"selected" or "all": the papers the CV PDF lists (it links the rest)'
    ),
    "portfolio_publications_pdf": Option(
        False, "env", (bool,), "also write the publication list as <portfolio_export_path>.pdf"
    ),
    "portfolio_pdf_page_size": Option("a4", "", (str,), '"a4" or "us-letter": the PDFs\' page size'),
    # -- Search engines (portfolio.seo)
    "portfolio_person": Option({}, "html", (dict,), "the home page's schema.org Person"),
    "portfolio_card_image": Option(
        "", "html", (str,), "the link-preview card, a path from the site's root (og:image, JSON-LD image)"
    ),
    "portfolio_card_image_alt": Option("", "html", (str,), "what the card shows, in words"),
    "portfolio_sitemap_excludes": Option(
        ["search", "genindex", "404"], "html", (list,), "pages not in the sitemap"
    ),
    # -- Page speed (portfolio.pagescripts, portfolio.htmlspace)
    "portfolio_scripts_by_markup": Option(
        {},
        "html",
        (dict,),
        'script file name: the classes (or "<element>"s) it works on (loaded only where one occurs)',
    ),
    "portfolio_later_css": Option(
        True,
        "html",
        (bool,),
        "hold back for a script the CSS the first paint does not need (False: every rule in the page)",
    ),
    "portfolio_squeeze_whitespace": Option(
        True, "html", (bool,), "drop the indentation between tags from the built pages (False: keep it)"
    ),
}


def site_base(config) -> str:
    """``html_baseurl`` ending in "/" (so that pages join onto it), or "" when the site has none."""
    base = config.html_baseurl
    return base if not base or base.endswith("/") else base + "/"


def add(app: Sphinx, *names: str) -> None:
    for name in names:
        option = OPTIONS[name]
        app.add_config_value(name, option.default, option.rebuild, types=frozenset(option.types))
