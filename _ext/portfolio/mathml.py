"""Math as MathML written at build time: no MathJax, no script, no other host.

Sphinx's default HTML math renderer loads MathJax from a CDN on every page with math, which would break the
site's promise to work offline with no third-party request, the day a paper title has ``$O(n^2)$``. This
renderer (``html_math_renderer = "portfolio_mathml"``) converts each formula with latex2mathml when the page
is written; browsers draw MathML natively and screen readers read it.

A formula it cannot convert (unbalanced braces, ``x^`` with nothing after it, an unknown command) is a
warning naming the page and line, and the page shows the TeX source as code instead: nothing is lost.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata
    from sphinx.writers.html5 import HTML5Translator

logger = logging.getLogger(__name__)

RENDERER = "portfolio_mathml"
# latex2mathml passes a command it does not know through as text: <mi>\foo</mi>.
UNKNOWN_COMMAND = re.compile(r">(\\[A-Za-z]+)<")


def problem_with(latex: str) -> str | None:
    """Why ``latex`` cannot be shown as math, or None."""
    depth = 0
    for match in re.finditer(r"\\.|[{}]", latex):
        if match.group() == "{":
            depth += 1
        elif match.group() == "}":
            depth -= 1
            if depth < 0:
                return "a '}' closes nothing"
    if depth:
        return "a '{' is never closed"
    return None


def to_mathml(latex: str, display: str) -> tuple[str | None, str | None]:
    """(MathML, None) or (None, the reason it cannot be converted)."""
    if reason := problem_with(latex):
        return None, reason
    try:
        mathml = convert(latex, display=display)
    except Exception as error:  # latex2mathml reports malformed input with its own exception classes
        words = re.sub(r"(?<!^)(?=[A-Z])", " ", type(error).__name__).lower().removesuffix(" error")
        return None, f"latex2mathml: {words}" + (f" ({error})" if str(error) else "")
    if unknown := UNKNOWN_COMMAND.search(mathml):
        return None, f"unknown command {unknown.group(1)}"
    return mathml, None


def render(self: HTML5Translator, node: nodes.Element, display: str) -> None:
    latex = node.astext()
    mathml, reason = to_mathml(latex, display)
    if mathml is None:
        logger.warning(
            "cannot show the formula $%s$ as math: %s; it is shown as TeX source",
            latex,
            reason,
            location=node,
            type="portfolio",
            subtype="math",
        )
        tag = "code" if display == "inline" else "pre"
        self.body.append(f'<{tag} class="tex-math">{escape(latex)}</{tag}>')
    elif display == "block":
        self.body.append(f'<div class="math-block">{mathml}</div>\n')
    else:
        self.body.append(mathml)
    raise nodes.SkipNode


def visit_inline(self: HTML5Translator, node: nodes.Element) -> None:
    render(self, node, "inline")


def visit_block(self: HTML5Translator, node: nodes.Element) -> None:
    render(self, node, "block")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_html_math_renderer(RENDERER, (visit_inline, None), (visit_block, None))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
