"""The PDFs' content as data, and Typst to typeset it. Pure: no Sphinx.

Our templates (``templates/*.typ``) read one JSON document from ``sys.inputs.data``: the person, the CV's
sections as spans (text, bold, italic, link) and the papers of the paper model, grouped by year newest
first. Text goes in as strings, never as Typst markup, so nothing in the data can be read as code.
Typst bundles its compiler; the fonts come from the ``rendercv-fonts`` package (OFL): Source Sans 3 for
Latin text and Noto Sans SC for Chinese, embedded as subsets. No ``@preview`` package is imported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

from pybtex.database import Entry, Person

from ..bib.model import Paper, paper_of
from ..bib.text import is_others, person_key
from ..bib.vocabulary import MARKS
from .data import CV
from .data import Entry as CvEntry
from .inline import Span, to_spans
from .mathtext import text_spans

TEMPLATES = Path(__file__).resolve().parent / "templates"
FONT_FAMILIES = ("Source Sans 3", "Noto Sans")
DIAGNOSTIC_PLACE = re.compile(r"┌─ (?P<file>[^\n:]+):(?P<line>\d+):(?P<column>\d+)")

#: key -> (the citation's text, the URL it links to); None for a key without a paper.
CitationLookup = Callable[[str], "tuple[str, str] | None"]


class TypesetError(Exception):
    """Typst could not typeset a template: its message, and the template's file and line."""

    def __init__(self, message: str, file: str, line: int) -> None:
        super().__init__(message)
        self.message, self.file, self.line = message, file, line


def font_paths() -> list[Path]:
    import rendercv_fonts

    return [rendercv_fonts.path_of[family] for family in FONT_FAMILIES]


def font_files() -> list[Path]:
    """The font files Typst may embed (a changed one rebuilds the PDFs); none without the package."""
    try:
        folders = font_paths()
    except ImportError:
        return []
    return sorted(path for folder in folders for path in folder.iterdir() if path.suffix in {".ttf", ".otf"})


def template_files() -> list[Path]:
    return sorted(TEMPLATES.glob("*.typ"))


def typeset(template: str, document: dict[str, Any], timestamp: int | None) -> tuple[bytes, list[str]]:
    """The PDF of ``templates/<template>.typ`` over ``document``, and Typst's warnings; TypesetError when
    Typst fails."""
    import typst

    try:
        pdf, warnings = typst.compile_with_warnings(
            str(TEMPLATES / f"{template}.typ"),
            root=str(TEMPLATES),
            font_paths=[str(path) for path in font_paths()],
            ignore_system_fonts=True,
            sys_inputs={"data": json.dumps(document, ensure_ascii=False)},
            format="pdf",
            # Tagged and checked by Typst as PDF/UA-1: a screen reader follows headings, lists and links.
            pdf_standards=["ua-1"],
            timestamp=timestamp,
        )
    except typst.TypstError as error:
        raise typeset_error(error, template) from None
    return pdf, [describe(warning) for warning in warnings]


def typeset_error(error, template: str) -> TypesetError:
    place = DIAGNOSTIC_PLACE.search(getattr(error, "diagnostic", "") or "")
    file = str(template_path(place.group("file")) if place else TEMPLATES / f"{template}.typ")
    hints = "".join(f" (hint: {hint})" for hint in getattr(error, "hints", []) or [])
    return TypesetError(
        f"{getattr(error, 'message', error)}{hints}", file, int(place.group("line")) if place else 1
    )


def template_path(reported: str) -> Path:
    """The file a diagnostic names: Typst gives it relative to the project root or to the working
    directory, whichever it finds shorter."""
    for candidate in (Path(reported), TEMPLATES / reported, Path.cwd() / reported):
        if candidate.is_absolute() and candidate.is_file():
            return candidate.resolve()
    return TEMPLATES / reported


def describe(warning) -> str:
    place = DIAGNOSTIC_PLACE.search(getattr(warning, "diagnostic", "") or "")
    where = f"{place.group('file')}:{place.group('line')}: " if place else ""
    return f"{where}{getattr(warning, 'message', warning)}"


# -- The documents ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """What both documents share: the page, the metadata, the owner's name spellings."""

    page_size: str  # "a4" or "us-letter"
    dated: bool  # the PDF carries a creation date (SOURCE_DATE_EPOCH is known)
    owner_keys: frozenset[tuple[str, str]]
    paper_url: Callable[[Paper], str]


def spans_json(spans: Iterable[Span], cite: CitationLookup) -> list[dict[str, object]]:
    out = []
    for span in spans:
        if span.cite:
            found = [found for key in span.cite if (found := cite(key))]
            for index, (label, url) in enumerate(found):
                out.append({"text": "; " if index else "["})
                out.append({"text": label, "url": url})
            if found:
                out.append({"text": "]"})
        elif span.text:
            out.append(span.as_json())
    return out


def text_json(text: str, cite: CitationLookup) -> list[dict[str, object]]:
    return spans_json(to_spans(text, lambda key: cite(key) is not None), cite)


