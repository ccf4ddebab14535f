"""Reading bib files: leniently (a broken entry is skipped and reported, the rest is read), once per
version of a file, and re-reading only the entries whose text changed since the last build.

``@string`` macros carry from one file to the next, as they do for sphinxcontrib-bibtex (one pybtex
parser reads every file of ``bibtex_bibfiles`` in order).
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

import pybtex.errors
from pybtex.database import BibliographyData, Entry
from pybtex.database.input.bibtex import Parser

ENTRY_START = re.compile(r"^\s*@\s*(\w+)\s*[{(]\s*([^,\s]*)")

#: Macros as pybtex keeps them: (name, value) pairs, hashable for the per-text cache.
Macros = tuple[tuple[str, str], ...]


def read_text(path: Path, encoding: str = "utf-8-sig") -> tuple[str, str | None]:
    """The file's text, and why it could not be read as ``encoding`` (then the text is decoded with
    replacement characters, so every readable entry is still read), or None."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return "", f"cannot read the file: {error.strerror or error}"
    try:
        return data.decode(encoding), None
    except (UnicodeDecodeError, LookupError) as error:
        offset = getattr(error, "start", 0)
        line = data.count(b"\n", 0, offset) + 1
        return data.decode("utf-8", errors="replace"), (
            f"line {line} is not {encoding} text ({error.__class__.__name__}): save the file as UTF-8"
        )


def full_parse(text: str, macros: Macros = ()) -> tuple[BibliographyData, tuple[Exception, ...], Macros]:
    """pybtex's reading of ``text`` with broken entries skipped, what it objected to, and the macros
    defined once it is read (``macros``: those of the files read before)."""
    strict, captured = pybtex.errors.strict, pybtex.errors.captured_errors
    pybtex.errors.set_strict_mode(False)
    pybtex.errors.captured_errors = []
    try:
        parser = Parser()
        parser.macros.update(macros)
        data = parser.parse_string(text)
        return data, tuple(pybtex.errors.captured_errors), tuple(parser.macros.items())
    finally:
        pybtex.errors.set_strict_mode(strict)
        pybtex.errors.captured_errors = captured


def lenient_parse(text: str, macros: Macros = ()) -> tuple[BibliographyData, tuple[Exception, ...]]:
    """The reading of ``text`` that the checks and sphinxcontrib-bibtex share: one parse per version of
    the file (callers must not modify it). Entries whose text is unchanged since the last build are not
    parsed again."""
    return _lenient_parse(text, macros)


@functools.lru_cache(maxsize=8)
def _lenient_parse(text: str, macros: Macros) -> tuple[BibliographyData, tuple[Exception, ...]]:
    if not macros and (reused := reading_unchanged_entries_again(text)) is not None:
        return reused
    data, errors, _ = full_parse(text, macros)
    return data, errors


def macros_after(texts: list[str]) -> list[Macros]:
    """For each text, the macros defined by the texts before it (what it may use)."""
    result: list[Macros] = []
    macros: Macros = ()
    for text in texts:
        result.append(macros)
        if re.search(r"@\s*string\b", text, re.IGNORECASE):
            macros = full_parse(text, macros)[2]
    return result


# -- Reading only what changed ---------------------------------------------------------------------------

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
    if not starts:  # an empty or comment-only file
        return []
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
            part, errors, _ = full_parse(chunk)
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
