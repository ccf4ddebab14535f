"""Ship only the Font Awesome glyphs the site uses.

pydata-sphinx-theme links the three Font Awesome web fonts (solid, regular, brands: 244 KB of woff2) from
its stylesheet with ``font-display: block``, so a phone downloads all of them to draw about fifteen icons,
and draws no icon until they arrive. After the build, this module collects every icon the built site can
show (``fa-*`` classes in the pages and in the scripts they load, and the glyphs the theme's stylesheet uses
itself for admonitions, arrows and external-link marks) and rewrites each font in the output with just
those glyphs. The theme's sources are untouched; the next build copies the full fonts and subsets again.

A class that names no Font Awesome icon (a typo such as ``fa-githb``) is reported with its page: the
browser would draw nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from .papers.seam import THEME_FONT_DIR as FONT_DIR
from .papers.seam import THEME_STYLESHEET

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

CACHE_DIR_NAME = "portfolio-iconfont"
#: Part of the cache key: bump it when subset_font changes what it writes.
SUBSET_VERSION = b"2"

# A rule of Font Awesome's icon table: `.fa-github{--fa:"\f09b"}` (several selectors may share one rule).
ICON_RULE = re.compile(r"((?:\.fa-[a-z0-9-]+,?)+)\{--fa:\"((?:\\[0-9a-fA-F]{1,6}|[^\"\\])+)\"")
CLASS_NAME = re.compile(r"\.(fa-[a-z0-9-]+)")
ICON_CLASS = re.compile(r"(?<![\w-])fa-[a-z0-9-]+")
CSS_STRING = re.compile(r"\"((?:\\.|[^\"\\])*)\"")
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")
PRIVATE_USE = range(0xE000, 0xF900)
#: The font (its file's stem in the theme's font folder) each Font Awesome style draws with, and the classes
#: that choose the style: an element is drawn in brands, else regular, else solid (the default weight).
STYLE_FONTS = (
    ("fa-brands-400", frozenset({"fa-brands", "fab"})),
    ("fa-regular-400", frozenset({"fa-regular", "far"})),
    ("fa-solid-900", frozenset({"fa-solid", "fas", "fa", "fa-classic"})),
)


def decode_css_string(text: str) -> str:
    return CSS_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


def read_icon_table(stylesheet: str) -> tuple[dict[str, str], set[str], set[str]]:
    """The icon classes with their characters, every ``fa-`` class the stylesheet knows, and the
    characters the stylesheet draws by itself (outside the icon table)."""
    icons: dict[str, str] = {}
    for selectors, value in ICON_RULE.findall(stylesheet):
        for name in CLASS_NAME.findall(selectors):
            icons[name] = decode_css_string(value)
    known_classes = set(CLASS_NAME.findall(stylesheet))
    outside_table = ICON_RULE.sub("", stylesheet)
    own_glyphs = {
        character
        for string in CSS_STRING.findall(outside_table)
        for character in decode_css_string(string)
        if ord(character) in PRIVATE_USE
    }
    return icons, known_classes, own_glyphs


def font_of(classes: frozenset[str]) -> str | None:
    """The font an element with these classes draws its icon with (see :data:`STYLE_FONTS`), or None when
    none of them chooses a Font Awesome style."""
    for font, style_classes in STYLE_FONTS:
        if classes & style_classes:
            return font
    return None


class _PageScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.classes: set[str] = set()
        self.scripts: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "class" and value and "fa-" in value:
                self.classes.update(ICON_CLASS.findall(value))
            elif tag == "script" and name == "src" and value:
                self.scripts.add(value.split("?", 1)[0].split("#", 1)[0])


def icons_in_site(outdir: Path, record: Path | None = None) -> tuple[dict[Path, set[str]], set[Path]]:
    """The ``fa-`` classes each built page uses, and the local scripts the pages load.

    With ``record``, what each page held is kept there with a digest of the page, and a page whose bytes
    did not change is not parsed again (hashing is a small fraction of the cost of parsing).
    """
    known: dict[str, list] = {}
    if record is not None and record.is_file():
        try:
            known = json.loads(record.read_text(encoding="utf-8"))
        except ValueError:
            known = {}
    seen: dict[str, list] = {}
    classes: dict[Path, set[str]] = {}
    scripts: set[Path] = set()
    for page in sorted(outdir.rglob("*.html")):
        name = page.relative_to(outdir).as_posix()
        data = page.read_bytes()
        stamp = hashlib.blake2b(data, digest_size=16).hexdigest()
        if (kept := known.get(name)) is not None and kept[0] == stamp:
            page_classes, page_scripts = set(kept[1]), kept[2]
        else:
            scan = _PageScan()
            scan.feed(data.decode("utf-8"))
            page_classes, page_scripts = scan.classes, sorted(scan.scripts)
        seen[name] = [stamp, sorted(page_classes), page_scripts]
        if page_classes:
            classes[page] = page_classes
        for src in page_scripts:
            if "://" not in src and not src.startswith("//"):
                script = (page.parent / src).resolve()
                if script.is_file() and script.is_relative_to(outdir.resolve()):
                    scripts.add(script)
    if record is not None:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(seen, sort_keys=True), encoding="utf-8")
    return classes, scripts


def subset_font(data: bytes, characters: set[str]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # Keep the source font's timestamp: two builds of one commit must give the same bytes.
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    font_characters = set(font.getBestCmap())
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(char) for char in characters if ord(char) in font_characters))
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def glyphs_the_site_uses(app: Sphinx, outdir: Path, stylesheet: str) -> set[str]:
    icons, known_classes, glyphs = read_icon_table(stylesheet)
    page_classes, scripts = icons_in_site(outdir, Path(app.doctreedir, CACHE_DIR_NAME, "pages.json"))
    for page, classes in page_classes.items():
        built_name = page.relative_to(outdir).as_posix()
        docname = built_name.removesuffix(".html")
        # The page's source when it has one; otherwise (search, genindex) the built page.
        location = docname if docname in app.env.all_docs else None
        for name in sorted(classes - known_classes):
            logger.warning(
                "%s%r is not a Font Awesome icon or style class, so nothing is drawn: check the name at "
                "https://fontawesome.com/search?o=r&m=free",
                "" if location else f"{built_name}: ",
                name,
                location=location,
                type="portfolio",
                subtype="unknown_icon",
            )
        glyphs.update(icons[name] for name in classes if name in icons)
    for script in scripts:
        text = script.read_text(encoding="utf-8", errors="replace")
        glyphs.update(icons[name] for name in ICON_CLASS.findall(text) if name in icons)
    return glyphs


def subset_icon_fonts(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    stylesheet_path = outdir / THEME_STYLESHEET
    if not stylesheet_path.is_file():
        return
    glyphs = glyphs_the_site_uses(app, outdir, stylesheet_path.read_text(encoding="utf-8"))
    cache = Path(app.doctreedir, CACHE_DIR_NAME)
    key_of_glyphs = "".join(sorted(glyphs)).encode()
    for font_path in sorted((outdir / FONT_DIR).glob("*.woff2")):
        data = font_path.read_bytes()
        key = hashlib.sha256(SUBSET_VERSION + b"\0" + data + b"\0" + key_of_glyphs).hexdigest()
        cached = cache / f"{font_path.stem}-{key[:20]}.woff2"
        if not cached.is_file():
            cache.mkdir(parents=True, exist_ok=True)
            for stale in cache.glob(f"{font_path.stem}-*.woff2"):
                stale.unlink()
            cached.write_bytes(subset_font(data, glyphs))
        font_path.write_bytes(cached.read_bytes())


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("build-finished", subset_icon_fonts)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
