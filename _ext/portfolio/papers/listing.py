"""``{publications}``: every entry under year headings (newest first), or with ``:selected:`` the entries
marked selected (the home page's list).

Each entry shows its venue badge, award, authors (owner in bold, marks, "+N more" past
``portfolio_author_limit``), full venue and track, link buttons, and Abstract / BibTeX toggles; its title
links to the paper's own page. The full list registers itself with sphinxcontrib-bibtex as the
bibliography that ``{cite:p}`` resolves to, so inline citations link to the entry (anchor = bib key).

For the HTML builder each list keeps its items' HTML between builds (:class:`ListItems`): a rebuild
renders only the entries that changed, and the page holds one node per entry.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from pybtex.database import Entry
from sphinx.util.docutils import SphinxDirective
from sphinx.util.parallel import ParallelTasks, parallel_available

from ..bib.cache import entry_fingerprint
from ..bib.style import LABELS_STYLE_NAME, STYLE_NAME, NewestFirstSortingStyle, PortfolioStyle
from ..bib.text import entry_year
from ..bib.vocabulary import is_true
from . import seam
from .counts import count_of, count_stamp
from .fingerprint import package_fingerprint
from .hosting import hosted_href, hosted_stamp
from .nodes import NodeWriter, export_link, link_placeholder, paper_link, rendered_html
from .render import entry_item, legend
from .state import ALL_ENTRIES, FULL_LIST, state

if TYPE_CHECKING:
    from docutils.nodes import Node
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec

# Below this many entries to render, forking workers (with -j) costs more than it saves.
PARALLEL_MINIMUM = 200


def paper_docname(env: BuildEnvironment, key: str) -> str | None:
    """The docname of ``key``'s page, or None when it has none (pages off, or a clash with a page)."""
    return state(env).pages.get(key)


def note_rendered(env: BuildEnvironment, keys: Iterable[str]) -> None:
    state(env).rendered.setdefault(env.docname, set()).update(keys)


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
            package_fingerprint(),
            env.config.html_math_renderer,
            env.config.html_permalinks,
            tuple(PortfolioStyle.owner_names),
            PortfolioStyle.author_limit,
            env.docname,
            state(env).env_id,
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
        return (
            entry_fingerprint(entry),
            self.anchor,
            paper_docname(self.env, entry.key),
            hosted_stamp(self.env, entry.key),
            count_stamp(self.env, entry.key),
        )

    def render(self, entry: Entry) -> Node:
        if not self.enabled:
            return entry_item(
                entry,
                paper_docname(self.env, entry.key),
                self.anchor,
                self.pdf_href(entry),
                count_of(self.env, entry.key),
            )
        key = self.key_of(entry)
        rendered = self.stored.get(key)
        if rendered is None:
            rendered = self.render_html(entry)
        self.used[key] = rendered
        html_text, search_text = rendered
        return rendered_html("", nodes.Text(search_text), html=html_text)

    def pdf_href(self, entry: Entry) -> str:
        builder = current_builder()
        if entry.key not in state(self.env).hosted or not hasattr(builder, "get_target_uri"):
            return ""
        return hosted_href(self.env, entry.key, builder.get_target_uri(self.env.docname))

    def render_html(self, entry: Entry) -> tuple[str, str]:
        """The item's HTML, and its words for the search index: all but the BibTeX, which repeats them
        (and would make every entry a match for "inproceedings")."""
        builder = current_builder()
        docname = self.env.docname
        item = entry_item(
            entry,
            paper_docname(self.env, entry.key),
            self.anchor,
            self.pdf_href(entry),
            count_of(self.env, entry.key),
        )
        search_text = " ".join(
            child.astext() for child in item.children if "pub-bibtex" not in child.get("classes", ())
        )
        for placeholder in list(item.findall(paper_link)):
            link_placeholder(placeholder, builder.get_relative_uri(docname, placeholder["docname"]))
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
    """Directives reach the environment, not the builder (``env.app`` is deprecated): keep it here."""
    _builder[:] = [app.builder]
    _processes[:] = [app.parallel]


def current_builder() -> Builder:
    return _builder[0]


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
        selected = "selected" in self.options
        entries = NewestFirstSortingStyle().sort(seam.bib_data(self.env).entries.values())
        note_rendered(self.env, [ALL_ENTRIES])
        items = ListItems(self.env, f"{self.env.docname}:{self.lineno}", anchor=not selected)
        if selected:
            field_name = self.config.portfolio_selected_field
            entries = [entry for entry in entries if is_true(entry.fields.get(field_name, ""))]
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
        self.register_citation_targets()
        note_rendered(self.env, [FULL_LIST])
        return result

    def downloads(self) -> nodes.paragraph:
        line = nodes.paragraph(classes=["pub-downloads"])
        line += nodes.Text("Download the whole list: ")
        line += export_link("", "BibTeX", path=self.config.portfolio_export_path + ".bib")
        line += nodes.Text(" · ")
        line += export_link("", "CSL-JSON", path=self.config.portfolio_export_path + ".json")
        line += nodes.Text(" (for Zotero, Pandoc and other citation managers)")
        # Typeset by portfolio.cvbuild, which declares the option.
        if getattr(self.config, "portfolio_publications_pdf", False):
            line += nodes.Text(" · ")
            line += export_link("", "PDF", path=self.config.portfolio_export_path + ".pdf")
            line += nodes.Text(" (to print or send)")
        line += nodes.Text(".")
        return line

    def register_citation_targets(self) -> None:
        """Tell sphinxcontrib-bibtex that this list holds every entry, each at the id of its bib key."""
        default = self.config.bibtex_default_style
        seam.register_list_bibliography(
            self.env,
            self.env.docname,
            f"portfolio-list-{self.env.docname.replace('/', '-')}-{self.lineno}",
            self.lineno,
            LABELS_STYLE_NAME if default == STYLE_NAME else default,
            CitationTargets(),
        )


def is_our_bibliography(value) -> bool:
    """A bibliography a publication list registered (not one of the user's ``{bibliography}``)."""
    return isinstance(value.citation_nodes, CitationTargets)
