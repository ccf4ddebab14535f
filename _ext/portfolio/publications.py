"""The publication list, one page per paper, and rebuilds that follow ``refs.bib``.

* ``{publications}`` lists every entry of the bib files under year headings (newest first), each with
  its venue badge, award, authors (owner in bold, marks, "+N more" past ``portfolio_author_limit``),
  full venue and track, link buttons, and Abstract / BibTeX toggles. It registers itself with
  sphinxcontrib-bibtex as the bibliography that ``{cite:p}`` resolves to, so inline citations link to
  the entry (anchor = bib key). With ``:selected:`` it lists only entries whose
  ``portfolio_selected_field`` is true, without year headings (the home page's selection).
* ``{paper} <key>`` is the page of one paper: everything above, the abstract, the BibTeX with a copy
  button, "Cited on" links back to every page that cites it, and Google Scholar's ``citation_*`` meta
  tags. Its source files are generated: one stub per bib entry in ``portfolio_paper_dir``, written when
  the builder starts, so a paper added to ``refs.bib`` gets its page without anyone writing a file
  (the same approach as ``sphinx.ext.autosummary``'s generated stubs).
* Incremental builds: Sphinx re-reads a page when its own source changes, not when a bib entry it
  renders or cites does. Entries are fingerprinted; pages that render a changed entry are re-read and
  pages that cite one are rewritten, as are paper pages whose "Cited on" list changed.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from pybtex.database import Entry, Person
from pybtex_docutils import Backend as DocutilsBackend
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri
from sphinxcontrib.bibtex.directives import BibliographyKey, BibliographyValue

from .bibstyle import (
    LABELS_STYLE_NAME,
    MARKS,
    SAFE_KEY,
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
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata, OptionSpec
    from sphinx.writers.html5 import HTML5Translator
    from sphinxcontrib.bibtex.domain import BibtexDomain

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
STUB_MARKER = "% Generated from refs.bib by _ext/portfolio/publications.py"
STUB_TEMPLATE = (
    STUB_MARKER
    + """: edit refs.bib, not this file.

```{{paper}} {key}
```
"""
)
ALL_ENTRIES = "*"


# -- Nodes ---------------------------------------------------------------------


class details(nodes.General, nodes.Element):
    """A disclosure widget: ``<details>``, open and closed by mouse and keyboard without JavaScript."""


class summary(nodes.General, nodes.TextElement):
    """The always-visible label of a ``details``."""


class cited_on(nodes.General, nodes.Element):
    """Placeholder for the list of pages citing ``key``, filled in once every page has been read."""


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
    return docname if docname in getattr(env, "portfolio_paper_docs", ()) else None


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


def bibtex_block(entry: Entry, *, highlight: bool = True) -> nodes.literal_block:
    """The entry's clean BibTeX. Lists leave it plain: colouring sixty entries would add some 4000
    elements to the page (three quarters of its DOM), which a phone pays for in every layout."""
    text = format_bibtex(entry)
    return nodes.literal_block(
        text, text, language="bibtex" if highlight else "text", classes=["pub-bibtex-code"]
    )


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
    item += toggle("BibTeX", [bibtex_block(entry, highlight=False)], ["pub-bibtex"])
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
        if selected:
            field_name = self.config.portfolio_selected_field
            entries = [entry for entry in entries if is_selected(entry, field_name)]
            listing = nodes.bullet_list(classes=["pub-list", "pub-selected"])
            listing.extend(entry_item(entry, self.env, anchor=False) for entry in entries)
            return [listing]

        result: list[Node] = [nodes.container(classes=["pub-controls"])]
        if note := legend(entries):
            result.append(note)
        if self.config.portfolio_export_path:
            result.append(self.downloads())
        by_year: dict[int, list[Entry]] = defaultdict(list)
        for entry in entries:
            by_year[entry_year(entry)].append(entry)
        for year, year_entries in by_year.items():
            section_id = f"year-{year}" if year else "year-unknown"
            section = nodes.section(ids=[section_id], names=[section_id], classes=["pub-year"])
            section += nodes.title("", str(year) if year else "Undated")
            listing = nodes.bullet_list(classes=["pub-list"])
            listing.extend(entry_item(entry, self.env, anchor=True) for entry in year_entries)
            section += listing
            result.append(section)
        self.register_citation_targets(bibfiles, entries)
        if self.config.portfolio_paper_dir:
            result.append(self.paper_toctree(entries))
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
        targets = {entry.key: nodes.list_item(ids=[entry.key]) for entry in entries}
        bib_id = f"publications-{self.env.docname.replace('/', '-')}-{self.lineno}"
        domain.bibliographies[BibliographyKey(docname=self.env.docname, id_=bib_id)] = BibliographyValue(
            line=self.lineno,
            list_="citation",
            enumtype="arabic",
            start=1,
            style=LABELS_STYLE_NAME
            if self.config.bibtex_default_style == STYLE_NAME
            else self.config.bibtex_default_style,
            filter_=ast.parse("True"),
            labelprefix="",
            keyprefix="",
            bibfiles=bibfiles,
            citation_nodes=targets,
            keys=[],
        )

    def paper_toctree(self, entries: list[Entry]) -> nodes.compound:
        """A hidden toctree of the paper pages, so each has the publications page as its parent."""
        docnames = [name for entry in entries if (name := paper_docname(self.env, entry.key))]
        toctree = addnodes.toctree()
        toctree["parent"] = self.env.docname
        toctree["entries"] = [(None, docname) for docname in docnames]
        toctree["includefiles"] = docnames
        toctree["maxdepth"] = -1
        toctree["caption"] = None
        toctree["glob"] = False
        toctree["hidden"] = True
        toctree["includehidden"] = False
        toctree["numbered"] = 0
        toctree["titlesonly"] = False
        wrapper = nodes.compound(classes=["toctree-wrapper"])
        wrapper += toctree
        return wrapper


class Paper(SphinxDirective):
    """The page of one paper, titled with the paper's title."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[Node]:
        key = self.arguments[0]
        entry = all_entries(self.env).get(key)
        note_rendered(self.env, [key])
        if entry is None:
            logger.warning(
                "no entry %r in the bib files (bibtex_bibfiles)",
                key,
                location=self.get_location(),
                type="portfolio",
                subtype="paper_key",
            )
            return []
        section = nodes.section(
            ids=["paper"], names=["paper"], classes=["pub-paper"], support_smartquotes=False
        )
        section += nodes.title("", "", *style().format_title(entry).render(BACKEND))
        section.extend(scholar_meta(entry))
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
        section += subsection("cited-on", "Cited on", [cited_on(key=key)])
        return [section]


