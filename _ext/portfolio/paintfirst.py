"""Fetch and run a page's deferred scripts after its first paint.

Every script of a page is deferred (:mod:`portfolio.deferscripts`), so none delays the first paint
itself; but the browser's preload scanner fetches them all at once, and on a phone those 30-45 KB
(compressed) share the connection with the page while it is being drawn: Lighthouse's mobile model
counts every request that finished before the largest paint as a cost of that paint. Nothing these
scripts do is needed to draw the page: the theme's dropdowns, tooltips, search shortcut and scroll
tracking, copy buttons, the list's filter and previews all wait for a visitor.

So after the build, a page's deferred scripts (``<script defer src>`` and the inline ones made modules)
are taken out, in document order, and listed in a ``<script type="application/json">`` at the end of
``<body>``; once the first contentful paint has been shown (as the browser's paint timing reports it; at
the latest after :data:`FALLBACK_MS`, for a tab opened in the background, which draws nothing, or a
browser without paint timing), a small inline
script adds a loader (``paintfirst.js``, one file for the whole site, named by its content so that a
browser keeps it; fetched before the first paint, Lighthouse's model would count it against the largest
one), which adds them back: as non-``async`` scripts, which the browser runs in the order they were added,
each with its own attributes; the inline ones as ``data:`` URLs so that they keep their place in that
order. When the last one has run (or none was to run), ``<html>`` gets ``data-scripts="loaded"``.

A script that only acts on a visitor's request is added only then: Sphinx's ``sphinx_highlight.js``
(2 KB compressed) marks the words of a search, which the search page leaves in ``localStorage`` or a link
gives as ``?highlight=``; without them it does nothing (:data:`ON_REQUEST`).

A script that only answers a visitor waits for the visitor's first action (:data:`ON_INTERACTION`,
:data:`INTERACTIONS`): Bootstrap, 23 KB compressed, whose parsing was the longest task of a throttled
phone's start-up, only opens the theme's dropdowns and shows its tooltips. It is added after the others,
so a page where a script needs it as it starts keeps it in its place (the theme's sidebar-collapse
button). Until it has run, a click on a control it drives, or a key of a dropdown, is held and given
again once it ran, and a tooltip's control under the pointer or focused is told so; then ``<html>`` gets
``data-scripts-on-interaction="loaded"``.

A script added after the page was parsed misses ``DOMContentLoaded``: one that waits for it (or for
``load``) without checking ``document.readyState`` first would never start. A page that loads such a
script (sphinx-design's tab script does) keeps its scripts as they were, as does a page with a module
script file, a script that is not deferred, or the search page (whose scripts come from its template).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .builtpages import (
    SCRIPT_TAG,
    SCRIPT_TYPES,
    built_pages,
    file_text,
    site_path_of,
    tag_attributes,
    write_once_per_content,
)
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
#: The scripts (by file name) added only once a visitor does something, unless the page has markup that a
#: script needs them for as it starts: Bootstrap (23 KB compressed, 50-60 ms of a throttled phone's main
#: thread) opens the theme's dropdowns and shows its tooltips, and pydata-sphinx-theme.js makes the
#: tooltip of the sidebar-collapse button with it as it starts.
ON_INTERACTION = {"bootstrap.js": re.compile(r"""\bid=["']?pst-collapse-sidebar-button\b""")}
#: What a visitor does first: any of these adds the scripts :data:`ON_INTERACTION` names.
INTERACTIONS = ["pointerdown", "pointermove", "touchstart", "keydown", "focusin", "wheel", "scroll"]
#: The controls whose click (and the keys of Bootstrap's dropdowns) is held until those scripts ran, then
#: given again; the controls that show a tooltip on hover or focus, told again of the pointer or focus
#: they have.
HELD_CONTROLS = '[data-bs-toggle]:not([data-bs-toggle="tooltip"]):not([data-bs-toggle="popover"])'
HELD_KEYS = ["ArrowDown", "ArrowUp", "Escape"]
ENTERED_CONTROLS = "[data-bs-toggle]"
LOADER = Path(__file__).with_suffix(".js")
LOADER_FOLDER = "_static/paint-first"
#: Adds the loader (its address is the marker's value) once the first contentful paint is reported (a
#: browser without paint timing waits for the fallback). Not ``<script defer src>``, and not right after
#: the first frame: Lighthouse's model counts a request that ended before the largest paint (on most pages
#: the first contentful one) as a cost of it; a loader added after the first frame's task was often fetched
#: before that frame was shown (home LCP 1053 -> 1224-1294 ms in 1 of 3 and 1 of 4 runs).
ADD_THE_LOADER = (
    "(function () { var added = false, src = document.currentScript.getAttribute(%(marker)r);"
    " function add() { if (added) return; added = true; var script = document.createElement('script');"
    " script.src = src; document.body.appendChild(script); }"
    " try { new PerformanceObserver(function (list) { if (list.getEntriesByName('first-contentful-paint')"
    ".length) setTimeout(add, 0); }).observe({type: 'paint', buffered: true}); } catch (error) {}"
    " setTimeout(add, %(fallback)d); })();"
)


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
        if MARKER in attributes:
            return None  # done by an earlier build
        if kind and kind not in SCRIPT_TYPES:
            continue  # data: JSON-LD, templates
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
        name = script_name(src) if src is not None else ""
        if condition := ON_REQUEST.get(name):
            item["when"] = condition
        elif name in ON_INTERACTION and not ON_INTERACTION[name].search(text):
            item["when"] = "interaction"
        found.append((match, item))
    return found


