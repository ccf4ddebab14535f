"""Refuse raw HTML in pages.

MyST passes HTML written in a page straight into the output: ``<font color=red>`` from an old homepage,
or an ``onclick`` pasted with it, would reach every visitor unescaped and untouched by the theme (no dark
mode, no accessibility fixes). Each raw HTML fragment is reported with its page and line, with the MyST
to use instead; ``-W`` turns the report into a failed build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)


def report_raw_html(app: Sphinx, doctree: nodes.document) -> None:
    for raw in doctree.findall(nodes.raw):
        if "html" not in raw.get("format", "").split():
            continue
        fragment = " ".join(raw.astext().split())
        logger.warning(
            "raw HTML %r: write it in MyST instead (an admonition, {.class} attributes, a link)",
            fragment[:60] + ("…" if len(fragment) > 60 else ""),
            location=raw,
            type="portfolio",
            subtype="raw_html",
        )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("doctree-read", report_raw_html)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
