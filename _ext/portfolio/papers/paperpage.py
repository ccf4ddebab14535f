"""What a paper page holds of its own: the paper's section (title, badges, all authors, legend, venue,
buttons, abstract, BibTeX, "Cited on"), its head tags (Highwire, description, JSON-LD), its outline and
its "Edit on GitHub" link at the entry's line. ``pages`` stamps them into the shell of the theme."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from docutils import nodes
from pybtex.database import Entry

from ..bib.meta import highwire_tags, scholarly_article
from ..bib.model import paper_of
from ..options import site_base
from .counts import count_of
from .hosting import entry_dates
from .locations import entry_location
from .nodes import NodeWriter
from .render import (
    abstract_paragraphs,
    author_nodes,
    badges,
    bibtex_block,
    cited_by,
    legend,
    link_buttons,
    title_nodes,
    venue_line,
)
from .state import state

if TYPE_CHECKING:
    from sphinx.application import Sphinx


# -- A paper's own parts ---------------------------------------------------------------


def subsection(section_id: str, title: str, body: list[nodes.Node]) -> nodes.section:
    section = nodes.section(ids=[section_id], names=[section_id])
    section += nodes.title("", title)
    section.extend(body)
    return section


def cited_on(app: Sphinx, pagename: str, pages: tuple[tuple[str, str, str], ...]) -> nodes.Element:
    if not pages:
        return nodes.paragraph("", "No page of this site cites it yet.", classes=["pub-cited-on"])
    listing = nodes.bullet_list(classes=["pub-cited-on"])
    for docname, ref_id, title in sorted(pages, key=lambda page: page[2].casefold()):
        uri = app.builder.get_relative_uri(pagename, docname) + f"#{ref_id}"
        paragraph = nodes.paragraph()
        paragraph += nodes.reference("", title, refuri=uri, internal=True)
        listing += nodes.list_item("", paragraph)
    return listing


def paper_section(
    app: Sphinx, pagename: str, entry: Entry, citers: tuple, hosted_pdf: str = ""
) -> nodes.section:
    section = nodes.section(ids=["paper"], names=["paper"], classes=["pub-paper"])
    paper = paper_of(entry)
    section += nodes.title("", "", *title_nodes(entry))
    section += badges(paper)
    section += nodes.paragraph("", "", *author_nodes(entry, truncate=False), classes=["pub-authors"])
    if note := legend([entry]):
        section += note
    section += venue_line(entry)
    if buttons := link_buttons(paper, hosted_pdf):
        section += buttons
    if cited := cited_by(count_of(app.env, entry.key)):
        section += cited
    if abstract := abstract_paragraphs(paper):
        section += subsection("abstract", "Abstract", abstract)
    section += subsection("bibtex", "BibTeX", [bibtex_block(entry)])
    section += subsection("cited-on", "Cited on", [cited_on(app, pagename, citers)])
    return section


def outline(section: nodes.section) -> str:
    """The "On this page" items, as pydata-sphinx-theme writes them for a page's second-level headings."""
    items = []
    for child in section.children:
        if isinstance(child, nodes.section):
            items.append(
                f'<li class="toc-h2 nav-item toc-entry"><a class="reference internal nav-link" '
                f'href="#{child["ids"][0]}">{html.escape(child[0].astext())}</a></li>'
            )
    return "\n".join(items)


def meta_tag(name: str, content: str) -> str:
    return f'<meta content="{html.escape(content)}" name="{html.escape(name)}" />\n'


def parts(app: Sphinx, write: NodeWriter, pagename: str, entry: Entry, citers: tuple) -> dict[str, str]:
    """What the shell's markers stand for on this paper's page."""
    paper = paper_of(entry)
    pdf = state(app.env).hosted.get(entry.key)
    base = site_base(app.config)
    # Google Scholar wants the absolute URL of a PDF in the page's own folder.
    page_url = urljoin(base, app.builder.get_target_uri(pagename)) if base else ""
    pdf_url = urljoin(page_url, pdf.name) if pdf else ""  # without a base URL: the name, relative
    tags = highwire_tags(paper, pdf_url)
    description = next((content for name, content in tags if name == "description"), "")
    head = "".join(meta_tag(name, content) for name, content in tags)
    if "portfolio.seo" in app.extensions:
        from ..opengraph import card_url
        from ..seo import json_ld_script

        changed = entry_dates(app).get(entry.key)
        modified = dt.datetime.fromtimestamp(changed, dt.UTC).date().isoformat() if changed else ""
        head += json_ld_script(
            scholarly_article(
                paper,
                page_url,
                owner=app.config.portfolio_owner_names,
                owner_url=base,
                image=card_url(app.config) if "portfolio_card_image" in app.config else "",
                date_modified=modified,
                pdf_url=pdf_url,
            )
        )
    section = paper_section(app, pagename, entry, citers, pdf.name if pdf else "")
    return {
        "title": html.escape(paper.title or entry.key),
        "head": head,
        "description": html.escape(description),
        "body": write(section, pagename),
        "toc": outline(section),
        "edit": html.escape(edit_url(app, entry.key)),
    }


def edit_url(app: Sphinx, key: str) -> str:
    """The entry in ``refs.bib`` at its line, on GitHub; empty when the repository is not configured."""
    context = app.config.html_context
    user, repo = context.get("github_user"), context.get("github_repo")
    location = entry_location(app, key)
    if not (user and repo and location):
        return ""
    path, _, line = location.rpartition(":")
    try:
        source = Path(path).resolve().relative_to(Path(app.srcdir).resolve()).as_posix()
    except ValueError:  # a bib file outside the site's folder is in no repository we know
        return ""
    version = context.get("github_version", "main")
    return f"https://github.com/{user}/{repo}/blob/{version}/{context.get('doc_path', '')}{source}#L{line}"
