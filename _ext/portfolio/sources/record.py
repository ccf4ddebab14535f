"""One paper as a source describes it (:class:`Record`), cleaned as the bib checks would clean it, and
turned into a BibTeX entry of ours.

Nothing a source returns is trusted: markup and entities in text become plain text, control characters
and unbalanced braces go, ``%`` is escaped, a URL that is not http(s) is dropped, a name or title of
absurd length and a year outside 1950 to next year are refused.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field, fields, replace

from pybtex.database import Entry, Person
from pybtex.scanner import PybtexError

from ..bib.text import person_key
from ..bib.vocabulary import ARXIV, CONTROL_CHARACTERS, DOI, UNSAFE_SCHEME, URL
from .ids import ANTHOLOGY_NEW, ANTHOLOGY_OLD, DBLP_KEY

LIMITS = {"title": 500, "abstract": 10000, "name": 200, "other": 1000}
MAX_AUTHORS = 500
TAG = re.compile(r"</?[A-Za-z][^<>]*>")
SCRIPT_ELEMENT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
TEXT_FIELDS = (
    "title",
    "booktitle",
    "journal",
    "howpublished",
    "volume",
    "number",
    "pages",
    "publisher",
    "address",
    "note",
    "track",
    "abstract",
)


IDENTIFIERS = {
    "doi": DOI,
    "eprint": ARXIV,
    "anthology": re.compile(f"{ANTHOLOGY_NEW.pattern}|{ANTHOLOGY_OLD.pattern}"),
    "openreview": re.compile(r"[A-Za-z0-9_-]{8,14}"),
    "dblp": DBLP_KEY,
}


class Refused(ValueError):
    """An answer that cannot become an entry; the message says which field and why."""


@dataclass
class Record:
    """A paper as one source describes it. Empty strings are unknown; ``ids`` are where it was read."""

    entry_type: str = "misc"
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: str = ""
    month: str = ""
    date: str = ""
    booktitle: str = ""
    journal: str = ""
    howpublished: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    publisher: str = ""
    address: str = ""
    note: str = ""
    track: str = ""
    doi: str = ""
    eprint: str = ""
    anthology: str = ""
    openreview: str = ""
    dblp: str = ""
    url: str = ""
    abstract: str = ""
    sources: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # what was changed or dropped on the way

    @property
    def venue(self) -> str:
        return self.booktitle or self.journal or self.howpublished

    @property
    def is_preprint(self) -> bool:
        return not (self.booktitle or self.journal) and (
            bool(self.eprint) or "arxiv" in self.howpublished.lower()
        )


def merged(published: Record, preprint: Record) -> Record:
    """The published version's facts, with what only the preprint knows (eprint, abstract, date) kept."""
    values = {}
    for item in fields(Record):
        name = item.name
        mine, theirs = getattr(published, name), getattr(preprint, name)
        if name == "authors" and _same_names(mine, theirs):
            values[name] = [_better_case(a, b) for a, b in zip(mine, theirs, strict=True)]
        elif name in {"sources", "remarks"}:
            values[name] = list(dict.fromkeys([*theirs, *mine]))
        elif name in {"howpublished", "date", "url"} and (published.booktitle or published.journal):
            values[name] = mine  # a preprint's "arXiv preprint" and posting date are not the venue's
        else:
            values[name] = mine or theirs
    return replace(published, **values)


def _same_names(left: list[str], right: list[str]) -> bool:
    return len(left) == len(right) and all(
        name_key(a) == name_key(b) for a, b in zip(left, right, strict=True)
    )


def name_key(name: str) -> tuple[str, str]:
    """:func:`~..bib.text.person_key` of a name as a source spells it ("Zhou, Kun" is "Kun Zhou")."""
    try:
        return person_key(Person(name))
    except PybtexError:  # a name pybtex cannot split (an unbalanced brace): compared as written
        return ("", " ".join(name.split()).casefold())


def _better_case(published: str, preprint: str) -> str:
    """One name spelt by two sources: the published one, unless it shouts a part (the Anthology's
    'Wenyi WU') that the other writes in mixed case."""
    shouting = any(len(part) > 1 and part.isupper() for part in re.split(r"[\s,.-]+", published))
    return preprint if shouting and not preprint.isupper() else published


