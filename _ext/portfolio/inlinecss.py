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
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .builtpages import (
    SCRIPT_TAG,
    SCRIPT_WORD,
    Tokens,
    built_pages,
    page_tokens,
    script_words,
    site_path_of,
    tag_attributes,
)
from .cssrules import (
    ROOT,
    VAR_REFERENCE,
    Block,
    Rule,
    choose,
    compile_rules,
    flat,
    live_properties,
    serialize,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: After the site-wide subsetting (700), whose files are read here.
PRIORITY = 750
LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
#: A url() rebased to the site's root, without a query or fragment.
ROOTED_URL = re.compile(ROOT + r"""([^"'?#()\s]+)(?=["')])""")


class Stylesheets:
    """The site's stylesheets, each compiled once, by their path under the output folder."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.compiled: dict[str, list[Rule | Block] | None] = {}
        self.digests: dict[str, str] = {}
        self.names: dict[tuple, frozenset[tuple[str, str]]] = {}
        self.texts: dict[tuple, str] = {}

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
        self, sheets: list[tuple[list[Rule | Block], str]], tokens: Tokens, named: Callable[[str], bool]
    ) -> str:
        """The CSS of a page linking ``sheets`` (rules, media), for its ``tokens``. Pages alike (the paper
        pages) match the same names, so the text is computed once per set of matched names."""
        names = self.names_in(sheets)
        checks = {"class": tokens.has_class, "id": tokens.has_id, "element": tokens.has_element}
        checks["attribute"] = tokens.has_attribute
        matched = frozenset(
            (kind, name) for kind, name in names if kind in checks and checks[kind](name)
        ) | frozenset((kind, name) for kind, name in names if kind == "custom" and named(name))
        key = (tuple((id(rules), media) for rules, media in sheets), matched)
        if key not in self.texts:
            chosen: list[Rule | Block] = []
            for rules, media in sheets:
                kept = choose(rules, tokens)
                chosen += [Block(f"@media {media}", kept)] if media and media.lower() != "all" else kept
            self.texts[key] = self.versioned("\n".join(serialize(chosen, live_properties(chosen, named))))
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


def page_script_words(text: str, page_folder: str, outdir: Path) -> set[str]:
    """Every word of the scripts the page runs: its inline scripts and the files it loads."""
    words: set[str] = set()
    for match in SCRIPT_TAG.finditer(text):
        src = tag_attributes(f"<script{match.group(1)}>").get("src")
        if src is None:
            words.update(SCRIPT_WORD.findall(match.group(2)))
        elif (located := site_path_of(src, page_folder)) is not None:
            words |= script_words(outdir / located[0])
    return words


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
    tokens = page_tokens(text)
    tokens.script_words = page_script_words(text, page_folder, outdir)
    # A custom property stays when a kept rule uses it, or the page (a style attribute) or a script names it.
    in_markup = set(VAR_REFERENCE.findall(text))
    css = stylesheets.page_css(
        [(rules, media) for _, rules, _, media in links],
        tokens,
        lambda name: name in in_markup or name[2:] in tokens.script_words,
    )
    css = css.replace(ROOT, links[0][2]).replace("</", "<\\/")
    pieces, position = [], 0
    for number, (match, _, _, _) in enumerate(links):
        pieces.append(text[position : match.start()])
        if number == 0:
            pieces.append(f"<style>{css}</style>")
        position = match.end()
    pieces.append(text[position:])
    page.write_text("".join(pieces), encoding="utf-8")
    return True


def inline_site_css(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    stylesheets = Stylesheets(outdir)
    for page in built_pages(outdir):
        inline_page(page, outdir, stylesheets)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("build-finished", inline_site_css, priority=PRIORITY)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
