"""Checks of ``refs.bib`` that catch a pasted entry's mistakes before they cost a paper.

pybtex accepts much that a reader would not: a second entry with a used key is dropped with one
warning, a raw ``%`` silently cuts a field, a DOI pasted as a URL yields a broken link. Each check
here names the file, the line and the fix:

    refs.bib:42: WARNING: duplicate key 'zhou2024jiuzhang3' (first at line 6): pybtex keeps only the
    first entry and drops this one; give this paper its own key [portfolio.bib_duplicate_key]

The checks run in every build (as warnings, which ``-W`` turns into a failed build; each has a
``portfolio.bib_*`` subtype, so one can be silenced on purpose with ``suppress_warnings``) and without
Sphinx: ``python -m portfolio.biblint refs.bib`` (``make check``), which also runs the syntax check of
:mod:`portfolio.bibcheck`.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pybtex.database import BibliographyData, Entry, Person
from sphinx.util import logging

from .bibcheck import find_syntax_problems, lenient_parse
from .bibstyle import CONTROL_CHARACTERS, HTTPS_HOSTS, MONTHS, SAFE_KEY, person_key
from .memo import digest_of_files, remembered

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

KNOWN_TYPES = frozenset(
    {
        "article",
        "book",
        "booklet",
        "conference",
        "inbook",
        "incollection",
        "inproceedings",
        "manual",
        "mastersthesis",
        "misc",
        "phdthesis",
        "proceedings",
        "techreport",
        "unpublished",
    }
)
# The field that names where the paper appeared, per type; any one of a tuple will do.
VENUE_FIELDS = {
    "article": ("journal",),
    "inproceedings": ("booktitle",),
    "conference": ("booktitle",),
    "incollection": ("booktitle",),
    "inbook": ("booktitle", "publisher"),
    "book": ("publisher",),
    "phdthesis": ("school",),
    "mastersthesis": ("school",),
    "techreport": ("institution",),
    "misc": ("howpublished", "journal", "eprint"),
    "unpublished": ("note",),
}
REQUIRED_FIELDS = ("title", "author", "year")
URL_FIELDS = ("url", "pdf", "code", "project", "slides", "poster", "video", "blog")
# Fields whose value is a URL: a "%" there is part of a percent-encoding, not a comment.
RAW_PERCENT_OK = frozenset(URL_FIELDS)
DOI = re.compile(r"10\.\d{4,9}/\S+")
ARXIV = re.compile(r"(\d{4}\.\d{4,5}|[a-z][a-z.-]+(\.[A-Z]{2})?/\d{7})(v\d+)?")
URL = re.compile(r"https?://[^\s/$.?#][^\s\"<>{}]*", re.IGNORECASE)
TRUE_OR_FALSE = frozenset({"true", "false", "yes", "no", "1", "0"})


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    subtype: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message} [portfolio.{self.subtype}]"


# -- A scanner that remembers where things are ----------------------------------------------------


@dataclass
class RawEntry:
    """An entry as written: its type, key and each field's line and raw value (as far as it parses)."""

    type: str
    key: str
    line: int
    fields: dict[str, tuple[int, str]] = field(default_factory=dict)


def scan(text: str) -> list[RawEntry]:
    """Every ``@type{key, ...}`` with its fields' lines; comments, ``@string`` and ``@preamble`` skipped."""
    entries = []
    position = 0
    while (at := text.find("@", position)) >= 0:
        match = re.compile(r"@\s*(\w+)\s*([{(])\s*").match(text, at)
        if not match:
            position = at + 1
            continue
        kind = match.group(1).lower()
        if kind in {"comment", "string", "preamble"}:
            position = _skip_balanced(text, match.end() - 1) if kind != "comment" else match.end()
            continue
        key_match = re.compile(r"([^,\s}]*)\s*,?").match(text, match.end())
        entry = RawEntry(kind, key_match.group(1), _line(text, at))
        position = _scan_fields(text, key_match.end(), entry)
        entries.append(entry)
    return entries


def _line(text: str, offset: int) -> int:
    # Counting newlines from the start for every field would make the scan quadratic in the file's size.
    return bisect.bisect_left(_newlines(text), offset) + 1


@functools.lru_cache(maxsize=2)
def _newlines(text: str) -> list[int]:
    return [match.start() for match in re.finditer("\n", text)]


def _skip_balanced(text: str, opening: int) -> int:
    """The offset after the brace or parenthesis group that starts at ``opening``."""
    close = "}" if text[opening] == "{" else ")"
    depth = 0
    for index in range(opening, len(text)):
        char = text[index]
        if char == text[opening] or (char == "{" and close == ")"):
            depth += 1
        elif char == close or (char == "}" and close == ")"):
            depth -= 1
            if depth == 0:
                return index + 1
    return len(text)


FIELD_START = re.compile(r"\s*([A-Za-z][\w:.+-]*)\s*=\s*")


def _scan_fields(text: str, position: int, entry: RawEntry) -> int:
    while True:
        match = FIELD_START.match(text, position)
        if not match:
            # The end of the entry (or a syntax error, which bibcheck reports).
            end = re.compile(r"\s*[})]").match(text, position)
            return end.end() if end else position + 1
        name = match.group(1).lower()
        value_start = match.end()
        value_end = _value_end(text, value_start)
        entry.fields.setdefault(name, (_line(text, match.start(1)), text[value_start:value_end]))
        position = value_end
        comma = re.compile(r"\s*,").match(text, position)
        if comma:
            position = comma.end()


