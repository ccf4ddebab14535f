"""A scanner of bib files that remembers where things are: each entry's line, and each field's line and
text as written (pybtex keeps neither). The checks use it to name the line to fix."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field


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
            # The end of the entry (or a syntax error, which the syntax check reports).
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


ENTRY_HEAD = re.compile(r"\s*@\w+\s*[{(]\s*([^,\s]+)\s*,")


def entry_lines(text: str) -> dict[str, int]:
    """Key -> line of each ``@type{key,`` (the first, when a key repeats): where an edit link points."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if match := ENTRY_HEAD.match(line):
            found.setdefault(match.group(1), number)
    return found