def listed_scripts(text: str) -> list[dict]:
    """The scripts a page's loader adds (``src`` or ``code``, ``attributes``), in order: what a built page
    runs after its first paint (for the tests and the benchmarks)."""
    items = []
    for match in SCRIPT_TAG.finditer(text):
        attributes = tag_attributes(f"<script{match.group(1)}>")
        if MARKER in attributes and attributes.get("type") == "application/json":
            items += json.loads(match.group(2))
    return items


def loader_src(text: str) -> str | None:
    """The address of the loader a page adds after its first frame."""
    for match in SCRIPT_TAG.finditer(text):
        attributes = tag_attributes(f"<script{match.group(1)}>")
        if attributes.get(MARKER) and "type" not in attributes:
            return attributes[MARKER]
    return None


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


@cache
def loader_code() -> str:
    settings = {
        "interactions": json.dumps(INTERACTIONS),
        "held_keys": json.dumps(HELD_KEYS),
        "held": json.dumps(HELD_CONTROLS),
        "entered": json.dumps(ENTERED_CONTROLS),
    }
    lines = LOADER.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("//")) % settings


def loader_script(outdir: Path) -> str:
    """The loader's path under the output folder, written once per content (so a browser may keep it)."""
    return write_once_per_content(outdir, LOADER_FOLDER, loader_code())


def static_prefix(items: list[dict], page: Path, outdir: Path) -> str:
    """How the page's own scripts address the output folder: ``../`` for each folder down, or the
    absolute path a page served at any address uses (the 404 page)."""
    for item in items:
        if "_static/" in item.get("src", ""):
            return item["src"][: item["src"].index("_static/")]
    return "../" * (len(page.relative_to(outdir).parts) - 1)


def paint_first(page: Path, outdir: Path) -> bool:
    text = page.read_text(encoding="utf-8")
    page_folder = page.parent.relative_to(outdir).as_posix()
    scripts = deferred_scripts(text, "" if page_folder == "." else page_folder, outdir)
    body_end = BODY_END.search(text)
    if not scripts or body_end is None:
        return False
    listing = json.dumps([item for _, item in scripts], ensure_ascii=False, separators=(",", ":"))
    listing = listing.replace("</", "<\\/")
    prefix = static_prefix([item for _, item in scripts], page, outdir)
    loader = (
        f'<script type="application/json" {MARKER}>{listing}</script>'
        f'<script {MARKER}="{prefix}{loader_script(outdir)}">'
        f"{ADD_THE_LOADER % {'marker': MARKER, 'fallback': FALLBACK_MS}}</script>\n"
    )
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
