"""Citation style of the site, as pybtex plugins that sphinxcontrib-bibtex picks up.

Three plugins, all registered under the name ``portfolio``:

* formatting: title exactly as written (no sentence-casing, inline ``$math$`` kept as math), all
  authors with the owner in bold and equal-contribution / corresponding-author marks, venue and year,
  award, and links built from identifier fields (PDF, arXiv, DOI, ACL Anthology, OpenReview, code,
  project page, slides, poster, video). Each part is also available on its own (``format_title``,
  ``format_authors``, ``format_venue``) for the publication list's layout. Any field may be missing:
  an entry without title, authors or year is formatted without them (the checks report it);
* labels: the venue badge, e.g. ``NeurIPS 2024`` (field ``venue_short``), so an inline citation reads
  like the owner's own outline ("Distilling Data Synthesis Ability [NeurIPS 2024]");
* sorting: newest year first, then newest month, then title.

A fourth formatting plugin, ``portfolio_preview``, gives the short "title / venue, year" text of the
hover and focus preview of an inline citation; a fifth, ``portfolio_labels``, only labels (for the
bibliography the publication list registers with sphinxcontrib-bibtex).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

import pybtex.plugin
from pybtex.database import Entry, Person
from pybtex.richtext import HRef, String, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle, toplevel
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import FieldIsMissing, join, node, optional, sentence, tag, words

from . import cache
from .cache import cached
from .model import author_marks, paper_links, venue_field_name, venue_label
from .text import entry_month, entry_year, is_others, latex_text, latex_with_math, person_key, plain_field

STYLE_NAME = "portfolio"
PREVIEW_STYLE_NAME = "portfolio_preview"
LABELS_STYLE_NAME = "portfolio_labels"
PREVIEW_SEPARATOR = " — "


@node
def highlighted_names(children, context, role, owner_keys=frozenset(), limit=0, **join_kwargs):
    """Like pybtex's ``names``: the owner's name in ``<strong>``, marks in ``<sup>``.

    With ``limit``, the first ``limit`` authors and the owner stay visible; when that leaves two or more
    out, those are wrapped in ``author-hidden`` tags, which the page collapses behind "+N more".
    """
    if children:
        raise ValueError(children)
    try:
        persons = context["entry"].persons[role]
    except KeyError:
        raise FieldIsMissing(role, context["entry"]) from None
    style = context["style"]
    marks = author_marks(context["entry"])
    # BibTeX's "and others" ends a truncated list: it reads "et al.", never "and others".
    truncated = bool(persons) and is_others(persons[-1])
    persons = persons[:-1] if truncated else persons
    formatted = []
    visible = []
    for index, person in enumerate(persons):
        key = person_key(person)
        name = formatted_name(style, person, context)
        if key in owner_keys:
            name = Tag("strong", name)
        if mark := marks.get(key):
            name = Text(name, Tag("sup", mark))
        formatted.append(name)
        visible.append(index < limit or key in owner_keys)
    # Hiding a single name would save nothing: the "+1 more" button is as wide as the name.
    if limit and visible.count(False) >= 2:
        parts = []
        for index, (name, shown) in enumerate(zip(formatted, visible, strict=True)):
            piece = Text(", ", name) if index else name
            parts.append(piece if shown else Tag("author-hidden", piece))
        names = Text(*parts)
    elif truncated:
        names = join(sep=join_kwargs.get("sep", ", "))[formatted].format_data(context)
    else:
        return join(**join_kwargs)[formatted].format_data(context)
    return Text(names, " et al.") if truncated else names


_names: dict[tuple, Text] = {}


def formatted_name(style: BaseStyle, person: Person, context: dict) -> Text:
    """The person's name in the style's name style, decoded from LaTeX once per spelling: co-authors
    recur across a bibliography, and decoding is most of the cost of formatting an entry."""
    key = (
        type(style.name_style),
        style.abbreviate_names,
        *(tuple(parts) for parts in (person.first_names, person.middle_names, person.prelast_names)),
        *(tuple(parts) for parts in (person.last_names, person.lineage_names)),
    )
    name = _names.get(key)
    if name is None:
        name = _names[key] = style.format_name(person, style.abbreviate_names).format_data(context)
    return name


@node
def link_list(children, context):
    """The entry's links as ``PDF · arXiv · Code``."""
    if children:
        raise ValueError(children)
    links = [HRef(url, String(label)) for label, url in paper_links(context["entry"])]
    return String(" · ").join(links)


@node
def latex_field(children, context, name):
    """pybtex's ``field`` (the field's LaTeX as rich text), decoding each distinct value once."""
    if children:
        raise ValueError(children)
    entry = context["entry"]
    try:
        value = entry.fields[name]
    except KeyError:
        raise FieldIsMissing(name, entry) from None
    return latex_text(value)


@node
def title_text(children, context):
    """The title exactly as written, with its inline math; nothing when the entry has none (the checks
    report it, and an untitled entry must not stop the build)."""
    if children:
        raise ValueError(children)
    return latex_with_math(context["entry"].fields.get("title", ""))


