"""DBLP: a record's BibTeX export (``https://dblp.org/rec/<key>.bib``), which ``make tidy`` already knows
how to normalise (``CoRR abs/...`` becomes the arXiv id, the bookkeeping fields go)."""

from __future__ import annotations

import re

from .anthology import record_of_bibtex
from .http import Client
from .ids import anthology_of_doi
from .record import Record


def fetch(client: Client, key: str) -> Record:
    answer = client.get("dblp", f"/rec/{key}.bib", {"param": "1"})
    record = record_of_bibtex(answer.text, "dblp", answer.url, f"DBLP {key}")
    record.dblp = key
    if corr := re.fullmatch(r"journals/corr/abs-(\d{4})-(\d{4,5})", key):
        record.eprint = f"{corr.group(1)}.{corr.group(2)}"
    if record.eprint and record.journal.strip().lower() in {"corr", "arxiv"}:
        record.entry_type, record.journal = "misc", ""
        record.howpublished, record.volume = f"arXiv preprint arXiv:{record.eprint}", ""
        record.url = f"https://arxiv.org/abs/{record.eprint}"
    if not record.anthology and (found := anthology_of_doi(record.doi)):
        record.anthology = found
    return record
