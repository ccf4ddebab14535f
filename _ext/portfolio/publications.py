"""The publication list, and rebuilds that follow ``refs.bib``.

* ``{publications}`` lists every entry of the bib files under year headings (newest first), each with
  its venue badge, award, authors (owner in bold, marks, "+N more" past ``portfolio_author_limit``),
  full venue and track, link buttons, and Abstract / BibTeX toggles. It registers itself with
  sphinxcontrib-bibtex as the bibliography that ``{cite:p}`` resolves to, so inline citations link to
  the entry (anchor = bib key). With ``:selected:`` it lists only entries whose
  ``portfolio_selected_field`` is true, without year headings (the home page's selection).
* Each entry's title links to the paper's own page, ``<portfolio_paper_dir>/<key>.html``, which
  ``portfolio.paperpages`` writes.
* For the HTML builder, each list keeps its items' HTML between builds (``ListItems``): a rebuild renders
  only the entries that changed, and the page holds one node per entry.
* Incremental builds: Sphinx re-reads a page when its own source changes, not when a bib entry it
  renders or cites does. Entries are fingerprinted; pages that render a changed entry are re-read and
  pages that cite one are rewritten. Which pages cite which entry (for the paper pages' "Cited on") is
  collected once per build.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import html
import pickle
import re
import uuid
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.utils import new_document
from pybtex.database import Entry, Person
from pybtex_docutils import Backend as DocutilsBackend
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri
from sphinx.util.parallel import ParallelTasks, parallel_available
from sphinxcontrib.bibtex.bibfile import BibFile
from sphinxcontrib.bibtex.directives import BibliographyKey, BibliographyValue

from .bibstyle import (
    LABELS_STYLE_NAME,
    MARKS,
    STYLE_NAME,
    NewestFirstSortingStyle,
    PortfolioStyle,
    cached,
    entry_fingerprint,
    entry_month,
    entry_year,
    latex_to_plain,
    marks_used,
    paper_links,
    pdf_url,
    plain_field,
    publication_kind,
    venue_field_name,
    venue_label,
)
from .exports import format_bibtex

if TYPE_CHECKING:
    from docutils.nodes import Element, Node
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata, OptionSpec
    from sphinx.writers.html5 import HTML5Translator
    from sphinxcontrib.bibtex.domain import BibtexDomain

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
ALL_ENTRIES = "*"
# Below this many entries to render, forking workers (with -j) costs more than it saves.
PARALLEL_MINIMUM = 200
# The id of the bibliography a publication list registers with sphinxcontrib-bibtex starts with this.
LIST_BIBLIOGRAPHY_PREFIX = "publications-"
# Marks the page holding the full list: the paper pages' parent.
FULL_LIST = "*list"


# -- Nodes ---------------------------------------------------------------------


class details(nodes.General, nodes.Element):
    """A disclosure widget: ``<details>``, open and closed by mouse and keyboard without JavaScript."""


class summary(nodes.General, nodes.TextElement):
    """The always-visible label of a ``details``."""


class paper_link(nodes.General, nodes.Inline, nodes.TextElement):
    """Placeholder for a link to the page ``docname`` (a paper's, mostly), keeping its rich content."""


class export_link(nodes.General, nodes.Inline, nodes.TextElement):
    """Placeholder for a link to a file the build writes into the output (``path`` from the outdir root)."""


def visit_details_html(self: HTML5Translator, node: Element) -> None:
    self.body.append(self.starttag(node, "details"))


def depart_details_html(self: HTML5Translator, node: Element) -> None:
    self.body.append("</details>\n")


def visit_summary_html(self: HTML5Translator, node: Element) -> None:
    self.body.append(self.starttag(node, "summary", suffix=""))


def depart_summary_html(self: HTML5Translator, node: Element) -> None:
    self.body.append("</summary>\n")


class rendered_html(nodes.General, nodes.Element):
    """HTML made ahead of time (``html``, a publication list item): the HTML builder writes it as it is.
    Its text children are what the search index reads; no builder shows them."""


def visit_rendered_html(self: HTML5Translator, node: Element) -> None:
    self.body.append(node["html"])
    raise nodes.SkipNode


def skip_node(self, node: Element) -> None:
    raise nodes.SkipNode


class bibtex_code(nodes.literal_block):
    """An entry's BibTeX: a plain literal block, written by the HTML builder without Pygments."""


def visit_bibtex_code_html(self: HTML5Translator, node: Element) -> None:
    """The markup of a ``text`` literal block (sphinx-copybutton finds its ``div.highlight pre``), without
    a Pygments pass per entry and page."""
    text = node.astext()
    if not text.endswith("\n"):
        text += "\n"
    classes = " ".join([*node["classes"], "highlight-text", "notranslate"])
    self.body.append(
        f'<div class="{classes}"><div class="highlight"><pre><span></span>'
        # Escaped as Pygments escapes a "text" block.
        f"{html.escape(text, quote=False)}</pre></div>\n</div>\n"
    )
    raise nodes.SkipNode


def visit_as_literal_block(self, node: Element) -> None:
    self.visit_literal_block(node)


def depart_as_literal_block(self, node: Element) -> None:
    self.depart_literal_block(node)


def visit_passthrough(self, node: Element) -> None:
    """Other builders show the content of a disclosure widget as plain body elements."""


def depart_passthrough(self, node: Element) -> None:
    pass


# -- Rendering -----------------------------------------------------------------


class EntryBackend(DocutilsBackend):
    """pybtex_docutils with our tags: hidden authors as a classed span, ``$math$`` as a math node."""

    def format_tag(self, tag_name: str, text: list[Node]) -> list[Node]:
        if tag_name == "author-hidden":
            return [nodes.inline("", "", *text, classes=["author-hidden"])]
        if tag_name == "math":
            latex = "".join(child.astext() for child in text)
            return [nodes.math(latex, latex)]
        return super().format_tag(tag_name, text)


BACKEND = EntryBackend()


@functools.cache
def style() -> PortfolioStyle:
    """One instance: constructing a pybtex style looks its helper plugins up by name, which is slow.
    The owner's names and the author limit are read from the class on every call, so config applies."""
    return PortfolioStyle()


def paper_docname(env: BuildEnvironment, key: str) -> str | None:
    """The docname of ``key``'s page, or None when it has none (pages off, or a key no file can carry)."""
    docname = f"{env.config.portfolio_paper_dir.strip('/')}/{key}"
    return docname if docname in getattr(env, "portfolio_paper_pages", ()) else None


def doc_link(docname: str, content: Sequence[Node]) -> paper_link:
    """A link to a page (a paper's, the News page) around rich content (math too), resolved when writing."""
    return paper_link("", "", *content, docname=docname)


def badges(entry: Entry) -> nodes.paragraph:
    line = nodes.paragraph(classes=["pub-badges"])
    line += nodes.inline("", venue_label(entry), classes=["pub-badge", "pub-venue-badge"])
    if track := plain_field(entry, "track").strip():
        line += nodes.inline("", track, classes=["pub-badge", "pub-track-badge"])
    if award := plain_field(entry, "award").strip():
        badge = nodes.inline("", "", classes=["pub-badge", "pub-award-badge"])
        badge += nodes.inline("", "", classes=["fa-solid", "fa-trophy", "pub-award-icon"])
        badge += nodes.Text(award)
        line += badge
    return line


def venue_line(entry: Entry) -> nodes.paragraph:
    line = nodes.paragraph(classes=["pub-venue"])
    line += nodes.emphasis("", "", *style().format_venue(entry).render(BACKEND))
    return line


def link_buttons(entry: Entry) -> nodes.paragraph | None:
    links = paper_links(entry)
    if not links:
        return None
    line = nodes.paragraph(classes=["pub-links"])
    for label, url in links:
        line += nodes.reference(
            "",
            label,
            refuri=url,
            classes=["pub-link", "pub-link-" + re.sub(r"[^a-z0-9]+", "-", label.lower())],
        )
        line += nodes.Text(" ")
    return line


def bibtex_block(entry: Entry) -> nodes.literal_block:
    """The entry's clean BibTeX, plain. Colouring it would add some 70 elements per entry (on a list of
    sixty, three quarters of the page's DOM, which a phone pays for in every layout) and a Pygments pass
    per entry and page to every build."""
    text = format_bibtex(entry)
    return bibtex_code(text, text, language="text", classes=["pub-bibtex-code"])


def toggle(label: str, body: Iterable[Node], classes: Sequence[str]) -> details:
    widget = details(classes=["pub-toggle", *classes])
    widget += summary("", label)
    widget.extend(body)
    return widget


def abstract_paragraphs(entry: Entry) -> list[nodes.paragraph]:
    """The abstract; BibTeX folds blank lines into spaces, so paragraphs are separated by ``\\par``."""
    return [nodes.paragraph(text, text) for text in cached("abstract", entry, lambda: abstract_texts(entry))]


def abstract_texts(entry: Entry) -> list[str]:
    parts = re.split(r"\\par\b", entry.fields.get("abstract", ""))
    return [text for part in parts if (text := latex_to_plain(part).strip())]


def entry_item(entry: Entry, env: BuildEnvironment, anchor: bool) -> nodes.list_item:
    """One entry of a publication list; with ``anchor`` it carries the bib key as its id."""
    # Titles and names are shown as written: no typographic quotes in place of the bib's own.
    item = nodes.list_item(
        classes=["pub-entry", f"pub-kind-{publication_kind(entry)}"], support_smartquotes=False
    )
    if anchor:
        item["ids"].append(entry.key)
    item += badges(entry)
    title = nodes.paragraph(classes=["pub-title"])
    title_nodes = style().format_title(entry).render(BACKEND)
    if docname := paper_docname(env, entry.key):
        title += doc_link(docname, title_nodes)
    else:
        title.extend(title_nodes)
    item += title
    item += nodes.paragraph(
        "", "", *style().format_authors(entry, truncate=True).render(BACKEND), classes=["pub-authors"]
    )
    item += venue_line(entry)
    if buttons := link_buttons(entry):
        item += buttons
    if abstract := abstract_paragraphs(entry):
        item += toggle("Abstract", abstract, ["pub-abstract"])
    item += toggle("BibTeX", [bibtex_block(entry)], ["pub-bibtex"])
    return item


def legend(entries: Iterable[Entry]) -> nodes.paragraph | None:
    used = set().union(*(marks_used(entry) for entry in entries))
    if not used:
        return None
    text = "; ".join(f"{mark} {meaning}" for _, mark, meaning in MARKS if mark in used)
    return nodes.paragraph("", text, classes=["pub-legend"])


def is_selected(entry: Entry, field_name: str) -> bool:
    return entry.fields.get(field_name, "").strip().casefold() in {"true", "yes", "1"}


# -- Environment data ----------------------------------------------------------


def rendered_keys(env: BuildEnvironment) -> dict[str, set[str]]:
    """docname -> keys of the entries the page renders (``*``: it depends on every entry)."""
    if not hasattr(env, "portfolio_rendered_keys"):
        env.portfolio_rendered_keys = {}
    return env.portfolio_rendered_keys


def note_rendered(env: BuildEnvironment, keys: Iterable[str]) -> None:
    rendered_keys(env).setdefault(env.docname, set()).update(keys)


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    rendered_keys(env).pop(docname, None)


def merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    mine = rendered_keys(env)
    for docname, keys in rendered_keys(other).items():
        if docname in docnames:
            mine[docname] = keys


def cite_domain(env: BuildEnvironment) -> BibtexDomain:
    return env.get_domain("cite")  # type: ignore[return-value]


def all_entries(env: BuildEnvironment) -> Mapping[str, Entry]:
    """Every entry by key: pybtex's own mapping, not a copy (a copy per paper page was quadratic)."""
    return cite_domain(env).bibdata.data.entries


def sorted_entries(entries: Iterable[Entry]) -> list[Entry]:
    return NewestFirstSortingStyle().sort(entries)


# -- Directives ----------------------------------------------------------------


class ListItems:
    """The list items of one publication list, as HTML kept between builds.

    A list of thousands of entries as docutils nodes is some fifty nodes per entry to transform, pickle,
    load and translate on every build that re-reads the page (any change to ``refs.bib``). For the HTML
    builder each item is rendered once by the builder's own translator (the same markup) and kept, per
    list, in ``<doctreedir>/portfolio-lists/``, keyed by the entry's content; the page holds one raw
    node per entry. A clean build (no doctree directory) renders everything; our code's fingerprint
    and the style settings are part of the key. Other builders get the nodes.
    """

    def __init__(self, env: BuildEnvironment, list_id: str, *, anchor: bool) -> None:
        self.env = env
        self.anchor = anchor
        builder = current_builder()
        self.enabled = builder.format == "html" and hasattr(builder, "get_relative_uri")
        name = hashlib.sha256(list_id.encode()).hexdigest()[:16]
        self.path = Path(env.doctreedir, "portfolio-lists", f"{name}.pickle")
        self.version = (
            env.config.portfolio_code_fingerprint,
            env.config.html_math_renderer,
            env.config.html_permalinks,
            tuple(PortfolioStyle.owner_names),
            PortfolioStyle.author_limit,
            env.docname,
            getattr(env, "portfolio_env_id", None),
        )
        self.stored: dict[tuple, tuple[str, str]] = {}
        self.used: dict[tuple, tuple[str, str]] = {}
        self.writer: NodeWriter | None = None
        if self.enabled:
            try:
                with self.path.open("rb") as handle:
                    version, stored = pickle.load(handle)
                if version == self.version:
                    self.stored = stored
            except (OSError, ValueError, EOFError, pickle.UnpicklingError, TypeError):
                pass

    def prepare(self, entries: list[Entry]) -> None:
        """Render the items not kept from the last build; with ``-j``, in that many forked processes
        (each renders its share and sends the HTML back), since the list is one page and would
        otherwise be rendered by one process while the others wait."""
        processes = _processes[0]
        if not self.enabled or processes < 2 or not parallel_available:
            return
        missing = [entry for entry in entries if self.key_of(entry) not in self.stored]
        if len(missing) < PARALLEL_MINIMUM:
            return
        rendered: dict[tuple, tuple[str, str]] = {}
        tasks = ParallelTasks(processes)
        for share in range(processes):
            tasks.add_task(
                self.render_share, missing[share::processes], lambda _, result: rendered.update(result)
            )
        tasks.join()
        self.stored.update(rendered)

    def render_share(self, entries: list[Entry]) -> dict[tuple, tuple[str, str]]:
        return {self.key_of(entry): self.render_html(entry) for entry in entries}

    def key_of(self, entry: Entry) -> tuple:
        return entry_fingerprint(entry), self.anchor, paper_docname(self.env, entry.key)

    def render(self, entry: Entry) -> Node:
        if not self.enabled:
            return entry_item(entry, self.env, self.anchor)
        key = self.key_of(entry)
        rendered = self.stored.get(key)
        if rendered is None:
            rendered = self.render_html(entry)
        self.used[key] = rendered
        html_text, search_text = rendered
        return rendered_html("", nodes.Text(search_text), html=html_text)

    def render_html(self, entry: Entry) -> tuple[str, str]:
        """The item's HTML, and its words for the search index: all but the BibTeX, which repeats them
        (and would make every entry a match for "inproceedings")."""
        builder = current_builder()
        docname = self.env.docname
        item = entry_item(entry, self.env, self.anchor)
        search_text = " ".join(
            child.astext() for child in item.children if "pub-bibtex" not in child.get("classes", ())
        )
        for placeholder in list(item.findall(paper_link)):
            uri = builder.get_relative_uri(docname, placeholder["docname"])
            placeholder.replace_self(
                nodes.reference("", "", *placeholder.children, refuri=uri, internal=True)
            )
        if self.writer is None:
            self.writer = NodeWriter(builder)
        return self.writer(item, docname), search_text

    def save(self) -> None:
        if not self.enabled or self.used == self.stored:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("wb") as handle:
            pickle.dump((self.version, self.used), handle, pickle.HIGHEST_PROTOCOL)


_builder: list[Builder] = []
#: ``sphinx-build -j``: the number of processes a directive may use.
_processes: list[int] = [1]


def remember_builder(app: Sphinx) -> None:
    """Directives reach the environment, not the builder (``env.app`` is deprecated): keep it here.

    Also names the environment: what we keep beside it (list items, paper pages) is valid for this
    environment only, so a fresh one (``-E``, a new doctree folder) starts from nothing."""
    _builder[:] = [app.builder]
    _processes[:] = [app.parallel]
    if not getattr(app.env, "portfolio_env_id", None):
        app.env.portfolio_env_id = uuid.uuid4().hex


def current_builder() -> Builder:
    return _builder[0]


def writer_settings(builder) -> object:
    """The docutils settings the HTML builder writes with (made early when a page is being read)."""
    settings = getattr(builder, "docsettings", None) or getattr(builder, "portfolio_docsettings", None)
    if settings is None:
        from docutils.frontend import OptionParser
        from sphinx.writers.html import HTMLWriter

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            settings = OptionParser(
                defaults=builder.env.settings, components=(HTMLWriter(builder),), read_config_files=True
            ).get_default_values()
        builder.portfolio_docsettings = settings
    return settings


class NodeWriter:
    """Writes nodes as the HTML builder writes them, with one translator for many nodes (making one
    costs as much as writing a list item)."""

    def __init__(self, builder) -> None:
        self.builder = builder
        self.document = new_document("<portfolio>", writer_settings(builder))
        self.translator = builder.create_translator(self.document, builder)

    def __call__(self, node: Node, pagename: str) -> str:
        """``node`` as written on page ``pagename``. The translator's state is back where it started
        after each node (every visit has its departure), so only its output is reset."""
        builder = self.builder
        previous = getattr(builder, "current_docname", "")
        builder.current_docname = pagename
        self.document += node
        self.translator.body = []
        try:
            node.walkabout(self.translator)
        finally:
            builder.current_docname = previous
            self.document.remove(node)
        return "".join(self.translator.body)


class CitationTargets(dict):
    """The list item of each entry, made when sphinxcontrib-bibtex asks for it (for cited entries only),
    instead of one node per entry stored with the environment."""

    def __missing__(self, key: str) -> nodes.list_item:
        return nodes.list_item(ids=[key])


class PublicationList(SphinxDirective):
    """Every entry under year headings and the bibliography ``{cite}`` links to; or, with ``:selected:``,
    the entries marked selected."""

    has_content = False
    option_spec: ClassVar[OptionSpec] = {"selected": directives.flag}

    def run(self) -> list[Node]:
        domain = cite_domain(self.env)
        selected = "selected" in self.options
        bibfiles = list(domain.bibdata.bibfiles)
        entries = sorted_entries(domain.get_entries(bibfiles))
        note_rendered(self.env, [ALL_ENTRIES])
        items = ListItems(self.env, f"{self.env.docname}:{self.lineno}", anchor=not selected)
        if selected:
            field_name = self.config.portfolio_selected_field
            entries = [entry for entry in entries if is_selected(entry, field_name)]
            listing = nodes.bullet_list(classes=["pub-list", "pub-selected"])
            items.prepare(entries)
            listing.extend(items.render(entry) for entry in entries)
            items.save()
            return [listing]

        result: list[Node] = [nodes.container(classes=["pub-controls"])]
        if note := legend(entries):
            result.append(note)
        if self.config.portfolio_export_path:
            result.append(self.downloads())
        items.prepare(entries)
        by_year: dict[int, list[Entry]] = defaultdict(list)
        for entry in entries:
            by_year[entry_year(entry)].append(entry)
        for year, year_entries in by_year.items():
            section_id = f"year-{year}" if year else "year-unknown"
            section = nodes.section(ids=[section_id], names=[section_id], classes=["pub-year"])
            section += nodes.title("", str(year) if year else "Undated")
            listing = nodes.bullet_list(classes=["pub-list"])
            listing.extend(items.render(entry) for entry in year_entries)
            section += listing
            result.append(section)
        items.save()
        self.register_citation_targets(bibfiles, entries)
        note_rendered(self.env, [FULL_LIST])
        return result

    def downloads(self) -> nodes.paragraph:
        line = nodes.paragraph(classes=["pub-downloads"])
        line += nodes.Text("Download the whole list: ")
        line += export_link("", "BibTeX", path=self.config.portfolio_export_path + ".bib")
        line += nodes.Text(" · ")
        line += export_link("", "CSL-JSON", path=self.config.portfolio_export_path + ".json")
        line += nodes.Text(" (for Zotero, Pandoc and other citation managers).")
        return line

    def register_citation_targets(self, bibfiles, entries: list[Entry]) -> None:
        """Tell sphinxcontrib-bibtex that this list holds every entry, each at the id of its bib key."""
        domain = cite_domain(self.env)
        targets = CitationTargets()
        bib_id = f"{LIST_BIBLIOGRAPHY_PREFIX}{self.env.docname.replace('/', '-')}-{self.lineno}"
        domain.bibliographies[BibliographyKey(docname=self.env.docname, id_=bib_id)] = BibliographyValue(
            line=self.lineno,
            list_="citation",
            enumtype="arabic",
            start=1,
            style=LABELS_STYLE_NAME
            if self.config.bibtex_default_style == STYLE_NAME
            else self.config.bibtex_default_style,
            # Labels are formatted (in sphinxcontrib-bibtex's env-updated) for the cited entries only.
            filter_=ast.parse("cited"),
            labelprefix="",
            keyprefix="",
            bibfiles=bibfiles,
            citation_nodes=targets,
            keys=[],
        )


def scholar_tags(entry: Entry) -> list[tuple[str, str]]:
    tags: list[tuple[str, str]] = [("citation_title", plain_field(entry, "title"))]
    for person in entry.persons.get("author", []):
        if str(person) != "others":
            tags.append(("citation_author", plain_name(person)))
    if year := entry_year(entry):
        month = entry_month(entry)
        tags.append(("citation_publication_date", f"{year}/{month:02d}" if month else str(year)))
    venue_field = venue_field_name(entry)
    if venue_field:
        venue_tag = {"booktitle": "citation_conference_title", "journal": "citation_journal_title"}.get(
            venue_field, "citation_publisher"
        )
        tags.append((venue_tag, plain_field(entry, venue_field)))
    for field_name, tag in (
        ("volume", "citation_volume"),
        ("number", "citation_issue"),
        ("publisher", "citation_publisher"),
        ("doi", "citation_doi"),
    ):
        if value := plain_field(entry, field_name).strip():
            tags.append((tag, value))
    if pages := entry.fields.get("pages", "").strip():
        first, _, last = [part.strip() for part in [*re.split(r"(-+)", pages, maxsplit=1), "", ""]][:3]
        tags.append(("citation_firstpage", first))
        if last:
            tags.append(("citation_lastpage", last))
    if pdf := pdf_url(entry):
        tags.append(("citation_pdf_url", pdf))
    if abstract := plain_field(entry, "abstract").strip():
        tags.append(("citation_abstract", abstract))
    # What search engines show under the link: title, venue badge and authors.
    authors = ", ".join(
        plain_name(person) for person in entry.persons.get("author", []) if str(person) != "others"
    )
    tags.append(("description", f"{plain_field(entry, 'title')} ({venue_label(entry)}). {authors}."))
    return [(name, content) for name, content in tags if content]


def plain_name(person: Person) -> str:
    """``Kun Zhou``: a name as a reader writes it."""
    parts = person.first_names + person.middle_names + person.prelast_names + person.last_names
    return " ".join(latex_to_plain(part) for part in parts + person.lineage_names)


# -- Resolving what is known only after every page is read ------------------------


def resolve_placeholders(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Fill in the links to paper pages and downloads: they need the output layout of the builder."""
    builder = app.builder
    env = app.env
    pages = getattr(env, "portfolio_paper_pages", set())
    for placeholder in list(doctree.findall(paper_link)):
        target = placeholder["docname"]
        if target not in env.all_docs and target not in pages:
            logger.warning(
                "no page %r to link to",
                target,
                location=placeholder,
                type="portfolio",
                subtype="paper_page",
            )
            placeholder.replace_self(placeholder.children)
            continue
        uri = builder.get_relative_uri(docname, target)
        placeholder.replace_self(nodes.reference("", "", *placeholder.children, refuri=uri, internal=True))
    for placeholder in list(doctree.findall(export_link)):
        uri = relative_uri(builder.get_target_uri(docname), placeholder["path"])
        placeholder.replace_self(
            nodes.reference("", placeholder.astext(), refuri=uri, classes=["pub-download"])
        )


def citing_pages(env: BuildEnvironment) -> dict[str, dict[str, str]]:
    """key -> {docname: id of the page's first citation of it}."""
    pages: dict[str, dict[str, str]] = defaultdict(dict)
    for ref in sorted(cite_domain(env).citation_refs, key=lambda ref: (ref.docname, ref.line or 0)):
        for target in ref.targets:
            pages[target.key].setdefault(ref.docname, ref.citation_ref_id)
    return pages


# -- Where an entry is written ---------------------------------------------------------


def entry_location(bibdata, key: str) -> str | None:
    """``refs.bib:line`` of the entry, for warnings and edit links that point at what to fix."""
    for path in bibdata.bibfiles:
        try:
            stamp = Path(path).stat().st_mtime_ns
        except OSError:
            continue
        if (line := entry_lines(str(path), stamp).get(key)) is not None:
            return f"{path}:{line}"
    return None


@functools.lru_cache(maxsize=8)
def entry_lines(path: str, stamp: int) -> dict[str, int]:
    """Key -> line of each ``@type{key,`` in one bib file, read once per version of the file (``stamp``)."""
    lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    found: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if match := ENTRY_HEAD.match(line):
            found.setdefault(match.group(1), number)
    return found


ENTRY_HEAD = re.compile(r"\s*@\w+\s*[{(]\s*([^,\s]+)\s*,")


# -- Incremental builds ----------------------------------------------------------


def outdated_by_bib_changes(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Re-read pages rendering an entry that changed; remember pages citing one, to rewrite them."""
    # sphinxcontrib-bibtex parses a bib file again only when its mtime changed: same files, same entries.
    bib_state = tuple(
        (str(path), bibfile.mtime) for path, bibfile in cite_domain(env).bibdata.bibfiles.items()
    )
    if bib_state == getattr(env, "portfolio_bib_state", None) and hasattr(env, "portfolio_fingerprints"):
        env.portfolio_changed_keys = set()
        return []
    env.portfolio_bib_state = bib_state
    current = {key: entry_fingerprint(entry) for key, entry in all_entries(env).items()}
    previous: dict[str, str] = getattr(env, "portfolio_fingerprints", {})
    env.portfolio_fingerprints = current
    changed_keys = {key for key in current.keys() | previous.keys() if current.get(key) != previous.get(key)}
    env.portfolio_changed_keys = changed_keys
    if not changed_keys or not previous:
        return []
    return sorted(
        docname
        for docname, keys in rendered_keys(env).items()
        if docname in env.found_docs and (ALL_ENTRIES in keys or keys & changed_keys)
    )


#: The stand-in bib file our lists offer sphinxcontrib-bibtex while it formats labels (see below).
CITED_ONLY = Path("<portfolio: the cited entries>")


def offer_only_cited_entries(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Before sphinxcontrib-bibtex's ``env-updated`` (priority 500): our lists' bibliographies name a
    stand-in bib file holding only the cited keys. It finds the entries of a bibliography by asking, for
    every entry of its files, which citations name it: entries times citations, every build, although
    it formats only the cited ones. ``restore_bibliographies`` undoes this before the environment is
    stored, so its bib-file check sees the real files."""
    domain = cite_domain(env)
    cited = {target.key for ref in domain.citation_refs for target in ref.targets}
    originals = {}
    for bib_key, value in domain.bibliographies.items():
        if bib_key.id_.startswith(LIST_BIBLIOGRAPHY_PREFIX) and CITED_ONLY not in value.bibfiles:
            keys = [
                key
                for path in value.bibfiles
                if path in domain.bibdata.bibfiles
                for key in domain.bibdata.bibfiles[path].keys
                if key in cited
            ]
            domain.bibdata.bibfiles[CITED_ONLY] = BibFile(mtime=0.0, keys=dict.fromkeys(keys))
            originals[bib_key] = value
            domain.bibliographies[bib_key] = value._replace(bibfiles=[CITED_ONLY])
    env.portfolio_bibliographies = originals
    return []


def restore_bibliographies(app: Sphinx, env: BuildEnvironment) -> list[str]:
    domain = cite_domain(env)
    domain.bibliographies.update(getattr(env, "portfolio_bibliographies", {}))
    env.portfolio_bibliographies = {}
    domain.bibdata.bibfiles.pop(CITED_ONLY, None)
    return []


def rewrite_dependents(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages to write again though they were not re-read: citers of changed entries. Also collects, once
    per build, the pages citing each entry (a paper page's "Cited on")."""
    changed_keys: set[str] = getattr(env, "portfolio_changed_keys", set())
    to_write = {
        ref.docname
        for ref in cite_domain(env).citation_refs
        if any(target.key in changed_keys for target in ref.targets)
    }
    env.portfolio_citing_pages = {
        key: tuple(sorted((docname, ref_id, title_text(env, docname)) for docname, ref_id in pages.items()))
        for key, pages in citing_pages(env).items()
    }
    return sorted(docname for docname in to_write if docname in env.found_docs)


def title_text(env: BuildEnvironment, docname: str) -> str:
    title = env.titles.get(docname)
    return title.astext() if title is not None else docname


# -- Setup -------------------------------------------------------------------------


def code_fingerprint() -> str:
    """A digest of the code and assets that shape the pages: as a config value, a change to it makes
    Sphinx re-read everything, since pickled doctrees hold what the old code rendered (and every page
    links our CSS and JS with a checksum of their content)."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for path in [
        *(
            here / module
            for module in (
                "bibstyle.py",
                "exports.py",
                "formatcache.py",
                "mathml.py",
                "paperpages.py",
                "publications.py",
                "seo.py",
            )
        ),
        *sorted(STATIC_DIR.iterdir()),
    ]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def add_static_files(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    app.config.html_static_path.append(str(STATIC_DIR))
    app.add_css_file("publications.css")
    app.add_js_file("publications.js", loading_method="defer")


def add_node_for_every_builder(app: Sphinx, node: type, html: tuple, other: tuple) -> None:
    """Register ``node`` with its HTML visitors, and ``other`` for the builders that write no HTML."""
    app.add_node(node, html=html, latex=other, text=other, man=other, texinfo=other)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.bibtex")
    app.setup_extension("portfolio.bibstyle")
    app.setup_extension("portfolio.formatcache")
    app.setup_extension("portfolio.exports")
    app.setup_extension("portfolio.titles")
    app.add_config_value("portfolio_paper_dir", "publications", "env", types=frozenset({str}))
    app.add_config_value("portfolio_selected_field", "selected", "env", types=frozenset({str}))
    # Not for conf.py: the fingerprint of our own code (see code_fingerprint).
    app.add_config_value("portfolio_code_fingerprint", code_fingerprint(), "env", types=frozenset({str}))
    add_node_for_every_builder(
        app, details, (visit_details_html, depart_details_html), (visit_passthrough, depart_passthrough)
    )
    add_node_for_every_builder(
        app, summary, (visit_summary_html, depart_summary_html), (visit_passthrough, depart_passthrough)
    )
    add_node_for_every_builder(app, rendered_html, (visit_rendered_html, None), (skip_node, None))
    add_node_for_every_builder(
        app, bibtex_code, (visit_bibtex_code_html, None), (visit_as_literal_block, depart_as_literal_block)
    )
    app.add_node(paper_link)
    app.add_node(export_link)
    app.add_directive("publications", PublicationList)
    app.connect("doctree-resolved", resolve_placeholders)
    app.connect("builder-inited", add_static_files)
    app.connect("builder-inited", remember_builder)
    app.connect("env-get-outdated", outdated_by_bib_changes)
    app.connect("env-updated", rewrite_dependents)
    app.connect("env-updated", offer_only_cited_entries, priority=400)
    app.connect("env-updated", restore_bibliographies, priority=600)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.setup_extension("portfolio.paperpages")
    app.setup_extension("portfolio.quickload")
    return {"version": "1", "env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
