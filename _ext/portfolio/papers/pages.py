"""One page per paper, written from one rendering of the theme instead of as one Sphinx document each.

A paper page used to be a generated source (``{paper} key``) that Sphinx read, resolved, indexed and wrote
like any page: some 25 ms per paper in a clean build, and every paper page stored in the environment,
which Sphinx loads and checks on every build (its toctree bookkeeping grows with the square of the
number of documents). With thousands of papers that was most of the build. Here:

* the theme renders one *shell* page, ``<portfolio_paper_dir>/<SHELL_KEY>``, through Sphinx's own
  ``handle_page`` (so every ``html-page-context`` handler, the navbar, CSS and scripts are those of the
  other pages), with markers in place of the title, head tags, body, page outline and edit link;
* each paper's own parts are rendered with the builder's HTML translator from the same nodes the
  publication list uses (math, highlighting and permalinks as on any page) and stamped into the shell;
* a page is written only when what it is made of changed: a digest of the shell, the entry, the pages
  citing it and our code and settings is kept per paper (``portfolio-paper-pages.json`` next to the
  doctrees), so a rebuild that changed nothing renders no paper and writes no file; a paper gone from
  ``refs.bib`` has its page deleted.

What a paper page holds of its own is made in ``paperpage``: title, badges, all authors, legend, venue,
link buttons, abstract, BibTeX with a copy button, "Cited on" (each citing page once, linked to its first
citation of the paper), Google Scholar's ``citation_*`` tags, a description and schema.org JSON-LD (with
``portfolio.seo``); the shell brings Open Graph tags (``portfolio.opengraph``'s) and the breadcrumbs Home ›
Publications › paper; "Edit on GitHub" opens the entry in ``refs.bib`` at its line. A page is named after
its key, or a safe name made from it (``bib.vocabulary.page_name``). Paper pages are not in Sphinx's
search index: the publication list, which is, holds every title, author and venue.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.utils import new_document
from sphinx.util import logging
from sphinx.util.parallel import ParallelTasks, parallel_available

from ..bib.cache import entry_fingerprint
from ..bib.vocabulary import page_name
from . import seam
from .counts import count_stamp
from .fingerprint import package_fingerprint
from .hosting import entry_dates, hosted_stamp
from .listing import PARALLEL_MINIMUM
from .locations import entry_location
from .nodes import NodeWriter
from .paperpage import parts
from .state import FULL_LIST, state

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

# Lower-case letters only: they pass unchanged through every escape and URL quoting the templates apply.
SHELL_KEY = "zzportfoliopaperzz"
#: The markup of a paper page's body that a script works on (tests/test_pagescripts.py checks it): the
#: BibTeX block's ``pre`` (sphinx-copybutton).
PAPER_BODY_MARKUP = ("<pre>",)
MARKERS = {name: f"zzportfolio{name}zz" for name in ("title", "head", "description", "body", "toc", "edit")}
RECORD_NAME = "portfolio-paper-pages.json"
# Settings that shape a paper's own parts (the shell covers the rest of the page).
SETTINGS = (
    "html_baseurl",
    "html_context",
    "html_permalinks",
    "html_permalinks_icon",
    "html_math_renderer",
    "bibtex_default_style",
)


def paper_folder(app: Sphinx) -> str:
    return app.config.portfolio_paper_dir.strip("/")


def note_paper_pages(app: Sphinx) -> None:
    """Which entries get a page, and its name, known before any page is read (list entries link their
    titles to it). The page is named after the key (a key that cannot be a file name gets a safe name
    of its own: ``bib.vocabulary.page_name``); a key whose page would replace a source of the site, or
    another paper's page, gets none."""
    pages = state(app.env).pages
    pages.clear()
    folder = paper_folder(app)
    if not folder:
        return
    suffixes = list(app.config.source_suffix)
    source_folder = Path(app.srcdir, folder)
    sources = {path.name for path in source_folder.iterdir()} if source_folder.is_dir() else set()
    taken: dict[str, str] = {}
    for key in seam.bib_data(app.env).entries:
        name = page_name(key)
        clash = next(
            (
                f"{Path(folder, name + s).as_posix()}, a page of the site"
                for s in suffixes
                if name + s in sources
            ),
            None,
        )
        if clash is None and name.casefold() in taken:
            clash = f"the page of {taken[name.casefold()]!r}"
        if clash is not None:
            logger.warning(
                "key %r would overwrite %s; rename the key",
                key,
                clash,
                location=entry_location(app, key),
                type="portfolio",
                subtype="paper_key",
            )
            continue
        taken[name.casefold()] = key
        pages[key] = f"{folder}/{name}"


