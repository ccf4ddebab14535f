"""An entry as docutils nodes: what the publication list and a paper page show, made from the paper model
(plain facts) and the pybtex style (rich title, authors and venue)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from docutils import nodes
from pybtex.database import Entry
from pybtex_docutils import Backend as DocutilsBackend

from ..bib.citations import Count, phrase
from ..bib.export import format_bibtex
from ..bib.model import Paper, marks_used, paper_of
from ..bib.style import PortfolioStyle
from ..bib.vocabulary import MARKS
from .nodes import bibtex_code, details, doc_link, summary


class EntryBackend(DocutilsBackend):
    """pybtex_docutils with our tags: hidden authors as a classed span, ``$math$`` as a math node."""

    def format_tag(self, tag_name: str, text: list[nodes.Node]) -> list[nodes.Node]:
        if tag_name == "author-hidden":
            return [nodes.inline("", "", *text, classes=["author-hidden"])]
        if tag_name == "math":
            latex = "".join(child.astext() for child in text)
            return [nodes.math(latex, latex)]
        return super().format_tag(tag_name, text)


BACKEND = EntryBackend()


@functools.cache
def style() -> PortfolioStyle:
    """One instance: constructing a pybtex style looks its helper plugins up by name, which is slow.
    The owner's names and the author limit are read from the class on every call, so config applies."""
    return PortfolioStyle()


def title_nodes(entry: Entry) -> list[nodes.Node]:
    """The title as written; an untitled entry (the checks report it) shows its key instead."""
    if not entry.fields.get("title", "").strip():
        return [nodes.Text(entry.key)]
    return style().format_title(entry).render(BACKEND)


def author_nodes(entry: Entry, truncate: bool) -> list[nodes.Node]:
    return style().format_authors(entry, truncate=truncate).render(BACKEND)


def badges(paper: Paper) -> nodes.paragraph:
    line = nodes.paragraph(classes=["pub-badges"])
    line += nodes.inline("", paper.label, classes=["pub-badge", "pub-venue-badge"])
    if paper.track:
        line += nodes.inline("", paper.track, classes=["pub-badge", "pub-track-badge"])
    if paper.award:
        badge = nodes.inline("", "", classes=["pub-badge", "pub-award-badge"])
        badge += nodes.inline("", "", classes=["fa-solid", "fa-trophy", "pub-award-icon"])
        badge += nodes.Text(paper.award)
        line += badge
    return line


def venue_line(entry: Entry) -> nodes.paragraph:
    line = nodes.paragraph(classes=["pub-venue"])
    line += nodes.emphasis("", "", *style().format_venue(entry).render(BACKEND))
    return line


def link_buttons(paper: Paper, hosted_pdf: str = "") -> nodes.paragraph | None:
    """The paper's buttons; ``hosted_pdf`` (the PDF hosted beside the paper page, as a link from this
    page) is its PDF button, in place of a PDF elsewhere."""
    links = list(paper.links)
    if hosted_pdf:
        links = [("PDF", hosted_pdf)] + [(label, url) for label, url in links if label != "PDF"]
    if not links:
        return None
    line = nodes.paragraph(classes=["pub-links"])
    for label, url in links:
        line += nodes.reference(
            "",
            label,
            refuri=url,
            classes=["pub-link", "pub-link-" + re.sub(r"[^a-z0-9]+", "-", label.lower())],
        )
        line += nodes.Text(" ")
    return line


def bibtex_block(entry: Entry, element: str = "pre") -> nodes.literal_block:
    """The entry's clean BibTeX, plain. Colouring it would add some 70 elements per entry (on a list of
    sixty, three quarters of the page's DOM, which a phone pays for in every layout) and a Pygments pass
    per entry and page to every build. In a list, ``element="div"`` (see ``visit_bibtex_code_html``)."""
    text = format_bibtex(entry)
    return bibtex_code(text, text, language="text", classes=["pub-bibtex-code"], element=element)


def toggle(label: str, body: Iterable[nodes.Node], classes: Sequence[str]) -> details:
    widget = details(classes=["pub-toggle", *classes])
    widget += summary("", label)
    widget.extend(body)
    return widget


def abstract_paragraphs(paper: Paper) -> list[nodes.paragraph]:
    return [nodes.paragraph(text, text) for text in paper.abstract]


def cited_by(count: Count | None) -> nodes.paragraph | None:
    """ "Cited by 12 · Semantic Scholar, 1 Dec 2026", the count linking the record it was read from."""
    if count is None:
        return None
    label, where = phrase(count)
    line = nodes.paragraph(classes=["pub-cited-by"])
    line += nodes.reference("", label, refuri=count.url, classes=["pub-cited-by-link"])
    line += nodes.Text(f" · {where}")
    return line


def entry_item(
    entry: Entry,
    paper_docname: str | None,
    anchor: bool,
    hosted_pdf: str = "",
    count: Count | None = None,
) -> nodes.list_item:
    """One entry of a publication list; with ``anchor`` it carries the bib key as its id."""
    paper = paper_of(entry)
    # Titles and names are shown as written: no typographic quotes in place of the bib's own.
    item = nodes.list_item(classes=["pub-entry", f"pub-kind-{paper.kind}"], support_smartquotes=False)
    if anchor:
        item["ids"].append(entry.key)
    item += badges(paper)
    title = nodes.paragraph(classes=["pub-title"])
    if paper_docname:
        title += doc_link(paper_docname, title_nodes(entry))
    else:
        title.extend(title_nodes(entry))
    item += title
    item += nodes.paragraph("", "", *author_nodes(entry, truncate=True), classes=["pub-authors"])
    item += venue_line(entry)
    if buttons := link_buttons(paper, hosted_pdf):
        item += buttons
    if cited := cited_by(count):
        item += cited
    if abstract := abstract_paragraphs(paper):
        item += toggle("Abstract", abstract, ["pub-abstract"])
    item += toggle("BibTeX", [bibtex_block(entry, element="div")], ["pub-bibtex"])
    return item


def legend(entries: Iterable[Entry]) -> nodes.paragraph | None:
    """What the marks used by ``entries`` mean (read from their fields: a list of thousands of entries is
    re-read whenever one changes, and making each one's model would cost more than its kept item)."""
    used = set().union(*(marks_used(entry) for entry in entries))
    if not used:
        return None
    text = "; ".join(f"{mark} {meaning}" for _, mark, meaning in MARKS if mark in used)
    return nodes.paragraph("", text, classes=["pub-legend"])