def clean_text(value: str, name: str = "other") -> str:
    """Plain, single-line BibTeX text of an API's value; :class:`Refused` when it is absurdly long."""
    text = html.unescape(value or "")
    text = TAG.sub(" ", SCRIPT_ELEMENT.sub(" ", text))
    text = CONTROL_CHARACTERS.sub("", text)
    text = re.sub(r"\s+", " ", text).strip()
    if not _balanced(text):
        text = text.replace("{", "").replace("}", "")
    text = re.sub(r"(?<!\\)%", r"\\%", text)
    limit = LIMITS.get(name, LIMITS["other"])
    if len(text) > limit:
        raise Refused(f"the {name} is {len(text)} characters long (more than {limit}): refused")
    return text


def clean_name(value: str) -> str:
    # DBLP tells homonyms apart by a number after the name ("Kun Zhou 0002").
    name = re.sub(r"\s+\d{4}$", "", clean_text(value, "name"))
    return name.replace(" and ", " {and} ")


def clean_url(value: str) -> str:
    url = (value or "").strip()
    if not url or UNSAFE_SCHEME.match(url) or not URL.fullmatch(url) or CONTROL_CHARACTERS.search(url):
        return ""
    return url


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def cleaned(record: Record, today: dt.date | None = None) -> Record:
    """The record with every value cleaned; :class:`Refused` for what cannot be cleaned."""
    this_year = (today or dt.date.today()).year
    values = {name: clean_text(getattr(record, name), name) for name in TEXT_FIELDS}
    values["pages"] = re.sub(r"\s*[-\u2010-\u2015]+\s*", "--", values["pages"])
    if len(record.authors) > MAX_AUTHORS:
        raise Refused(f"{len(record.authors)} authors (more than {MAX_AUTHORS}): refused")
    values["authors"] = [name for name in (clean_name(author) for author in record.authors) if name]
    year = clean_text(record.year)
    if year and not (re.fullmatch(r"\d{4}", year) and 1950 <= int(year) <= this_year + 1):
        raise Refused(f"the year {year!r} is not between 1950 and {this_year + 1}: refused")
    values["year"] = year
    values["date"] = record.date if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", record.date or "") else ""
    values["month"] = record.month if re.fullmatch(r"[a-z]{3}", record.month or "") else ""
    values["url"] = clean_url(record.url)
    remarks = list(record.remarks)
    for name, pattern in IDENTIFIERS.items():
        value = clean_text(getattr(record, name))
        values[name] = value if pattern.fullmatch(value) else ""
        if value and not values[name]:
            remarks.append(f"dropped the {name} {value!r}, which is not one")
    values["remarks"] = remarks
    if not values["title"]:
        raise Refused("the answer has no title")
    if not values["authors"]:
        raise Refused("the answer names no author")
    if not values["year"]:
        raise Refused("the answer gives no year")
    return replace(record, **values)


def to_entry(record: Record, key: str = "new") -> Entry:
    """The record as an entry in our fields (``make tidy``'s normalisation then adds the badge, the
    Findings track and the key)."""
    names = {
        "title": record.title,
        "booktitle": record.booktitle,
        "journal": record.journal,
        "howpublished": record.howpublished,
        "volume": record.volume,
        "number": record.number,
        "pages": record.pages,
        "publisher": record.publisher,
        "address": record.address,
        "year": record.year,
        "month": record.month,
        "date": record.date,
        "doi": record.doi,
        "eprint": record.eprint,
        "archiveprefix": "arXiv" if record.eprint else "",
        "url": record.url,
        "note": record.note,
        "track": record.track,
        "anthology": record.anthology,
        "openreview": record.openreview,
        "abstract": record.abstract,
    }
    entry = Entry(
        record.entry_type,
        fields={name: value for name, value in names.items() if value},
        persons={"author": [Person(_person_text(name)) for name in record.authors]},
    )
    entry.key = key
    return entry


def _person_text(name: str) -> str:
    """``First Last`` as pybtex reads it; a one-word name (an organisation) braced so it stays whole."""
    if "," in name or " " in name.strip():
        return name
    return f"{{{name}}}"