# -- The shell --------------------------------------------------------------------------


def list_page(app: Sphinx) -> str | None:
    """The page with the full publication list: the paper pages' parent in the breadcrumbs."""
    return min((doc for doc, keys in state(app.env).rendered.items() if FULL_LIST in keys), default=None)


def shell_context(app: Sphinx, pagename: str) -> dict[str, Any]:
    toc = (
        f'<ul><li><a class="reference internal" href="#">{MARKERS["title"]}</a>'
        f"<ul><li>{MARKERS['toc']}</li></ul></li></ul>"
    )
    parents = []
    if (parent := list_page(app)) is not None:
        title = app.env.titles.get(parent)
        parents.append(
            {
                "link": app.builder.get_relative_uri(pagename, parent),
                "title": html.escape(title.astext() if title is not None else parent),
            }
        )
    return {
        "title": MARKERS["title"],
        "body": MARKERS["body"],
        "metatags": MARKERS["head"],
        "toc": toc,
        "display_toc": True,
        "parents": parents,
        "prev": None,
        "next": None,
        "rellinks": [],
        # Read by portfolio.opengraph; the paper's description replaces the marker.
        "meta": {"og:description": MARKERS["description"], "og:type": "article"},
        # Read by portfolio.pagescripts, for the body stamped in later: a paper's BibTeX block.
        "portfolio_body_markup": PAPER_BODY_MARKUP,
        # Defined (for the theme's edit button) but empty, so Sphinx copies no source for it.
        "sourcename": "",
        "page_source_suffix": ".bib",
    }


def render_shell(app: Sphinx, pagename: str, outfile: Path) -> str:
    # An empty doctree: handlers that need one (Open Graph tags) run, and find nothing page-specific.
    doctree = new_document(pagename, seam.writer_settings(app.builder))
    # The theme highlights the navbar item of a page's toctree ancestors: the list page is the parent.
    seam.render_page_without_source(
        app, pagename, shell_context(app, pagename), outfile, list_page(app), doctree
    )
    text = outfile.read_text(encoding="utf-8")
    outfile.unlink()
    # The theme gave the outline's placeholder item its classes; each paper brings its own items.
    return re.sub(rf"<li[^>]*>{MARKERS['toc']}</li>", MARKERS["toc"], text)