class PortfolioStyle(BaseStyle):
    """One template for every entry type: title. Authors. Venue, year. Award. Links."""

    default_name_style = "plain"
    default_label_style = STYLE_NAME
    default_sorting_style = STYLE_NAME

    #: Name variants of the site owner, set from ``portfolio_owner_names`` when Sphinx starts.
    owner_names: tuple[str, ...] = ("Kun Zhou",)
    #: Authors shown before "+N more" in ``format_authors(truncate=True)``; 0 shows every author.
    author_limit: int = 8

    def __init__(self, **kwargs) -> None:
        # pybtex looks the default label and sorting styles up by name while constructing.
        register_plugins()
        super().__init__(**kwargs)

    def _context(self, entry: Entry, bib_data=None) -> dict:
        return {"entry": entry, "style": self, "bib_data": bib_data}

    def format_entry(self, label: str, entry: Entry, bib_data=None) -> FormattedEntry:
        text = cached(
            f"entry:{type(self).__name__}",
            entry,
            lambda: self.entry_template(entry).format_data(self._context(entry)),
        )
        return FormattedEntry(entry.key, text, label)

    def authors_template(self, truncate: bool = False):
        return highlighted_names(
            "author",
            owner_keys=owner_name_keys(self.owner_names),
            limit=self.author_limit if truncate else 0,
            sep=", ",
            sep2=" and ",
            last_sep=", and ",
        )

    def venue_template(self, entry: Entry):
        venue_field = venue_field_name(entry)
        venue = [latex_field(venue_field)] if venue_field else []
        if entry.type == "article":
            venue.append(optional[latex_field("volume")])
        venue.append(optional[latex_field("pages")])
        return join(sep=", ")[*venue, optional[latex_field("year")]]

    def entry_template(self, entry: Entry):
        return toplevel[
            sentence[title_text],
            sentence[optional[self.authors_template()]],
            sentence[self.venue_template(entry)],
            optional[sentence[words["Award:", tag("strong")[latex_field("award")]]]],
            link_list,
        ]

    def format_title(self, entry: Entry) -> Text:
        return cached("title", entry, lambda: title_text.format_data(self._context(entry)))

    def format_authors(self, entry: Entry, truncate: bool = False) -> Text:
        """The author list; with ``truncate``, authors past ``author_limit`` are in ``author-hidden`` tags."""
        if "author" not in entry.persons:
            return Text()
        if not truncate:  # only a paper page shows every author, and it is read once per change
            return self.authors_template().format_data(self._context(entry))
        return cached(
            "authors", entry, lambda: self.authors_template(truncate).format_data(self._context(entry))
        )

    def format_venue(self, entry: Entry) -> Text:
        """``Full venue, pages, year`` (and the volume of a journal)."""
        return cached("venue", entry, lambda: self.venue_template(entry).format_data(self._context(entry)))


class PreviewStyle(PortfolioStyle):
    """The preview of an inline citation: ``title — venue badge`` (or ``— venue, year``).

    The text becomes a ``title`` attribute, where HTML writers turn line breaks into spaces, so the
    parts are split at the last " — " instead.
    """

    def entry_template(self, entry: Entry):
        where = latex_field("venue_short") if "venue_short" in entry.fields else self.venue_template(entry)
        return join[title_text, PREVIEW_SEPARATOR, where]


class LabelsOnlyStyle(PortfolioStyle):
    """Our labels and order, no entry text: for the bibliography that ``{publications}`` registers with
    sphinxcontrib-bibtex, which needs each entry's label (and preview) to resolve ``{cite}`` but never
    shows its text, since the list renders its entries itself. Formatting them would be wasted."""

    def format_entry(self, label: str, entry: Entry, bib_data=None) -> FormattedEntry:
        return FormattedEntry(entry.key, Text(), label)


class VenueLabelStyle(BaseLabelStyle):
    """The label is the venue badge (``venue_short``); without one, ``Surname year``."""

    def format_labels(self, sorted_entries: Iterable[Entry]) -> Iterator[str]:
        for entry in sorted_entries:
            yield venue_label(entry)


class NewestFirstSortingStyle(BaseSortingStyle):
    """Newest year first, then newest month (unknown months last), then title, then key."""

    def sorting_key(self, entry: Entry) -> tuple[int, int, str, str]:
        return cached(
            "sort",
            entry,
            lambda: (
                -entry_year(entry),
                -entry_month(entry),
                plain_field(entry, "title").casefold(),
                entry.key,
            ),
        )


@functools.lru_cache(maxsize=16)
def owner_name_keys(owner_names: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    return frozenset(person_key(Person(name)) for name in owner_names)


@functools.cache
def register_plugins() -> None:
    """Make the plugins findable by name; registering twice is harmless."""
    pybtex.plugin.register_plugin("pybtex.style.formatting", STYLE_NAME, PortfolioStyle)
    pybtex.plugin.register_plugin("pybtex.style.labels", STYLE_NAME, VenueLabelStyle)
    pybtex.plugin.register_plugin("pybtex.style.sorting", STYLE_NAME, NewestFirstSortingStyle)
    pybtex.plugin.register_plugin("pybtex.style.formatting", PREVIEW_STYLE_NAME, PreviewStyle)
    pybtex.plugin.register_plugin("pybtex.style.formatting", LABELS_STYLE_NAME, LabelsOnlyStyle)


def configure(owner_names: Iterable[str], author_limit: int) -> None:
    """The owner's name variants (set in bold) and the authors shown before "+N more"."""
    PortfolioStyle.owner_names = tuple(owner_names)
    PortfolioStyle.author_limit = int(author_limit)
    cache.SETTINGS[0] = (PortfolioStyle.owner_names, PortfolioStyle.author_limit)
