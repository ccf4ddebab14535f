"""One checker of bib files: syntax errors and the lint of each entry, as one kind of :class:`Problem`.

pybtex accepts much that a reader would not: a second entry with a used key is dropped with one
warning, a raw ``%`` silently cuts a field, a DOI pasted as a URL yields a broken link. Each problem
names the file, the line, the entry and the fix:

    refs.bib:42: duplicate key 'zhou2024jiuzhang3' (first at line 6): pybtex keeps only the first entry
    and drops this one; give this paper its own key [portfolio.bib_duplicate_key]

The Sphinx layer logs them as warnings of type ``portfolio`` and subtype ``bib_*`` (so one can be
silenced on purpose with ``suppress_warnings``); ``python -m portfolio.bib check`` (``make check``) prints
them. Syntax and encoding problems are BibTeX's own; the lint (``bib_*``) is the site's policy, which a
build runs only while ``portfolio_bib_checks`` is on.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pybtex.database import BibliographyDataError, Entry, Person
from pybtex.scanner import PybtexSyntaxError

from .parse import ENTRY_START, Macros, lenient_parse, macros_after, read_text
from .scan import RawEntry, scan
from .text import entry_year, iso_date, month_number, person_key, split_names
from .vocabulary import (
    ARXIV,
    CONTROL_CHARACTERS,
    DOI,
    HTTPS_HOSTS,
    KNOWN_TYPES,
    REQUIRED_FIELDS,
    SAFE_KEY,
    TRUE_OR_FALSE,
    UNSAFE_SCHEME,
    URL,
    URL_FIELDS,
    VENUE_FIELDS,
    VENUE_SUBSTITUTES,
    names_a_file,
)

# Fields whose value is a URL: a "%" there is part of a percent-encoding, not a comment.
RAW_PERCENT_OK = frozenset(URL_FIELDS)
SYNTAX = "bibtex_syntax"


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    subtype: str
    message: str

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message} [portfolio.{self.subtype}]"


# -- Syntax ----------------------------------------------------------------------------------------------


def syntax_problems(text: str, path: Path, macros: Macros = ()) -> list[Problem]:
    """Every syntax error of the text: pybtex skips a broken entry and reads on, so all are found at
    once. Data errors (a repeated key) are left to the lint, which names both lines."""
    problems = []
    for error in lenient_parse(text, macros)[1]:
        if isinstance(error, PybtexSyntaxError):
            message = f"BibTeX syntax error: {str(error).split(': ', 1)[-1]}"
            entry_line, entry_key = _entry_before(text, error.lineno)
            if entry_line is not None:
                message += f" (in the entry starting at line {entry_line}"
                message += f", {entry_key})" if entry_key else ")"
            problems.append(Problem(path, error.lineno or 0, SYNTAX, message))
    return problems


def data_errors(text: str, macros: Macros = ()) -> list[str]:
    return [
        str(error) for error in lenient_parse(text, macros)[1] if isinstance(error, BibliographyDataError)
    ]


def _entry_before(text: str, lineno: int | None) -> tuple[int | None, str | None]:
    """The line and key of the last ``@type{key`` that starts before ``lineno`` (1-based)."""
    if not lineno:
        return None, None
    lines = text.splitlines()
    # The parser reports the line where it noticed the problem, usually the next entry's '@'.
    for index in range(min(lineno, len(lines)) - 1, -1, -1):
        match = ENTRY_START.match(lines[index])
        if match and index + 1 < lineno:
            return index + 1, match.group(2) or None
    return None, None


# -- Lint ------------------------------------------------------------------------------------------------


def lint_text(
    text: str,
    path: Path,
    owner_names: Iterable[str] = (),
    today: dt.date | None = None,
    macros: Macros = (),
) -> list[Problem]:
    """Every problem of one bib file's text, in file order."""
    raw_entries = scan(text)
    parsed = lenient_parse(text, macros)[0].entries
    owner_keys = {person_key(Person(name)) for name in owner_names}
    this_year = (today or dt.date.today()).year
    problems: list[Problem] = []

    def report(line: int, subtype: str, message: str) -> None:
        problems.append(Problem(path, line, subtype, message))

    first_line_of_key: dict[str, int] = {}
    for raw in raw_entries:
        folded = raw.key.casefold()
        if folded in first_line_of_key:
            report(
                raw.line,
                "bib_duplicate_key",
                f"duplicate key {raw.key!r} (first at line {first_line_of_key[folded]}): "
                "pybtex keeps only the "
                "first entry and drops this one; give this paper its own key",
            )
            continue
        first_line_of_key[folded] = raw.line
        entry = parsed.get(raw.key)
        if entry is None:
            continue  # a syntax error inside it, reported by syntax_problems
        problems.extend(
            Problem(path, line, subtype, message)
            for line, subtype, message in check_entry(raw, entry, owner_keys, owner_names, this_year)
        )
    problems.extend(duplicate_papers(raw_entries, parsed, path))
    return sorted(problems, key=lambda problem: problem.line)


def check_entry(
    raw: RawEntry, entry: Entry, owner_keys: set, owner_names: Iterable[str], this_year: int
) -> Iterator[tuple[int, str, str]]:
    key = raw.key

    def line_of(name: str) -> int:
        return raw.fields.get(name, (raw.line, ""))[0]

    if raw.type not in KNOWN_TYPES:
        yield (
            raw.line,
            "bib_type",
            f"unknown entry type @{raw.type} in {key!r}: use one of " + ", ".join(sorted(KNOWN_TYPES)),
        )
    if not SAFE_KEY.fullmatch(key):
        yield (
            raw.line,
            "bib_key",
            f"key {key!r} has characters a file name or URL cannot hold: "
            "use letters, digits, '_', '-' and '.'",
        )
    for name in REQUIRED_FIELDS:
        if name == "author":
            if not entry.persons.get("author"):
                yield (
                    raw.line,
                    "bib_missing_field",
                    f"{key!r} has no author field: list the authors, joined by 'and'",
                )
        elif not entry.fields.get(name, "").strip() and not (
            name == "year" and iso_date(entry.fields.get("date", ""))[0]
        ):
            yield raw.line, "bib_missing_field", f"{key!r} has no {name} field"
    venues = VENUE_FIELDS.get(raw.type)
    accepted = (*(venues or ()), *VENUE_SUBSTITUTES.get(raw.type, ()))
    if venues and not any(entry.fields.get(name, "").strip() for name in accepted):
        yield (
            raw.line,
            "bib_missing_field",
            f"{key!r} ({raw.type}) names no venue: add " + " or ".join(venues),
        )
    for name, value in entry.fields.items():
        name = name.lower()
        if CONTROL_CHARACTERS.search(value):
            char = CONTROL_CHARACTERS.search(value).group()
            yield (
                line_of(name),
                "bib_control_char",
                f"{name} of {key!r} contains the control character U+{ord(char):04X}: delete it",
            )
    year = entry.fields.get("year", "").strip()
    if year and not (re.fullmatch(r"\d{4}", year) and 1950 <= int(year) <= this_year + 1):
        yield (
            line_of("year"),
            "bib_year",
            f"year {year!r} of {key!r} is not a year between 1950 and {this_year + 1}",
        )
    month = entry.fields.get("month", "").strip()
    if month and not _is_month(month):
        yield (
            line_of("month"),
            "bib_month",
            f"month {month!r} of {key!r} is not a month: use jan, feb, ... dec",
        )
    if date := entry.fields.get("date", "").strip():
        date_year, date_month, _ = iso_date(date)
        if not date_year:
            yield (
                line_of("date"),
                "bib_date",
                f"date {date!r} of {key!r} is not a date: write 2025-11-12 (or 2025-11, or 2025)",
            )
        elif (year and date_year != entry_year(entry)) or (
            month and date_month and date_month != month_number(month)
        ):
            yield (
                line_of("date"),
                "bib_date",
                f"date {date!r} of {key!r} disagrees with its year and month: correct one of them",
            )
    doi = entry.fields.get("doi", "").strip()
    if doi and not DOI.fullmatch(doi):
        hint = " (write the DOI itself, without https://doi.org/)" if "doi.org/" in doi else ""
        yield (
            line_of("doi"),
            "bib_doi",
            f"doi {doi!r} of {key!r} is not a DOI like 10.18653/v1/2024.acl-long.1{hint}",
        )
    eprint = entry.fields.get("eprint", "").strip()
    if (
        eprint
        and entry.fields.get("archiveprefix", "arXiv").casefold() == "arxiv"
        and not ARXIV.fullmatch(eprint)
    ):
        yield (
            line_of("eprint"),
            "bib_arxiv",
            f"eprint {eprint!r} of {key!r} is not an arXiv id like 2405.14365",
        )
    for name in URL_FIELDS:
        url = entry.fields.get(name, "").strip()
        if not url:
            continue
        if UNSAFE_SCHEME.match(url):
            yield (
                line_of(name),
                "bib_unsafe_url",
                f"{name} of {key!r} is a {url.split(':')[0]}: URL, which is refused: use an https:// link",
            )
        elif name == "pdf" and names_a_file(url):
            continue  # a file of the repository, hosted beside the page (bib.pdfs checks it)
        elif not URL.fullmatch(url):
            yield line_of(name), "bib_url", f"{name} {url!r} of {key!r} is not an http(s) URL"
        elif (host := re.match(r"http://([^/:]+)", url, re.IGNORECASE)) and host.group(
            1
        ).lower() in HTTPS_HOSTS:
            yield (
                line_of(name),
                "bib_http",
                f"{name} of {key!r} uses http:// where https:// works: write https://{url[len('http://') :]}",
            )
    for name, (line, value) in raw.fields.items():
        if name not in RAW_PERCENT_OK and re.search(r"(?<!\\)%", value):
            offset = re.search(r"(?<!\\)%", value).start()
            yield (
                line + value.count("\n", 0, offset),
                "bib_percent",
                f"a raw % in {name} of {key!r} cuts the rest of the field: write \\%",
            )
    authors = [person for person in entry.persons.get("author", []) if str(person) != "others"]
    author_keys = {person_key(person) for person in authors}
    if owner_keys and authors and not author_keys & owner_keys:
        yield (
            line_of("author"),
            "bib_owner",
            f"none of the authors of {key!r} is the site owner ({', '.join(owner_names)}): check the author "
            "list, or add the spelling used here to portfolio_owner_names",
        )
    for name in ("equal_contribution", "corresponding") if authors else ():
        for mark_name in split_names(entry.fields.get(name, "")):
            if person_key(Person(mark_name)) not in author_keys:
                yield (
                    line_of(name),
                    "bib_marks",
                    f"{name} of {key!r} names {mark_name!r}, who is not among its authors: "
                    "spell the name as in author",
                )
    selected = entry.fields.get("selected", "").strip()
    if selected and selected.casefold() not in TRUE_OR_FALSE:
        yield (
            line_of("selected"),
            "bib_selected",
            f"selected = {{{selected}}} of {key!r} is neither true nor false",
        )


def _is_month(value: str) -> bool:
    return month_number(value) != 0


def normalised_title(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).casefold()
    return re.sub(r"[^0-9a-z\u4e00-\u9fff]+", "", re.sub(r"\\[a-z]+|[{}]", "", text))


def duplicate_papers(raw_entries: list[RawEntry], parsed, path: Path) -> Iterator[Problem]:
    """The same paper under two keys: same DOI, same arXiv id or the same title."""
    seen: dict[tuple[str, str], RawEntry] = {}
    reported: set[str] = set()
    for raw in raw_entries:
        entry = parsed.get(raw.key)
        if entry is None or raw.key.casefold() in reported:
            continue
        identities = [
            ("DOI", entry.fields.get("doi", "").strip().casefold()),
            ("arXiv id", re.sub(r"v\d+$", "", entry.fields.get("eprint", "").strip())),
            ("title", normalised_title(entry.fields.get("title", ""))),
        ]
        for kind, value in identities:
            if not value:
                continue
            first = seen.get((kind, value))
            if first is not None and first.key.casefold() != raw.key.casefold():
                reported.add(raw.key.casefold())
                yield Problem(
                    path,
                    raw.line,
                    "bib_duplicate_paper",
                    f"{raw.key!r} is the same paper as {first.key!r} (line {first.line}): "
                    f"same {kind}; keep one entry",
                )
                break
            seen.setdefault((kind, value), raw)


# -- Files -----------------------------------------------------------------------------------------------


def check_texts(
    texts: list[tuple[Path, str]], owner_names: Iterable[str] = (), today: dt.date | None = None
) -> list[Problem]:
    """Every problem of the bib files (path, text), read in order as sphinxcontrib-bibtex reads them:
    ``@string`` macros of one file are known in the next."""
    problems: list[Problem] = []
    owner_names = tuple(owner_names)
    for (path, text), macros in zip(texts, macros_after([text for _, text in texts]), strict=True):
        problems += syntax_problems(text, path, macros)
        problems += lint_text(text, path, owner_names, today, macros)
    return problems


def check_files(
    paths: list[Path], owner_names: Iterable[str] = (), encoding: str = "utf-8-sig", lint: bool = True
) -> list[Problem]:
    """``check_texts`` of files; a file that cannot be read, or not as ``encoding``, is a problem too.
    Without ``lint``, BibTeX's own problems only: syntax, encoding, and pybtex's data errors (a repeated
    key, which the lint would name with both lines)."""
    texts, problems = [], []
    for path in paths:
        text, reason = read_text(path, encoding)
        if reason:
            problems.append(Problem(path, line_of(reason), "bib_encoding" if text else SYNTAX, reason))
        if text:
            texts.append((path, text))
    found = check_texts(texts, owner_names)
    if not lint:
        for path, text in texts:
            problems += [Problem(path, 0, "bibtex_data", message) for message in data_errors(text)]
        found = [problem for problem in found if problem.subtype == SYNTAX]
    return problems + found


def line_of(reason: str) -> int:
    match = re.match(r"line (\d+)", reason)
    return int(match.group(1)) if match else 0
