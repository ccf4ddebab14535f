"""portfolio.fontpreload: a page preloads the icon fonts its elements are drawn with, from the URL its own
``@font-face`` names, and no other; on a test project and on the real site, in Chromium every font the page
fetches was preloaded, each once, and every preloaded face is drawn."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import build_root, open_ready, serving
from lighthouse import PAGES as TOP_LEVEL_AND_PAPER_PAGES

from portfolio.builtpages import tag_attributes
from portfolio.fontpreload import with_font_preloads
from portfolio.iconfont import font_of
from portfolio.inlinecss import LINK_TAG

SOLID, REGULAR, BRANDS = "fa-solid-900", "fa-regular-400", "fa-brands-400"
FACES = (
    '@font-face{font-family:"Font Awesome 7 Free";font-weight:900;src:url("f/fa-solid-900.woff2?v=1")}\n'
    "@font-face{font-family:'Font Awesome 7 Free';font-weight:400;src:url(f/fa-regular-400.woff2)}\n"
    "@font-face{font-family:'Font Awesome 7 Brands';src:url('f/fa-brands-400.woff2?v=2&x=3') format('woff2')}"
)
FONT_FACE_URL = re.compile(r"@font-face\{[^}]*?url\(\s*[\"']?([^\"')]+)")


def page(body: str, head: str = "") -> str:
    return (
        f'<html><head><meta charset="utf-8">{head}<style>{FACES}</style><style>p{{color:red}}</style>'
        f"</head><body>{body}</body></html>"
    )


def preload_links(text: str) -> list[dict[str, str | None]]:
    head = text[: text.index("</head>")]
    return [
        attributes
        for attributes in map(tag_attributes, LINK_TAG.findall(head))
        if attributes.get("rel") == "preload" and attributes.get("as") == "font"
    ]


def preloaded_fonts(text: str) -> set[str]:
    return {
        posixpath.basename(link["href"].split("?")[0]).removesuffix(".woff2") for link in preload_links(text)
    }


def test_an_elements_classes_choose_the_font_its_icon_is_drawn_with() -> None:
    assert font_of(frozenset({"fa-brands", "fa-github"})) == BRANDS
    assert font_of(frozenset({"fab", "fa-github"})) == BRANDS
    assert font_of(frozenset({"fa-classic", "fa-brands", "fa-github"})) == BRANDS
    assert font_of(frozenset({"fa-regular", "fa-star"})) == REGULAR
    assert font_of(frozenset({"fa", "far", "fa-star"})) == REGULAR
    assert font_of(frozenset({"fa-solid", "fa-star"})) == SOLID
    assert font_of(frozenset({"fa", "fa-star"})) == SOLID
    # An icon's name alone chooses no style: Font Awesome draws nothing.
    assert font_of(frozenset({"fa-github"})) is None
    assert font_of(frozenset({"fa-lg", "profile-link"})) is None


def test_the_fonts_a_page_draws_are_preloaded_before_the_style_that_declares_them() -> None:
    text = page('<p><i class="fa-solid fa-star"></i><span class="fab fa-github"></span></p>')
    done = with_font_preloads(text)
    links = preload_links(done)
    assert [link["href"] for link in links] == ["f/fa-solid-900.woff2?v=1", "f/fa-brands-400.woff2?v=2&x=3"]
    for link in links:
        assert (link["as"], link["type"]) == ("font", "font/woff2")
        assert "crossorigin" in link
    assert done.index('<link rel="preload"') < done.index("<style>@font-face") < done.index("</head>")
    assert 'href="f/fa-brands-400.woff2?v=2&amp;x=3"' in done  # escaped in the attribute
    # The page is otherwise the same.
    assert re.sub(r'<link rel="preload"[^>]*>', "", done) == text


def test_a_font_drawn_only_in_a_closed_dialog_or_by_nobody_is_not_preloaded() -> None:
    closed = page('<i class="fa-solid fa-bars"></i><dialog><i class="fa-brands fa-github"></i></dialog>')
    assert preloaded_fonts(with_font_preloads(closed)) == {SOLID}
    opened = page('<i class="fa-solid fa-bars"></i><dialog open><i class="fa-brands fa-github"></i></dialog>')
    assert preloaded_fonts(with_font_preloads(opened)) == {SOLID, BRANDS}
    nothing = page('<p class="fa-lg">No icon</p><i class="fa-github"></i>')
    assert with_font_preloads(nothing) == nothing


def test_only_woff2_faces_of_the_pages_own_head_styles_are_preloaded_once() -> None:
    icons = '<i class="fa-solid fa-bars"></i><i class="fa-regular fa-star"></i>'
    done = with_font_preloads(page(icons))
    assert preloaded_fonts(done) == {SOLID, REGULAR}
    assert with_font_preloads(done) == done
    # A face in a <noscript> style (no script: nothing to gain) or in the body, or not WOFF2, is left alone.
    moved = (
        page(icons)
        .replace(f"<style>{FACES}</style>", "")
        .replace("<head>", f"<head><noscript><style>{FACES}</style></noscript>")
    )
    assert with_font_preloads(moved) == moved
    in_body = (
        f"<html><head><style>p{{color:red}}</style></head><body>{icons}<style>{FACES}</style></body></html>"
    )
    assert with_font_preloads(in_body) == in_body
    not_woff2 = page(icons).replace(".woff2", ".woff")
    assert with_font_preloads(not_woff2) == not_woff2


# -- A test project ---------------------------------------------------------------------------------

#: The fonts each page of roots/test-fontpreload draws: the navbar's icons are solid (search, colour theme);
#: the rest is what each page's own markup says it has.
ROOT_PAGES = {
    "index.html": {SOLID, BRANDS},
    "regular.html": {SOLID, REGULAR},
    "dialog.html": {SOLID},
    "sub/plain.html": {SOLID},
}


@pytest.fixture(scope="module")
def root_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_root("fontpreload", tmp_path_factory.mktemp("fontpreload") / "html")


def test_each_page_preloads_the_fonts_it_draws_from_its_own_font_faces(root_site: Path) -> None:
    for name, fonts in ROOT_PAGES.items():
        text = (root_site / name).read_text(encoding="utf-8")
        assert preloaded_fonts(text) == fonts, name
        head = BeautifulSoup(text, "html.parser").head
        declared = {
            url for style in head.find_all("style") for url in FONT_FACE_URL.findall(style.string or "")
        }
        for link in preload_links(text):
            assert link["href"] in declared, name
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), link["href"].split("?")[0]))
            assert (root_site / target).is_file(), target


def fonts_in_chromium(browser, url: str, width: int) -> tuple[list[str], set[str], int, list[str]]:
    """What Chromium fetched as fonts for the page at ``url``, what it preloads, how many of its font
    faces were drawn with (a face is loaded only when a glyph needs it), and what the console said of
    preloads."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        fetched: list[str] = []
        warnings: list[str] = []
        page.on("request", lambda request: request.resource_type == "font" and fetched.append(request.url))
        # Chromium says so when a preload does not match the request that would use it (its credentials).
        page.on("console", lambda message: "preload" in message.text and warnings.append(message.text))
        open_ready(page, url)
        page.evaluate("() => document.fonts.ready.then(() => true)")
        preloaded = set(
            page.eval_on_selector_all('link[rel="preload"][as="font"]', "links => links.map(l => l.href)")
        )
        drawn = page.evaluate("() => [...document.fonts].filter((face) => face.status === 'loaded').length")
        return fetched, preloaded, drawn, warnings
    finally:
        context.close()


def assert_fonts_come_preloaded(browser, base: str, names: list[str]) -> int:
    pages = 0
    for width in (375, 1280):
        for name in names:
            fetched, preloaded, drawn, warnings = fonts_in_chromium(browser, f"{base}/{name}", width)
            where = f"{name} at {width} px"
            assert preloaded, where
            assert sorted(set(fetched)) == sorted(fetched), f"{where}: a font fetched twice: {fetched}"
            assert set(fetched) == preloaded, where
            assert drawn == len(preloaded), f"{where}: a preloaded face is not drawn"
            assert warnings == [], where
            pages += 1
    return pages


@pytest.mark.browser
def test_in_chromium_every_font_the_test_pages_fetch_was_preloaded_and_is_drawn(
    root_site: Path, browser
) -> None:
    with serving(root_site) as base:
        assert assert_fonts_come_preloaded(browser, base, list(ROOT_PAGES)) == 2 * len(ROOT_PAGES)


@pytest.mark.browser
@pytest.mark.site
def test_on_the_real_site_every_font_a_page_fetches_was_preloaded_and_is_drawn(
    browser, site_url: str
) -> None:
    assert assert_fonts_come_preloaded(browser, site_url, TOP_LEVEL_AND_PAPER_PAGES) == 16
