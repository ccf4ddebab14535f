"""The CV as data: ``cv.yaml`` read into a typed model, every problem with its line.

The file follows RenderCV's schema (``cv:`` with the person and ``sections:``, a mapping of section
titles to entries), and an entry's kind is told by its keys as RenderCV tells it, so the owner can also
feed the file to RenderCV. Pure: no Sphinx, no docutils. A bad entry is left out and reported; the rest
of the CV stays.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml

from ..yamlsource import compose, line_of

#: Entry kinds and the keys that tell them (RenderCV's "characteristic attributes"), in RenderCV's order.
KIND_KEYS: tuple[tuple[str, frozenset[str]], ...] = (
    ("one_line", frozenset({"label", "details"})),
    ("bullet", frozenset({"bullet"})),
    ("numbered", frozenset({"number"})),
    ("reversed_numbered", frozenset({"reversed_number"})),
    ("publication", frozenset({"title", "authors", "doi", "url", "journal"})),
    ("experience", frozenset({"company", "position"})),
    ("education", frozenset({"institution", "area", "degree", "grade"})),
    ("normal", frozenset({"name"})),
)
#: The keys an entry of each kind must have (RenderCV's required fields).
REQUIRED_KEYS = {
    "one_line": ("label", "details"),
    "bullet": ("bullet",),
    "numbered": ("number",),
    "reversed_numbered": ("reversed_number",),
    "publication": ("title", "authors"),
    "experience": ("company", "position"),
    "education": ("institution", "area"),
    "normal": ("name",),
}
LIST_KEYS = frozenset({"highlights", "mentors", "authors"})
DATE_KEYS = ("start_date", "end_date", "date")
DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


@dataclass(frozen=True)
class Date:
    year: int
    month: int = 0
    day: int = 0
    present: bool = False

    def dotted(self) -> str:
        """As the CV page writes it: ``2022.4``, ``2024``, ``present``."""
        if self.present:
            return "present"
        return f"{self.year}.{self.month}" if self.month else str(self.year)

    def written(self) -> str:
        """As the PDF writes it: ``Apr 2022``, ``2024``, ``Present``."""
        if self.present:
            return "Present"
        return f"{MONTH_NAMES[self.month - 1]} {self.year}" if self.month else str(self.year)


@dataclass(frozen=True)
class Entry:
    kind: str  # one of KIND_KEYS' kinds, or "text" (a plain string)
    line: int
    values: dict[str, str] = field(default_factory=dict)  # the text fields, as written
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)  # highlights, mentors, authors
    dates: dict[str, Date] = field(default_factory=dict)  # start_date, end_date, date
    text_date: str = ""  # a ``date`` that is free text ("Fall 2023"), as RenderCV allows
    lines: dict[str, int] = field(default_factory=dict)  # the line of each key

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    def span(self, style: str = "dotted") -> str:
        """The entry's dates as one text: ``2022.4 -- 2023.6``, or ``Apr 2022 – Jun 2023`` (``written``)."""
        dash = " -- " if style == "dotted" else " – "
        start, end, date = (self.dates.get(key) for key in DATE_KEYS)
        if start and end:
            return getattr(start, style)() + dash + getattr(end, style)()
        if one := (end or start or date):
            return getattr(one, style)()
        return self.text_date


@dataclass(frozen=True)
class Section:
    title: str
    kind: str
    line: int
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Person:
    name: str
    native_name: str = ""
    headline: str = ""
    affiliation: str = ""
    email: str = ""
    website: str = ""
    location: str = ""
    social: tuple[tuple[str, str], ...] = ()  # (network, username)


@dataclass(frozen=True)
class CV:
    person: Person
    sections: tuple[Section, ...]


def read_cv(text: str) -> tuple[CV | None, list[Problem]]:
    """The CV of a ``cv.yaml`` text, and what is wrong in it (by line). None when there is no ``cv:`` with a
    name to make a CV of; otherwise every well-formed entry is in it."""
    root, failure = compose(text)
    if failure is not None:
        return None, [Problem(*failure)]
    if not isinstance(root, yaml.MappingNode):
        return None, [Problem(line_of(root) if root else 1, "the file must be a mapping with a 'cv:' key")]
    top = mapping(root)
    if "cv" not in top or not isinstance(top["cv"][1], yaml.MappingNode):
        return None, [Problem(line_of(root), "no 'cv:' mapping (RenderCV's layout: cv: name, sections)")]
    problems: list[Problem] = []
    cv_node = top["cv"][1]
    fields = mapping(cv_node)
    name = scalar_text(fields.get("name", (0, None))[1])
    if not name:
        return None, [Problem(line_of(cv_node), "cv: has no 'name:'")]
    social = []
    for node in sequence(fields.get("social_networks", (0, None))[1]):
        network = mapping(node) if isinstance(node, yaml.MappingNode) else {}
        pair = (
            scalar_text(network.get("network", (0, None))[1]),
            scalar_text(network.get("username", (0, None))[1]),
        )
        if all(pair):
            social.append(pair)
        else:
            problems.append(Problem(line_of(node), "a social network needs 'network:' and 'username:'"))
    person = Person(
        name=name,
        **{key: scalar_text(fields[key][1]) for key in PERSON_TEXT if key in fields},
        social=tuple(social),
    )
    sections = []
    sections_node = fields.get("sections", (0, None))[1]
    if sections_node is not None and not isinstance(sections_node, yaml.MappingNode):
        problems.append(Problem(line_of(sections_node), "sections: must map each section's title to entries"))
        sections_node = None
    for title, (title_line, node) in mapping(sections_node).items() if sections_node else ():
        section = read_section(title, title_line, node, problems)
        if section is not None:
            sections.append(section)
    return CV(person, tuple(sections)), problems


