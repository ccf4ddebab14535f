"""Report a bib file that cannot be parsed as a warning naming the file, line and entry.

Left alone, a BibTeX syntax error surfaces as a traceback from sphinxcontrib-bibtex's
``builder-inited`` handler that names neither the file nor the entry, and nothing is built.
This module parses each file of ``bibtex_bibfiles`` first and logs

    refs.bib:6: WARNING: BibTeX syntax error: '}' expected (in the entry starting at line 1, a2020x)

which ``-W`` turns into a failed build. The rest of the site is still built (pybtex skips the
broken entry) so the author can see everything else at once.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pybtex.errors
from pybtex.database import BibliographyData, BibliographyDataError, Entry
from pybtex.database.input.bibtex import Parser
from pybtex.scanner import PybtexSyntaxError
from sphinx.util import logging

from .memo import digest_of_files, remembered

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

ENTRY_START = re.compile(r"^\s*@\s*(\w+)\s*[{(]\s*([^,\s]*)")


@dataclass(frozen=True)
class SyntaxProblem:
    path: Path
    line: int | None
    message: str
    entry_line: int | None = None
    entry_key: str | None = None

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else f"{self.path}:0"

    @property
    def description(self) -> str:
        text = f"BibTeX syntax error: {self.message}"
        if self.entry_line is not None:
            text += f" (in the entry starting at line {self.entry_line}"
            text += f", {self.entry_key})" if self.entry_key else ")"
        return text

    def __str__(self) -> str:
        return f"{self.location}: {self.description}"


def find_syntax_problem(
    path: Path, encoding: str = "utf-8-sig", display: Path | None = None
) -> SyntaxProblem | None:
    """The first syntax error of ``path`` (naming ``display``), or None."""
    problems = find_syntax_problems(path, encoding, display)
    return problems[0] if problems else None


def find_syntax_problems(
    path: Path, encoding: str = "utf-8-sig", display: Path | None = None
) -> list[SyntaxProblem]:
    """Every syntax error of ``path``: pybtex skips a broken entry and reads on, so all are found at once.

    Data errors (a repeated key) are left to :mod:`portfolio.biblint`, which names both lines.
    """
    shown = display or path
    try:
        text = path.read_text(encoding=encoding)
    except (OSError, UnicodeDecodeError) as exc:
        return [SyntaxProblem(shown, None, f"cannot read the file: {exc}")]
    problems = []
    for error in parse_errors(text):
        if isinstance(error, PybtexSyntaxError):
            message = str(error).split(": ", 1)[-1]
            entry_line, entry_key = _entry_before(text, error.lineno)
            problems.append(SyntaxProblem(shown, error.lineno, message, entry_line, entry_key))
    return problems


def parse_errors(text: str) -> list[Exception]:
    """What pybtex objects to in ``text``, read leniently so that one error does not hide the next."""
    return list(lenient_parse(text)[1])


@functools.lru_cache(maxsize=4)
def lenient_parse(text: str) -> tuple[BibliographyData, tuple[Exception, ...]]:
    """pybtex's reading of ``text`` with broken entries skipped, and what it objected to. The syntax
    check, the linter and sphinxcontrib-bibtex all use it: one parse per version of the file (callers must
    not modify it). Entries whose text is unchanged since the last build are not parsed again."""
    return reading_unchanged_entries_again(text) or full_parse(text)


def full_parse(text: str) -> tuple[BibliographyData, tuple[Exception, ...]]:
    strict, captured = pybtex.errors.strict, pybtex.errors.captured_errors
    pybtex.errors.set_strict_mode(False)
    pybtex.errors.captured_errors = []
    try:
        data = Parser().parse_string(text)
        return data, tuple(pybtex.errors.captured_errors)
    finally:
        pybtex.errors.set_strict_mode(strict)
        pybtex.errors.captured_errors = captured


#: The entries of the last build by the digest of their text (``entry_chunks``), set before the file is
#: read again. Content-addressed: an entry is reused only for the very same text, parsed the same way.
REUSABLE: dict[str, Entry] = {}
# What makes one entry's reading depend on another's: macros, a preamble, cross-references.
INTERDEPENDENT = re.compile(r"@\s*(?:string|preamble)\b|\bcrossref\s*=", re.IGNORECASE)
ENTRY_LINE = re.compile(r"^[ \t]*@", re.MULTILINE)


def entry_chunks(text: str) -> list[tuple[str, str]] | None:
    """(key, text) of each entry: the file cut before every line that starts with ``@``. None when
    entries depend on each other, which only a reading of the whole file gets right."""
    if INTERDEPENDENT.search(text):
        return None
    starts = [match.start() for match in ENTRY_LINE.finditer(text)]
    chunks = []
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        chunk = text[start:end]
        match = ENTRY_START.match(chunk)
        chunks.append((match.group(2) if match else "", chunk))
    return chunks


def chunk_digest(chunk: str) -> str:
    return hashlib.sha256(chunk.encode()).hexdigest()


def reading_unchanged_entries_again(text: str) -> tuple[BibliographyData, tuple[()]] | None:
    """The whole file's reading, made of the last build's entries whose text did not change and a reading
    of each entry that did. None (read the whole file) unless every entry reads without any error and
    no key repeats: a full reading then reports the problems with the file's own line numbers. Cutting
    at lines that start with ``@`` cannot join two entries' text; an ``@`` that starts a line inside a
    value cuts an entry in two, which then fail to read on their own."""
    chunks = entry_chunks(text) if REUSABLE else None
    if not chunks:
        return None
    data = BibliographyData()
    seen: set[str] = set()
    for key, chunk in chunks:
        entry = REUSABLE.get(chunk_digest(chunk))
        if entry is not None and entry.key == key:
            entries = [entry]
        else:
            part, errors = full_parse(chunk)
            if errors:
                return None
            entries = list(part.entries.values())
        for entry in entries:
            if entry.key.casefold() in seen:
                return None
            seen.add(entry.key.casefold())
            data.add_entry(entry.key, entry)
    return data, ()


def entries_by_digest(text: str, data: BibliographyData) -> dict[str, Entry]:
    """What ``REUSABLE`` holds for the next build: each entry of ``data`` by its text's digest."""
    chunks = entry_chunks(text) or []
    return {chunk_digest(chunk): data.entries[key] for key, chunk in chunks if key and key in data.entries}


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


