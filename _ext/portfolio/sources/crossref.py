"""Crossref's REST API: one work by its DOI."""

from __future__ import annotations

from urllib.parse import quote

from ..bib.vocabulary import MONTH_MACROS
from .http import Client, SourceError
from .record import Record

TYPES = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book-chapter": "incollection",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "dissertation": "phdthesis",
    "report": "techreport",
    "posted-content": "misc",
}


def fetch(client: Client, doi: str) -> Record:
    answer = client.get("crossref", f"/works/{quote(doi, safe='/()<>;:')}")
    body = answer.json("crossref")
    work = body.get("message") if isinstance(body, dict) else None
    if not isinstance(work, dict):
        raise SourceError("crossref", "the answer has no 'message' object", answer.url)
    return record_of(work)


def record_of(work: dict) -> Record:
    entry_type = TYPES.get(str(work.get("type", "")), "misc")
    container = _first(work.get("container-title"))
    year, month = _date(work)
    people = [person for person in work.get("author") or [] if isinstance(person, dict)]
    authors = [
        f"{person['family']}, {person['given']}" if person.get("given") else str(person["family"])
        for person in people
        if person.get("family")
    ]
    organisations = [
        str(person["name"]) for person in people if not person.get("family") and person.get("name")
    ]
    remarks = []
    if authors and organisations:
        # Deposits that list people also list their affiliations as "authors" with a name only.
        remarks.append(
            "dropped what Crossref lists as authors without a family name: " + ", ".join(organisations)
        )
    elif organisations:
        authors = ["{" + name + "}" for name in organisations]
    venue = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle"}.get(entry_type)
    return Record(
        entry_type=entry_type,
        title=_first(work.get("title")) + _subtitle(work),
        authors=authors,
        year=year,
        month=month,
        booktitle=container if venue == "booktitle" else "",
        journal=container if venue == "journal" else "",
        howpublished=container if not venue and entry_type == "misc" else "",
        volume=str(work.get("volume", "")),
        number=str(work.get("issue", "")),
        pages=str(work.get("page", "")),
        publisher=str(work.get("publisher", "")),
        doi=str(work.get("DOI", "")),
        abstract=str(work.get("abstract", "")),
        sources=[f"Crossref {work.get('DOI', '')}"],
        remarks=remarks,
    )


def _first(value) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


def _subtitle(work: dict) -> str:
    subtitle = _first(work.get("subtitle"))
    return f": {subtitle}" if subtitle else ""


def _date(work: dict) -> tuple[str, str]:
    for name in ("published-print", "published-online", "published", "issued"):
        parts = (work.get(name) or {}).get("date-parts") or [[]]
        first = parts[0] if parts and isinstance(parts[0], list) else []
        if first and isinstance(first[0], int):
            month = first[1] if len(first) > 1 and isinstance(first[1], int) else 0
            return str(first[0]), MONTH_MACROS.get(month, "")
    return "", ""
