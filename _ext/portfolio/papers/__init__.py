"""The Sphinx layer of the bibliography: ``extensions = ["portfolio.papers"]`` brings all of it.

It sets up sphinxcontrib-bibtex and adds, on top of the pure core (``portfolio.bib``):

* the pybtex style ``portfolio`` (labels are venue badges, newest first, citation previews);
* ``{publications}``: the list of every entry, or of the selected ones (``listing``, ``render``);
* one page per paper, written from one rendering of the theme (``pages``);
* the downloads, clean BibTeX and CSL-JSON (``downloads``);
* PDFs hosted beside the paper pages, and each entry's date of last change from git (``hosting``);
* the bib checks in the build, as warnings naming file and line (``diagnostics``);
* rebuilds that follow ``refs.bib``, and work kept between builds (``rebuilds``, ``state``,
  ``fingerprint``);
* every use of another library's internals, behind a version guard (``seam``).

It also sets up ``portfolio.titles`` (pages showing a changed title are rewritten) and
``portfolio.quickload`` (the environment is loaded with the garbage collector paused).

The timeline of one build, with the priorities below (sphinxcontrib-bibtex's handlers run at the
default, 500)::

    config-inited      500  the style's settings
    builder-inited     400  CHECK      check the bib files, before sphinxcontrib-bibtex reads them
                       460  SHARE      hand it our parse (it then skips its own)
                       500  sphinxcontrib-bibtex reads the bib files
                       510  COMPACT    one object per equal name and value in what it read
                       600  AFTER_READ strict parsing again; which entries get a page; static files;
                                       the hosted PDFs
    env-get-outdated   500  pages rendering a changed entry
    env-before-read    500  the formatted entries of the last build
    (pages are read: {publications} renders its entries)
    env-updated        400  OFFER      our lists offer sphinxcontrib-bibtex the cited entries only
                       500  sphinxcontrib-bibtex formats labels; then: pages citing a changed entry,
                            and who cites what
                       600  RESTORE    the real bib files again, before the environment is stored
                       900  PRUNE      the cache forgets removed entries
    doctree-resolved   500  links to paper pages and downloads
    html-collect-pages 500  the paper pages
    html-page-context  600  AFTER_THEME the shell's edit link, after the theme made its own
    build-finished     500  the downloads; the hosted PDFs copied
                       990  LAST       the caches are let go
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import options
from ..bib import style
from . import counts, diagnostics, downloads, hosting, listing, nodes, pages, rebuilds, seam, state
from .fingerprint import package_fingerprint

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

CHECK = 400
SHARE = 460
COMPACT = 510
AFTER_READ = 600
OFFER = 400
RESTORE = 600
PRUNE = 900
AFTER_THEME = 600
LAST = 990

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def apply_config(app: Sphinx, config: Config) -> None:
    style.configure(config.portfolio_owner_names, config.portfolio_author_limit)


def add_static_files(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    app.config.html_static_path.append(str(STATIC_DIR))
    app.add_css_file("publications.css")
    app.add_js_file("publications.js", loading_method="defer")


def setup(app: Sphinx) -> ExtensionMetadata:
    seam.check_versions()
    app.setup_extension("sphinxcontrib.bibtex")
    app.setup_extension("portfolio.titles")
    style.register_plugins()
    seam.remember_docutils_backend()
    seam.quiet_myst_config()
    options.add(
        app,
        "portfolio_owner_names",
        "portfolio_author_limit",
        "portfolio_paper_dir",
        "portfolio_selected_field",
        "portfolio_export_path",
        "portfolio_bib_checks",
        "portfolio_pdf_folder",
        "portfolio_pdf_max_mb",
        "portfolio_citations_file",
        # Read by make add and make sync only; declared so that a typo's type is caught by the build too.
        "portfolio_contact",
        "portfolio_dblp_pid",
        "portfolio_semantic_scholar_id",
        "portfolio_openalex_id",
        "portfolio_orcid",
    )
    # Not for conf.py: pickled doctrees hold what our old code rendered, so new code re-reads every page.
    app.add_config_value("portfolio_code_fingerprint", package_fingerprint(), "env", types=frozenset({str}))
    nodes.register(app)
    app.add_directive("publications", listing.PublicationList)

    app.connect("config-inited", apply_config)
    app.connect("builder-inited", diagnostics.check_bib_files, priority=CHECK)
    app.connect("builder-inited", diagnostics.share_the_parse, priority=SHARE)
    app.connect("builder-inited", diagnostics.share_equal_values, priority=COMPACT)
    app.connect("builder-inited", diagnostics.restore_strict_parsing, priority=AFTER_READ)
    app.connect("builder-inited", pages.note_paper_pages, priority=AFTER_READ)
    app.connect("builder-inited", hosting.find_hosted_pdfs, priority=AFTER_READ + 1)
    app.connect("builder-inited", counts.read_counts, priority=AFTER_READ + 1)
    app.connect("builder-inited", add_static_files)
    app.connect("builder-inited", listing.remember_builder)
    app.connect("env-get-outdated", rebuilds.outdated_by_bib_changes)
    app.connect("env-before-read-docs", rebuilds.load_format_cache)
    app.connect("env-purge-doc", state.purge_doc)
    app.connect("env-merge-info", state.merge_info)
    app.connect("env-updated", rebuilds.offer_only_cited_entries, priority=OFFER)
    app.connect("env-updated", rebuilds.rewrite_dependents)
    app.connect("env-updated", rebuilds.restore_bibliographies, priority=RESTORE)
    app.connect("env-updated", rebuilds.drop_removed_entries, priority=PRUNE)
    app.connect("doctree-resolved", rebuilds.resolve_placeholders)
    app.connect("doctree-resolved", pages.count_pages_written)
    app.connect("html-collect-pages", pages.write_paper_pages)
    app.connect("html-page-context", pages.edit_link_of_the_shell, priority=AFTER_THEME)
    app.connect("build-finished", downloads.write_exports)
    app.connect("build-finished", hosting.copy_hosted_pdfs)
    app.connect("build-finished", rebuilds.unload_format_cache, priority=LAST)
    app.setup_extension("portfolio.quickload")
    return {
        "version": "2",
        "env_version": state.ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