def check_bibfiles(app: Sphinx) -> None:
    REUSABLE.clear()
    REUSABLE.update(getattr(app.env, "portfolio_bib_entries", {}))
    lenient = False
    for name in app.config.bibtex_bibfiles:
        path = Path(app.srcdir, name)
        if not path.is_file():
            continue  # sphinxcontrib-bibtex reports a missing file itself
        key = (digest_of_files([path, *CODE]), app.config.bibtex_encoding)
        problems, data_errors, has_errors = remembered(
            app.env, f"bibcheck:{path}", key, lambda path=path: check_file(path, app.config.bibtex_encoding)
        )
        for description, location in problems:
            logger.warning(description, location=location, type="portfolio", subtype="bibtex_syntax")
        if "portfolio.biblint" not in app.extensions:
            for message in data_errors:
                logger.warning(message, location=str(path), type="portfolio", subtype="bibtex_data")
        lenient = lenient or has_errors
    if lenient:
        # Reported above (or by biblint): let pybtex skip what it cannot take instead of raising from
        # sphinxcontrib-bibtex's handler, so the rest of the site still builds.
        pybtex.errors.set_strict_mode(False)
        pybtex.errors.captured_errors = []


def share_the_parse(app: Sphinx) -> None:
    """Give sphinxcontrib-bibtex the entries already read for the check, instead of a second parse.

    Its handler (builder-inited, priority 500) parses the bib files only when its stored data is out of
    date (another file list, encoding or mtime); data stored here with the file's current mtime is what it
    would have parsed, so it keeps it. Only for one bib file that reads without any error: otherwise it
    parses, as it always did, and reports what it finds."""
    from sphinxcontrib.bibtex.bibfile import BibData, BibFile, get_mtime, is_bibdata_outdated

    paths = [(Path(app.confdir) / name).resolve() for name in app.config.bibtex_bibfiles]
    encoding = app.config.bibtex_encoding
    domain = app.env.get_domain("cite")
    if len(paths) != 1 or not paths[0].is_file() or not is_bibdata_outdated(domain.bibdata, paths, encoding):
        return
    mtime = get_mtime(paths[0])
    text = paths[0].read_text(encoding=encoding)
    data, errors = lenient_parse(text)
    if errors:
        app.env.portfolio_bib_entries = {}
        return
    domain.data["bibdata"] = BibData(
        encoding=encoding,
        bibfiles={paths[0]: BibFile(mtime=mtime, keys=dict.fromkeys(data.entries.keys()))},
        data=data,
    )
    # References to the same objects: the environment stores each entry once.
    app.env.portfolio_bib_entries = entries_by_digest(text, data)


