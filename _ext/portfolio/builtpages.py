"""Reading the built site's HTML pages, for the steps that rewrite them after the build (pure, no Sphinx).

:mod:`portfolio.csssubset`, :mod:`portfolio.inlinecss`, :mod:`portfolio.fontpreload`,
:mod:`portfolio.paintfirst` and :mod:`portfolio.pagescripts` all read what pages hold: their start tags'
attributes, the classes, ids, elements and attributes a selector can name (:class:`Tokens`), where a linked
file lies in the output, and the words of scripts. Start tags are read with regular expressions, not an
HTML parser: a parser per tag cost a second per build, and what is read here may be a little more than a
parser reads, never less (a ``<`` in a script adds a word, which keeps a CSS rule, never drops one).
"""

from __future__ import annotations

import functools
import hashlib
import html
import posixpath
import re
from pathlib import Path

TAG_NAME = re.compile(r"<[a-zA-Z][^\s/>]*")
START_TAG = re.compile(r"<([a-zA-Z][^\s/>]*)([^>]*)>")
ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
SCRIPT_WORD = re.compile(r"[A-Za-z_][\w-]*")
#: ``element.dataset.fooBar`` sets the attribute ``data-foo-bar``, a word the script never spells.
DATASET_PROPERTY = re.compile(r"\bdataset\s*\.\s*([A-Za-z_$][\w$]*)")
CAPITAL = re.compile(r"[A-Z]")
#: The ``type`` values of a script that runs (no ``type`` too); others hold data: JSON-LD, templates.
SCRIPT_TYPES = frozenset({"module", "text/javascript", "application/javascript"})
SCHEME = re.compile(r"[a-zA-Z][\w+.-]*:")
ALWAYS_PRESENT = frozenset({"html", "body", "head"})
#: A ``<dialog>`` without ``open``: it is not drawn until a script opens it.
CLOSED_DIALOG = re.compile(r"<dialog\b(?![^>]*\sopen\b)[^>]*>.*?</dialog\s*>", re.IGNORECASE | re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)


def built_pages(outdir: Path) -> list[Path]:
    """The site's pages: every HTML file but those in ``_static`` (the theme's template macros)."""
    return [page for page in sorted(outdir.rglob("*.html")) if page.relative_to(outdir).parts[0] != "_static"]


def write_once_per_content(outdir: Path, folder: str, code: str) -> str:
    """The path (under the output folder) of a script file named by its content's digest, so that a
    browser may keep it and pages that share it share one file; written the first time it is asked for."""
    site_path = f"{folder}/{hashlib.sha256(code.encode()).hexdigest()[:16]}.js"
    path = outdir / site_path
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code, encoding="utf-8")
    return site_path


def tag_attributes(tag: str) -> dict[str, str | None]:
    """The attributes of one start tag (``<link rel="stylesheet" href=...>``): names lower-cased, values
    unescaped, None for a bare attribute (``defer``)."""
    start = TAG_NAME.match(tag)
    body = tag[start.end() if start else 0 :].removesuffix(">")
    attributes: dict[str, str | None] = {}
    for name, assignment, double, single, bare in ATTRIBUTE.findall(body):
        value = html.unescape(double or single or bare) if assignment else None
        attributes.setdefault(name.lower(), value)
    return attributes


def site_path_of(href: str, page_folder: str) -> tuple[str, str] | None:
    """The file's path under the output folder and the page's prefix for the site root, or None for a
    file from elsewhere. An absolute path (the 404 page's carry the hosting prefix, such as
    ``/en/latest/``) is read from its ``_static/`` on."""
    path = href.split("?", 1)[0].split("#", 1)[0]
    if not path or SCHEME.match(path) or path.startswith("//"):
        return None
    if path.startswith("/"):
        marker = path.find("/_static/")
        if marker < 0:
            return None
        return path[marker + 1 :], path[: marker + 1]
    site_path = posixpath.normpath(posixpath.join(page_folder, path))
    if site_path.startswith("../"):
        return None
    depth = len([part for part in page_folder.split("/") if part])
    return site_path, "../" * depth


class Tokens:
    """Every class, id, element and attribute name of some pages, and every word of some scripts."""

    def __init__(self) -> None:
        self.classes: set[str] = set()
        self.ids: set[str] = set()
        self.elements: set[str] = set(ALWAYS_PRESENT)
        self.attributes: set[str] = set()
        self.script_words: set[str] = set()
        #: The classes of each element that has some, as sets.
        self.class_sets: set[frozenset[str]] = set()

    def has_class(self, name: str) -> bool:
        return name in self.classes or name in self.script_words

    def has_id(self, name: str) -> bool:
        return name in self.ids or name in self.script_words

    def has_element(self, name: str) -> bool:
        return name in self.elements or name in self.script_words

    def has_attribute(self, name: str) -> bool:
        return name in self.attributes or name in self.script_words

    def may_share(self, classes: frozenset[str]) -> bool:
        """Whether one element may carry all of ``classes`` at once: an element carries those no script
        names (a script may add the others), or none is left."""
        fixed = classes - self.script_words
        return not fixed or any(fixed <= each for each in self.class_sets)

    def key(self) -> bytes:
        parts = (self.classes, self.ids, self.elements, self.attributes, self.script_words)
        return "\0".join(" ".join(sorted(part)) for part in parts).encode()


def page_tokens(text: str, tokens: Tokens | None = None) -> Tokens:
    """The classes, ids, elements and attributes of a page's start tags, added to ``tokens``."""
    tokens = Tokens() if tokens is None else tokens
    for match in START_TAG.finditer(text):
        tokens.elements.add(match.group(1).lower())
        for name, assignment, double, single, bare in ATTRIBUTE.findall(match.group(2)):
            name = name.lower()
            tokens.attributes.add(name)
            if assignment and name in ("class", "id"):
                value = double or single or bare
                value = html.unescape(value) if "&" in value else value
                if name == "class":
                    tokens.classes.update(value.split())
                    tokens.class_sets.add(frozenset(value.split()))
                elif value:
                    tokens.ids.add(value)
    return tokens


@functools.lru_cache(maxsize=256)
def _text(path: Path, mtime_ns: int, size: int) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def file_text(path: Path) -> str:
    """A built file's text, read once however many pages load it ("" when it is missing)."""
    try:
        status = path.stat()
    except OSError:
        return ""
    return _text(path, status.st_mtime_ns, status.st_size)


def script_words(path: Path) -> frozenset[str]:
    """Every word of a script file (class names it adds are among them)."""
    return _words(file_text(path))


def words_of(code: str) -> frozenset[str]:
    """The words of a script: every identifier-like word (class names it adds are among them) and the
    ``data-*`` attribute each ``dataset.property`` stands for."""
    return _words(code)


@functools.lru_cache(maxsize=256)
def _words(text: str) -> frozenset[str]:
    attributes = {
        "data-" + CAPITAL.sub(lambda capital: "-" + capital.group(0).lower(), name)
        for name in DATASET_PROPERTY.findall(text)
    }
    return frozenset(SCRIPT_WORD.findall(text)) | attributes