def subsection(section_id: str, title: str, body: Iterable[Node]) -> nodes.section:
    section = nodes.section(ids=[section_id], names=[section_id])
    section += nodes.title("", title)
    section.extend(body)
    return section


def scholar_meta(entry: Entry) -> list[nodes.meta]:
    """Google Scholar's inclusion tags (https://scholar.google.com/intl/en/scholar/inclusion.html#indexing)."""
    return [
        nodes.meta(name=name, content=content)
        for name, content in cached("scholar", entry, lambda: scholar_tags(entry))
    ]


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
    """Fill "Cited on" lists and the links to paper pages and downloads: they need every page read,
    and the output layout of the builder."""
    builder = app.builder
    env = app.env
    for placeholder in list(doctree.findall(cited_on)):
        placeholder.replace_self(cited_on_list(app, placeholder["key"], docname))
    for placeholder in list(doctree.findall(paper_link)):
        target = placeholder["docname"]
        if target not in env.all_docs:
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


def cited_on_list(app: Sphinx, key: str, fromdocname: str) -> Node:
    # (docname, citation id, title) of each citing page, computed once per build in rewrite_dependents.
    pages = [page for page in app.env.portfolio_citing_pages.get(key, ()) if page[0] != fromdocname]
    if not pages:
        return nodes.paragraph("", "No page of this site cites it yet.", classes=["pub-cited-on"])
    listing = nodes.bullet_list(classes=["pub-cited-on"])
    for docname, ref_id, title in sorted(pages, key=lambda page: page[2].casefold()):
        uri = app.builder.get_relative_uri(fromdocname, docname) + f"#{ref_id}"
        paragraph = nodes.paragraph()
        paragraph += nodes.reference("", title, refuri=uri, internal=True)
        listing += nodes.list_item("", paragraph)
    return listing


def citing_pages(env: BuildEnvironment) -> dict[str, dict[str, str]]:
    """key -> {docname: id of the page's first citation of it}."""
    pages: dict[str, dict[str, str]] = defaultdict(dict)
    for ref in sorted(cite_domain(env).citation_refs, key=lambda ref: (ref.docname, ref.line or 0)):
        for target in ref.targets:
            pages[target.key].setdefault(ref.docname, ref.citation_ref_id)
    return pages


# -- Paper page sources ------------------------------------------------------------


def write_paper_stubs(app: Sphinx) -> None:
    """One generated source per entry under ``portfolio_paper_dir``; stale generated ones are removed.

    A stub is rewritten only when its text differs, so its mtime (what Sphinx compares) stays put.
    """
    app.env.portfolio_paper_docs = set()
    if not app.config.portfolio_paper_dir:
        return
    folder = Path(app.srcdir, app.config.portfolio_paper_dir)
    folder.mkdir(parents=True, exist_ok=True)
    bibdata = cite_domain(app.env).bibdata
    wanted: dict[Path, str] = {}
    for key in bibdata.data.entries:
        location = entry_location(bibdata, key)
        if not SAFE_KEY.fullmatch(key):
            if "portfolio.biblint" in app.extensions:
                continue  # reported there, with the other checks of refs.bib
            logger.warning(
                "key %r has characters a file name or URL cannot hold; its paper page is skipped "
                "(use letters, digits, '_', '-' and '.')",
                key,
                location=location,
                type="portfolio",
                subtype="paper_key",
            )
            continue
        path = folder / f"{key}.md"
        if path.exists() and not is_stub(path):
            logger.warning(
                "key %r would overwrite %s, which is not a generated paper page; rename the key",
                key,
                path.relative_to(app.srcdir),
                location=location,
                type="portfolio",
                subtype="paper_key",
            )
            continue
        wanted[path] = STUB_TEMPLATE.format(key=key)
    for path in folder.glob("*.md"):
        if path not in wanted and is_stub(path):
            path.unlink()
    for path, text in wanted.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    prefix = app.config.portfolio_paper_dir.strip("/")
    app.env.portfolio_paper_docs = {f"{prefix}/{path.stem}" for path in wanted}


