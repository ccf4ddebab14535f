"""Citation style of the site, as pybtex plugins that sphinxcontrib-bibtex picks up.

Three plugins, all registered under the name ``portfolio``:

* formatting: title exactly as written (no sentence-casing, inline ``$math$`` kept as math), all
  authors with the owner in bold and equal-contribution / corresponding-author marks, venue and year,
  award, and links built from identifier fields (PDF, arXiv, DOI, ACL Anthology, OpenReview, code,
  project page, slides, poster, video). Each part is also available on its own (``format_title``,
  ``format_authors``, ``format_venue``) for the publication list's layout;
* labels: the venue badge, e.g. ``NeurIPS 2024`` (field ``venue_short``), so an inline citation reads
  like the owner's own outline ("Distilling Data Synthesis Ability [NeurIPS 2024]");
* sorting: newest year first, then newest month, then title.

A fourth formatting plugin, ``portfolio_preview``, gives the short "title / venue, year" text of the
hover and focus preview of an inline citation.

The style has no Sphinx dependency, so it is unit-tested on plain pybtex ``Entry`` objects.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

import pybtex.plugin
from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.database import Entry, Person
from pybtex.richtext import HRef, String, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle, toplevel
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import FieldIsMissing, join, node, optional, sentence, tag, words

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

STYLE_NAME = "portfolio"
PREVIEW_STYLE_NAME = "portfolio_preview"
LABELS_STYLE_NAME = "portfolio_labels"
PREVIEW_SEPARATOR = " — "
# Hosts known to serve https: an http:// link to them is an old URL pasted again.
HTTPS_HOSTS = frozenset(
    {
        "aclanthology.org",
        "arxiv.org",
        "dl.acm.org",
        "doi.org",
        "github.com",
        "huggingface.co",
        "ieeexplore.ieee.org",
        "link.springer.com",
        "ojs.aaai.org",
        "openreview.net",
        "papers.nips.cc",
        "proceedings.mlr.press",
        "proceedings.neurips.cc",
        "www.aclweb.org",
        "www.ijcai.org",
    }
)
# A key becomes a file name, a URL and an anchor: keep it to characters that are safe in all three.
SAFE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

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


# C0 control characters (but tab and newline) and DEL: invisible in a bib file, invalid in HTML and XML.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(text: str) -> str:
    """The text minus control characters (the bib linter reports them; the pages never carry them)."""
    return CONTROL_CHARACTERS.sub("", text)


# Text in which LaTeX decoding changes nothing: words of letters, digits and punctuation that LaTeX does
# not treat specially, single spaces between them. Most abstracts are such text, and decoding a long one
# costs milliseconds. (No backslash, braces, math, ties, quotes, comments, guillemets or ligatures.)
LITERAL_TEXT = re.compile(r"[A-Za-z0-9.,;:()!?/+=*@|\"\[\]-]+(?: [A-Za-z0-9.,;:()!?/+=*@|\"\[\]-]+)*")
# Ligatures LaTeX makes of plain characters: en and em dashes, the low double quote.
LIGATURES = ("--", ",,")


@functools.lru_cache(maxsize=65536)
def latex_text(latex: str) -> Text:
    """``Text.from_latex``, once per distinct string: venues, pages and years recur across a bibliography,
    a title is read for the list, the sort key and the meta tags, and decoding is most of the cost of
    formatting an entry. (pybtex's rich text is never modified in place, so sharing it is safe.)"""
    return Text.from_latex(latex)


@functools.lru_cache(maxsize=65536)
def latex_to_plain(latex: str) -> str:
    """``{\\"o}`` -> ``ö``: BibTeX field text as a reader sees it."""
    if LITERAL_TEXT.fullmatch(latex) and not any(ligature in latex for ligature in LIGATURES):
        return latex
    return latex_text(without_controls(latex)).render(PLAIN_TEXT)


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


#: Our presentation fields: they drive the page and are left out of every BibTeX a visitor copies.
PRESENTATION_FIELDS = frozenset(
    {
        "abstract",
        "anthology",
        "award",
        "blog",
        "code",
        "corresponding",
        "equal_contribution",
        "openreview",
        "pdf",
        "poster",
        "project",
        "selected",
        "slides",
        "track",
        "venue_short",
        "video",
    }
)

# Fields holding a URL as written; (field, button label), in button order after the identifier links.
URL_FIELDS = (
    ("code", "Code"),
    ("project", "Project"),
    ("slides", "Slides"),
    ("poster", "Poster"),
    ("video", "Video"),
    ("blog", "Blog"),
)

SAFE_URL = re.compile(r"https?://[^\s\"<>]+", re.IGNORECASE)


def is_safe_url(url: str) -> bool:
    """Only ``http(s)`` links become buttons: a ``javascript:`` or ``data:`` URL is never a link."""
    return SAFE_URL.fullmatch(url) is not None


def paper_links(entry: Entry) -> list[tuple[str, str]]:
    """(label, url) pairs for the entry's buttons, most useful first, each URL once."""
    fields = entry.fields
    arxiv = fields.get("eprint", "").strip()
    if arxiv and fields.get("archiveprefix", "arXiv").casefold() != "arxiv":
        arxiv = ""
    anthology = fields.get("anthology", "").strip()
    doi = fields.get("doi", "").strip()
    openreview = fields.get("openreview", "").strip()
    pdf = fields.get("pdf", "").strip()

    links: list[tuple[str, str]] = []
    if pdf:
        links.append(("PDF", pdf))
    elif anthology:
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
    for name, label in URL_FIELDS:
        if value := fields.get(name, "").strip():
            links.append((label, value))
    return [(label, link) for label, link in links if is_safe_url(link)]


def pdf_url(entry: Entry) -> str:
    """The URL of the paper's PDF, or "" when none is known."""
    return next((url for label, url in paper_links(entry) if label == "PDF"), "")


def name_keys(value: str) -> frozenset[tuple[str, str]]:
    """The names of a field such as ``equal_contribution = {Zikang Liu and Kun Zhou}``."""
    names = [name.strip() for name in re.split(r"\s+and\s+", value.strip()) if name.strip()]
    return frozenset(person_key(Person(name)) for name in names)


#: Superscript marks after an author's name, and what they mean (the list's legend).
MARKS = (("equal_contribution", "*", "equal contribution"), ("corresponding", "†", "corresponding author"))


def author_marks(entry: Entry) -> dict[tuple[str, str], str]:
    """Name key -> the marks after that author, e.g. ``*†``."""
    marks: dict[tuple[str, str], str] = {}
    for field_name, mark, _ in MARKS:
        for key in name_keys(entry.fields.get(field_name, "")):
            marks[key] = marks.get(key, "") + mark
    return marks


def marks_used(entry: Entry) -> set[str]:
    return {mark for field_name, mark, _ in MARKS if entry.fields.get(field_name, "").strip()}


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
    truncated = bool(persons) and _is_others(persons[-1])
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


def _is_others(person: Person) -> bool:
    return not person.first_names and not person.middle_names and person.last_names == ["others"]


@node
def link_list(children, context):
    """The entry's links as ``PDF · arXiv · Code``."""
    if children:
        raise ValueError(children)
    links = [HRef(url, String(label)) for label, url in paper_links(context["entry"])]
    return String(" · ").join(links)


INLINE_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$")
PROTECTED_MATH = re.compile(r"\{\s*(?<!\\)\$([^{}]+?)(?<!\\)\$\s*\}")


def latex_with_math(latex: str) -> Text:
    """Rich text of a LaTeX field whose ``$...$`` parts stay TeX, in a ``math`` tag (typeset by MathJax)."""
    # "{$\\ell_1$}" protects the math's case; the braces must not be split from each other.
    latex = PROTECTED_MATH.sub(r"$\1$", without_controls(latex))
    parts: list = []
    position = 0
    for match in INLINE_MATH.finditer(latex):
        parts.extend(_latex_keeping_edges(latex[position : match.start()]))
        parts.append(Tag("math", String(match.group(1))))
        position = match.end()
    parts.extend(_latex_keeping_edges(latex[position:]))
    return Text(*parts)


def _latex_keeping_edges(latex: str) -> list:
    """``Text.from_latex`` drops a fragment's outer spaces; between two math parts they are words' spaces."""
    if not latex:
        return []
    parts: list = [" "] if latex[0].isspace() else []
    if latex.strip():
        # Outside math, "\\$" is a dollar sign; pybtex's decoder would keep the backslash.
        parts.append(latex_text(latex.strip().replace("\\$", "$")))
        if latex[-1].isspace():
            parts.append(" ")
    return parts


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
    """The title exactly as written, with its inline math."""
    if children:
        raise ValueError(children)
    entry = context["entry"]
    if "title" not in entry.fields:
        raise FieldIsMissing("title", entry)
    return latex_with_math(entry.fields["title"])


def venue_field_name(entry: Entry) -> str | None:
    return next((name for name in VENUE_FIELDS.get(entry.type, ()) if name in entry.fields), None)


def publication_kind(entry: Entry) -> str:
    """``conference``, ``journal``, ``preprint`` or ``other``: the type chips of the publication list."""
    if entry.type in {"inproceedings", "conference", "proceedings"}:
        return "conference"
    venue = plain_field(entry, "journal").casefold()
    if entry.type == "article" and venue and not re.search(r"\barxiv\b|\bcorr\b", venue):
        return "journal"
    if entry.type in {"article", "misc", "unpublished", "techreport"}:
        return "preprint"
    return "other"


# -- Formatting cache ----------------------------------------------------------------------------------
# LaTeX decoding makes formatting an entry cost milliseconds, and a build asks for the same entry several
# times: the publication list, its paper page, and sphinxcontrib-bibtex's entry, preview, label and sort
# key of every entry on every build, even when nothing changed. Each piece is computed once per entry
# content and kept in ``FORMAT_CACHE``, which portfolio.formatcache loads from the Sphinx environment
# before reading and stores with it, so a rebuild formats only the entries that changed, and a clean build
# (a new environment) starts empty. Outside Sphinx (unit tests, the command-line tools) there is no cache.

T = TypeVar("T")

#: (piece, entry fingerprint, style settings) -> formatted piece; None: compute every time.
FORMAT_CACHE: dict[tuple, object] | None = None

_fingerprints: dict[int, tuple[Entry, str]] = {}


def entry_fingerprint(entry: Entry) -> str:
    """A digest of everything in the entry: its key, type, fields and names (memoised per entry object)."""
    known = _fingerprints.get(id(entry))
    if known is not None and known[0] is entry:
        return known[1]
    persons = sorted(
        (role, tuple(str(person) for person in people)) for role, people in entry.persons.items()
    )
    content = (entry.key, entry.type, sorted(entry.fields.items()), persons)
    digest = hashlib.sha256(repr(content).encode()).hexdigest()
    _fingerprints[id(entry)] = (entry, digest)
    return digest


#: Pieces of the publication list and the paper pages: those keep their own rendered HTML between builds
#: (``publications.ListItems``, ``paperpages``), so these are kept for one build only (the list and the
#: paper pages share them), not stored with the environment, which every build loads.
PAGE_PIECES = frozenset({"title", "authors", "venue", "abstract"})
PAGE_CACHE: dict[tuple, object] | None = None


def cached(piece: str, entry: Entry, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for an entry with the same content and the same style settings."""
    store = PAGE_CACHE if piece in PAGE_PIECES else FORMAT_CACHE
    if store is None:
        return compute()
    key = (piece, entry_fingerprint(entry), PortfolioStyle.owner_names, PortfolioStyle.author_limit)
    try:
        return store[key]  # type: ignore[return-value]
    except KeyError:
        value = store[key] = compute()
        return value


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
        return join(sep=", ")[*venue, latex_field("year")]

    def entry_template(self, entry: Entry):
        return toplevel[
            sentence[title_text],
            sentence[self.authors_template()],
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


def venue_label(entry: Entry) -> str:
    return cached("label", entry, lambda: _venue_label(entry))


def _venue_label(entry: Entry) -> str:
    if badge := plain_field(entry, "venue_short").strip():
        return badge
    authors = entry.persons.get("author") or entry.persons.get("editor") or []
    surname = person_key(authors[0])[1].title() if authors else entry.key
    year = plain_field(entry, "year").strip()
    return f"{surname} {year}".strip()


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
    # sphinxcontrib-bibtex looks the docutils backend up for every citation it resolves, and pybtex
    # answers each lookup by scanning the installed packages' entry points (some 3 ms): remember the
    # class the entry point names, so that every later lookup finds it at once.
    backend = pybtex.plugin.find_plugin("pybtex.backends", "docutils")
    pybtex.plugin.register_plugin("pybtex.backends", "docutils", backend, force=True)


def _apply_config(app: Sphinx, config: Config) -> None:
    PortfolioStyle.owner_names = tuple(config.portfolio_owner_names)
    PortfolioStyle.author_limit = int(config.portfolio_author_limit)


def setup(app: Sphinx) -> ExtensionMetadata:
    register_plugins()
    app.add_config_value("portfolio_owner_names", ("Kun Zhou",), "env", types=frozenset({list, tuple}))
    app.add_config_value("portfolio_author_limit", 8, "env", types=frozenset({int}))
    app.connect("config-inited", _apply_config)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
