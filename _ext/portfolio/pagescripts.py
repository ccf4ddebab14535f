"""Load a script only on the pages whose markup it works on.

Extensions add their scripts to every page: sphinx-copybutton its two (clipboard.js, copybutton.js,
6.7 KB compressed) for code blocks, sphinx-design its tab script for tab sets, ours ``publications.js``
for the list's filter, "+N more" authors, BibTeX toggles and citation previews. A page without any of
that downloads and runs them for nothing, and on a phone every script fetched before the largest paint
delays it. ``portfolio_scripts_by_markup`` maps a script's file name to the markup it works on: class
names, and element names in angle brackets (``"<pre>"``); the script stays on a page whose body has one of
them (a class in any ``class`` attribute, an element's start tag), and goes from the others. A script it
does not name stays everywhere. The decision is made from each built page, so a page added tomorrow with
a code block gets the copy button. A page whose body is put in after the theme rendered it (the paper
pages, stamped into one shell) names its body's markup in its context (``portfolio_body_markup``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import options
from .builtpages import page_tokens

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def markup_in(html: str) -> set[str]:
    """The class names of ``html`` and its element names in angle brackets (``<pre>``)."""
    tokens = page_tokens(html)
    return tokens.classes | {f"<{element}>" for element in tokens.elements}


def script_name(script: Any) -> str:
    filename = str(getattr(script, "filename", script) or "")
    return filename.split("?", 1)[0].rsplit("/", 1)[-1]


def drop_unused_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    wanted: dict[str, list[str]] = app.config.portfolio_scripts_by_markup
    if not wanted or "script_files" not in context:
        return
    present = markup_in(context.get("body", "")) | set(context.get("portfolio_body_markup", ()))
    context["script_files"] = [
        script
        for script in context["script_files"]
        if script_name(script) not in wanted or present.intersection(wanted[script_name(script)])
    ]


def setup(app: Sphinx) -> ExtensionMetadata:
    options.add(app, "portfolio_scripts_by_markup")
    # After the extensions that add a page's scripts; before portfolio.deferscripts (900) reads them.
    app.connect("html-page-context", drop_unused_scripts, priority=850)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
