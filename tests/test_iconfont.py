"""Font Awesome subsetting (portfolio.iconfont): every icon a page or script can show keeps its glyph, the
glyphs nobody uses are gone, and a misspelt icon class is a warning naming its page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont
from helpers import build_in_process, warnings_of

from portfolio.iconfont import FONT_DIR, read_icon_table

# Font Awesome's published code points (fontawesome.com), not values read from our output.
TROPHY, ROCKET, STAR, GITHUB, SKULL, INFO_CIRCLE = 0xF091, 0xF135, 0xF005, 0xF09B, 0xF54C, 0xF05A
FULL_FONTS_BYTES = 200_000


def cmap(font_file: Path) -> set[int]:
    return set(TTFont(io.BytesIO(font_file.read_bytes())).getBestCmap())


def font_files(outdir: Path) -> dict[str, Path]:
    return {path.stem: path for path in (outdir / FONT_DIR).glob("*.woff2")}


def test_the_icon_table_is_read_with_shared_rules_escapes_and_the_stylesheets_own_glyphs() -> None:
    css = (
        '.fa-github{--fa:"\\f09b"}.fa-0{--fa:"0"}.fa-github-square,.fa-square-github{--fa:"\\f092"}'
        '.fa-lg{font-size:1.25em}:root{--pst-icon-bell:"\uf0f3";--pst-icon-x:"\\f00d "}'
        'body{font-family:"Font Awesome 7 Free"}'
    )
    icons, known, own = read_icon_table(css)
    assert icons == {
        "fa-github": "\uf09b",
        "fa-0": "0",
        "fa-github-square": "\uf092",
        "fa-square-github": "\uf092",
    }
    assert known == {"fa-github", "fa-0", "fa-github-square", "fa-square-github", "fa-lg"}
    assert own == {"\uf0f3", "\uf00d"}


pytestmark_root = pytest.mark.sphinx("html", testroot="iconfont", freshenv=True)


@pytestmark_root
def test_a_misspelt_icon_is_one_warning_naming_its_page(built) -> None:
    warnings = warnings_of(built)
    assert len(warnings) == 1, warnings
    assert "typo.rst: WARNING: 'fa-githb' is not a Font Awesome icon" in warnings[0]
    assert warnings[0].endswith("[portfolio.unknown_icon]")


@pytestmark_root
def test_the_fonts_keep_the_used_glyphs_and_drop_the_rest(built) -> None:
    fonts = font_files(built.outdir)
    assert set(fonts) == {"fa-solid-900", "fa-regular-400", "fa-brands-400"}
    solid, regular, brands = (
        cmap(fonts["fa-solid-900"]),
        cmap(fonts["fa-regular-400"]),
        cmap(fonts["fa-brands-400"]),
    )
    assert {TROPHY, ROCKET, INFO_CIRCLE} <= solid  # a page, a script, the theme's admonition title
    assert STAR in regular
    assert GITHUB in brands  # the navbar's icon link
    assert SKULL not in solid
    assert sum(path.stat().st_size for path in fonts.values()) < FULL_FONTS_BYTES / 10


@pytest.mark.site
def test_every_icon_on_the_real_site_has_its_glyph_in_the_font_of_its_style(site) -> None:
    assert site.returncode == 0, site.stderr
    stylesheet = (site.outdir / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    icons, _, own_glyphs = read_icon_table(stylesheet)
    fonts = {stem: cmap(path) for stem, path in font_files(site.outdir).items()}
    shown = 0
    for page in site.outdir.rglob("*.html"):
        for element in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select(
            '[class*="fa-"]'
        ):
            classes = set(element["class"])
            font = (
                "fa-brands-400"
                if "fa-brands" in classes
                else "fa-regular-400"
                if "fa-regular" in classes
                else "fa-solid-900"
            )
            for name in classes & icons.keys():
                assert ord(icons[name]) in fonts[font], f"{page.name}: {name} has no glyph in {font}"
                shown += 1
    assert shown > 100  # navbar, profile card and award icons on every page
    assert all(any(ord(glyph) in cmap_ for cmap_ in fonts.values()) for glyph in own_glyphs)
    assert sum((site.outdir / FONT_DIR / f"{stem}.woff2").stat().st_size for stem in fonts) < 20_000


def test_a_rebuild_reuses_what_unchanged_pages_hold_and_still_warns(tmp_path: Path) -> None:
    import shutil

    source = tmp_path / "src"
    shutil.copytree(Path(__file__).parent / "roots" / "test-iconfont", source)
    results = []
    for _ in range(2):
        app = build_in_process(source)
        fonts = {stem: path.read_bytes() for stem, path in font_files(app.outdir).items()}
        results.append((warnings_of(app), fonts))
    record = Path(app.doctreedir, "portfolio-iconfont", "pages.json")
    assert "typo.html" in record.read_text(encoding="utf-8")
    assert results[1] == results[0]
    assert len(results[1][0]) == 1
