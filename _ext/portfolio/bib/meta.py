"""What search engines read about a paper: Google Scholar's Highwire tags and schema.org JSON-LD.

Both are made from the paper model, as the list and the paper page are, so a crawler reads the same
title, authors, venue and date as a visitor.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from pybtex.database import Person

from .model import Paper
from .text import person_key
from .vocabulary import HIGHWIRE_VENUE_TAGS

#: Venue fields that name who published the work rather than what it is part of.
PUBLISHING_BODIES = frozenset({"publisher", "organization", "institution", "school"})


def publication_date(paper: Paper) -> str:
    """Google Scholar's form: the full date ``2010/5/12`` when the day is known, else the year alone
    (Scholar reads a year/month date wrongly)."""
    if paper.day:
        return f"{paper.year}/{paper.month}/{paper.day}"
    return str(paper.year) if paper.year else ""


def iso_date(paper: Paper) -> str:
    """schema.org's form (ISO 8601): ``2025``, ``2025-11`` or ``2025-11-12``."""
    if not paper.year:
        return ""
    parts = [f"{paper.year:04d}"] + [f"{part:02d}" for part in (paper.month, paper.day) if part]
    return "-".join(parts[: 3 if paper.month else 1])


def venue_tag(paper: Paper) -> str | None:
    """The Highwire tag of the paper's venue, by entry type; None where Scholar has no tag for it
    (an arXiv preprint's "arXiv preprint arXiv:..." is no venue: ``citation_arxiv_id`` says it)."""
    if paper.venue_field == "booktitle" and paper.type in {"incollection", "inbook"}:
        return "citation_inbook_title"
    if paper.venue_field == "journal" and paper.kind == "preprint":
        return None
    if paper.venue_field in PUBLISHING_BODIES:
        return HIGHWIRE_VENUE_TAGS.get(paper.venue_field, "citation_publisher")
    return HIGHWIRE_VENUE_TAGS.get(paper.venue_field or "")


def highwire_tags(paper: Paper, pdf_url: str = "") -> list[tuple[str, str]]:
    """(name, content) of each ``<meta>`` tag of the paper page, empty ones left out; ``pdf_url`` is the
    PDF hosted beside the page (Scholar accepts no other)."""
    tags: list[tuple[str, str]] = [("citation_title", paper.title)]
    tags += [("citation_author", author.name) for author in paper.authors]
    tags.append(("citation_publication_date", publication_date(paper)))
    if tag := venue_tag(paper):
        tags.append((tag, paper.venue))
    # A book's venue is its publisher, named once.
    publisher = paper.publisher if tag != "citation_publisher" else ""
    first, last = paper.pages
    number_tag = "citation_technical_report_number" if paper.type == "techreport" else "citation_issue"
    tags += [
        ("citation_volume", paper.volume),
        (number_tag, paper.number),
        ("citation_firstpage", first),
        ("citation_lastpage", last if first else ""),
        ("citation_publisher", publisher),
        ("citation_doi", paper.doi),
        ("citation_arxiv_id", paper.arxiv),
        ("citation_pdf_url", pdf_url),
        ("citation_abstract", paper.abstract_text),
        ("description", description(paper)),
    ]
    return [(name, content) for name, content in tags if content]


def description(paper: Paper) -> str:
    """What search engines show under the link: title, venue badge and authors."""
    authors = ", ".join(author.name for author in paper.authors)
    return f"{paper.title} ({paper.label}). {authors}."


@functools.cache
def owner_name_keys(names: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    return frozenset(person_key(Person(name)) for name in names)


def scholarly_article(
    paper: Paper,
    url: str,
    *,
    owner: Iterable[str] = (),
    owner_url: str = "",
    image: str = "",
    date_modified: str = "",
    pdf_url: str = "",
) -> dict[str, Any]:
    """The paper as a schema.org ``ScholarlyArticle``: Google's article fields where they are known
    (``image``, ``dateModified``, the owner's ``url``), ``sameAs`` the article's own records only."""
    owner_keys = owner_name_keys(tuple(owner))

    def agent(author) -> dict[str, Any]:
        data: dict[str, Any] = {"@type": "Organization" if author.group else "Person", "name": author.name}
        if owner_url and (author.given.casefold(), author.family.casefold()) in owner_keys:
            data["url"] = owner_url
        return data

    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title,
        "name": paper.title,
        "author": [agent(author) for author in paper.authors],
        "url": url,
    }
    if date := iso_date(paper):
        data["datePublished"] = date
    if date_modified:
        data["dateModified"] = date_modified
    if image:
        data["image"] = image
    if paper.venue_field in PUBLISHING_BODIES:
        # A book, a manual, a thesis or a report: the venue is who published it.
        data["publisher"] = {"@type": "Organization", "name": paper.venue}
    elif venue_tag(paper) in {"citation_conference_title", "citation_journal_title", "citation_inbook_title"}:
        data["isPartOf"] = {
            "@type": "Periodical" if paper.venue_field == "journal" else "CreativeWork",
            "name": paper.venue,
        }
    if paper.publisher and paper.venue_field != "publisher":
        data["publisher"] = {"@type": "Organization", "name": paper.publisher}
    first, last = paper.pages
    if first:
        data["pageStart"] = first
    if last and first:
        data["pageEnd"] = last
    if paper.abstract_text:
        data["abstract"] = paper.abstract_text
    if pdf_url:
        data["encoding"] = {
            "@type": "MediaObject",
            "contentUrl": pdf_url,
            "encodingFormat": "application/pdf",
        }
    if paper.records:
        data["sameAs"] = list(paper.records)
    identifiers = [("DOI", paper.doi), ("arXiv", paper.arxiv)]
    if found := [
        {"@type": "PropertyValue", "propertyID": name, "value": value} for name, value in identifiers if value
    ]:
        data["identifier"] = found if len(found) > 1 else found[0]
    return data
