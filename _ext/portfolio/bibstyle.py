"""Citation style of the site, as pybtex plugins that sphinxcontrib-bibtex picks up.

Three plugins, all registered under the name ``portfolio``:

* formatting: title exactly as written (no sentence-casing), all authors with the owner in bold,
  venue and year, award, and links built from identifier fields (PDF, arXiv, DOI, ACL Anthology,
  OpenReview, code);
* labels: the venue badge, e.g. ``NeurIPS 2024`` (field ``venue_short``), so an inline citation reads
  like the owner's own outline ("Distilling Data Synthesis Ability [NeurIPS 2024]");
* sorting: newest year first, then newest month, then title.

The style has no Sphinx dependency, so it is unit-tested on plain pybtex ``Entry`` objects.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import pybtex.plugin
from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.database import Entry, Person
from pybtex.richtext import HRef, String, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle, toplevel
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import FieldIsMissing, field, join, node, optional, sentence, tag, words

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

STYLE_NAME = "portfolio"

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

# Which field holds the venue, per entry type; the first present one wins.
VENUE_FIELDS: dict[str, tuple[str, ...]] = {
    "inproceedings": ("booktitle",),
    "conference": ("booktitle",),
    "incollection": ("booktitle",),
    "article": ("journal",),
    "misc": ("howpublished", "journal"),
    "techreport": ("institution",),
    "phdthesis": ("school",),
    "mastersthesis": ("school",),
    "book": ("publisher",),
}


# One backend instance: ``render_as("text")`` would look the plugin up, scanning every installed
# distribution's entry points, on each call.
PLAIN_TEXT = PlainTextBackend()


@functools.lru_cache(maxsize=8192)
def latex_to_plain(latex: str) -> str:
    """``{\\"o}`` -> ``ö``: BibTeX field text as a reader sees it."""
    return Text.from_latex(latex).render(PLAIN_TEXT)


def person_key(person: Person) -> tuple[str, str]:
    """Compare names on plain text, case-insensitively: ``Zhou, Kun`` equals ``Kun Zhou``."""

    def plain(parts: Iterable[str]) -> str:
        return " ".join(latex_to_plain(part) for part in parts).casefold()

    return plain(person.first_names + person.middle_names), plain(person.prelast_names + person.last_names)


def entry_year(entry: Entry) -> int:
    """The entry's year as a number, 0 when it is missing or not a year (the bib linter reports it)."""
    match = re.fullmatch(r"\s*(\d{4})\s*", entry.fields.get("year", ""))
    return int(match.group(1)) if match else 0


def entry_month(entry: Entry) -> int:
    """The month as 1-12, 0 when unknown: BibTeX macros (``aug``), names and numbers are accepted."""
    raw = entry.fields.get("month", "").strip().casefold().rstrip(".")
    if raw.isdigit() and 1 <= int(raw) <= 12:
        return int(raw)
    return MONTHS.get(raw, 0)


def plain_field(entry: Entry, name: str) -> str:
    return latex_to_plain(entry.fields.get(name, ""))


def paper_links(entry: Entry) -> list[tuple[str, str]]:
    """(label, url) pairs for the entry's buttons, most useful first, each URL once."""
    fields = entry.fields
    arxiv = fields.get("eprint", "").strip()
    if arxiv and fields.get("archiveprefix", "arXiv").casefold() != "arxiv":
        arxiv = ""
    anthology = fields.get("anthology", "").strip()
    doi = fields.get("doi", "").strip()
    openreview = fields.get("openreview", "").strip()

    links: list[tuple[str, str]] = []
    if anthology:
        links.append(("PDF", f"https://aclanthology.org/{anthology}.pdf"))
    elif arxiv:
        links.append(("PDF", f"https://arxiv.org/pdf/{arxiv}"))
    if arxiv:
        links.append(("arXiv", f"https://arxiv.org/abs/{arxiv}"))
    if doi:
        links.append(("DOI", f"https://doi.org/{doi}"))
    if anthology:
        links.append(("ACL Anthology", f"https://aclanthology.org/{anthology}/"))
    if openreview:
        links.append(("OpenReview", f"https://openreview.net/forum?id={openreview}"))
    url = fields.get("url", "").strip()
    if url and url.rstrip("/") not in {link.rstrip("/") for _, link in links}:
        links.insert(0, ("Paper", url))
    if code := fields.get("code", "").strip():
        links.append(("Code", code))
    return links


@node
def highlighted_names(children, context, role, owner_keys=frozenset(), **join_kwargs):
    """Like pybtex's ``names``, with the owner's name wrapped in ``<strong>``."""
    if children:
        raise ValueError(children)
    try:
        persons = context["entry"].persons[role]
    except KeyError:
        raise FieldIsMissing(role, context["entry"]) from None
    style = context["style"]
    # BibTeX's "and others" ends a truncated list: it reads "et al.", never "and others".
    truncated = bool(persons) and _is_others(persons[-1])
    formatted = []
    for person in persons[:-1] if truncated else persons:
        name = style.format_name(person, style.abbreviate_names).format_data(context)
        formatted.append(Tag("strong", name) if person_key(person) in owner_keys else name)
    if truncated:
        return Text(join(sep=join_kwargs.get("sep", ", "))[formatted].format_data(context), " et al.")
    return join(**join_kwargs)[formatted].format_data(context)


def _is_others(person: Person) -> bool:
    return not person.first_names and not person.middle_names and person.last_names == ["others"]


@node
def link_list(children, context):
    """The entry's links as ``PDF · arXiv · Code``."""
    if children:
        raise ValueError(children)
    links = [HRef(url, String(label)) for label, url in paper_links(context["entry"])]
    return String(" · ").join(links)


class PortfolioStyle(BaseStyle):
    """One template for every entry type: title. Authors. Venue, year. Award. Links."""

    default_name_style = "plain"
    default_label_style = STYLE_NAME
    default_sorting_style = STYLE_NAME

    #: Name variants of the site owner, set from ``portfolio_owner_names`` when Sphinx starts.
    owner_names: tuple[str, ...] = ("Kun Zhou",)

    def __init__(self, **kwargs) -> None:
        # pybtex looks the default label and sorting styles up by name while constructing.
        register_plugins()
        super().__init__(**kwargs)

    def format_entry(self, label: str, entry: Entry, bib_data=None) -> FormattedEntry:
        context = {"entry": entry, "style": self, "bib_data": bib_data}
        return FormattedEntry(entry.key, self.entry_template(entry).format_data(context), label)

    def entry_template(self, entry: Entry):
        owner_keys = owner_name_keys(self.owner_names)
        venue_field = next(
            (name for name in VENUE_FIELDS.get(entry.type, ()) if name in entry.fields),
            None,
        )
        venue = [field(venue_field)] if venue_field else []
        if entry.type == "article":
            venue.append(optional[field("volume")])
        venue.append(optional[field("pages")])
        return toplevel[
            sentence[field("title")],
            sentence[
                highlighted_names("author", owner_keys=owner_keys, sep=", ", sep2=" and ", last_sep=", and ")
            ],
            sentence[*venue, field("year")],
            optional[sentence[words["Award:", tag("strong")[field("award")]]]],
            link_list,
        ]


class VenueLabelStyle(BaseLabelStyle):
    """The label is the venue badge (``venue_short``); without one, ``Surname year``."""

    def format_labels(self, sorted_entries: Iterable[Entry]) -> Iterator[str]:
        for entry in sorted_entries:
            yield venue_label(entry)


def venue_label(entry: Entry) -> str:
    if badge := plain_field(entry, "venue_short").strip():
        return badge
    authors = entry.persons.get("author") or entry.persons.get("editor") or []
    surname = person_key(authors[0])[1].title() if authors else entry.key
    year = plain_field(entry, "year").strip()
    return f"{surname} {year}".strip()


class NewestFirstSortingStyle(BaseSortingStyle):
    """Newest year first, then newest month (unknown months last), then title, then key."""

    def sorting_key(self, entry: Entry) -> tuple[int, int, str, str]:
        return (-entry_year(entry), -entry_month(entry), plain_field(entry, "title").casefold(), entry.key)


@functools.lru_cache(maxsize=16)
def owner_name_keys(owner_names: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    return frozenset(person_key(Person(name)) for name in owner_names)


@functools.cache
def register_plugins() -> None:
    """Make the three plugins findable by name; registering twice is harmless."""
    pybtex.plugin.register_plugin("pybtex.style.formatting", STYLE_NAME, PortfolioStyle)
    pybtex.plugin.register_plugin("pybtex.style.labels", STYLE_NAME, VenueLabelStyle)
    pybtex.plugin.register_plugin("pybtex.style.sorting", STYLE_NAME, NewestFirstSortingStyle)


def _apply_config(app: Sphinx, config: Config) -> None:
    PortfolioStyle.owner_names = tuple(config.portfolio_owner_names)


def setup(app: Sphinx) -> ExtensionMetadata:
    register_plugins()
    app.add_config_value("portfolio_owner_names", ("Kun Zhou",), "env", types=frozenset({list, tuple}))
    app.connect("config-inited", _apply_config)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
