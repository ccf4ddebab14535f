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

What a paper page holds: title, badges, all authors, legend, venue, link buttons, abstract, BibTeX with a
copy button, "Cited on" (each citing page once, linked to its first citation of the paper), Google
Scholar's ``citation_*`` tags, a description, Open Graph tags (sphinxext-opengraph's, from the shell) and
schema.org JSON-LD (with ``portfolio.seo``); breadcrumbs Home › Publications › paper; "Edit on GitHub"
opens the entry in ``refs.bib`` at its line. Paper pages are not in Sphinx's search index: the
publication list, which is, holds every title, author and venue.
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
from urllib.parse import urljoin

from docutils import nodes
from docutils.utils import new_document
from pybtex.database import Entry
from sphinx.util import logging
from sphinx.util.parallel import ParallelTasks, parallel_available

from .bibstyle import SAFE_KEY, entry_fingerprint, plain_field
from .publications import (
    BACKEND,
    FULL_LIST,
    PARALLEL_MINIMUM,
    NodeWriter,
    abstract_paragraphs,
    all_entries,
    badges,
    bibtex_block,
    cite_domain,
    entry_location,
    legend,
    link_buttons,
    rendered_keys,
    scholar_tags,
    style,
    venue_line,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

# Lower-case letters only: they pass unchanged through every escape and URL quoting the templates apply.
SHELL_KEY = "zzportfoliopaperzz"
MARKERS = {name: f"zzportfolio{name}zz" for name in ("title", "head", "description", "body", "toc", "edit")}
STUB_MARKER = "% Generated from refs.bib by _ext/portfolio/publications.py"
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
    """Which entries get a page, known before any page is read (list entries link their titles to it).

    A key that cannot be a file name, or whose page would replace a source of the site, gets none."""
    app.env.portfolio_paper_pages = set()
    folder = paper_folder(app)
    if not folder:
        return
    remove_old_stubs(Path(app.srcdir, folder))
    bibdata = cite_domain(app.env).bibdata
    suffixes = list(app.config.source_suffix)
    sources = (
        {path.name for path in Path(app.srcdir, folder).iterdir()}
        if Path(app.srcdir, folder).is_dir()
        else set()
    )
    pages = set()
    for key in bibdata.data.entries:
        if not SAFE_KEY.fullmatch(key):
            if "portfolio.biblint" not in app.extensions:  # which reports it with refs.bib's other problems
                logger.warning(
                    "key %r has characters a file name or URL cannot hold; its paper page is skipped "
                    "(use letters, digits, '_', '-' and '.')",
                    key,
                    location=entry_location(bibdata, key),
                    type="portfolio",
                    subtype="paper_key",
                )
            continue
        clash = next((Path(folder, key + s) for s in suffixes if key + s in sources), None)
        if clash is not None:
            logger.warning(
                "key %r would overwrite %s, a page of the site; rename the key",
                key,
                clash.as_posix(),
                location=entry_location(bibdata, key),
                type="portfolio",
                subtype="paper_key",
            )
            continue
        pages.add(f"{folder}/{key}")
    app.env.portfolio_paper_pages = pages


def remove_old_stubs(folder: Path) -> None:
    """Sources generated by earlier versions of this extension would now be read as pages of their own."""
    if not folder.is_dir():
        return
    for path in folder.glob("*.md"):
        with path.open(encoding="utf-8", errors="replace") as handle:
            generated = handle.readline().startswith(STUB_MARKER)
        if generated:
            path.unlink()


# -- A paper's own parts ---------------------------------------------------------------


def subsection(section_id: str, title: str, body: list[nodes.Node]) -> nodes.section:
    section = nodes.section(ids=[section_id], names=[section_id])
    section += nodes.title("", title)
    section.extend(body)
    return section


def cited_on(app: Sphinx, pagename: str, pages: tuple[tuple[str, str, str], ...]) -> nodes.Element:
    if not pages:
        return nodes.paragraph("", "No page of this site cites it yet.", classes=["pub-cited-on"])
    listing = nodes.bullet_list(classes=["pub-cited-on"])
    for docname, ref_id, title in sorted(pages, key=lambda page: page[2].casefold()):
        uri = app.builder.get_relative_uri(pagename, docname) + f"#{ref_id}"
        paragraph = nodes.paragraph()
        paragraph += nodes.reference("", title, refuri=uri, internal=True)
        listing += nodes.list_item("", paragraph)
    return listing


def paper_section(app: Sphinx, pagename: str, entry: Entry, citers: tuple) -> nodes.section:
    section = nodes.section(ids=["paper"], names=["paper"], classes=["pub-paper"])
    section += nodes.title("", "", *style().format_title(entry).render(BACKEND))
    section += badges(entry)
    section += nodes.paragraph(
        "", "", *style().format_authors(entry).render(BACKEND), classes=["pub-authors"]
    )
    if note := legend([entry]):
        section += note
    section += venue_line(entry)
    if buttons := link_buttons(entry):
        section += buttons
    if abstract := abstract_paragraphs(entry):
        section += subsection("abstract", "Abstract", abstract)
    section += subsection("bibtex", "BibTeX", [bibtex_block(entry)])
    section += subsection("cited-on", "Cited on", [cited_on(app, pagename, citers)])
    return section


def outline(section: nodes.section) -> str:
    """The "On this page" items, as pydata-sphinx-theme writes them for a page's second-level headings."""
    items = []
    for child in section.children:
        if isinstance(child, nodes.section):
            items.append(
                f'<li class="toc-h2 nav-item toc-entry"><a class="reference internal nav-link" '
                f'href="#{child["ids"][0]}">{html.escape(child[0].astext())}</a></li>'
            )
    return "\n".join(items)


def meta_tag(name: str, content: str) -> str:
    return f'<meta content="{html.escape(content)}" name="{html.escape(name)}" />\n'


def parts(app: Sphinx, write: NodeWriter, pagename: str, entry: Entry, citers: tuple) -> dict[str, str]:
    """What the shell's markers stand for on this paper's page."""
    tags = scholar_tags(entry)
    description = next((content for name, content in tags if name == "description"), "")
    head = "".join(meta_tag(name, content) for name, content in tags)
    if "portfolio.seo" in app.extensions:
        from .seo import json_ld_script, scholarly_article, site_base

        base = site_base(app.config)
        url = urljoin(base, app.builder.get_target_uri(pagename)) if base else ""
        head += json_ld_script(scholarly_article(entry, url))
    section = paper_section(app, pagename, entry, citers)
    return {
        "title": html.escape(plain_field(entry, "title")),
        "head": head,
        "description": html.escape(description),
        "body": write(section, pagename),
        "toc": outline(section),
        "edit": html.escape(edit_url(app, entry.key)),
    }


def edit_url(app: Sphinx, key: str) -> str:
    """The entry in ``refs.bib`` at its line, on GitHub; empty when the repository is not configured."""
    context = app.config.html_context
    user, repo = context.get("github_user"), context.get("github_repo")
    location = entry_location(cite_domain(app.env).bibdata, key)
    if not (user and repo and location):
        return ""
    path, _, line = location.rpartition(":")
    source = Path(path).resolve().relative_to(Path(app.srcdir).resolve()).as_posix()
    version = context.get("github_version", "main")
    return f"https://github.com/{user}/{repo}/blob/{version}/{context.get('doc_path', '')}{source}#L{line}"


# -- The shell --------------------------------------------------------------------------


def list_page(app: Sphinx) -> str | None:
    """The page with the full publication list: the paper pages' parent in the breadcrumbs."""
    return min((doc for doc, keys in rendered_keys(app.env).items() if FULL_LIST in keys), default=None)


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
        # Read by sphinxext-opengraph; the paper's description replaces the marker.
        "meta": {"og:description": MARKERS["description"]},
        # Defined (for the theme's edit button) but empty, so Sphinx copies no source for it.
        "sourcename": "",
        "page_source_suffix": ".bib",
    }


