"""``python -m portfolio.sources add|sync``: the network tools (``make add ID=...``, ``make sync``)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..bib import citations
from ..bib.cli import conf_values
from ..bib.parse import lenient_parse, read_text
from ..bib.tidy import cited_keys
from .add import add_papers, write_atomically
from .citations import fetch as fetch_counts
from .http import Client, SourceError
from .sync import Settings, sync


def say(line: str) -> None:
    print(line, file=sys.stderr)


def client_for(conf: dict) -> Client:
    return Client(contact=str(conf.get("portfolio_contact", "")))


def read_bib(options: argparse.Namespace) -> tuple[dict, Path, str | None]:
    """``conf.py``'s settings, the bib file and its text (None, said, when it cannot be read)."""
    path: Path = options.bib
    text, reason = read_text(path)
    if reason:
        say(f"{path}: {reason}")
    return conf_values(options.conf), path, None if reason else text


def add(options: argparse.Namespace) -> int:
    conf, path, text = read_bib(options)
    if text is None:
        return 2
    ids = [part for raw in options.ids for part in raw.replace(",", " ").split()]
    if not ids:
        say('give at least one identifier: make add ID=2511.09057 (several: ID="2511.09057 10.18653/v1/...")')
        return 2
    outcome = add_papers(
        ids,
        text,
        client_for(conf),
        conf.get("portfolio_owner_names", ()),
        cited_keys(path.resolve().parent),
        report=say,
    )
    for error in outcome.errors:
        say(f"error: {error}")
    if outcome.errors:
        say(f"{path} left as it was: nothing added (fix or drop the identifiers above, then run again)")
        return 1
    for added in outcome.added:
        record = added.found.record
        badge = added.entry.fields.get("venue_short", "no badge")
        say(f"{added.key}: {record.title} ({badge}); from " + ", ".join(record.sources))
        for note in added.found.notes:
            say(f"  note: {note}")
        if added.needs:
            say("  still for you to add, if it applies:")
            for need in added.needs:
                say(f"    - {need}")
    if options.dry_run:
        say(f"--dry-run: {path} not written")
        return 0
    write_atomically(path, outcome.text)
    say(f"{path}: {len(outcome.added)} entr{'y' if len(outcome.added) == 1 else 'ies'} added; run make check")
    return 0


def sync_command(options: argparse.Namespace) -> int:
    conf, path, text = read_bib(options)
    if text is None:
        return 2
    today = dt.date.fromisoformat(options.today) if options.today else dt.date.today()
    settings = Settings(
        owner_names=list(conf.get("portfolio_owner_names", ())) or ["Kun Zhou"],
        s2_id=str(conf.get("portfolio_semantic_scholar_id", "")),
        dblp_pid=str(conf.get("portfolio_dblp_pid", "")),
        openalex_id=str(conf.get("portfolio_openalex_id", "")),
        orcid=str(conf.get("portfolio_orcid", "")),
    )
    ignore_path: Path = options.ignore
    ignore_text = ignore_path.read_text(encoding="utf-8") if ignore_path.is_file() else ""
    client = client_for(conf)
    outcome = sync(text, ignore_text, client, settings, cited_keys(path.resolve().parent), today, say)
    report = outcome.report
    counts_path: Path = options.citations
    old_counts, problems = (
        citations.parse(counts_path.read_text(encoding="utf-8")) if counts_path.is_file() else ({}, [])
    )
    for problem in problems:
        report.failed.append(f"- {counts_path}: {problem}")
    entries = lenient_parse(outcome.text)[0].entries
    say("Semantic Scholar: citation counts")
    try:
        fetched = fetch_counts(client, dict(entries), today)
    except SourceError as error:
        fetched = {}
        report.failed.append(f"- citation counts: {error}; the last counts are kept with their dates")
        counts_failed = True
    else:
        counts_failed = False
    counts = citations.updated(old_counts, fetched, set(entries))
    if not counts_failed:
        report.citations = (
            f"{len(fetched)} of {len(entries)} papers counted by {citations.SOURCE} on {today.isoformat()}, "
            f"{sum(item.count for item in fetched.values())} citations in all"
            + (
                f"; {len(entries) - len(fetched)} without a count there"
                if len(entries) > len(fetched)
                else ""
            )
            + "."
        )
    listed_nothing = not outcome.candidates and bool(outcome.failed_sources)
    markdown = report.markdown()
    if options.report:
        options.report.parent.mkdir(parents=True, exist_ok=True)
        options.report.write_text(markdown, encoding="utf-8")
    print(markdown)
    if listed_nothing and counts_failed:
        say(f"make sync: no source answered; {path} left as it was")
        return 1
    if options.dry_run:
        say("--dry-run: nothing written")
        return 0
    if outcome.text != text:
        write_atomically(path, outcome.text)
    if outcome.ignore_text != ignore_text:
        write_atomically(ignore_path, outcome.ignore_text)
    serialised = citations.serialise(counts)
    if not counts_path.is_file() or counts_path.read_text(encoding="utf-8") != serialised:
        write_atomically(counts_path, serialised)
    say(
        f"make sync: {len(report.added)} added, {len(report.upgraded)} upgraded, "
        f"{len(report.strangers)} set aside"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portfolio.sources", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    adding = commands.add_parser(
        "add", help="add papers to refs.bib from their arXiv id, DOI, Anthology id, ..."
    )
    adding.add_argument("ids", nargs="*", help="identifiers, or URLs of the papers")
    adding.add_argument("--bib", type=Path, default=Path("refs.bib"), help="the bib file (default: refs.bib)")
    adding.add_argument("--conf", type=Path, default=Path("."), help="folder of conf.py (default: .)")
    adding.add_argument("--dry-run", action="store_true", help="show what would be added; write nothing")
    adding.set_defaults(run=add)
    syncing = commands.add_parser(
        "sync", help="add the owner's new papers, upgrade preprints, count citations"
    )
    syncing.add_argument(
        "--bib", type=Path, default=Path("refs.bib"), help="the bib file (default: refs.bib)"
    )
    syncing.add_argument("--conf", type=Path, default=Path("."), help="folder of conf.py (default: .)")
    syncing.add_argument("--ignore", type=Path, default=Path("refs.ignore"), help="papers not to add")
    syncing.add_argument("--citations", type=Path, default=Path("citations.yaml"), help="the counts file")
    syncing.add_argument(
        "--report", type=Path, default=Path("_build/sync-report.md"), help="the Markdown report"
    )
    syncing.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    syncing.add_argument("--today", default="", help=argparse.SUPPRESS)
    syncing.set_defaults(run=sync_command)
    options = parser.parse_args(argv)
    return options.run(options)
