"""The nodes a publication list and a paper page are made of, their HTML, and a writer of nodes as HTML."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from docutils import nodes
from docutils.utils import new_document

from . import seam

if TYPE_CHECKING:
    from docutils.nodes import Element, Node
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator


class details(nodes.General, nodes.Element):
    """A disclosure widget: ``<details>``, open and closed by mouse and keyboard without JavaScript."""


class summary(nodes.General, nodes.TextElement):
    """The always-visible label of a ``details``."""


class paper_link(nodes.General, nodes.Inline, nodes.TextElement):
    """Placeholder for a link to the page ``docname`` (a paper's, mostly), keeping its rich content."""


class export_link(nodes.General, nodes.Inline, nodes.TextElement):
    """Placeholder for a link to a file the build writes into the output (``path`` from the outdir root)."""


class rendered_html(nodes.General, nodes.Element):
    """HTML made ahead of time (``html``, a publication list item): the HTML builder writes it as it is.
    Its text children are what the search index reads; no builder shows them."""


class bibtex_code(nodes.literal_block):
    """An entry's BibTeX: a plain literal block, written by the HTML builder without Pygments."""


def doc_link(docname: str, content: Sequence[Node]) -> paper_link:
    """A link to a page (a paper's, the News page) around rich content (math too), resolved when writing."""
    return paper_link("", "", *content, docname=docname)


def link_placeholder(placeholder: paper_link, uri: str) -> None:
    """Replace the placeholder by a link to ``uri`` around the same rich content."""
    placeholder.replace_self(nodes.reference("", "", *placeholder.children, refuri=uri, internal=True))


def visit_details_html(self: HTML5Translator, node: Element) -> None:
    self.body.append(self.starttag(node, "details"))


def depart_details_html(self: HTML5Translator, node: Element) -> None:
    self.body.append("</details>\n")


def visit_summary_html(self: HTML5Translator, node: Element) -> None:
    self.body.append(self.starttag(node, "summary", suffix=""))


def depart_summary_html(self: HTML5Translator, node: Element) -> None:
    self.body.append("</summary>\n")


def visit_rendered_html(self: HTML5Translator, node: Element) -> None:
    self.body.append(node["html"])
    raise nodes.SkipNode


def skip_node(self, node: Element) -> None:
    raise nodes.SkipNode


def visit_bibtex_code_html(self: HTML5Translator, node: Element) -> None:
    """The markup of a ``text`` literal block (sphinx-copybutton finds its ``div.highlight pre``), without
    a Pygments pass per entry and page. With ``element="div"`` the block is a ``div`` styled as a ``pre``
    (publications.css): the theme's start-up pass measures the overflow of every ``pre`` of a page, which on
    a list of one closed toggle per paper forces a layout per entry; publications.js gives such a block its
    tab stop when its toggle opens, and its copy button (sphinx-copybutton selects only ``pre``s)."""
    text = node.astext()
    if not text.endswith("\n"):
        text += "\n"
    element = node.get("element", "pre")
    classes = " ".join([*node["classes"], "highlight-text", "notranslate"])
    self.body.append(
        f'<div class="{classes}"><div class="highlight"><{element} class="pub-bibtex-text"><span></span>'
        # Escaped as Pygments escapes a "text" block.
        f"{html.escape(text, quote=False)}</{element}></div>\n</div>\n"
    )
    raise nodes.SkipNode


def visit_as_literal_block(self, node: Element) -> None:
    self.visit_literal_block(node)


def depart_as_literal_block(self, node: Element) -> None:
    self.depart_literal_block(node)


def visit_passthrough(self, node: Element) -> None:
    """Other builders show the content of a disclosure widget as plain body elements."""


def depart_passthrough(self, node: Element) -> None:
    pass


def add_node_for_every_builder(app: Sphinx, node: type, html: tuple, other: tuple) -> None:
    """Register ``node`` with its HTML visitors, and ``other`` for the builders that write no HTML."""
    app.add_node(node, html=html, latex=other, text=other, man=other, texinfo=other)


def register(app: Sphinx) -> None:
    passthrough = (visit_passthrough, depart_passthrough)
    add_node_for_every_builder(app, details, (visit_details_html, depart_details_html), passthrough)
    add_node_for_every_builder(app, summary, (visit_summary_html, depart_summary_html), passthrough)
    add_node_for_every_builder(app, rendered_html, (visit_rendered_html, None), (skip_node, None))
    add_node_for_every_builder(
        app, bibtex_code, (visit_bibtex_code_html, None), (visit_as_literal_block, depart_as_literal_block)
    )
    app.add_node(paper_link)
    app.add_node(export_link)


class NodeWriter:
    """Writes nodes as the HTML builder writes them, with one translator for many nodes (making one
    costs as much as writing a list item)."""

    def __init__(self, builder) -> None:
        self.builder = builder
        self.document = new_document("<portfolio>", seam.writer_settings(builder))
        self.translator = builder.create_translator(self.document, builder)

    def __call__(self, node: Node, pagename: str) -> str:
        """``node`` as written on page ``pagename``. The translator's state is back where it started
        after each node (every visit has its departure), so only its output is reset."""

        def write() -> str:
            self.document += node
            self.translator.body = []
            try:
                node.walkabout(self.translator)
            finally:
                self.document.remove(node)
            return "".join(self.translator.body)

        return seam.write_as_page(self.builder, pagename, write)