def _value_end(text: str, position: int) -> int:
    """The end of a value: braced, quoted or bare parts joined by ``#``."""
    while position < len(text):
        char = text[position]
        if char == "{":
            position = _skip_balanced(text, position)
        elif char == '"':
            depth = 0
            index = position + 1
            while index < len(text) and not (text[index] == '"' and depth == 0):
                depth += {"{": 1, "}": -1}.get(text[index], 0)
                index += 1
            position = index + 1
        else:
            bare = re.compile(r"[^\s,}#)]+").match(text, position)
            position = bare.end() if bare else position
        hash_join = re.compile(r"\s*#\s*").match(text, position)
        if not hash_join:
            return position
        position = hash_join.end()
    return position


# -- The checks -------------------------------------------------------------------------------------


def parse_leniently(text: str) -> BibliographyData:
    """pybtex's reading of the file, with broken entries skipped (they are reported as syntax errors)."""
    return lenient_parse(text)[0]


def lint_text(
    text: str, path: Path, owner_names: Iterable[str] = (), today: dt.date | None = None
) -> list[Problem]:
    """Every problem of one bib file's text, in file order."""
    raw_entries = scan(text)
    parsed = parse_leniently(text).entries
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
            continue  # a syntax error inside it, reported by bibcheck
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
        elif not entry.fields.get(name, "").strip():
            yield raw.line, "bib_missing_field", f"{key!r} has no {name} field"
    venues = VENUE_FIELDS.get(raw.type)
    if venues and not any(entry.fields.get(name, "").strip() for name in venues):
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
        if re.match(r"\s*(javascript|data|vbscript|file):", url, re.IGNORECASE):
            yield (
                line_of(name),
                "bib_unsafe_url",
                f"{name} of {key!r} is a {url.split(':')[0]}: URL, which is refused: use an https:// link",
            )
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
        for mark_name in _names(entry.fields.get(name, "")):
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
    folded = value.casefold().rstrip(".")
    return folded in MONTHS or (folded.isdigit() and 1 <= int(folded) <= 12)


def _names(value: str) -> list[str]:
    return [name.strip() for name in re.split(r"\s+and\s+", value.strip()) if name.strip()]


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


def lint_file(
    path: Path, owner_names: Iterable[str] = (), display: Path | None = None, encoding: str = "utf-8-sig"
) -> list[Problem]:
    shown = display or path
    problems = [
        Problem(shown, syntax.line or 0, "bibtex_syntax", syntax.description)
        for syntax in find_syntax_problems(path, encoding, display=shown)
    ]
    try:
        text = path.read_text(encoding=encoding)
    except (OSError, UnicodeDecodeError):
        return problems
    return problems + lint_text(text, shown, owner_names)


# -- In the build ---------------------------------------------------------------------------------


def lint_bibfiles(app: Sphinx) -> None:
    owner_names = tuple(app.config.portfolio_owner_names)
    for name in app.config.bibtex_bibfiles:
        path = Path(app.srcdir, name)
        if not path.is_file():
            continue
        encoding = app.config.bibtex_encoding
        # The plausible years end next year: a new year is a new key.
        key = (digest_of_files([path, *CODE]), encoding, owner_names, dt.date.today().year)
        problems = remembered(
            app.env,
            f"biblint:{path}",
            key,
            lambda path=path, encoding=encoding: [
                (problem.message, problem.line, problem.subtype)
                for problem in lint_text(path.read_text(encoding=encoding), path, owner_names)
            ],
        )
        for message, line, subtype in problems:
            logger.warning(message, location=f"{path}:{line}", type="portfolio", subtype=subtype)


#: The code whose results ``lint_bibfiles`` keeps between builds.
CODE = (Path(__file__), Path(__file__).with_name("bibstyle.py"))


# -- Command line -----------------------------------------------------------------------------------


def owner_names_from_conf(confdir: Path) -> list[str]:
    """``portfolio_owner_names`` from ``conf.py``, read as Sphinx reads it."""
    from sphinx.config import eval_config_file
    from sphinx.util.tags import Tags

    conf = confdir / "conf.py"
    if not conf.is_file():
        return []
    return list(eval_config_file(conf.resolve(), Tags()).get("portfolio_owner_names", []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portfolio.biblint", description=__doc__.split("\n\n")[0])
    parser.add_argument("bibfiles", nargs="*", type=Path, default=[Path("refs.bib")])
    parser.add_argument("--owner", action="append", help="a spelling of the owner's name (default: conf.py)")
    parser.add_argument("--conf", type=Path, default=Path("."), help="folder of conf.py (default: .)")
    options = parser.parse_args(argv)
    owner_names = options.owner if options.owner else owner_names_from_conf(options.conf)
    problems = [problem for path in options.bibfiles for problem in lint_file(path, owner_names)]
    for problem in problems:
        print(problem, file=sys.stderr)
    count = sum(
        len(scan(path.read_text(encoding="utf-8-sig"))) for path in options.bibfiles if path.is_file()
    )
    verdict = f"{len(problems)} problem(s)" if problems else "no problems"
    print(f"{count} entries checked in {len(options.bibfiles)} file(s): {verdict}", file=sys.stderr)
    return 1 if problems else 0


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("portfolio.bibcheck")
    app.setup_extension("portfolio.bibstyle")
    # Before sphinxcontrib-bibtex reads the files (default priority), after the syntax check (400).
    app.connect("builder-inited", lint_bibfiles, priority=450)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    raise SystemExit(main())
