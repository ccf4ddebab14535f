"""``make sync``: the owner's papers that nobody added yet, preprints that were published since, and the
citation counts of every paper.

1. Each source lists the owner's papers (:mod:`.people`); the lists are merged by DOI, arXiv id, Anthology
   id, then normalised title + first author's surname + year (a year apart at most, as a preprint and its
   proceedings often are).
2. A paper already in ``refs.bib`` is matched, not added; when the entry is an arXiv preprint and a source
   lists a published version, the entry is upgraded (venue, pages, DOI/Anthology id, title) keeping the eprint
   and every field the owner curated.
3. Any other paper is the owner's only when it was listed under an author id the owner configured, or when it
   shares at least :data:`SHARED_COAUTHORS` co-authors with ``refs.bib`` (two: one shared name is often a
   coincidence for common names, and with two, 67 of the 69 papers of ``refs.bib`` on 2026-12-01 are
   recognised from the other 68). The rest is reported as "probably someone else" and remembered in
   ``refs.ignore``, so it is not reported again.
4. Citation counts come from Semantic Scholar (see :mod:`.citations`).

Nothing is written with ``--dry-run``; a second run right after the first changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pybtex.database import Entry, Person

from ..bib.parse import lenient_parse
from ..bib.text import person_key
from ..bib.tidy import format_entry, normalise, split_source, tidy_text
from . import people
from .add import entry_of, identities, look_up, needs_of, new_problems, published_version
from .http import Client, SourceError, source_name
from .ids import PaperId
from .matching import (
    IGNORE_HEADER,
    coauthor_keys,
    ignore_ids,
    known_of,
    match_keys,
    merge_candidates,
    read_ignore,
    shared_coauthors,
)
from .record import Record, Refused, cleaned, merged

SHARED_COAUTHORS = 2
VENUE_FIELDS = (
    "booktitle",
    "journal",
    "pages",
    "volume",
    "number",
    "publisher",
    "address",
    "doi",
    "anthology",
)


@dataclass
class Settings:
    owner_names: list[str]
    s2_id: str = ""
    dblp_pid: str = ""
    openalex_id: str = ""
    orcid: str = ""


@dataclass
class Report:
    day: dt.date
    sources: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    upgraded: list[str] = field(default_factory=list)
    strangers: list[str] = field(default_factory=list)
    ignored: int = 0
    matched: int = 0
    unresolved: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    citations: str = ""

    def markdown(self) -> str:
        def section(title: str, lines: list[str], empty: str = "none") -> list[str]:
            return [f"## {title} ({len(lines)})", "", *(lines or [empty]), ""]

        parts = [f"# make sync, {self.day.isoformat()}", ""]
        parts += ["Sources read: " + ("; ".join(self.sources) or "none") + ".", ""]
        parts += [
            f"{self.matched} listed papers are already in refs.bib; {self.ignored} are in refs.ignore.",
            "",
        ]
        parts += section("Added", self.added)
        parts += section("Upgraded from preprint to published", self.upgraded)
        parts += section("Not added: probably someone else", self.strangers)
        if self.unresolved:
            parts += section("Not added: the owner's, but no source gave a usable entry", self.unresolved)
        parts += ["## Citation counts", "", self.citations or "not fetched", ""]
        parts += section("Sources that failed", self.failed)
        if self.notes:
            parts += ["## To do for the owner", "", *(f"- {note}" for note in self.notes), ""]
        return "\n".join(parts).rstrip() + "\n"


# -- Upgrading a preprint --------------------------------------------------------------------------------


def upgraded_entry(entry: Entry, published: Record) -> tuple[Entry, list[str]]:
    """The preprint entry with the published version's venue facts; the owner's fields stay."""
    fields = dict(entry.fields)
    changed = []
    for name in VENUE_FIELDS:
        value = getattr(published, name, "")
        if value and fields.get(name) != value:
            fields[name] = value
            changed.append(name)
    if published.title and published.title != fields.get("title"):
        changed.append(f"title (was {fields.get('title')!r})")
        fields["title"] = published.title
    for name in ("year", "month"):
        value = getattr(published, name)
        if value and fields.get(name) != value:
            fields[name] = value
            changed.append(name)
            fields.pop("date", None)  # the preprint's posting date
    fields.pop("howpublished", None)
    if published.url:
        fields["url"] = published.url
    if fields.get("venue_short", "").startswith("arXiv"):
        fields.pop("venue_short")
    if published.track and "track" not in fields:
        fields["track"] = published.track
    result = Entry(published.entry_type, fields=fields, persons=entry.persons)
    result.key = entry.key
    result, _ = normalise(result, {entry.key}, set())
    return result, changed


# -- The run ---------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    text: str
    ignore_text: str
    report: Report
    candidates: list[people.Candidate]
    failed_sources: set[str] = field(default_factory=set)


def list_everything(
    client: Client, settings: Settings, report: Report, say: Callable[[str], None]
) -> tuple[list[people.Candidate], set[str]]:
    candidates: list[people.Candidate] = []
    failed: set[str] = set()
    steps = [
        ("s2", lambda: people.semantic_scholar(client, settings.owner_names, settings.s2_id)),
        ("dblp", lambda: people.dblp(client, settings.owner_names, settings.dblp_pid)),
        (
            "openalex",
            lambda: people.openalex(client, settings.openalex_id, client.environ, settings.owner_names),
        ),
        ("orcid", lambda: people.orcid(client, settings.orcid)),
    ]
    for source, step in steps:
        say(f"{source_name(source)}: listing the owner's papers")
        try:
            listing = step()
        except SourceError as error:
            failed.add(source)
            report.failed.append(f"- {error}")
            continue
        candidates += listing.candidates
        report.notes += listing.notes
        if listing.candidates:
            report.sources.append(f"{source_name(source)} ({len(listing.candidates)} papers)")
        say(f"{source_name(source)}: {len(listing.candidates)} papers")
    return candidates, failed


def sync(
    text: str,
    ignore_text: str,
    client: Client,
    settings: Settings,
    cited: Iterable[str] = (),
    today: dt.date | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> Outcome:
    today = today or dt.date.today()
    report = Report(today)
    cited = set(cited)
    candidates, failed = list_everything(client, settings, report, say)
    original_entries = dict(lenient_parse(text)[0].entries)
    entries = dict(original_entries)
    owner_keys = {person_key(Person(name)) for name in settings.owner_names}
    known = known_of(entries)
    coauthors = coauthor_keys(entries, owner_keys)
    ignored = read_ignore(ignore_text)
    new_ignores: list[str] = []
    additions: list[Entry] = []
    taken = set(entries)
    groups = merge_candidates(candidates)
    say(f"{len(groups)} distinct papers listed; comparing with refs.bib")
    for group in groups:
        best = max(
            group, key=lambda c: (not c.record.is_preprint, bool(c.record.authors), len(match_keys(c.record)))
        )
        record = best.record
        key = next((k for c in group if (k := known.find(c.record))), None)
        if key is not None:
            report.matched += 1
            entry = entries[key]
            published = next((c.record for c in group if not c.record.is_preprint), None)
            if _is_preprint(entry) and published is not None:
                upgrade = _upgrade(client, entry, published, today)
                if isinstance(upgrade, str):
                    report.failed.append(f"- {key}: {upgrade}")
                else:
                    entries[key], changed = upgrade
                    badge = entries[key].fields.get("venue_short", "published")
                    report.upgraded.append(f"- `{key}`: now {badge} ({', '.join(changed)})")
            continue
        if any(i in ignored for c in group for i in ignore_ids(c.record)):
            report.ignored += 1
            continue
        by_id = any(c.by_owner_id for c in group)
        shared = shared_coauthors(record, coauthors, owner_keys)
        if not by_id and len(shared) < SHARED_COAUTHORS:
            reason = f"shares {len(shared)} co-author{'s' if len(shared) != 1 else ''} with refs.bib" + (
                f" ({', '.join(shared)})" if shared else ""
            )
            names = ", ".join(record.authors[:4]) + (" et al." if len(record.authors) > 4 else "")
            line = f"{record.title} ({record.year}), by {names}"
            report.strangers.append(
                f"- {line}: {reason}; listed by {', '.join(sorted({source_name(c.source) for c in group}))}"
            )
            new_ignores.append(
                f"{ignore_ids(record)[0]}  # {record.title} ({record.year}): {reason}; {today.isoformat()}"
            )
            ignored.update(ignore_ids(record))
            continue
        entry = _new_entry(client, record, today, cited, taken, report)
        if entry is None:
            continue
        taken.add(entry.key)
        additions.append(entry)
        for identity in identities(entry):
            known.by_id.setdefault(identity, entry.key)
        needs = "; ".join(need.split(":")[0] for need in needs_of(entry))
        why = (
            "listed under the owner's id"
            if by_id
            else f"shares {len(shared)} co-authors ({', '.join(shared[:3])})"
        )
        report.added.append(
            f"- `{entry.key}`: {entry.fields.get('title')} ({entry.fields.get('venue_short', 'no badge')}); "
            f"{why}. Still to check: {needs}"
        )
    upgraded = {key for key, entry in entries.items() if entry is not original_entries[key]}
    rebuilt = _rewrite(text, entries, additions, cited) if upgraded or additions else text
    if problems := new_problems(text, rebuilt, settings.owner_names, today):
        report.failed.append(
            "- refs.bib: the result would not pass make check, so it was not written: " + "; ".join(problems)
        )
        rebuilt = text
        report.added, report.upgraded = [], []
    ignore_out = (
        ignore_text
        if not new_ignores
        else (ignore_text or IGNORE_HEADER).rstrip("\n") + "\n" + "\n".join(new_ignores) + "\n"
    )
    return Outcome(rebuilt, ignore_out, report, candidates, failed)


def _is_preprint(entry: Entry) -> bool:
    fields = {name.lower(): value for name, value in entry.fields.items()}
    venue = fields.get("booktitle") or fields.get("journal") or ""
    return bool(fields.get("eprint")) and (not venue or bool(re.search(r"arxiv|corr", venue, re.I)))


def _upgrade(client: Client, entry: Entry, listed: Record, today: dt.date) -> tuple[Entry, list[str]] | str:
    found = published_version(client, listed.anthology, listed.doi, listed.dblp)
    published = found if isinstance(found, Record) else listed
    try:
        published = cleaned(published, today)
    except Refused as error:
        return f"its published version was not usable: {error}"
    if published.is_preprint or not published.venue:
        return "its published version names no venue: " + (
            found if isinstance(found, str) and found else "left as a preprint"
        )
    return upgraded_entry(entry, published)


def _new_entry(
    client: Client, record: Record, today: dt.date, cited: set[str], taken: set[str], report: Report
) -> Entry | None:
    """The full entry of a paper to add: looked up like make add does, else as the source listed it."""
    kinds = (("arxiv", record.eprint), ("anthology", record.anthology), ("doi", record.doi))
    paper_id = next((PaperId(kind, value) for kind, value in kinds if value), None)
    full = record
    if paper_id is not None:
        try:
            found = look_up(client, paper_id)
            full = (
                merged(found.record, record)
                if not found.record.is_preprint or record.is_preprint
                else merged(record, found.record)
            )
        except SourceError as error:
            report.notes.append(f"{paper_id}: read as listed only ({error})")
    try:
        full = cleaned(full, today)
    except Refused as error:
        report.unresolved.append(
            f"- {record.title} ({record.year}): {error}; add it with make add ID=<its id>"
        )
        return None
    # No owner check: the identity guard has decided whose paper it is.
    entry, problems = entry_of(full, cited, taken, (), today)
    if problems:
        report.unresolved.append(f"- {record.title} ({record.year}): " + "; ".join(problems))
        return None
    return entry


def _rewrite(text: str, entries: dict[str, Entry], additions: list[Entry], cited: set[str]) -> str:
    """``text`` with the entries (some upgraded) and the additions, tidied: comments stay with their entry."""
    header, blocks, trailer = split_source(text)
    comments = {block.key: block.comments for block in blocks}
    parts = [header] if header else []
    for key, entry in entries.items():
        parts.append("\n".join([*comments.get(key, []), format_entry(entry)]))
    parts += [format_entry(entry) for entry in additions]
    if trailer:
        parts.append(trailer)
    return tidy_text("\n\n".join(parts) + "\n", cited).text
