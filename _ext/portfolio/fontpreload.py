"""Preload the icon fonts a page draws, so that they arrive with the page instead of after it.

A page declares its icon fonts in its own CSS (:mod:`portfolio.inlinecss`; the fonts are the subsets of
:mod:`portfolio.iconfont`), so Chromium learns that it needs one only when it lays the page out, once the
whole document has been parsed and styled, and only then asks for it. With ``font-display: block`` an icon
is invisible until its font has come, so on a phone the navbar's buttons (the menu, search, the colour
theme) stayed blank for a round trip after the page was drawn. Under Lighthouse's mobile network and CPU
(``--throttling-method=devtools``, three runs each) the fonts arrived at 1461-1549 ms on the home page and
at 1206-1222 ms preloaded, with the first paint unchanged (882-964 against 859-914 ms).

Lighthouse's own model of a page's first paint (Lantern, the scores' source) counts every request of the
highest priority ("VeryHigh", which Chromium gives a font the CSS asked for) that ended before the paint
it observed as one the paint waited for; on this machine the small subsets ended first, and each page's
first paint was modelled a round trip late: home 1053-1057 ms, research 903-906 ms (four runs each). A
preloaded font is asked for with "High": home 816-860 ms, research 733-758 ms. The home page's total
blocking time, which Lighthouse counts from the first paint on, then takes in the parse and layout of the
rest of the page that used to come before it: 0-5 ms a run before, 0-77 ms after (six runs each, median
about 25; the goal is 50).

So after the build, each ``@font-face`` of Font Awesome in a page's inline CSS whose style the page draws
gets a ``<link rel="preload" as="font" crossorigin>`` to the same URL (``?v=`` digest included, so the
browser uses the preloaded response) before the ``<style>`` that declares it: the style an element's
classes choose (``fa-brands``, ``fa-regular``, else solid: :data:`portfolio.iconfont.STYLE_FONTS`), on an
element outside a closed ``<dialog>``. A font that nothing on the page draws is not preloaded (Chromium
warns about a preload it does not use, and it would cost the bytes), nor is one that only the rules after
the first paint declare, nor a font of a page whose CSS is still linked. Only WOFF2 is preloaded.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .builtpages import CLOSED_DIALOG, STYLE_ELEMENT, built_pages, page_tokens, tag_attributes
from .iconfont import font_of
from .inlinecss import HEAD_END, LINK_TAG

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: After :mod:`portfolio.inlinecss` (750) has put each page's ``@font-face`` rules in the page.
PRIORITY = 760
NOSCRIPT = re.compile(r"<noscript\b.*?</noscript\s*>", re.IGNORECASE | re.DOTALL)
FONT_FACE = re.compile(r"@font-face\s*\{([^{}]*)\}", re.IGNORECASE)
FIRST_URL = re.compile(r"""url\(\s*(?:"([^"\\]*)"|'([^'\\]*)'|([^\s"'()\\]+))\s*\)""", re.IGNORECASE)
PRELOAD_TYPES = {".woff2": "font/woff2"}


def drawn_fonts(text: str) -> set[str]:
    """The icon fonts (file stems) the page's elements outside a closed ``<dialog>`` are drawn with."""
    tokens = page_tokens(CLOSED_DIALOG.sub("", text))
    return {font for classes in tokens.class_sets if (font := font_of(classes)) is not None}


def preloaded(head: str) -> set[str]:
    """The URLs the head already preloads (a page an earlier build did)."""
    found = set()
    for tag in LINK_TAG.findall(head):
        attributes = tag_attributes(tag)
        if "preload" in (attributes.get("rel") or "").lower().split() and attributes.get("href"):
            found.add(attributes["href"])
    return found


def with_font_preloads(text: str) -> str:
    """The page with a preload link before each ``<style>`` of its head for the fonts it declares there
    and draws (unchanged when there are none, or when they are preloaded already)."""
    head_end = HEAD_END.search(text)
    fonts = drawn_fonts(text) if head_end else set()
    if not fonts:
        return text
    head = text[: head_end.start()]
    present = preloaded(head)
    hidden = [match.span() for match in NOSCRIPT.finditer(head)]
    insertions: list[tuple[int, str]] = []
    for style in STYLE_ELEMENT.finditer(head):
        if any(start <= style.start() < end for start, end in hidden):
            continue
        links = []
        for face in FONT_FACE.finditer(style.group(1)):
            url_match = FIRST_URL.search(face.group(1))
            if url_match is None:
                continue
            url = next(part for part in url_match.groups() if part is not None)
            stem, extension = posixpath.splitext(posixpath.basename(url.split("?", 1)[0].split("#", 1)[0]))
            if stem in fonts and extension in PRELOAD_TYPES and url not in present:
                present.add(url)
                links.append(
                    f'<link rel="preload" href="{html.escape(url)}" as="font" '
                    f'type="{PRELOAD_TYPES[extension]}" crossorigin>'
                )
        if links:
            insertions.append((style.start(), "".join(links)))
    for position, links in reversed(insertions):
        text = text[:position] + links + text[position:]
    return text


def preload_site_fonts(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in built_pages(Path(app.outdir)):
        text = page.read_text(encoding="utf-8")
        changed = with_font_preloads(text)
        if changed != text:
            page.write_text(changed, encoding="utf-8")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("build-finished", preload_site_fonts, priority=PRIORITY)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
