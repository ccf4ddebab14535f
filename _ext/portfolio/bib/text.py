"""BibTeX text as a reader sees it: LaTeX decoded once per string, names compared on plain text, dates.

``Text.from_latex`` is most of the cost of formatting an entry, and venues, pages, years and co-authors
recur across a bibliography: each distinct string is decoded once per process.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable

from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.database import Entry, Person
from pybtex.richtext import String, Tag, Text
from pybtex.scanner import PybtexSyntaxError

from .vocabulary import MONTHS, without_controls

# One backend instance: ``render_as("text")`` would look the plugin up, scanning every installed
# distribution's entry points, on each call.
PLAIN_TEXT = PlainTextBackend()

# Text in which LaTeX decoding changes nothing: words of letters, digits and punctuation that LaTeX does
# not treat specially, single spaces between them. Most abstracts are such text, and decoding a long one
# costs milliseconds. (No backslash, braces, math, ties, quotes, comments, guillemets or ligatures.)
LITERAL_TEXT = re.compile(r"[A-Za-z0-9.,;:()!?/+=*@|\"\[\]-]+(?: [A-Za-z0-9.,;:()!?/+=*@|\"\[\]-]+)*")
# Ligatures LaTeX makes of plain characters: en and em dashes, the low double quote.
LIGATURES = ("--", ",,")


@functools.lru_cache(maxsize=65536)
def latex_text(latex: str) -> Text:
    """``Text.from_latex``, once per distinct string: venues, pages and years recur across a bibliography,
    a title is read for the list, the sort key and the meta tags, and decoding is most of the cost of
    formatting an entry. (pybtex's rich text is never modified in place, so sharing it is safe.)
    Braces that pair with none (a title's ``{{...$T$...}}`` cut at its math) are left out."""
    try:
        return Text.from_latex(latex)
    except PybtexSyntaxError:
        return Text.from_latex(without_unpaired_braces(latex))


def without_unpaired_braces(latex: str) -> str:
    """``latex`` minus each ``{`` or ``}`` (not escaped) that closes or opens no pair."""
    unpaired: set[int] = set()
    opened: list[int] = []
    for match in re.finditer(r"\\.|[{}]", latex):
        if match.group() == "{":
            opened.append(match.start())
        elif match.group() == "}":
            if opened:
                opened.pop()
            else:
                unpaired.add(match.start())
    unpaired.update(opened)
    return "".join(char for index, char in enumerate(latex) if index not in unpaired)


@functools.lru_cache(maxsize=65536)
def latex_to_plain(latex: str) -> str:
    """``{\\"o}`` -> ``ö``: BibTeX field text as a reader sees it."""
    if LITERAL_TEXT.fullmatch(latex) and not any(ligature in latex for ligature in LIGATURES):
        return latex
    return latex_text(without_controls(latex)).render(PLAIN_TEXT)


def plain_field(entry: Entry, name: str) -> str:
    return latex_to_plain(entry.fields.get(name, ""))


# -- Names -----------------------------------------------------------------------------------------------


def person_key(person: Person) -> tuple[str, str]:
    """Compare names on plain text, case-insensitively: ``Zhou, Kun`` equals ``Kun Zhou``."""

    def plain(parts: Iterable[str]) -> str:
        return " ".join(latex_to_plain(part) for part in parts).casefold()

    return plain(person.first_names + person.middle_names), plain(person.prelast_names + person.last_names)


def plain_name(person: Person) -> str:
    """``Kun Zhou``: a name as a reader writes it."""
    parts = person.first_names + person.middle_names + person.prelast_names + person.last_names
    return " ".join(latex_to_plain(part) for part in parts + person.lineage_names)


def is_others(person: Person) -> bool:
    """BibTeX's ``and others``, which ends a truncated author list."""
    return not person.first_names and not person.middle_names and person.last_names == ["others"]


def split_names(value: str) -> list[str]:
    """The names of a field such as ``equal_contribution = {Zikang Liu and Kun Zhou}``."""
    return [name.strip() for name in re.split(r"\s+and\s+", value.strip()) if name.strip()]


def name_keys(value: str) -> frozenset[tuple[str, str]]:
    return frozenset(person_key(Person(name)) for name in split_names(value))


# -- Dates -----------------------------------------------------------------------------------------------


def entry_year(entry: Entry) -> int:
    """The entry's year as a number, 0 when it is missing or not a year (the checks report it)."""
    match = re.fullmatch(r"\s*(\d{4})\s*", entry.fields.get("year", ""))
    return int(match.group(1)) if match else iso_date(entry.fields.get("date", ""))[0]


def month_number(value: str) -> int:
    """The month as 1-12, 0 when unknown: BibTeX macros (``aug``), names and numbers are accepted."""
    raw = value.strip().casefold().rstrip(".")
    if raw.isdigit() and 1 <= int(raw) <= 12:
        return int(raw)
    return MONTHS.get(raw, 0)


def entry_month(entry: Entry) -> int:
    return month_number(entry.fields.get("month", "")) or iso_date(entry.fields.get("date", ""))[1]


ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def iso_date(value: str) -> tuple[int, int, int]:
    """(year, month, day) of a biblatex ``date`` (``2025``, ``2025-11`` or ``2025-11-12``), 0 where a part
    is missing; (0, 0, 0) when it is not such a date (the checks report it)."""
    match = ISO_DATE.fullmatch(value.strip())
    if not match:
        return 0, 0, 0
    year, month, day = (int(part) if part else 0 for part in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return 0, 0, 0
    return year, month, day


def entry_day(entry: Entry) -> int:
    """The day of the month from the ``date`` field, 0 unless it is known and agrees with year and month."""
    year, month, day = iso_date(entry.fields.get("date", ""))
    if not day or year != entry_year(entry) or month != entry_month(entry):
        return 0
    return day


# -- Math in titles --------------------------------------------------------------------------------------

INLINE_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$")
PROTECTED_MATH = re.compile(r"\{\s*(?<!\\)\$([^{}]+?)(?<!\\)\$\s*\}")


def latex_with_math(latex: str) -> Text:
    """Rich text of a LaTeX field whose ``$...$`` parts stay TeX, in a ``math`` tag (written as MathML by
    ``portfolio.mathml``)."""
    # "{$\\ell_1$}" protects the math's case; the braces must not be split from each other.
    latex = PROTECTED_MATH.sub(r"$\1$", without_controls(latex))
    parts: list = []
    position = 0
    for match in INLINE_MATH.finditer(latex):
        parts.extend(_latex_keeping_edges(latex[position : match.start()]))
        parts.append(Tag("math", String(match.group(1))))
        position = match.end()
    parts.extend(_latex_keeping_edges(latex[position:]))
    return Text(*parts)


def _latex_keeping_edges(latex: str) -> list:
    """``Text.from_latex`` drops a fragment's outer spaces; between two math parts they are words' spaces."""
    if not latex:
        return []
    parts: list = [" "] if latex[0].isspace() else []
    if latex.strip():
        # Outside math, "\\$" is a dollar sign; pybtex's decoder would keep the backslash.
        parts.append(latex_text(latex.strip().replace("\\$", "$")))
        if latex[-1].isspace():
            parts.append(" ")
    return parts