def is_stub(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as handle:
        return handle.readline().startswith(STUB_MARKER)


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
    remove_outputs_of_removed_papers(app, removed)
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


def remove_outputs_of_removed_papers(app: Sphinx, removed: set[str]) -> None:
    """A paper taken out of refs.bib has no page in a clean build; Sphinx would leave the old file behind."""
    folder = app.config.portfolio_paper_dir.strip("/")
    if not folder or not hasattr(app.builder, "get_outfilename"):
        return
    for docname in removed:
        if docname.startswith(f"{folder}/"):
            Path(app.builder.get_outfilename(docname)).unlink(missing_ok=True)
            for copied_source in Path(app.outdir, "_sources").glob(f"{docname}.*"):
                copied_source.unlink()


def rewrite_dependents(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages to write again though they were not re-read: citers of changed entries, and paper pages
    whose "Cited on" list changed."""
    changed_keys: set[str] = getattr(env, "portfolio_changed_keys", set())
    to_write = {
        ref.docname
        for ref in cite_domain(env).citation_refs
        if any(target.key in changed_keys for target in ref.targets)
    }
    current = {
        key: tuple(sorted((docname, ref_id, title_text(env, docname)) for docname, ref_id in pages.items()))
        for key, pages in citing_pages(env).items()
    }
    previous: dict[str, tuple] = getattr(env, "portfolio_citing_pages", {})
    env.portfolio_citing_pages = current
    for key in current.keys() | previous.keys():
        if current.get(key) != previous.get(key) and (docname := paper_docname(env, key)):
            to_write.add(docname)
    return sorted(docname for docname in to_write if docname in env.found_docs)


def title_text(env: BuildEnvironment, docname: str) -> str:
    title = env.titles.get(docname)
    return title.astext() if title is not None else docname


# -- "Edit on GitHub" for a generated page --------------------------------------------


def entry_source(app: Sphinx, pagename: str) -> tuple[str, str] | None:
    """(refs.bib relative to the source folder, line) of a paper page's entry, or None."""
    if pagename not in getattr(app.env, "portfolio_paper_docs", ()):
        return None
    location = entry_location(cite_domain(app.env).bibdata, pagename.rsplit("/", 1)[-1])
    if location is None:
        return None
    path, _, line = location.rpartition(":")
    return Path(path).resolve().relative_to(Path(app.srcdir).resolve()).as_posix(), line


def edit_link_to_the_entry(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The edit link of a paper page shows its entry in refs.bib, at its line."""
    html_context = app.config.html_context
    user, repo = html_context.get("github_user"), html_context.get("github_repo")
    if not (user and repo) or not (found := entry_source(app, pagename)):
        return
    version = html_context.get("github_version", "main")
    folder = html_context.get("doc_path", "")
    url = f"https://github.com/{user}/{repo}/blob/{version}/{folder}{found[0]}#L{found[1]}"
    context["get_edit_provider_and_url"] = lambda: ("GitHub", url)


# -- Setup -------------------------------------------------------------------------


def code_fingerprint() -> str:
    """A digest of the code and assets that shape the pages: as a config value, a change to it makes
    Sphinx re-read everything, since pickled doctrees hold what the old code rendered (and every page
    links our CSS and JS with a checksum of their content)."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for path in [
        *(here / module for module in ("bibstyle.py", "exports.py", "formatcache.py", "publications.py")),
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
    app.add_node(
        details,
        html=(visit_details_html, depart_details_html),
        latex=(visit_passthrough, depart_passthrough),
        text=(visit_passthrough, depart_passthrough),
        man=(visit_passthrough, depart_passthrough),
        texinfo=(visit_passthrough, depart_passthrough),
    )
    app.add_node(
        summary,
        html=(visit_summary_html, depart_summary_html),
        latex=(visit_passthrough, depart_passthrough),
        text=(visit_passthrough, depart_passthrough),
        man=(visit_passthrough, depart_passthrough),
        texinfo=(visit_passthrough, depart_passthrough),
    )
    app.add_node(cited_on)
    app.add_node(paper_link)
    app.add_node(export_link)
    app.add_directive("publications", PublicationList)
    app.add_directive("paper", Paper)
    app.connect("doctree-resolved", resolve_placeholders)
    # After the theme has made its own edit link (which would name the generated stub).
    app.connect("html-page-context", edit_link_to_the_entry, priority=600)
    # After sphinxcontrib-bibtex has loaded the bib files (its handler runs at the default priority).
    app.connect("builder-inited", write_paper_stubs, priority=600)
    app.connect("builder-inited", add_static_files)
    app.connect("env-get-outdated", outdated_by_bib_changes)
    app.connect("env-updated", rewrite_dependents)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
