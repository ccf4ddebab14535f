"""What search engines read about a paper: Google Scholar's Highwire tags and schema.org JSON-LD.

Both are made from the paper model, as the list and the paper page are, so a crawler reads the same
title, authors, venue and date as a visitor.
"""

from __future__ import annotations

from typing import Any

from .model import Paper
from .vocabulary import HIGHWIRE_VENUE_TAGS

#: Venue fields that name who published the work rather than what it is part of.
PUBLISHING_BODIES = frozenset({"publisher", "organization", "institution", "school"})


def highwire_tags(paper: Paper) -> list[tuple[str, str]]:
    """(name, content) of each ``<meta>`` tag of the paper page, empty ones left out."""
    tags: list[tuple[str, str]] = [("citation_title", paper.title)]
    tags += [("citation_author", author.name) for author in paper.authors]
    if paper.year:
        tags.append(
            (
                "citation_publication_date",
                f"{paper.year}/{paper.month:02d}" if paper.month else str(paper.year),
            )
        )
    if paper.venue_field:
        tags.append((HIGHWIRE_VENUE_TAGS.get(paper.venue_field, "citation_publisher"), paper.venue))
    # A book's venue is its publisher, named once.
    publisher = paper.publisher if paper.venue_field != "publisher" else ""
    for value, tag in (
        (paper.volume, "citation_volume"),
        (paper.number, "citation_issue"),
        (publisher, "citation_publisher"),
        (paper.doi, "citation_doi"),
    ):
        if value:
            tags.append((tag, value))
    first, last = paper.pages
    if first:
        tags.append(("citation_firstpage", first))
        if last:
            tags.append(("citation_lastpage", last))
    if paper.pdf:
        tags.append(("citation_pdf_url", paper.pdf))
    if paper.abstract_text:
        tags.append(("citation_abstract", paper.abstract_text))
    tags.append(("description", description(paper)))
    return [(name, content) for name, content in tags if content]


def description(paper: Paper) -> str:
    """What search engines show under the link: title, venue badge and authors."""
    authors = ", ".join(author.name for author in paper.authors)
    return f"{paper.title} ({paper.label}). {authors}."


def scholarly_article(paper: Paper, url: str) -> dict[str, Any]:
    """The paper as a schema.org ``ScholarlyArticle``."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title,
        "name": paper.title,
        "author": [{"@type": "Person", "name": author.name} for author in paper.authors],
        "url": url,
    }
    if paper.year:
        data["datePublished"] = f"{paper.year}-{paper.month:02d}" if paper.month else str(paper.year)
    if paper.venue_field in PUBLISHING_BODIES:
        # A book, a manual, a thesis or a report: the venue is who published it.
        data["publisher"] = {"@type": "Organization", "name": paper.venue}
    elif paper.venue_field:
        data["isPartOf"] = {
            "@type": "PublicationIssue" if paper.venue_field == "journal" else "CreativeWork",
            "name": paper.venue,
        }
        data["publisher"] = {"@type": "Organization", "name": paper.label}
    if paper.abstract_text:
        data["abstract"] = paper.abstract_text
    if paper.links:
        data["sameAs"] = [link for _, link in paper.links]
    if paper.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": paper.doi}
    return data
