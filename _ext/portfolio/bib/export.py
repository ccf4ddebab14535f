"""The bibliography as visitors take it away: clean BibTeX and CSL-JSON.

"Clean" means our presentation fields (``venue_short``, ``code``, ``selected``, ...) are left out, so a
copied entry is what a reader would paste into their own paper. The same writer serves the BibTeX toggle
of each entry, the whole-bibliography download and ``make tidy``; CSL-JSON (the format of Zotero, Pandoc
and citeproc) is written from the paper model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pybtex.database import Entry

from .model import Author, Paper, paper_of
from .text import entry_month
from .vocabulary import CSL_TYPES, MONTH_MACROS, PRESENTATION_FIELDS, is_safe_url, without_controls

# Where a field sits in a written entry; fields not listed follow in their order in refs.bib.
FIELD_ORDER = (
    "title",
    "author",
    "editor",
    "booktitle",
    "journal",
    "volume",
    "number",
    "pages",
    "publisher",
    "address",
    "year",
    "month",
)


def clean_fields(entry: Entry) -> list[tuple[str, str]]:
    """The entry's (field, BibTeX value) pairs in a stable order, without our presentation fields."""
    values: dict[str, str] = {}
    for role, persons in entry.persons.items():
        # ``von Last, Jr, First``: the one BibTeX name form that never splits a surname wrongly.
        values[role.lower()] = " and ".join(str(person) for person in persons)
    for name, value in entry.fields.items():
        if name.lower() in PRESENTATION_FIELDS:
            continue
        if name.lower() == "url" and not is_safe_url(value.strip()):
            continue  # never hand a visitor a javascript: or data: link (the checks report it)
        values[name.lower()] = value
    ordered = [name for name in FIELD_ORDER if name in values]
    ordered += [name for name in values if name not in FIELD_ORDER]
    return [(name, values[name]) for name in ordered]


def write_entry(entry: Entry, pairs: Iterable[tuple[str, str]], name_width: int = 0) -> str:
    """``@type{key, name = {value}, ...}``: values in braces, the month as its macro (``nov``), field names
    padded to ``name_width``; the one BibTeX writer of the site (downloads, toggles, ``make tidy``)."""
    lines = [f"@{entry.type}{{{entry.key},"]
    for name, value in pairs:
        padded = name.ljust(name_width)
        if name == "month" and (month := entry_month(entry)):
            lines.append(f"  {padded} = {MONTH_MACROS[month]},")
        else:
            lines.append(f"  {padded} = {{{' '.join(without_controls(value).split())}}},")
    lines.append("}")
    return "\n".join(lines)


def format_bibtex(entry: Entry) -> str:
    """One entry as a visitor copies it: standard fields only."""
    return write_entry(entry, clean_fields(entry))


def bibliography_bibtex(entries: Iterable[Entry]) -> str:
    return "\n\n".join(format_bibtex(entry) for entry in entries) + "\n"


# -- CSL-JSON --------------------------------------------------------------------------------------------


def csl_name(author: Author) -> dict[str, str]:
    if author.group:  # one name of no parts: CSL's "literal", which no style reorders or abbreviates
        return {"literal": author.name}
    name = {"family": author.family}
    if author.given:
        name["given"] = author.given
    if author.suffix:
        name["suffix"] = author.suffix
    return name


def csl_type(paper: Paper) -> str:
    if paper.type == "article":
        return "article-journal" if paper.kind == "journal" else "article"
    return CSL_TYPES.get(paper.type, "article" if paper.kind == "preprint" else "document")


def csl_item(entry: Entry) -> dict[str, Any]:
    """One entry as a CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html)."""
    paper = paper_of(entry)
    item: dict[str, Any] = {"id": paper.key, "type": csl_type(paper), "title": paper.title}
    for role, people in (("author", paper.authors), ("editor", paper.editors)):
        if people:
            item[role] = [csl_name(person) for person in people]
    if paper.year:
        parts = [paper.year, *(part for part in (paper.month, paper.day) if part)]
        item["issued"] = {"date-parts": [parts]}
    if paper.venue:
        # A publisher named as the venue (a book) is the publisher, not a container.
        item["publisher" if paper.venue_field == "publisher" else "container-title"] = paper.venue
    simple = {
        "volume": paper.volume,
        "issue": paper.number,
        "publisher": paper.publisher,
        "publisher-place": paper.address,
        "abstract": paper.abstract_text,
        "DOI": paper.doi,
        "URL": paper.url,
    }
    for csl_field, value in simple.items():
        if value:
            item[csl_field] = value
    if pages := entry.fields.get("pages", "").strip():
        item["page"] = re.sub(r"\s*-+\s*", "-", pages)
    if paper.arxiv:
        item["number" if item["type"] == "article" else "note"] = f"arXiv:{paper.arxiv}"
        item.setdefault("URL", f"https://arxiv.org/abs/{paper.arxiv}")
    return item