PERSON_TEXT = ("native_name", "headline", "affiliation", "email", "website", "location")


def read_section(title: str, line: int, node: yaml.Node, problems: list[Problem]) -> Section | None:
    if not isinstance(node, yaml.SequenceNode):
        problems.append(
            Problem(line, f"section {title!r}: its entries must be a list (each starting with '- ')")
        )
        return None
    entries: list[Entry] = []
    for item in node.value:
        entry = read_entry(item, problems)
        if entry is None:
            continue
        if entries and entry.kind != entries[0].kind:
            problems.append(
                Problem(
                    entry.line,
                    f"section {title!r}: {with_article(entry.kind)} entry among {kind_name(entries[0].kind)} "
                    "entries (RenderCV wants one kind per section)",
                )
            )
            continue
        entries.append(entry)
    if not entries:
        if not node.value:  # (when every entry was at fault, each is reported already)
            problems.append(Problem(line, f"section {title!r} has no entry"))
        return None
    return Section(title, entries[0].kind, line, tuple(entries))


def kind_name(kind: str) -> str:
    return kind.replace("_", "-")


def with_article(kind: str) -> str:
    """``an experience``, ``a one-line``."""
    return ("an " if kind[0] in "aeiou" else "a ") + kind_name(kind)


def read_entry(node: yaml.Node, problems: list[Problem]) -> Entry | None:
    line = line_of(node)
    if isinstance(node, yaml.ScalarNode):
        text = scalar_text(node)
        return Entry("text", line, {"text": text}) if text else None
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(line, "an entry must be a text or a mapping of keys"))
        return None
    fields = mapping(node)
    kind = next((kind for kind, keys in KIND_KEYS if keys & fields.keys()), None)
    if kind is None:
        known = ", ".join(sorted({key for _, keys in KIND_KEYS for key in keys}))
        problems.append(
            Problem(
                line,
                f"unknown entry kind (keys: {', '.join(fields) or 'none'}): an entry needs one of {known}",
            )
        )
        return None
    missing = [key for key in REQUIRED_KEYS[kind] if not has_value(key, fields.get(key, (0, None))[1])]
    if missing:
        problems.append(Problem(line, f"{with_article(kind)} entry needs {', '.join(missing)}"))
        return None
    values: dict[str, str] = {}
    lists: dict[str, tuple[str, ...]] = {}
    dates: dict[str, Date] = {}
    text_date = ""
    for key, (key_line, value) in fields.items():
        if key in LIST_KEYS:
            items = sequence(value) if isinstance(value, yaml.SequenceNode) else [value]
            if not all(isinstance(item, yaml.ScalarNode) for item in items):
                problems.append(Problem(key_line, f"{key}: write a list of texts"))
                continue
            lists[key] = tuple(text for item in items if (text := scalar_text(item)))
        elif key in DATE_KEYS:
            date, free_text = read_date(key, value, problems)
            if date is not None:
                dates[key] = date
            text_date = text_date or free_text
        elif isinstance(value, yaml.ScalarNode):
            values[key] = scalar_text(value)
        else:
            problems.append(Problem(key_line, f"{key}: write a text, not a list or a mapping"))
    start, end = dates.get("start_date"), dates.get("end_date")
    if (
        start
        and end
        and not end.present
        and (end.year, end.month, end.day) < (start.year, start.month, start.day)
    ):
        problems.append(
            Problem(fields["end_date"][0], f"end_date {end.dotted()} is before start_date {start.dotted()}")
        )
        dates.pop("end_date")
    key_lines = {key: key_line for key, (key_line, _) in fields.items()}
    return Entry(kind, line, values, lists, dates, text_date, key_lines)


def read_date(key: str, node: yaml.Node, problems: list[Problem]) -> tuple[Date | None, str]:
    """A date of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (``present`` for an end date); RenderCV's ``date``
    may also be free text."""
    raw = node.value if isinstance(node, yaml.ScalarNode) else ""
    text = str(raw).strip()
    if key == "end_date" and text.casefold() == "present":
        return Date(0, present=True), ""
    if match := DATE.fullmatch(text):
        year, month, day = (int(part) if part else 0 for part in match.groups())
        try:
            dt.date(year, month or 1, day or 1)
        except ValueError:
            pass
        else:
            if 1900 <= year <= 2100:
                return Date(year, month, day), ""
    if key == "date" and text and not text[0].isdigit():
        return None, text
    problems.append(
        Problem(
            line_of(node),
            f"{key} {text!r} is not a date: write 2024, 2024-05 or 2024-05-17"
            + (" (or present)" if key == "end_date" else ""),
        )
    )
    return None, ""


# -- YAML nodes ------------------------------------------------------------------------------------------


def mapping(node: yaml.Node | None) -> dict[str, tuple[int, yaml.Node]]:
    """A mapping node's keys -> (line, value node), in file order."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): (line_of(key), value) for key, value in node.value}


def sequence(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def scalar_text(node: yaml.Node | None) -> str:
    """A scalar's text with its runs of white space (folded lines) made one space; "" for anything else."""
    if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
        return ""
    return " ".join(str(node.value).split())


def has_value(key: str, node: yaml.Node | None) -> bool:
    """A text for a text key; a non-empty list (or one text) for a list key."""
    if key in LIST_KEYS and isinstance(node, yaml.SequenceNode):
        return bool(node.value)
    return bool(scalar_text(node))
