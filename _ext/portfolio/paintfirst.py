"""Fetch and run a page's deferred scripts after its first paint.

Every script of a page is deferred (:mod:`portfolio.deferscripts`), so none delays the first paint
itself; but the browser's preload scanner fetches them all at once, and on a phone those 30-45 KB
(compressed) share the connection with the page while it is being drawn: Lighthouse's mobile model
counts every request that finished before the largest paint as a cost of that paint. Nothing these
scripts do is needed to draw the page: the theme's dropdowns, tooltips, search shortcut and scroll
tracking, copy buttons, the list's filter and previews all wait for a visitor.

So after the build, a page's deferred scripts (``<script defer src>`` and the inline ones made modules)
are taken out, in document order, and one small inline script at the end of ``<body>`` adds them back
after the first frame has been drawn (``requestAnimationFrame`` then a task; at the latest after
:data:`FALLBACK_MS`, for a tab opened in the background, which draws no frame): as non-``async`` scripts,
which the browser runs in the order they were added, each with its own attributes; the inline ones as
``data:`` URLs so that they keep their place in that order. When the last one has run (or none was to
run), ``<html>`` gets ``data-scripts="loaded"``.

A script that only acts on a visitor's request is added only then: Sphinx's ``sphinx_highlight.js``
(2 KB compressed) marks the words of a search, which the search page leaves in ``localStorage`` or a link
gives as ``?highlight=``; without them it does nothing (:data:`ON_REQUEST`).

A script added after the page was parsed misses ``DOMContentLoaded``: one that waits for it (or for
``load``) without checking ``document.readyState`` first would never start. A page that loads such a
script (sphinx-design's tab script does) keeps its scripts as they were, as does a page with a module
script file, a script that is not deferred, or the search page (whose scripts come from its template).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .builtpages import SCRIPT_TAG, SCRIPT_TYPES, built_pages, file_text, site_path_of, tag_attributes
from .pagescripts import script_name

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: After portfolio.inlinecss (750), which reads the page's ``<script src>`` tags.
PRIORITY = 800
FALLBACK_MS = 1000
MARKER = "data-portfolio-paint-first"
BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)
WAITS_FOR_EVENT = re.compile(r"""DOMContentLoaded|addEventListener\(\s*["']load["']|\bonload\b""")
KEEP_AS_THEY_ARE = frozenset({"search.html"})
#: The scripts (by file name) that do something only when a condition of the loader holds, and its name.
ON_REQUEST = {"sphinx_highlight.js": "search-terms"}
LOADER = """(function () {
  var scripts = %(scripts)s, started = false;
  var requested = {
    "search-terms": function () {
      if (/[?&]highlight=/.test(location.search)) return true;
      try { return !!localStorage.getItem("sphinx_highlight_terms"); } catch (error) { return false; }
    }
  };
  function start() {
    if (started) return;
    started = true;
    scripts = scripts.filter(function (item) { return !item.when || requested[item.when](); });
    if (!scripts.length) document.documentElement.dataset.scripts = "loaded";
    scripts.forEach(function (item, index) {
      var script = document.createElement("script");
      Object.keys(item.attributes || {}).forEach(function (name) {
        script.setAttribute(name, item.attributes[name]);
      });
      script.src = item.src || "data:text/javascript;charset=utf-8," + encodeURIComponent(item.code);
      script.async = false;
      if (index === scripts.length - 1) script.addEventListener("load", function () {
        document.documentElement.dataset.scripts = "loaded";
      });
      document.body.appendChild(script);
    });
  }
  requestAnimationFrame(function () { setTimeout(start, 0); });
  setTimeout(start, %(fallback)d);
})();"""


def waits_for_an_event(code: str) -> bool:
    """Whether a script starts on ``DOMContentLoaded`` or ``load`` without checking ``readyState``."""
    return bool(WAITS_FOR_EVENT.search(code)) and "readyState" not in code


def deferred_scripts(text: str, page_folder: str, outdir: Path) -> list[tuple[re.Match, dict]] | None:
    """The page's deferred scripts in order, as the loader's items, or None when the page must keep
    its scripts as they are."""
    found = []
    for match in SCRIPT_TAG.finditer(text):
        attributes = tag_attributes(f"<script{match.group(1)}>")
        kind = (attributes.get("type") or "").lower()
        src = attributes.get("src")
        if kind and kind not in SCRIPT_TYPES:
            continue  # data: JSON-LD, templates
        if MARKER in attributes:
            return None  # done by an earlier build
        if src is None and kind != "module":
            continue  # an inline classic script runs where it is (the theme's colour mode)
        if src is None:
            code = match.group(2)
        elif "defer" in attributes and kind != "module" and "async" not in attributes:
            located = site_path_of(src, page_folder)
            code = file_text(outdir / located[0]) if located else ""
        else:
            return None
        if waits_for_an_event(code):
            return None
        kept = {
            name: value or "" for name, value in attributes.items() if name not in ("src", "defer", "type")
        }
        item: dict = {"src": src} if src is not None else {"code": code}
        if kept:
            item["attributes"] = kept
        if src is not None and (condition := ON_REQUEST.get(script_name(src))):
            item["when"] = condition
        found.append((match, item))
    return found


LISTING = re.compile(rf"<script {MARKER}(?:=\"\")?>.*?var scripts = (\[.*?\]), started", re.DOTALL)


def listed_scripts(text: str) -> list[dict]:
    """The scripts a page's loader adds (``src`` or ``code``, ``attributes``), in order: what a built page
    runs after its first paint (for the tests and the benchmarks)."""
    return [item for listing in LISTING.findall(text) for item in json.loads(listing)]


def inline_code(text: str) -> list[str]:
    """The code of the page's inline scripts that run, those its loader adds among them, but not the
    loader itself: the same in a page this build wrote and in one an earlier build made paint first."""
    code = [item["code"] for item in listed_scripts(text) if "code" in item]
    for match in SCRIPT_TAG.finditer(text):
        attributes = tag_attributes(f"<script{match.group(1)}>")
        kind = (attributes.get("type") or "").lower()
        if "src" not in attributes and MARKER not in attributes and (not kind or kind in SCRIPT_TYPES):
            code.append(match.group(2))
    return code


def paint_first(page: Path, outdir: Path) -> bool:
    text = page.read_text(encoding="utf-8")
    page_folder = page.parent.relative_to(outdir).as_posix()
    scripts = deferred_scripts(text, "" if page_folder == "." else page_folder, outdir)
    body_end = BODY_END.search(text)
    if not scripts or body_end is None:
        return False
    listing = json.dumps([item for _, item in scripts], ensure_ascii=False, separators=(",", ":"))
    listing = listing.replace("</", "<\\/")
    loader = f"<script {MARKER}>{LOADER % {'scripts': listing, 'fallback': FALLBACK_MS}}</script>\n"
    pieces, position = [], 0
    for match, _ in scripts:
        pieces.append(text[position : match.start()])
        position = match.end()
    pieces.append(text[position : body_end.start()])
    pieces.append(loader)
    pieces.append(text[body_end.start() :])
    page.write_text("".join(pieces), encoding="utf-8")
    return True


def paint_first_everywhere(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in built_pages(outdir):
        if page.relative_to(outdir).as_posix() not in KEEP_AS_THEY_ARE:
            paint_first(page, outdir)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("build-finished", paint_first_everywhere, priority=PRIORITY)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
