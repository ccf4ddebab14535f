"""The ACL Anthology: a paper's own BibTeX export (``https://aclanthology.org/<id>.bib``)."""

from __future__ import annotations

import re

from pybtex.database import Person, parse_string
from pybtex.scanner import PybtexError

from ..bib.text import latex_to_plain
from .http import Client, SourceError
from .record import Record


def fetch(client: Client, anthology_id: str) -> Record:
    answer = client.get("anthology", f"/{anthology_id}.bib")
    return record_of_bibtex(
        answer.text, "anthology", answer.url, f"ACL Anthology {anthology_id}", anthology_id
    )


def _without_homonym_number(person: Person) -> str:
    """DBLP numbers namesakes ("Kun Zhou 0002"), which BibTeX reads as a surname."""
    if person.last_names and re.fullmatch(r"\d{4}", person.last_names[-1]) and not person.lineage_names:
        parts = person.first_names + person.middle_names + person.prelast_names + person.last_names[:-1]
        return str(Person(" ".join(parts)))
    return str(person)


def record_of_bibtex(text: str, source: str, url: str, label: str, anthology_id: str = "") -> Record:
    """The first entry of a BibTeX answer (the Anthology's, DBLP's) as a record."""
    try:
        data = parse_string(text, "bibtex")
    except (PybtexError, ValueError) as error:
        raise SourceError(source, f"the answer is not BibTeX ({error})", url) from error
    if not data.entries:
        raise SourceError(source, "the answer holds no BibTeX entry", url)
    entry = next(iter(data.entries.values()))
    values = {name.lower(): value for name, value in entry.fields.items()}

    def plain(name: str) -> str:
        return latex_to_plain(values.get(name, "")) if name != "title" else values.get(name, "")

    month = values.get("month", "").strip().lower()[:3]
    return Record(
        entry_type=entry.type.lower(),
        title=values.get("title", ""),
        authors=[_without_homonym_number(person) for person in entry.persons.get("author", [])],
        year=values.get("year", ""),
        month=month,
        booktitle=plain("booktitle"),
        journal=plain("journal"),
        howpublished=plain("howpublished"),
        volume=values.get("volume", ""),
        number=values.get("number", ""),
        pages=values.get("pages", ""),
        publisher=plain("publisher"),
        address=plain("address"),
        doi=values.get("doi", ""),
        eprint=values.get("eprint", ""),
        anthology=anthology_id,
        url=f"https://aclanthology.org/{anthology_id}/" if anthology_id else values.get("url", ""),
        abstract=plain("abstract"),
        sources=[label],
    )
