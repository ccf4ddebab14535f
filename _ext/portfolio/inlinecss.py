"""Put each page's stylesheets into the page, cut to the rules that page can use.

A page linked seven stylesheets (the theme's two, Pygments', copybutton's, sphinx-design's and ours), and
the browser draws nothing until every one has arrived; the theme's ``@import`` of ``basic.css`` cost a
second round trip after the first. In Lighthouse's mobile model the home page's first paint came at
2.1x that of a bare HTML page of the same text with the links, 1.7x with one linked file, and 1.5x with
the CSS in the page. So after the build, the stylesheet links in each page's ``<head>`` become one
``<style>`` holding, in the links' order (``@import`` followed, ``media`` kept), the rules of those
files that may match that page: those whose every class, id, element and attribute occurs in the page
or in a script it loads (scripts add classes and attributes: ``show``, ``data-theme``, the search
dialog's), as :mod:`portfolio.csssubset` decides for the whole site; and of the custom properties only
those the kept rules use (:mod:`portfolio.cssrules`; about 130 of 450). A page added tomorrow gets what
its own markup uses; nothing is listed by hand.

``url()`` references are rewritten from the stylesheet's place to the page's, so fonts and images load
as before, with a digest of the file (``?v=``): the icon fonts are subset per build
(:mod:`portfolio.iconfont`), and a browser that cached an earlier subset must not keep using it. A page
carries its CSS on every visit instead of once for the site (14-17 KB compressed); on this site a
visitor's first page is most of the visit, and it paints a round trip earlier. A page without local
stylesheet links (done by an earlier build) is left alone: Sphinx rewrites it whenever its markup or a
static file changes (:mod:`portfolio.assets`).

**What the first paint needs.** Lighthouse's mobile model sends the first 14.6 KB of a document in one round
trip and each further window in another (150 ms); with all of its CSS a page was 17-25 KB. So the
``<style>`` holds only the rules the page's markup and the scripts that may run before the first paint (not
``defer``, not a module) can match, leaving out what only a closed ``<dialog>`` holds (a script opens it)
and the rules that, though every name they use is on the page, match no element of it in any state it
reaches before its deferred scripts run (:mod:`portfolio.cssmatch`: ``.navbar > .container``; 11-14% of the
rules the names kept, 40 of 363 on the home page). The other rules come in one script per distinct set
(``_static/later-css/<digest>.js``), the page's first deferred script, which appends them as a ``<style>``
after the first paint's, with a copy of each first-paint rule one of them would otherwise override against
the whole CSS's order (:mod:`portfolio.cssorder`), so the cascade is that of the whole CSS before any other
script runs. Custom properties and ``@keyframes`` only later rules use come later with them (but not those
declared on the root); a ``@keyframes`` nothing names goes. Without JavaScript nothing is missing: no script
adds those classes, and a page is matched as a browser without scripts reads it (``<noscript>`` as markup).
A rebuild deletes the scripts no page loads. The ``@font-face`` rules stand in a ``<style>`` of their own
before the first paint's: Chromium lays out the whole page again after a change to a sheet that holds a
font face (appending after a sheet without them measured 16.9 ms against 20.3 ms on the list, median of
15).
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import options
from .builtpages import (
    CLOSED_DIALOG,
    SCRIPT_TAG,
    SCRIPT_TYPES,
    Tokens,
    built_pages,
    file_text,
    page_tokens,
    script_words,
    site_path_of,
    tag_attributes,
    words_of,
    write_once_per_content,
)
from .cssmatch import PageMatcher, style_rules
from .cssorder import Conflicts, split
from .cssrules import ROOT, VAR_REFERENCE, Block, Rule, compile_rules, flat, keeps

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: After the site-wide subsetting (700), whose files are read here.
PRIORITY = 750
LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
#: A url() rebased to the site's root, without a query or fragment.
ROOTED_URL = re.compile(ROOT + r"""([^"'?#()\s]+)(?=["')])""")
LATER_FOLDER = "_static/later-css"
LATER_MARK = "data-later-css"
FONT_FACE = re.compile(r"@font-face\b", re.IGNORECASE)
LATER_SRC = re.compile(re.escape(LATER_FOLDER) + r"/([0-9a-f]{16}\.js)")
#: Appends the later rules to the page as a ``<style>`` of their own, right after the first paint's (whose
#: sheet stays as it is: a change to it would restyle every element).
LATER_SCRIPT = """(function (css) {
  var first = document.querySelector("style[data-later-css]"), later = document.createElement("style");
  if (!first) return;
  later.textContent = css;
  first.parentNode.insertBefore(later, first.nextSibling);
})(%(css)s);
"""


class PageCss(NamedTuple):
    #: What the first paint needs.
    first: str
    #: The sheet appended after the first paint ("": none).
    later: str
    #: The ``@font-face`` rules of ``first`` when there are later rules: they go in a ``<style>`` of their
    #: own, away from the sheet the later rules are appended after (see the module's docstring).
    fonts: str = ""


class Stylesheets:
    """The site's stylesheets, each compiled once, by their path under the output folder."""

    def __init__(self, outdir: Path, later_css: bool = True) -> None:
        self.outdir = outdir
        self.later_css = later_css
        self.conflicts = Conflicts()
        self.compiled: dict[str, list[Rule | Block] | None] = {}
        self.digests: dict[str, str] = {}
        self.names: dict[tuple, frozenset[tuple[str, str]]] = {}
        self.texts: dict[tuple, PageCss] = {}
        self.matcher = PageMatcher()

    def rules(self, site_path: str, loading: frozenset[str] = frozenset()) -> list[Rule | Block] | None:
        if site_path in self.compiled:
            return self.compiled[site_path]
        path = self.outdir / site_path
        if site_path in loading or not path.is_file() or path.suffix != ".css":
            return None
        import tinycss2

        text = path.read_text(encoding="utf-8", errors="replace")
        parsed = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
        compiled = compile_rules(
            parsed,
            posixpath.dirname(site_path),
            lambda url: self.rules(url.removeprefix(ROOT).split("?", 1)[0], loading | {site_path}),
        )
        self.compiled[site_path] = compiled
        return compiled

    def page_css(
        self,
        sheets: list[tuple[list[Rule | Block], str]],
        tokens: tuple[Tokens, Tokens],
        named: tuple[Callable[[str], bool], Callable[[str], bool]],
        unmatched: frozenset[int] = frozenset(),
    ) -> PageCss:
        """The CSS of a page linking ``sheets`` (rules, media), for its ``tokens`` and the custom properties
        its markup or scripts ``named``: each (all scripts, those before the first paint), and the ids of
        the rules no element matches before the deferred scripts run. Pages alike (the paper pages) match
        the same names, so the CSS is computed once per set of matched names and unmatched rules."""
        names = self.names_in(sheets)
        # Which rules the appended sheet repeats depends on the classes the page's elements carry together
        # and those its scripts may add.
        full = tokens[0]
        scripted = frozenset(name for kind, name in names if kind == "class" and name in full.script_words)
        key: tuple = (
            tuple((id(rules), media) for rules, media in sheets),
            unmatched,
            frozenset(full.class_sets),
            scripted,
        )
        for page_tokens_, page_named in zip(tokens, named, strict=True):
            checks = {"class": page_tokens_.has_class, "id": page_tokens_.has_id}
            checks |= {"element": page_tokens_.has_element, "attribute": page_tokens_.has_attribute}
            checks["keyframes"] = page_tokens_.script_words.__contains__
            key += (
                frozenset((kind, name) for kind, name in names if kind in checks and checks[kind](name))
                | frozenset((kind, name) for kind, name in names if kind == "custom" and page_named(name)),
            )
        if key not in self.texts:
            linked: list[Rule | Block] = []
            for rules, media in sheets:
                linked += [Block(f"@media {media}", rules)] if media and media.lower() != "all" else rules
            cut = split(linked, *tokens, *named, unmatched=unmatched, conflicts=self.conflicts)
            first, later = (cut.first, cut.later) if self.later_css else (cut.whole, [])
            fonts = [text for text in first if later and FONT_FACE.match(text)]
            self.texts[key] = PageCss(
                self.versioned("\n".join(text for text in first if text not in fonts)),
                self.versioned("".join(later)),
                self.versioned("\n".join(fonts)),
            )
        return self.texts[key]

    def names_in(self, sheets: list[tuple[list[Rule | Block], str]]) -> frozenset[tuple[str, str]]:
        """Every (kind, name) the sheets' selectors name, and every custom property they declare."""
        key = tuple(id(rules) for rules, _ in sheets)
        if key not in self.names:
            found: set[tuple[str, str]] = set()
            for rules, _ in sheets:
                for rule in flat(rules):
                    for selector in rule.selectors or ():
                        found.update(selector)
                    found.update(("custom", d.custom) for d in rule.declarations or () if d.custom)
                    if rule.keyframes is not None:
                        found.add(("keyframes", rule.keyframes))
            self.names[key] = frozenset(found)
        return self.names[key]

    def versioned(self, css: str) -> str:
        """``css`` with a digest of the file added to each local ``url()`` without a query, so that a
        browser that cached an earlier subset of a font fetches the new one."""

        def add_digest(match: re.Match) -> str:
            site_path = match.group(1)
            if site_path not in self.digests:
                path = self.outdir / site_path
                self.digests[site_path] = (
                    hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else ""
                )
            digest = self.digests[site_path]
            return f"{ROOT}{site_path}?v={digest}" if digest else match.group(0)

        return ROOTED_URL.sub(add_digest, css)


def page_script_words(text: str, page_folder: str, outdir: Path) -> tuple[set[str], set[str]]:
    """Every word of the scripts the page runs (its inline scripts and the files it loads), and of those
    among them that may run before the first paint: all but the deferred ones (``defer``, modules)."""
    words: set[str] = set()
    first: set[str] = set()
    for match in SCRIPT_TAG.finditer(text):
        attributes = tag_attributes(f"<script{match.group(1)}>")
        kind = (attributes.get("type") or "").lower()
        if kind and kind not in SCRIPT_TYPES:
            continue  # data: JSON-LD, templates
        src = attributes.get("src")
        if src is None:
            found = set(words_of(match.group(2)))
        elif (located := site_path_of(src, page_folder)) is not None:
            found = set(script_words(outdir / located[0]))
        else:
            continue
        words |= found
        if kind != "module" and (src is None or "defer" not in attributes):
            first |= found
    return words, first


def later_script(outdir: Path, later: str) -> str:
    """The path (under the output folder) of the script that appends the ``later`` CSS, written once per
    content."""
    return write_once_per_content(
        outdir, LATER_FOLDER, LATER_SCRIPT % {"css": json.dumps(later, ensure_ascii=False)}
    )


def later_css(code: str) -> str:
    """The CSS a later-rules script appends."""
    return json.loads(code[code.rindex("})(") + 3 : code.rindex(");")])


def inline_page(page: Path, outdir: Path, stylesheets: Stylesheets) -> bool:
    text = page.read_text(encoding="utf-8")
    head_end = HEAD_END.search(text)
    if head_end is None:
        return False
    page_folder = page.parent.relative_to(outdir).as_posix()
    page_folder = "" if page_folder == "." else page_folder
    links: list[tuple[re.Match, list[Rule | Block], str, str]] = []
    for match in LINK_TAG.finditer(text, 0, head_end.start()):
        attributes = tag_attributes(match.group(0))
        if "stylesheet" not in (attributes.get("rel") or "").lower().split() or "disabled" in attributes:
            continue
        located = site_path_of(attributes.get("href") or "", page_folder)
        rules = stylesheets.rules(located[0]) if located else None
        if rules is None:
            continue
        links.append((match, rules, located[1], (attributes.get("media") or "").strip()))
    if not links:
        return False
    # A closed <dialog> is not drawn, and only a script opens it: its content is styled later.
    tokens, first_tokens = page_tokens(text), page_tokens(CLOSED_DIALOG.sub("", text))
    tokens.script_words, first_tokens.script_words = page_script_words(text, page_folder, outdir)
    # A custom property stays when a kept rule uses it, or the page (a style attribute) or a script names it.
    in_markup = set(VAR_REFERENCE.findall(text))
    sheets = [(rules, media) for _, rules, _, media in links]
    drawn_rules = [
        rule for rules, _ in sheets for rule in style_rules(rules) if keeps(rule.selectors, first_tokens)
    ]
    unmatched = stylesheets.matcher.unmatched(drawn_rules, text, first_tokens.script_words)
    cut = stylesheets.page_css(
        sheets,
        (tokens, first_tokens),
        (
            lambda name: name in in_markup or name[2:] in tokens.script_words,
            lambda name: name in in_markup or name[2:] in first_tokens.script_words,
        ),
        unmatched,
    )
    prefix = links[0][2]
    css = cut.first.replace(ROOT, prefix).replace("</", "<\\/")
    element = f"<style>{css}</style>"
    if cut.later:
        src = html.escape(prefix + later_script(outdir, cut.later.replace(ROOT, prefix)))
        element = f'<style {LATER_MARK}>{css}</style><script defer src="{src}"></script>'
        if cut.fonts:
            fonts = cut.fonts.replace(ROOT, prefix).replace("</", "<\\/")
            element = f"<style>{fonts}</style>{element}"
    pieces, position = [], 0
    for number, (match, _, _, _) in enumerate(links):
        pieces.append(text[position : match.start()])
        if number == 0:
            pieces.append(element)
        position = match.end()
    pieces.append(text[position:])
    page.write_text("".join(pieces), encoding="utf-8")
    return True


def remove_unused_later_scripts(outdir: Path, pages: list[Path]) -> None:
    """Delete the later-rules scripts of earlier builds that no page loads any more."""
    folder = outdir / LATER_FOLDER
    if not folder.is_dir():
        return
    loaded = {name for page in pages for name in LATER_SRC.findall(file_text(page))}
    for script in folder.glob("*.js"):
        if script.name not in loaded:
            script.unlink()


def inline_site_css(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    stylesheets = Stylesheets(outdir, app.config.portfolio_later_css)
    pages = built_pages(outdir)
    for page in pages:
        inline_page(page, outdir, stylesheets)
    remove_unused_later_scripts(outdir, pages)


def setup(app: Sphinx) -> ExtensionMetadata:
    options.add(app, "portfolio_later_css")
    app.connect("build-finished", inline_site_css, priority=PRIORITY)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
