"""Open Graph and Twitter card tags: what a link preview shows of a page.

sphinxext-opengraph did this before. It prints "matplotlib is not installed, social cards will not be
generated" when it is imported, whatever its configuration (the site has its own card and never makes
social cards), so every build printed it; and of its work the site used a handful of tags. These are
they: ``og:title`` (the page title without markup), ``og:type`` (``article`` where a page says so in
its ``meta``, as paper pages do), ``og:url`` (the canonical URL), ``og:site_name``, ``og:description``
(the page's description meta, which ``portfolio.seo`` copies into ``og:description``; else its first
paragraph), ``og:image`` with its alt text (``portfolio_card_image``), and ``twitter:card``.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from docutils import nodes

from . import options

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

DESCRIPTION_LENGTH = 200


def plain_title(title: str) -> str:
    """The page title as text: the theme's title may hold markup (``<code>``, a MathML formula)."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", title)).split())


def first_paragraph(doctree: nodes.document | None) -> str:
    paragraph = doctree.next_node(nodes.paragraph) if doctree is not None else None
    if paragraph is None:
        return ""
    text = " ".join(paragraph.astext().split())
    return text if len(text) <= DESCRIPTION_LENGTH else text[: DESCRIPTION_LENGTH - 3].rstrip() + "..."


def card_url(config) -> str:
    """The absolute URL of the site's card image, "" when the site has no base URL or no card."""
    base, image = options.site_base(config), config.portfolio_card_image
    return urljoin(base, image) if base and image else ""


def open_graph_tags(app: Sphinx, pagename: str, context: dict, doctree) -> list[tuple[str, str, str]]:
    """(attribute, name, content) of each tag of the page."""
    config = app.config
    fields = context.get("meta") or {}
    tags = [
        ("property", "og:title", plain_title(context.get("title", ""))),
        ("property", "og:type", fields.get("og:type", "website")),
    ]
    if base := options.site_base(config):
        tags.append(("property", "og:url", urljoin(base, app.builder.get_target_uri(pagename))))
    tags.append(("property", "og:site_name", config.project))
    if description := fields.get("og:description") or first_paragraph(doctree):
        tags.append(("property", "og:description", description))
    if image := card_url(config):
        tags.append(("property", "og:image", image))
        if config.portfolio_card_image_alt:
            tags.append(("property", "og:image:alt", config.portfolio_card_image_alt))
        tags.append(("name", "twitter:card", "summary_large_image"))
    return tags


def add_tags(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.format != "html" or "metatags" not in context:
        return
    context["metatags"] += "".join(
        f'<meta {attribute}="{html.escape(name)}" content="{html.escape(content)}" />\n'
        for attribute, name, content in open_graph_tags(app, pagename, context, doctree)
        if content
    )


def setup(app: Sphinx) -> ExtensionMetadata:
    options.add(app, "portfolio_card_image", "portfolio_card_image_alt")
    app.connect("html-page-context", add_tags)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
