"""The CV page's sections as MyST Markdown, written from the CV data: the source the page is read from.

Each section gets a stable label (``(education)=``), so links into the page survive a renamed title;
an experience becomes a sub-section with its dates and mentors as a definition list, the other entries
nested bullet lists. Pure: no Sphinx (citations become ``{cite:p}`` roles, which Sphinx resolves).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

from .data import CV, Entry, Section
from .inline import to_myst


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "section"


def section_id(section: Section, ids: Mapping[str, str]) -> str:
    return ids.get(section.title) or slug(section.title)


def experience_id(entry: Entry) -> str:
    return entry.get("id") or "experience-" + slug(entry.get("company"))


def sections_markdown(cv: CV, ids: Mapping[str, str], known: Callable[[str], bool]) -> str:
    """Every section of ``cv`` as MyST, headings at level 2 (the page's own title is level 1)."""
    parts = []
    for section in cv.sections:
        lines = [f"({section_id(section, ids)})=", f"## {section.title}", ""]
        if section.kind == "experience":
            for entry in section.entries:
                lines += experience(entry, known)
        else:
            for entry in section.entries:
                lines += item(entry, known)
        parts.append("\n".join(lines).rstrip() + "\n")
    return "\n".join(parts)


def experience(entry: Entry, known: Callable[[str], bool]) -> list[str]:
    lines = [
        f"({experience_id(entry)})=",
        f"### {to_myst(entry.get('position'), known)}, {to_myst(entry.get('company'), known)}",
        "",
    ]
    details = []
    if mentors := entry.lists.get("mentors"):
        details.append("**Mentor:** " + ", ".join(to_myst(name, known) for name in mentors))
    for key in ("location", "summary"):
        if entry.get(key):
            details.append(to_myst(entry.get(key), known))
    details += [to_myst(text, known) for text in entry.lists.get("highlights", ())]
    if span := entry.span():
        lines.append(span)
        lines += [f": {detail}" for detail in details]
    else:
        lines += [f"- {detail}" for detail in details]
    return [*lines, ""]


def item(entry: Entry, known: Callable[[str], bool]) -> list[str]:
    """A bullet of the entry's main line, and a nested bullet per highlight."""
    head = to_myst(headline(entry), known)
    if entry.kind == "text":
        return [head, ""]
    lines = [f"- {head}"]
    if entry.get("summary"):
        lines.append(f"  - {to_myst(entry.get('summary'), known)}")
    lines += [f"  - {to_myst(text, known)}" for text in entry.lists.get("highlights", ())]
    return lines


def headline(entry: Entry) -> str:
    """An entry's main line, in Markdown, by kind."""
    get = entry.get
    if entry.kind == "education":
        degree = f"**{get('degree')}** in " if get("degree") else ""
        return ", ".join(part for part in (degree + get("area"), get("institution"), entry.span()) if part)
    if entry.kind == "one_line":
        return f"**{get('label')}:** {get('details')}"
    if entry.kind == "publication":
        authors = ", ".join(entry.lists.get("authors", ()))
        venue = ", ".join(part for part in (get("journal"), entry.span()) if part)
        title = f"[{get('title')}]({get('url')})" if get("url") else get("title")
        doi = f" [doi:{get('doi')}](https://doi.org/{get('doi')})" if get("doi") else ""
        return ". ".join(part for part in (title, authors, venue) if part) + doi
    main = get(
        {"bullet": "bullet", "numbered": "number", "reversed_numbered": "reversed_number"}.get(
            entry.kind, "name" if entry.kind == "normal" else "text"
        )
    )
    span = entry.span()
    return f"{main}, {span}" if span else main