def render_shell(app: Sphinx, pagename: str, outfile: Path) -> str:
    builder = app.builder
    copysource, builder.copysource = builder.copysource, False
    # sphinx-last-updated-by-git looks every page with a source up; a paper page has no date of its own.
    git_dates = getattr(app.env, "git_last_updated", None)
    if git_dates is not None:
        git_dates[pagename] = (None, True)
    # The theme highlights the navbar item of a page's toctree ancestors: make the list page the parent.
    includes = app.env.toctree_includes
    parent = list_page(app)
    siblings = includes.setdefault(parent, []) if parent else None
    if siblings is not None:
        siblings.append(pagename)
    try:
        # An empty doctree: handlers that need one (Open Graph tags) run, and find nothing page-specific.
        doctree = new_document(pagename, builder.docsettings)
        builder.handle_page(
            pagename, shell_context(app, pagename), "page.html", outfilename=outfile, event_arg=doctree
        )
    finally:
        builder.copysource = copysource
        if git_dates is not None:
            git_dates.pop(pagename, None)
        if siblings is not None:
            siblings.remove(pagename)
            if not siblings:
                del includes[parent]
    text = outfile.read_text(encoding="utf-8")
    outfile.unlink()
    # The theme gave the outline's placeholder item its classes; each paper brings its own items.
    return re.sub(rf"<li[^>]*>{MARKERS['toc']}</li>", MARKERS["toc"], text)


