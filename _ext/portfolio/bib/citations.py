"""Citation counts as data: ``citations.yaml``, written by ``make sync``, read by the build and
``make check``.

Each paper's count comes with the record it was read from and the day, so a page can say "Cited by 12 ·
Semantic Scholar, 1 Dec 2026" and link the record, and a count that is months old can be flagged.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import yaml

SOURCE = "Semantic Scholar"
PAPER_URL = "https://www.semanticscholar.org/paper/{}"
HEADER = (
    "# Citation counts of the papers of refs.bib, from Semantic Scholar, written by make sync: do not edit.\n"
    "# key: {count, id (Semantic Scholar's paper id), fetched (the day it was read)}\n"
)
STALE_DAYS = 90


@dataclass(frozen=True)
class Count:
    count: int
    paper_id: str
    fetched: dt.date

    @property
    def url(self) -> str:
        return PAPER_URL.format(self.paper_id)


def updated(old: dict[str, Count], fetched: dict[str, Count], keys: set[str]) -> dict[str, Count]:
    return {key: fetched.get(key) or old[key] for key in sorted(keys) if key in fetched or key in old}


def parse(text: str) -> tuple[dict[str, Count], list[str]]:
    """The counts of a ``citations.yaml`` text, and a problem per malformed item (which is skipped)."""
    problems: list[str] = []
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return {}, [
            f"line {line}: not YAML ({getattr(error, 'problem', None) or error}): run make sync again"
        ]
    papers = (data or {}).get("papers", {}) if isinstance(data, dict) else None
    if not isinstance(papers, dict):
        return {}, ["line 1: no 'papers' mapping: run make sync again"]
    counts = {}
    for key, item in papers.items():
        try:
            fetched = item["fetched"]
            if isinstance(fetched, str):
                fetched = dt.date.fromisoformat(fetched)
            if not (isinstance(item["count"], int) and item["count"] >= 0 and isinstance(fetched, dt.date)):
                raise ValueError
            counts[str(key)] = Count(item["count"], str(item["id"]), fetched)
        except (KeyError, TypeError, ValueError):
            problems.append(
                f"line {line_of(text, str(key))}: {key}: needs count (a whole number), id and fetched "
                "(a date)"
            )
    return counts, problems


def serialise(counts: dict[str, Count]) -> str:
    lines = [HEADER, f"source: {SOURCE}", "papers:"]
    for key in sorted(counts):
        item = counts[key]
        lines.append(
            f"  {key}: {{count: {item.count}, id: '{item.paper_id}', fetched: {item.fetched.isoformat()}}}"
        )
    return (
        "\n".join(lines) + "\n" if counts else "\n".join([HEADER, f"source: {SOURCE}", "papers: {}"]) + "\n"
    )


def stale(counts: dict[str, Count], today: dt.date, days: int = STALE_DAYS) -> list[str]:
    return [key for key, item in sorted(counts.items()) if (today - item.fetched).days > days]


def line_of(text: str, key: str) -> int:
    match = re.search(rf"^\s*{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def split_problem(problem: str) -> tuple[int, str]:
    """(line, message) of one of :func:`parse`'s problems ("line 7: ...")."""
    match = re.match(r"line (\d+): (.*)", problem, re.DOTALL)
    return (int(match.group(1)), match.group(2)) if match else (0, problem)


def phrase(item: Count) -> tuple[str, str]:
    """("Cited by 12", "Semantic Scholar, 1 Dec 2026"): what a page shows of a count."""
    day = f"{item.fetched.day} {item.fetched.strftime('%b')} {item.fetched.year}"
    return f"Cited by {item.count}", f"{SOURCE}, {day}"
