"""``make add ID=...``: papers from their identifiers, appended to ``refs.bib`` as tidy entries that pass
``make check``, or nothing written at all.

Each identifier is read from the source that owns it (:data:`FETCHERS`), then cross-referenced through
Semantic Scholar: a preprint gets its published version (the Anthology's BibTeX, else Crossref, else DBLP),
keeping its eprint, and a published paper gets its arXiv id. A paper already in ``refs.bib`` (same DOI,
arXiv id, Anthology id, OpenReview id or title) is refused with the key it has.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pybtex.database import Entry

from ..bib.check import check_texts, normalised_title
from ..bib.parse import lenient_parse
from ..bib.tidy import format_entry, normalise, tidy_text
from . import anthology, arxiv, crossref, dblp, openreview, semanticscholar
from .http import Client, NotFound, SourceError
from .ids import BadId, PaperId, anthology_of_doi, parse_id, published_doi
from .record import Record, Refused, cleaned, merged, to_entry

FETCHERS: dict[str, Callable[[Client, str], Record]] = {
    "arxiv": arxiv.fetch,
    "doi": crossref.fetch,
    "anthology": anthology.fetch,
    "openreview": openreview.fetch,
    "dblp": dblp.fetch,
}
# What a source cannot know and the owner may want to add, by field.
OWNER_FIELDS = (
    ("equal_contribution", "equal_contribution / corresponding: the authors with a * or † mark, if any"),
    ("award", "award: an award or an oral/spotlight, if any"),
    ("selected", "selected = {true}: to list it on the home page"),
    ("code", "code: the link to its code, if any"),
)


@dataclass
class Found:
    """A paper looked up: its record, and what was learnt on the way."""

    paper_id: PaperId
    record: Record
    notes: list[str] = field(default_factory=list)


@dataclass
class Added:
    key: str
    entry: Entry
    found: Found
    needs: list[str]


@dataclass
class Outcome:
    added: list[Added] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    text: str = ""


def look_up(client: Client, paper_id: PaperId) -> Found:
    """The paper of one identifier with every other identifier found for it; :class:`SourceError` when its
    own source fails (a failed cross-reference is only a note)."""
    kind, value = paper_id.kind, paper_id.value
    if kind == "doi" and (anthology_id := anthology_of_doi(value)):
        kind, value = "anthology", anthology_id  # the Anthology's record has the abstract and the URL
    found = Found(paper_id, FETCHERS[kind](client, value))
    record = found.record
    best = _best_id(record, kind, value)
    if best is None:
        found.notes.append("no arXiv id, DOI or Anthology id to cross-reference it by")
        return found
    try:
        s2 = semanticscholar.paper(client, *best)
    except NotFound:
        found.notes.append("Semantic Scholar does not know it (yet): no other identifiers looked up")
        return found
    except SourceError as error:
        found.notes.append(f"not cross-referenced: {error}")
        return found
    record.sources.append(f"Semantic Scholar {s2.paper_id}")
    record.eprint = record.eprint or s2.ids.get("arxiv", "")
    record.dblp = record.dblp or s2.ids.get("dblp", "")
    doi = published_doi(s2.ids.get("doi", ""))
    if not record.is_preprint:
        record.doi = record.doi or doi
        record.anthology = record.anthology or s2.ids.get("anthology", "") or anthology_of_doi(record.doi)
        return found
    record.doi = published_doi(record.doi)
    doi = doi or record.doi
    published = published_version(
        client, s2.ids.get("anthology", "") or anthology_of_doi(doi), doi, record.dblp
    )
    if isinstance(published, str):
        if published:
            found.notes.append(published)
    else:
        found.record = merged(published, record)
    return found


def _best_id(record: Record, kind: str, value: str) -> tuple[str, str] | None:
    """The identifier to ask Semantic Scholar by: the one given, else the record's own."""
    if kind in semanticscholar.PREFIX:
        return kind, value
    for kind, value in (("arxiv", record.eprint), ("anthology", record.anthology), ("doi", record.doi)):
        if value:
            return kind, value
    return None


def published_version(client: Client, anthology_id: str, doi: str, dblp_key: str) -> Record | str:
    """The published record of a preprint, or a note saying why there is none ("" when none is known)."""
    tries = [("anthology", anthology_id), ("doi", doi), ("dblp", dblp_key)]
    notes = []
    for kind, value in tries:
        if not value or (kind == "dblp" and value.lower().startswith("journals/corr/")):
            continue
        try:
            record = FETCHERS[kind](client, value)
        except SourceError as error:
            notes.append(f"its published version was not read: {error}")
            continue
        if not record.is_preprint:
            return record
    return "; ".join(notes)


# -- refs.bib ----------------------------------------------------------------------------------------


