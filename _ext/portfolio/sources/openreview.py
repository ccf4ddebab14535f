"""OpenReview's API (v2): one note by its id. Each ``content`` field is ``{"value": ...}`` (v1 notes,
which some mirrors still serve, hold the value itself; both are read)."""

from __future__ import annotations

import datetime as dt
import re

from ..bib.vocabulary import MONTH_MACROS
from .anthology import record_of_bibtex
from .http import Client, NotFound, SourceError
from .record import Record

# Venue names of OpenReview's short venues, as their proceedings are cited.
VENUES = {
    "ICLR": "International Conference on Learning Representations",
    "NeurIPS": "Advances in Neural Information Processing Systems",
    "ICML": "International Conference on Machine Learning",
    "COLM": "Conference on Language Modeling",
    "TMLR": "Transactions on Machine Learning Research",
}
TRACKS = {"oral": "Oral", "spotlight": "Spotlight", "poster": "Poster"}


def fetch(client: Client, note_id: str) -> Record:
    """The note from API v2, else from API v1, which alone holds the notes of venues that did not move to
    v2 (ICLR 2023 and before, for one); v2 answers those with an empty list, or 403 or 404."""
    for source in ("openreview", "openreview_v1"):
        try:
            answer = client.get(source, "/notes", {"id": note_id}, not_found=(400, 403, 404))
        except NotFound:
            continue
        body = answer.json(source)
        notes = body.get("notes") if isinstance(body, dict) else None
        if not isinstance(notes, list):
            raise SourceError(source, "the answer has no 'notes' list", answer.url)
        if notes and isinstance(notes[0], dict):
            return record_of(notes[0], note_id, answer.url)
    raise NotFound("openreview", f"no note {note_id} (asked API v2 and v1)")


def value(content: dict, name: str):
    item = content.get(name)
    return item.get("value") if isinstance(item, dict) else item


def record_of(note: dict, note_id: str, url: str = "") -> Record:
    content = note.get("content") if isinstance(note.get("content"), dict) else {}
    venue = str(value(content, "venue") or "")
    if re.match(r"\s*(Submitted to|Under review)", venue, re.IGNORECASE) or not venue:
        raise SourceError(
            "openreview", f"note {note_id} is not an accepted paper (venue {venue or 'none'!r})", url
        )
    bibtex = str(value(content, "_bibtex") or "")
    record = record_of_bibtex(bibtex, "openreview", url, f"OpenReview {note_id}") if bibtex else Record()
    record.sources = [f"OpenReview {note_id}"]
    record.title = record.title or str(value(content, "title") or "")
    authors = value(content, "authors")
    if isinstance(authors, list) and (not record.authors or len(authors) == len(record.authors)):
        record.authors = [str(name) for name in authors]
    record.abstract = str(value(content, "abstract") or "")
    record.openreview = note_id
    record.url = f"https://openreview.net/forum?id={note_id}"
    short, year, kind = _venue_parts(venue)
    record.year = record.year or year or _year_of(note)
    if short in VENUES:
        journal = short == "TMLR"
        record.entry_type = "article" if journal else "inproceedings"
        if journal:
            record.journal, record.booktitle = record.journal or VENUES[short], ""
        else:
            record.booktitle = record.booktitle or VENUES[short]
    elif not record.venue:
        record.entry_type, record.booktitle = "inproceedings", venue
    if kind in TRACKS:
        record.track = TRACKS[kind]
    stamp = note.get("pdate") or note.get("odate") or note.get("cdate")
    if not record.month and isinstance(stamp, int | float):
        record.month = MONTH_MACROS.get(dt.datetime.fromtimestamp(stamp / 1000, dt.UTC).month, "")
    return record


def _venue_parts(venue: str) -> tuple[str, str, str]:
    """``ICLR 2024 poster`` -> (ICLR, 2024, poster)."""
    match = re.match(r"\s*([A-Za-z]+)\s+(\d{4})\s*(\w*)", venue)
    if not match:
        return "", "", ""
    return match.group(1), match.group(2), match.group(3).lower()


def _year_of(note: dict) -> str:
    stamp = note.get("pdate") or note.get("cdate") or note.get("tcdate")
    if isinstance(stamp, int | float):
        return str(dt.datetime.fromtimestamp(stamp / 1000, dt.UTC).year)
    return ""