def entry_json(entry: CvEntry, cite: CitationLookup) -> dict[str, Any]:
    """One CV entry as heading, aside (its dates), a line under it, more lines, bullets."""
    get = entry.get
    heading, sub, lines = "", "", []
    if entry.kind == "education":
        heading, sub = get("institution"), " in ".join(part for part in (get("degree"), get("area")) if part)
    elif entry.kind == "experience":
        heading, sub = get("company"), get("position")
        if mentors := entry.lists.get("mentors"):
            lines.append("**Mentor" + ("s" if len(mentors) > 1 else "") + ":** " + ", ".join(mentors))
    elif entry.kind == "one_line":
        heading = f"**{get('label')}:** {get('details')}"
    elif entry.kind == "publication":
        heading, sub = get("title"), ", ".join(entry.lists.get("authors", ()))
        lines.append(", ".join(part for part in (get("journal"), get("doi") and f"doi:{get('doi')}") if part))
    else:
        key = {
            "bullet": "bullet",
            "numbered": "number",
            "reversed_numbered": "reversed_number",
            "text": "text",
        }
        heading = get(key.get(entry.kind, "name"))
    for key in ("location", "summary"):
        if get(key):
            lines.append(get(key))
    return {
        "heading": text_json(heading, cite),
        "strong": entry.kind in {"education", "experience"},
        "aside": entry.span("written"),
        "sub": text_json(sub, cite),
        "lines": [text_json(line, cite) for line in lines if line],
        "bullets": [text_json(text, cite) for text in entry.lists.get("highlights", ())],
    }


def person_json(cv: CV | None, fallback_name: str) -> dict[str, Any]:
    if cv is None:
        return {"name": fallback_name, "native": "", "headline": "", "links": []}
    person = cv.person
    links = []
    if person.email:
        links.append({"text": person.email, "url": f"mailto:{person.email}"})
    if person.website:
        links.append({"text": re.sub(r"^https?://|/$", "", person.website), "url": person.website})
    for network, username in person.social:
        url = SOCIAL_URLS.get(network, "").format(username)
        links.append(
            {"text": f"{network}: {username}", "url": url} if url else {"text": f"{network}: {username}"}
        )
    return {
        "name": person.name,
        "native": person.native_name,
        "headline": ", ".join(part for part in (person.headline, person.affiliation) if part),
        "location": person.location,
        "links": links,
    }


SOCIAL_URLS = {
    "GitHub": "https://github.com/{}",
    "Google Scholar": "https://scholar.google.com/citations?user={}",
    "ORCID": "https://orcid.org/{}",
    "LinkedIn": "https://www.linkedin.com/in/{}",
    "X": "https://x.com/{}",
    "GitLab": "https://gitlab.com/{}",
    "ResearchGate": "https://www.researchgate.net/profile/{}",
}


def paper_json(entry: Entry, layout: Layout) -> dict[str, Any]:
    paper = paper_of(entry)
    persons: list[Person] = [person for person in entry.persons.get("author", []) if not is_others(person)]
    authors = [
        {"name": author.name, "owner": person_key(person) in layout.owner_keys, "marks": author.marks}
        for author, person in zip(paper.authors, persons, strict=True)
    ]
    return {
        "key": paper.key,
        "title": text_spans(paper.title),
        "url": layout.paper_url(paper),
        "authors": authors,
        "et_al": paper.et_al,
        "venue": paper.venue,
        "label": paper.label,
        "track": paper.track,
        "award": paper.award,
        "year": paper.year,
        "links": [{"label": label, "url": url} for label, url in paper.links],
    }


def papers_json(entries: list[Entry], layout: Layout) -> dict[str, Any]:
    """The papers (already newest first) under their years, and the legend of the marks they use."""
    papers = [paper_json(entry, layout) for entry in entries]
    used = {mark for entry in entries for mark in paper_of(entry).marks}
    years = [
        {"year": str(year) if year else "Undated", "papers": list(group)}
        for year, group in groupby(papers, key=lambda paper: paper["year"])
    ]
    return {
        "legend": [f"{mark} {meaning}" for _, mark, meaning in MARKS if mark in used],
        "years": years,
        "count": len(papers),
    }


def meta_json(title: str, author: str, keywords: list[str], layout: Layout) -> dict[str, Any]:
    return {
        "title": title,
        "author": author,
        "keywords": keywords,
        "page": layout.page_size,
        "dated": layout.dated,
    }


def cv_document(
    cv: CV,
    papers: list[Entry],
    layout: Layout,
    cite: CitationLookup,
    *,
    all_papers: bool,
    more: tuple[int, str],
) -> dict[str, Any]:
    """The CV PDF's document. ``papers``: the ones it lists; ``more``: the count and URL of the full list."""
    total, list_url = more
    listed = papers_json(papers, layout)
    return {
        "meta": meta_json(
            f"{cv.person.name}: Curriculum Vitae", cv.person.name, ["CV", cv.person.name], layout
        ),
        "person": person_json(cv, cv.person.name),
        "sections": [
            {"title": section.title, "entries": [entry_json(entry, cite) for entry in section.entries]}
            for section in cv.sections
        ],
        "papers": {
            **listed,
            "title": "Publications" if all_papers else "Selected Publications",
            "more": {
                "text": f"All {total} publications, with BibTeX and PDF links: ",
                "url": list_url,
            }
            if list_url and (not all_papers or listed["count"] < total)
            else None,
        }
        if listed["count"]
        else None,
    }


def list_document(
    cv: CV | None, owner: str, entries: list[Entry], layout: Layout, site_url: str
) -> dict[str, Any]:
    listed = papers_json(entries, layout)
    return {
        "meta": meta_json(f"{owner}: Publications", owner, ["publications", owner], layout),
        "person": person_json(cv, owner),
        "intro": f"{listed['count']} papers, newest first. The list online: ",
        "site": site_url,
        "papers": {**listed, "title": "Publications", "more": None},
    }