def identities(entry: Entry) -> list[tuple[str, str]]:
    """What tells this paper apart: DOI, arXiv id, Anthology id, OpenReview id, title."""
    fields = {name.lower(): value.strip() for name, value in entry.fields.items()}
    return [
        (kind, value)
        for kind, value in (
            ("DOI", fields.get("doi", "").casefold()),
            ("arXiv id", re.sub(r"v\d+$", "", fields.get("eprint", ""))),
            ("ACL Anthology id", fields.get("anthology", "").casefold()),
            ("OpenReview id", fields.get("openreview", "")),
            ("title", normalised_title(fields.get("title", ""))),
        )
        if value
    ]


def id_identity(paper_id: PaperId) -> tuple[str, str]:
    kinds = {
        "doi": "DOI",
        "arxiv": "arXiv id",
        "anthology": "ACL Anthology id",
        "openreview": "OpenReview id",
    }
    value = paper_id.value if paper_id.kind in {"arxiv", "openreview"} else paper_id.value.casefold()
    return kinds.get(paper_id.kind, "DBLP key"), value


def known_papers(text: str) -> dict[tuple[str, str], str]:
    known: dict[tuple[str, str], str] = {}
    for key, entry in lenient_parse(text)[0].entries.items():
        for identity in identities(entry):
            known.setdefault(identity, key)
    return known


def needs_of(entry: Entry) -> list[str]:
    fields = {name.lower() for name in entry.fields}
    needs = [text for name, text in OWNER_FIELDS if name not in fields]
    if "abstract" not in fields:
        needs.append("abstract: Google Scholar does not index a paper page without one")
    if "venue_short" not in fields:
        needs.append("venue_short: the badge (its venue is not one make tidy knows)")
    return needs


def entry_of(
    record: Record, cited: set[str], taken: set[str], owner_names: Iterable[str], today: dt.date | None
) -> tuple[Entry, list[str]]:
    """A cleaned record as one of our entries (``make tidy``'s normalisation: badge, track, key), and what
    ``make check`` would say of it alone."""
    entry, _ = normalise(to_entry(record), cited, taken)
    problems = check_texts([(Path("new entry"), format_entry(entry) + "\n")], owner_names, today)
    return entry, [problem.message for problem in problems]


def new_problems(before: str, after: str, owner_names: Iterable[str], today: dt.date | None) -> list[str]:
    """``make check``'s problems of ``after`` when it has more than ``before`` had, else none."""
    owner_names = tuple(owner_names)
    found = check_texts([(Path("refs.bib"), after)], owner_names, today)
    earlier = check_texts([(Path("refs.bib"), before)], owner_names, today)
    return [str(problem) for problem in found] if len(found) > len(earlier) else []


def add_papers(
    ids: Iterable[str],
    text: str,
    client: Client,
    owner_names: Iterable[str] = (),
    cited: Iterable[str] = (),
    today: dt.date | None = None,
    report: Callable[[str], None] = lambda line: None,
) -> Outcome:
    """The new text of ``refs.bib`` with every paper added; when one fails, ``errors`` says why and
    ``text`` is the unchanged text."""
    owner_names, cited = tuple(owner_names), set(cited)
    outcome = Outcome(text=text)
    known = known_papers(text)
    taken = set(lenient_parse(text)[0].entries)
    new_entries: list[Added] = []
    for raw in ids:
        try:
            paper_id = parse_id(raw)
        except BadId as error:
            outcome.errors.append(str(error))
            continue
        if (key := known.get(id_identity(paper_id))) is not None:
            outcome.errors.append(f"{paper_id}: already in refs.bib as {key!r}")
            continue
        report(f"{paper_id}: looking it up")
        try:
            found = look_up(client, paper_id)
            record = cleaned(found.record, today)
        except (SourceError, Refused) as error:
            outcome.errors.append(f"{paper_id}: {error}")
            continue
        entry, problems = entry_of(record, cited, taken, owner_names, today)
        duplicate = next((known[i] for i in identities(entry) if i in known), None)
        if duplicate is not None:
            outcome.errors.append(f"{paper_id}: already in refs.bib as {duplicate!r}")
            continue
        if problems:
            outcome.errors.append(f"{paper_id}: the entry would not pass make check: {'; '.join(problems)}")
            continue
        taken.add(entry.key)
        for identity in identities(entry):
            known.setdefault(identity, entry.key)
        new_entries.append(Added(entry.key, entry, found, needs_of(entry)))
    if outcome.errors or not new_entries:
        return outcome
    appended = (
        text.rstrip("\n") + "\n\n" + "\n\n".join(format_entry(added.entry) for added in new_entries) + "\n"
    )
    result = tidy_text(appended, cited)
    if problems := new_problems(text, result.text, owner_names, today):
        outcome.errors.append("refs.bib would not pass make check: " + "; ".join(problems))
        return outcome
    outcome.added, outcome.text = new_entries, result.text
    return outcome


def write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step, so an interrupted run leaves the old file whole."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