def edit_link_of_the_shell(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if pagename.rsplit("/", 1)[-1] == SHELL_KEY:
        seam.set_edit_link(context, MARKERS["edit"])


# -- Writing ------------------------------------------------------------------------------


def settings_digest(app: Sphinx) -> str:
    values = [(name, app.config[name]) for name in SETTINGS if name in app.config]
    values += sorted(
        (name, app.config[name]) for name in seam.option_names(app.config) if name.startswith("portfolio_")
    )
    return hashlib.sha256(repr(values).encode()).hexdigest()


def write_paper_pages(app: Sphinx) -> Iterator[tuple[str, dict, str]]:
    """``html-collect-pages``: writes the pages itself (Sphinx would render the theme for each)."""
    folder = paper_folder(app)
    if app.builder.format != "html" or not folder or not hasattr(app.builder, "handle_page"):
        return iter(())
    outdir = Path(app.outdir)
    record_path = Path(app.doctreedir, RECORD_NAME)
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        previous: dict[str, str] = record["pages"]
    except (OSError, ValueError, KeyError, TypeError):
        record, previous = {}, {}
    ours = state(app.env)
    pages = ours.pages
    pagenames = sorted(pages.values())
    citing = ours.citing
    settings = settings_digest(app) + package_fingerprint()
    dates = entry_dates(app)
    hosted = {key: hosted_stamp(app.env, key) for key in ours.hosted}
    counts = {key: count_stamp(app.env, key) for key in ours.counts}
    data_key = hashlib.sha256(
        repr(
            (
                settings,
                ours.env_id,
                ours.bib_state,
                pagenames,
                sorted(citing.items()),
                sorted(dates.items()),
                sorted(hosted.items()),
                sorted(counts.items()),
            )
        ).encode()
    ).hexdigest()
    written_files = (
        {entry.name for entry in os.scandir(outdir / folder)} if (outdir / folder).is_dir() else set()
    )
    all_there = all(f"{name.rsplit('/', 1)[-1]}.html" in written_files for name in pagenames)
    # A build that wrote no page of the site changed nothing the theme shows (Sphinx writes every page
    # when templates, theme options or the navigation change): with the same data, nothing to do.
    if (
        not getattr(app.builder, "portfolio_pages_written", 0)
        and record.get("data") == data_key
        and all_there
    ):
        logger.verbose("paper pages: %d unchanged", len(pagenames))
        return iter(())
    shell_name = f"{folder}/{SHELL_KEY}"
    shell = render_shell(app, shell_name, Path(app.doctreedir, "portfolio-paper-shell.html"))
    common = hashlib.sha256((shell + settings + ours.env_id).encode()).hexdigest()
    # The same shell and data: no page to look at.
    inputs = hashlib.sha256((common + data_key).encode()).hexdigest()
    if record.get("inputs") == inputs and all_there:
        record_path.write_text(
            json.dumps({**record, "data": data_key}, sort_keys=True, indent=0), encoding="utf-8"
        )
        logger.verbose("paper pages: %d unchanged", len(pagenames))
        return iter(())
    entries = seam.bib_data(app.env).entries
    current: dict[str, str] = {}
    todo: list[str] = []
    for key, pagename in sorted(pages.items(), key=lambda item: item[1]):
        entry = entries.get(key)
        if entry is None:
            continue
        name = pagename.rsplit("/", 1)[-1]
        digest = hashlib.sha256(
            f"{common}\0{key}\0{entry_fingerprint(entry)}\0{citing.get(key, ())!r}"
            f"\0{dates.get(key)}\0{hosted.get(key)!r}\0{counts.get(key)!r}".encode()
        ).hexdigest()
        current[name] = digest
        if previous.get(name) != digest or f"{name}.html" not in written_files:
            todo.append(key)
    stamp = Stamper(app, shell)
    if app.parallel > 1 and parallel_available and len(todo) >= PARALLEL_MINIMUM:
        # With -j, the pages are written by forked workers, each with its share (the shell and the
        # formatted entries are in memory before the fork); only a count comes back.
        tasks = ParallelTasks(app.parallel)
        for share in range(app.parallel):
            tasks.add_task(stamp.write, todo[share :: app.parallel])
        tasks.join()
    else:
        stamp.write(todo)
    written = len(todo)
    for name in previous.keys() - current.keys():
        (outdir / folder / f"{name}.html").unlink(missing_ok=True)
    record_path.write_text(
        json.dumps({"inputs": inputs, "data": data_key, "pages": current}, sort_keys=True, indent=0),
        encoding="utf-8",
    )
    logger.verbose("paper pages: %d written, %d unchanged", written, len(current) - written)
    return iter(())


class Stamper:
    """Writes paper pages: the shell with each paper's parts in place of the markers."""

    def __init__(self, app: Sphinx, shell: str) -> None:
        self.app = app
        self.pieces = re.split("(" + "|".join(map(re.escape, [SHELL_KEY, *MARKERS.values()])) + ")", shell)
        self.by_marker = {value: name for name, value in MARKERS.items()}

    def write(self, keys: list[str]) -> int:
        app = self.app
        entries = seam.bib_data(app.env).entries
        ours = state(app.env)
        outdir = Path(app.outdir)
        write = NodeWriter(app.builder)
        for key in keys:
            pagename = ours.pages[key]
            values = parts(app, write, pagename, entries[key], ours.citing.get(key, ()))
            name = pagename.rsplit("/", 1)[-1]
            text = "".join(
                name
                if piece == SHELL_KEY
                else values[self.by_marker[piece]]
                if piece in self.by_marker
                else piece
                for piece in self.pieces
            )
            outfile = outdir / f"{pagename}.html"
            outfile.parent.mkdir(parents=True, exist_ok=True)
            outfile.write_text(text, encoding="utf-8")
        return len(keys)


def count_pages_written(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Pages of the site written by this build (``doctree-resolved`` runs in the main process with -j)."""
    app.builder.portfolio_pages_written = getattr(app.builder, "portfolio_pages_written", 0) + 1
