"""Drop the indentation between tags from every built page.

The templates indent their markup for people reading them. A browser turns every run of spaces and line
breaks between two tags into one space, unless CSS keeps them, so the indentation only costs bytes: about
300 compressed bytes a page, and on the research page that is the difference between one round trip and
two for the document (Lighthouse's mobile model sends 14.6 KB in the first one). So after the build each
run of whitespace with a line break in it between two tags becomes one line break, which renders the same.

Whitespace is left alone inside the elements where it can mean something: ``pre``, ``textarea``,
``script``, ``style``, ``svg``, ``math``, ``template``; an element with a ``style`` attribute that names
``white-space``; and an element the page's CSS may give a ``white-space`` that keeps spaces or line breaks
(``pre``, ``pre-wrap``, ``pre-line``, ``break-spaces``, a ``white-space-collapse`` other than ``collapse``,
or a ``var()``): one that has every element, class, id and attribute name of such a rule's subject, the
last compound of one of its selectors. The page's CSS is what it holds in ``<style>`` and its later-rules
script (:mod:`portfolio.inlinecss`) and its local stylesheet links.

A script may add such a class, id or attribute to any element, so a name of a subject that a script the
page runs names counts as present everywhere: a class or id named whole (``classList.add("x")``, not
``.x`` in a selector), an attribute named at all. A page is left as it is when such a subject names
nothing else (``*``, ``:root``, or only names scripts may add), when a script names ``white-space`` or
``whiteSpace`` (it may set it in a ``style``), and when it has a stylesheet or a script from another host.
Running it again changes nothing, so a page an incremental build did not rewrite comes out as in a clean
build.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from . import options
from .builtpages import (
    SCRIPT_TAG,
    STYLE_ELEMENT,
    built_pages,
    file_text,
    site_path_of,
    tag_attributes,
    words_of,
)
from .cssrules import NESTING_AT_RULES, requirement, top_level_selectors
from .inlinecss import LATER_FOLDER, LATER_SRC, LINK_TAG, later_css
from .paintfirst import inline_code, listed_scripts, loader_src

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: After portfolio.paintfirst (800), the last step that writes markup into the pages.
PRIORITY = 900
KEPT_INSIDE = frozenset({"pre", "textarea", "script", "style", "svg", "math", "template", "xmp", "listing"})
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
COLLAPSING = frozenset({"normal", "nowrap", "collapse", "wrap", "initial", "unset", "revert", "revert-layer"})
#: The at-rules whose content holds style rules: those the subsetting reads, and two it keeps whole.
NESTING = NESTING_AT_RULES | {"scope", "document"}
#: A subject that names nothing: whitespace everywhere may be kept.
EVERYWHERE: frozenset[tuple[str, str]] = frozenset()
SETS_WHITE_SPACE = re.compile(r"white-space|whiteSpace")
SELECTOR_MARK = {"class": ".", "id": "#"}


def _keeps_whitespace(declarations: list) -> bool:
    for declaration in declarations:
        if declaration.type != "declaration":
            continue
        if declaration.lower_name not in ("white-space", "white-space-collapse"):
            continue
        words = {token.lower_value for token in declaration.value if token.type == "ident"}
        functions = [token for token in declaration.value if token.type == "function"]
        if functions or not words <= COLLAPSING:
            return True
    return False


def _subject(selector: list) -> frozenset[tuple[str, str]]:
    """The names the last compound of ``selector`` requires."""
    start = 0
    tokens = [token for token in selector if token.type != "comment"]
    while tokens and tokens[-1].type == "whitespace":
        tokens.pop()
    for index, token in enumerate(tokens):
        if token.type == "whitespace" or (token.type == "literal" and token.value in (">", "+", "~")):
            start = index + 1
    return frozenset(requirement(tokens[start:]))


@lru_cache(maxsize=256)
def keeping_subjects(css: str) -> frozenset[frozenset[tuple[str, str]]]:
    """The subjects of the rules in ``css`` that may keep whitespace."""
    import tinycss2

    found: set[frozenset[tuple[str, str]]] = set()

    def walk(rules: list) -> None:
        for rule in rules:
            if rule.type == "qualified-rule":
                declarations = tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True)
                if _keeps_whitespace(declarations):
                    found.update(_subject(selector) for selector in top_level_selectors(rule.prelude))
            elif rule.type == "at-rule" and rule.lower_at_keyword in NESTING and rule.content is not None:
                walk(tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True))

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    return frozenset(found)


class _Spaces(HTMLParser):
    """Finds the runs of whitespace between tags that carry a line break, outside kept elements."""

    def __init__(self, text: str, keeping: frozenset[frozenset[tuple[str, str]]]) -> None:
        super().__init__(convert_charrefs=False)
        self.keeping = keeping
        self.lines = [0] + [match.end() for match in re.finditer("\n", text)]
        self.open: list[tuple[str, bool]] = []
        self.runs: list[tuple[int, int]] = []

    def here(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def kept(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if tag in KEPT_INSIDE:
            return True
        attributes = dict(attrs)
        if "white-space" in (attributes.get("style") or ""):
            return True
        names = {("element", tag)} | {("attribute", name) for name in attributes}
        names |= {("class", name) for name in (attributes.get("class") or "").split()}
        if attributes.get("id"):
            names.add(("id", attributes["id"]))
        return any(subject <= names for subject in self.keeping)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            inside = bool(self.open) and self.open[-1][1]
            self.open.append((tag, inside or self.kept(tag, attrs)))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        if "\n" in data and not data.strip(" \t\r\n\f") and not (self.open and self.open[-1][1]):
            start = self.here()
            if data != "\n":
                self.runs.append((start, start + len(data)))


def squeezed(text: str, keeping: frozenset[frozenset[tuple[str, str]]]) -> str:
    """``text`` with each run of whitespace between two tags that holds a line break made one line break,
    outside the elements whose whitespace may be kept (the ``keeping`` subjects)."""
    if EVERYWHERE in keeping:
        return text
    parser = _Spaces(text, keeping)
    parser.feed(text)
    parser.close()
    pieces, position = [], 0
    for start, end in parser.runs:
        pieces += [text[position:start], "\n"]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def named_by(kind: str, name: str, scripts: str) -> bool:
    """Whether ``scripts`` may add the ``kind`` (class, id, attribute) ``name`` to an element."""
    if kind == "attribute":
        return name in words_of(scripts)
    mark = SELECTOR_MARK.get(kind)
    if mark is None:
        return False
    whole = rf"(?<![\w-]){re.escape(name)}(?![\w-])"
    return any(scripts[match.start() - 1 : match.start()] != mark for match in re.finditer(whole, scripts))


def with_scripts(
    keeping: frozenset[frozenset[tuple[str, str]]], scripts: str
) -> frozenset[frozenset[tuple[str, str]]]:
    """The ``keeping`` subjects without the names ``scripts`` may add to any element."""
    if SETS_WHITE_SPACE.search(scripts):
        return frozenset({EVERYWHERE})
    return frozenset(
        frozenset(name for name in subject if not named_by(*name, scripts)) for subject in keeping
    )


def page_scripts(text: str, page_folder: str, outdir: Path) -> str | None:
    """The code of every script ``page`` runs, or None when one is not on this site."""
    code = inline_code(text)
    sources = [tag_attributes(f"<script{match.group(1)}>").get("src") for match in SCRIPT_TAG.finditer(text)]
    sources += [item.get("src") for item in listed_scripts(text)] + [loader_src(text)]
    for src in sources:
        if src is None or LATER_SRC.search(src):
            continue
        located = site_path_of(src, page_folder)
        if located is None or not (outdir / located[0]).is_file():
            return None
        code.append(file_text(outdir / located[0]))
    return "\n".join(code)


def page_css(text: str, page_folder: str, outdir: Path) -> str | None:
    """All the CSS a page may apply, or None when part of it is not on this site."""
    css = STYLE_ELEMENT.findall(text)
    for tag in LINK_TAG.findall(text):
        attributes = tag_attributes(tag)
        if "stylesheet" not in (attributes.get("rel") or "").lower().split():
            continue
        located = site_path_of(attributes.get("href") or "", page_folder)
        if located is None or not (outdir / located[0]).is_file():
            return None
        css.append(file_text(outdir / located[0]))
    for name in LATER_SRC.findall(text):
        script = outdir / LATER_FOLDER / name
        if script.is_file():
            css.append(later_css(file_text(script)))
    return "\n".join(css)


def squeeze_page(page: Path, outdir: Path) -> bool:
    text = page.read_text(encoding="utf-8")
    page_folder = page.parent.relative_to(outdir).as_posix()
    page_folder = "" if page_folder == "." else page_folder
    css = page_css(text, page_folder, outdir)
    scripts = page_scripts(text, page_folder, outdir)
    if css is None or scripts is None:
        return False
    result = squeezed(text, with_scripts(keeping_subjects(css), scripts))
    if result == text:
        return False
    page.write_text(result, encoding="utf-8")
    return True


def squeeze_site(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html" or not app.config.portfolio_squeeze_whitespace:
        return
    outdir = Path(app.outdir)
    for page in built_pages(outdir):
        squeeze_page(page, outdir)


def setup(app: Sphinx) -> ExtensionMetadata:
    options.add(app, "portfolio_squeeze_whitespace")
    app.connect("build-finished", squeeze_site, priority=PRIORITY)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
