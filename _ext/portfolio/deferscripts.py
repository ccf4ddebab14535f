"""Load every page script without blocking the first paint.

Sphinx and its extensions link their scripts (documentation_options.js, doctools.js, sphinx_highlight.js,
clipboard.js, copybutton.js, design-tabs.js) as plain ``<script src>`` in ``<head>``: the browser stops
parsing at each one until it has been fetched and run, which on a phone costs a round trip apiece before
anything is drawn. None of them needs to run before the page is parsed; each waits for the DOM anyway.

So each file script becomes ``defer``, and each inline one (``DOCUMENTATION_OPTIONS.pagename = ...``,
which needs documentation_options.js to have run) becomes ``type="module"``: module scripts are deferred
too, and the browser runs deferred and module scripts in document order, so every script still sees what
the ones before it defined. Scripts that already choose how to load (``async``, ``defer``, a ``type``)
keep their choice. The search page keeps Sphinx's own order: its search scripts come from the template.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .papers.seam import deferred_script

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

LOADING_ATTRIBUTES = frozenset({"async", "defer", "type"})
PAGES_WITH_TEMPLATE_SCRIPTS = frozenset({"search"})


def defer_page_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if pagename in PAGES_WITH_TEMPLATE_SCRIPTS or "script_files" not in context:
        return
    context["script_files"] = [
        deferred_script(script, LOADING_ATTRIBUTES) for script in context["script_files"]
    ]


def setup(app: Sphinx) -> ExtensionMetadata:
    # Late, so that scripts other extensions add for the page are deferred too.
    app.connect("html-page-context", defer_page_scripts, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