def edit_link_of_the_shell(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if pagename.rsplit("/", 1)[-1] == SHELL_KEY and context.get("get_edit_provider_and_url"):
        context["get_edit_provider_and_url"] = lambda: ("GitHub", MARKERS["edit"])


# -- Writing ------------------------------------------------------------------------------


def settings_digest(app: Sphinx) -> str:
    values = [(name, app.config[name]) for name in SETTINGS if name in app.config]
    values += sorted(
        (name, app.config[name]) for name in app.config._options if name.startswith("portfolio_")
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
    pagenames = sorted(app.env.portfolio_paper_pages)
    citing = getattr(app.env, "portfolio_citing_pages", {})
    settings = settings_digest(app) + app.config.portfolio_code_fingerprint
    data_key = hashlib.sha256(
        repr(
            (
                settings,
                getattr(app.env, "portfolio_env_id", ""),
                getattr(app.env, "portfolio_bib_state", None),
                pagenames,
                sorted(citing.items()),
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
        logger.info("paper pages: %d unchanged", len(pagenames))
        return iter(())
    shell_name = f"{folder}/{SHELL_KEY}"
    shell = render_shell(app, shell_name, Path(app.doctreedir, "portfolio-paper-shell.html"))
    common = hashlib.sha256(
        (shell + settings + str(getattr(app.env, "portfolio_env_id", ""))).encode()
    ).hexdigest()
    # The same shell and data: no page to look at.
    inputs = hashlib.sha256((common + data_key).encode()).hexdigest()
    if record.get("inputs") == inputs and all_there:
        record_path.write_text(
            json.dumps({**record, "data": data_key}, sort_keys=True, indent=0), encoding="utf-8"
        )
        logger.info("paper pages: %d unchanged", len(pagenames))
        return iter(())
    entries = all_entries(app.env)
    current: dict[str, str] = {}
    todo: list[str] = []
    for pagename in pagenames:
        key = pagename.rsplit("/", 1)[-1]
        entry = entries.get(key)
        if entry is None:
            continue
        digest = hashlib.sha256(
            f"{common}\0{key}\0{entry_fingerprint(entry)}\0{citing.get(key, ())!r}".encode()
        ).hexdigest()
        current[key] = digest
        if previous.get(key) != digest or f"{key}.html" not in written_files:
            todo.append(pagename)
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
    for key in previous.keys() - current.keys():
        (outdir / folder / f"{key}.html").unlink(missing_ok=True)
    record_path.write_text(
        json.dumps({"inputs": inputs, "data": data_key, "pages": current}, sort_keys=True, indent=0),
        encoding="utf-8",
    )
    logger.info("paper pages: %d written, %d unchanged", written, len(current) - written)
    return iter(())


class Stamper:
    """Writes paper pages: the shell with each paper's parts in place of the markers."""

    def __init__(self, app: Sphinx, shell: str) -> None:
        self.app = app
        self.pieces = re.split("(" + "|".join(map(re.escape, [SHELL_KEY, *MARKERS.values()])) + ")", shell)
        self.by_marker = {value: name for name, value in MARKERS.items()}

    def write(self, pagenames: list[str]) -> int:
        app = self.app
        entries = all_entries(app.env)
        citing = getattr(app.env, "portfolio_citing_pages", {})
        outdir = Path(app.outdir)
        write = NodeWriter(app.builder)
        for pagename in pagenames:
            key = pagename.rsplit("/", 1)[-1]
            values = parts(app, write, pagename, entries[key], citing.get(key, ()))
            text = "".join(
                key
                if piece == SHELL_KEY
                else values[self.by_marker[piece]]
                if piece in self.by_marker
                else piece
                for piece in self.pieces
            )
            outfile = outdir / f"{pagename}.html"
            outfile.parent.mkdir(parents=True, exist_ok=True)
            outfile.write_text(text, encoding="utf-8")
        return len(pagenames)


def count_pages_written(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Pages of the site written by this build (``doctree-resolved`` runs in the main process with -j)."""
    app.builder.portfolio_pages_written = getattr(app.builder, "portfolio_pages_written", 0) + 1


def setup(app: Sphinx) -> ExtensionMetadata:
    # Set up by portfolio.publications, whose config values and environment data it uses.
    # After sphinxcontrib-bibtex has loaded the bib files (its handler runs at the default priority).
    app.connect("builder-inited", note_paper_pages, priority=600)
    app.connect("doctree-resolved", count_pages_written)
    app.connect("html-collect-pages", write_paper_pages)
    # After the theme has made its own edit link.
    app.connect("html-page-context", edit_link_of_the_shell, priority=600)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
