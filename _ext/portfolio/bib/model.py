"""One typed model of a paper, made once per entry: what every output says about it.

The list, the paper page, the citation preview, Google Scholar's Highwire tags, the JSON-LD, CSL-JSON and
the news links all read a :class:`Paper` (or the facts below it), so that they cannot disagree about an
entry's title, authors, venue, date or links, whatever its type. Rich text (titles with math, the owner in
bold) is the style's work (:mod:`.style`); the model holds plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pybtex.database import Entry, Person

from .cache import cached
from .text import (
    entry_day,
    entry_month,
    entry_year,
    is_others,
    latex_to_plain,
    name_keys,
    person_key,
    plain_field,
)
from .vocabulary import (
    KIND_OF_TYPE,
    LINK_FIELDS,
    MARKS,
    VENUE_FIELDS,
    is_safe_url,
    is_true,
    names_a_file,
    page_name,
)


def venue_field_name(entry: Entry) -> str | None:
    """The field that names where the entry appeared (the first of its type's venue fields it has)."""
    return next((name for name in VENUE_FIELDS.get(entry.type, ()) if name in entry.fields), None)


def publication_kind(entry: Entry) -> str:
    """``conference``, ``journal``, ``preprint`` or ``other``: the type chips of the publication list."""
    if entry.type == "article":
        venue = plain_field(entry, "journal").casefold()
        return "journal" if venue and not re.search(r"\barxiv\b|\bcorr\b", venue) else "preprint"
    return KIND_OF_TYPE.get(entry.type, "other")


def arxiv_id(entry: Entry) -> str:
    fields = entry.fields
    eprint = fields.get("eprint", "").strip()
    return eprint if eprint and fields.get("archiveprefix", "arXiv").casefold() == "arxiv" else ""


def paper_links(entry: Entry) -> list[tuple[str, str]]:
    """(label, url) pairs for the entry's buttons, most useful first, each URL once."""
    fields = entry.fields
    arxiv = arxiv_id(entry)
    anthology = fields.get("anthology", "").strip()
    doi = fields.get("doi", "").strip()
    openreview = fields.get("openreview", "").strip()
    pdf = "" if pdf_file(entry) else fields.get("pdf", "").strip()  # a file: hosted by the Sphinx layer

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
    for name, label in LINK_FIELDS:
        if value := fields.get(name, "").strip():
            links.append((label, value))
    return [(label, link) for label, link in links if is_safe_url(link)]


def pdf_url(entry: Entry) -> str:
    """The URL of the paper's PDF elsewhere (the ``pdf`` field's URL, the Anthology's, arXiv's), or ""."""
    return next((url for label, url in paper_links(entry) if label == "PDF"), "")


def pdf_file(entry: Entry) -> str:
    """The ``pdf`` field when it names a file of the repository rather than a URL (else "")."""
    pdf = entry.fields.get("pdf", "").strip()
    return pdf if names_a_file(pdf) else ""


#: The link labels that are records of the article itself (not its code, slides or project page).
RECORD_LABELS = frozenset({"Paper", "arXiv", "DOI", "ACL Anthology", "OpenReview"})


def record_links(links: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The URLs of the article's own records (publisher's page, DOI, arXiv, Anthology, OpenReview)."""
    return tuple(url for label, url in links if label in RECORD_LABELS)


def author_marks(entry: Entry) -> dict[tuple[str, str], str]:
    """Name key -> the marks after that author, e.g. ``*†``."""
    marks: dict[tuple[str, str], str] = {}
    for field_name, mark, _ in MARKS:
        for key in name_keys(entry.fields.get(field_name, "")):
            marks[key] = marks.get(key, "") + mark
    return marks


def marks_used(entry: Entry) -> set[str]:
    return {mark for field_name, mark, _ in MARKS if entry.fields.get(field_name, "").strip()}


def venue_label(entry: Entry) -> str:
    """The badge and citation label: ``venue_short``, else ``Surname year``, else the key."""
    return cached("label", entry, lambda: _venue_label(entry))


def _venue_label(entry: Entry) -> str:
    if badge := plain_field(entry, "venue_short").strip():
        return badge
    authors = entry.persons.get("author") or entry.persons.get("editor") or []
    surname = person_key(authors[0])[1].title() if authors else entry.key
    year = plain_field(entry, "year").strip()
    return f"{surname} {year}".strip()


def abstract_texts(entry: Entry) -> list[str]:
    """The abstract's paragraphs; BibTeX folds blank lines into spaces, so they are separated by ``\\par``."""
    parts = re.split(r"\\par\b", entry.fields.get("abstract", ""))
    return [text for part in parts if (text := latex_to_plain(part).strip())]


# -- The model -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Author:
    name: str  # as a reader writes it: "Kun Zhou"
    given: str
    family: str
    suffix: str
    marks: str  # "*", "†", "*†" or ""
    group: bool  # a braced group name ("{PAN Team Institute of Foundation Models}"): one name, no parts


@dataclass(frozen=True)
class Paper:
    key: str
    type: str
    kind: str  # conference, journal, preprint or other
    page: str  # the paper page's file name, without suffix
    title: str
    authors: tuple[Author, ...]
    editors: tuple[Author, ...]
    et_al: bool  # the author list ends with "and others"
    venue: str  # the full venue, "" when the entry names none
    venue_field: str | None
    label: str  # the badge: venue_short, else "Surname year"
    track: str
    award: str
    year: int  # 0 when unknown
    month: int  # 0 when unknown
    day: int  # 0 when unknown (the ``date`` field gives it)
    volume: str
    number: str
    pages: tuple[str, str]  # first and last page ("" when unknown)
    publisher: str
    address: str
    doi: str
    arxiv: str
    anthology: str
    openreview: str
    url: str  # the entry's own url, when it is a safe link
    links: tuple[tuple[str, str], ...]
    records: tuple[str, ...]  # the links that are records of the article itself
    pdf: str  # the PDF elsewhere (not the one hosted beside the page: the Sphinx layer knows that)
    pdf_file: str  # a PDF of the repository that the ``pdf`` field names
    abstract: tuple[str, ...]  # paragraphs
    abstract_text: str  # in one piece, as meta tags and exports carry it
    marks: frozenset[str]
    selected: bool


def author_of(person: Person, marks: dict[tuple[str, str], str]) -> Author:
    def plain(parts: list[str]) -> str:
        return " ".join(latex_to_plain(part) for part in parts)

    given = plain(person.first_names + person.middle_names)
    family = plain(person.prelast_names + person.last_names)
    suffix = plain(person.lineage_names)
    name = " ".join(part for part in (given, family, suffix) if part)
    group = not given and not suffix and len(person.last_names) == 1 and person.last_names[0].startswith("{")
    return Author(name, given, family, suffix, marks.get(person_key(person), ""), group and " " in family)


def page_range(pages: str) -> tuple[str, str]:
    if not pages:
        return "", ""
    first, _, last = [part.strip() for part in [*re.split(r"(-+)", pages, maxsplit=1), "", ""]][:3]
    return first, last


def paper_of(entry: Entry, selected_field: str = "selected") -> Paper:
    """The model of ``entry``, made once per entry content (and per selected field)."""
    return cached(f"paper:{selected_field}", entry, lambda: _paper_of(entry, selected_field))


def _paper_of(entry: Entry, selected_field: str) -> Paper:
    fields = entry.fields
    marks = author_marks(entry)
    persons = entry.persons.get("author", [])
    authors = tuple(author_of(person, marks) for person in persons if not is_others(person))
    editors = tuple(
        author_of(person, {}) for person in entry.persons.get("editor", []) if not is_others(person)
    )
    venue_field = venue_field_name(entry)
    url = fields.get("url", "").strip()
    return Paper(
        key=entry.key,
        type=entry.type,
        kind=publication_kind(entry),
        page=page_name(entry.key),
        title=plain_field(entry, "title"),
        authors=authors,
        editors=editors,
        et_al=bool(persons) and is_others(persons[-1]),
        venue=plain_field(entry, venue_field) if venue_field else "",
        venue_field=venue_field,
        label=venue_label(entry),
        track=plain_field(entry, "track").strip(),
        award=plain_field(entry, "award").strip(),
        year=entry_year(entry),
        month=entry_month(entry),
        day=entry_day(entry),
        volume=plain_field(entry, "volume").strip(),
        number=plain_field(entry, "number").strip(),
        pages=page_range(fields.get("pages", "").strip()),
        publisher=plain_field(entry, "publisher").strip(),
        address=plain_field(entry, "address").strip(),
        doi=fields.get("doi", "").strip(),
        arxiv=arxiv_id(entry),
        anthology=fields.get("anthology", "").strip(),
        openreview=fields.get("openreview", "").strip(),
        url=plain_field(entry, "url").strip() if is_safe_url(url) else "",
        links=(links := tuple(paper_links(entry))),
        records=record_links(links),
        pdf=pdf_url(entry),
        pdf_file=pdf_file(entry),
        abstract=tuple(abstract_texts(entry)),
        abstract_text=plain_field(entry, "abstract").strip(),
        marks=frozenset(marks_used(entry)),
        selected=is_true(fields.get(selected_field, "")),
    )
