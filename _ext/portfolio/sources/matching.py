"""Which listed paper is which: the same paper from two sources, a paper already in ``refs.bib``, the
owner's or a namesake's (shared co-authors), and the papers ``refs.ignore`` keeps out (:mod:`.sync`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pybtex.database import Entry, Person

from ..bib.check import normalised_title
from ..bib.text import person_key
from . import people
from .add import identities
from .record import Record

# -- Matching --------------------------------------------------------------------------------------------


def match_keys(record: Record) -> list[tuple[str, str]]:
    keys = [
        ("DOI", record.doi.casefold()),
        ("arXiv id", re.sub(r"v\d+$", "", record.eprint)),
        ("ACL Anthology id", record.anthology.casefold()),
        ("OpenReview id", record.openreview),
    ]
    return [(kind, value) for kind, value in keys if value]


def fuzzy_key(title: str, authors: list[str] | list[Person], year: str) -> tuple[str, str, int] | None:
    if not authors or not re.fullmatch(r"\d{4}", year or ""):
        return None
    first = authors[0] if isinstance(authors[0], Person) else Person(str(authors[0]))
    surname = re.sub(r"\W", "", " ".join(first.last_names)).casefold()
    return normalised_title(title), surname, int(year)


@dataclass
class Known:
    by_id: dict[tuple[str, str], str]
    by_title: dict[tuple[str, str], list[tuple[int, str]]]

    def find(self, record: Record) -> str | None:
        for identity in match_keys(record):
            if identity in self.by_id:
                return self.by_id[identity]
        fuzzy = fuzzy_key(record.title, record.authors, record.year)
        if fuzzy:
            for year, key in self.by_title.get(fuzzy[:2], []):
                if abs(year - fuzzy[2]) <= 1:
                    return key
        return None


def known_of(entries: dict[str, Entry]) -> Known:
    known = Known({}, {})
    for key, entry in entries.items():
        for identity in identities(entry):
            if identity[0] != "title":
                known.by_id.setdefault(identity, key)
        fuzzy = fuzzy_key(
            entry.fields.get("title", ""), entry.persons.get("author", []), entry.fields.get("year", "")
        )
        if fuzzy:
            known.by_title.setdefault(fuzzy[:2], []).append((fuzzy[2], key))
    return known


def merge_candidates(candidates: list[people.Candidate]) -> list[list[people.Candidate]]:
    """Candidates grouped by paper: the same paper listed by two sources (or twice by one) is one group."""
    groups: list[list[people.Candidate]] = []
    index: dict[tuple, int] = {}
    for candidate in candidates:
        keys = [*match_keys(candidate.record)]
        fuzzy = fuzzy_key(candidate.record.title, candidate.record.authors, candidate.record.year)
        if fuzzy:
            keys += [("fuzzy", fuzzy[0], fuzzy[1], fuzzy[2] + delta) for delta in (-1, 0, 1)]
        hit = next((index[key] for key in keys if key in index), None)
        if hit is None:
            hit = len(groups)
            groups.append([])
        groups[hit].append(candidate)
        for key in keys:
            index.setdefault(key, hit)
    return groups


def coauthor_keys(entries: dict[str, Entry], owner_keys: set) -> set:
    return {
        person_key(person)
        for entry in entries.values()
        for person in entry.persons.get("author", [])
        if person_key(person) not in owner_keys
    }


def shared_coauthors(record: Record, known_coauthors: set, owner_keys: set) -> list[str]:
    shared = []
    for name in record.authors:
        key = person_key(Person(name))
        if key not in owner_keys and key in known_coauthors:
            shared.append(name)
    return shared


# -- refs.ignore -----------------------------------------------------------------------------------------


IGNORE_HEADER = """\
# Papers make sync found under the owner's name but did not add (probably someone else's), one per line:
# <kind>:<id>  # title (year): why. Delete a line to have make sync consider that paper again; add one
# (doi:..., arxiv:..., acl:..., title:<title>) to keep a paper out.
"""


def ignore_ids(record: Record) -> list[str]:
    ids = [
        f"{kind}:{value}"
        for kind, value in (
            ("doi", record.doi.casefold()),
            ("arxiv", record.eprint),
            ("acl", record.anthology.casefold()),
        )
        if value
    ]
    return [*ids, f"title:{normalised_title(record.title)}"]


def read_ignore(text: str) -> set[str]:
    ignored = set()
    for line in text.splitlines():
        value = line.split("#", 1)[0].strip()
        if not value:
            continue
        kind, _, rest = value.partition(":")
        kind = kind.strip().lower()
        ignored.add(
            f"title:{normalised_title(rest)}"
            if kind == "title"
            else f"{kind}:{rest.strip().casefold() if kind in {'doi', 'acl'} else rest.strip()}"
        )
    return ignored
