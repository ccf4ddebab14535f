"""Citation counts of the papers of ``refs.bib`` from Semantic Scholar, for ``citations.yaml``
(its format: :mod:`..bib.citations`).

One open source, Semantic Scholar: it needs no key (OpenAlex requires one since 2026-02-13), it looks papers
up by the identifiers ``refs.bib`` holds (arXiv id, Anthology id, DOI: 500 in one batch request), and each
paper has a public page to link. Google Scholar is never scraped. A paper Semantic Scholar does not answer
for keeps its last count with its old date; a paper gone from ``refs.bib`` loses its count.
"""

from __future__ import annotations

import datetime as dt

from pybtex.database import Entry

from ..bib.citations import Count
from . import semanticscholar
from .http import Client


def lookup_id(entry: Entry) -> str:
    """The identifier Semantic Scholar finds the paper by, best first; "" when there is none."""
    fields = {name.lower(): value.strip() for name, value in entry.fields.items()}
    if fields.get("eprint") and fields.get("archiveprefix", "arXiv").casefold() == "arxiv":
        return f"ARXIV:{fields['eprint']}"
    if fields.get("anthology"):
        return f"ACL:{fields['anthology']}"
    if fields.get("doi"):
        return f"DOI:{fields['doi']}"
    return ""


def fetch(client: Client, entries: dict[str, Entry], today: dt.date) -> dict[str, Count]:
    keys = [key for key, entry in entries.items() if lookup_id(entry)]
    answers = semanticscholar.batch(client, [lookup_id(entries[key]) for key in keys], "citationCount")
    counts = {}
    for key, answer in zip(keys, answers, strict=True):
        if answer and isinstance(answer.get("citationCount"), int) and answer.get("paperId"):
            counts[key] = Count(answer["citationCount"], str(answer["paperId"]), today)
    return counts