def compact_entries(app: Sphinx) -> None:
    """One object per distinct name, field name and short value across the bibliography, after a parse.

    pybtex makes new objects for every author and every field of every entry; co-authors, venues, years
    and field names recur, so most are copies. The parsed entries are stored with the Sphinx environment,
    which every build loads: with each stored once, 5000 entries take 5.5 MB instead of 8 MB and load in
    a fraction of the time. Nothing changes a parsed ``Person`` or field, so sharing them is safe."""
    data = app.env.get_domain("cite").bibdata.data
    if getattr(data, "portfolio_compact", False):
        return
    people: dict[tuple, object] = {}
    strings: dict[str, str] = {}

    def one(text):
        return strings.setdefault(text, text) if isinstance(text, str) and len(text) <= 200 else text

    for entry in data.entries.values():
        for persons in entry.persons.values():
            for index, person in enumerate(persons):
                key = tuple(
                    tuple(parts)
                    for parts in (
                        person.first_names,
                        person.middle_names,
                        person.prelast_names,
                        person.last_names,
                        person.lineage_names,
                    )
                )
                persons[index] = people.setdefault(key, person)
        for mapping in (entry.fields, entry.persons):
            # pybtex's case-insensitive dicts: values by lower-case name, and the names as written.
            mapping._dict = {one(name): one(value) for name, value in mapping._dict.items()}
            for lower, name in list(mapping._keys.items()):
                mapping._keys[lower] = one(name)
        entry.type, entry.original_type = one(entry.type), one(entry.original_type)
    data.portfolio_compact = True


def check_file(path: Path, encoding: str) -> tuple[list[tuple[str, str]], list[str], bool]:
    """(description, location) of each syntax problem, the data errors' messages, and whether pybtex
    reported anything at all."""
    errors = parse_errors(path.read_text(encoding=encoding))
    problems = [(problem.description, problem.location) for problem in find_syntax_problems(path, encoding)]
    data_errors = [str(error) for error in errors if isinstance(error, BibliographyDataError)]
    return problems, data_errors, bool(errors)


def restore_strict_parsing(app: Sphinx) -> None:
    pybtex.errors.set_strict_mode(True)
    pybtex.errors.captured_errors = None


def main(argv: list[str] | None = None) -> int:
    """``python -m portfolio.bibcheck refs.bib ...``: the same check without building the site."""
    paths = [Path(arg) for arg in (sys.argv[1:] if argv is None else argv)] or [Path("refs.bib")]
    problems = [problem for path in paths for problem in find_syntax_problems(path)]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


#: This module's code is part of what its stored results depend on.
CODE = (Path(__file__),)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.bibtex")
    # Around sphinxcontrib-bibtex's parse of the files, which runs at the default priority (500).
    app.connect("builder-inited", check_bibfiles, priority=400)
    app.connect("builder-inited", share_the_parse, priority=460)
    app.connect("builder-inited", compact_entries, priority=510)
    app.connect("builder-inited", restore_strict_parsing, priority=600)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    raise SystemExit(main())
