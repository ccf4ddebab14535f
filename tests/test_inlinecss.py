"""portfolio.inlinecss: each page's stylesheet links become one ``<style>`` with the rules that page can
use, in the links' order, ``@import`` followed, ``media`` kept and ``url()`` rewritten for the page's
folder; through a real build of a test project, read as HTML and drawn in Chromium."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import build_root, build_site, serving

from portfolio.builtpages import Tokens, site_path_of, tag_attributes
from portfolio.cssrules import ROOT, choose, compile_rules, live_properties, rebase, serialize


def test_urls_are_rebased_to_the_site_root_and_data_or_absolute_ones_kept() -> None:
    assert rebase("../img/dot.png", "_static/parts") == f"{ROOT}_static/img/dot.png"
    assert rebase("fonts/a.woff2?v=1", "_static") == f"{ROOT}_static/fonts/a.woff2?v=1"
    for kept in ("data:image/svg+xml,%3Csvg%3E", "https://example.org/a.png", "/abs/a.png", "#mask", ""):
        assert rebase(kept, "_static") == kept


def test_a_links_file_and_the_pages_prefix_come_from_its_href() -> None:
    assert site_path_of("_static/site.css?v=1", "") == ("_static/site.css", "")
    assert site_path_of("../../_static/site.css", "a/b") == ("_static/site.css", "../../")
    # The 404 page links with the hosting prefix.
    assert site_path_of("/en/latest/_static/site.css", "") == ("_static/site.css", "/en/latest/")
    for elsewhere in ("https://cdn.example.org/x.css", "//cdn.example.org/x.css", "../outside.css"):
        assert site_path_of(elsewhere, "") is None


def test_a_start_tags_attributes_are_read_unescaped_bare_ones_as_none() -> None:
    assert tag_attributes('<link rel="stylesheet" type="text/css" href="_static/a.css?v=1&amp;x=2" />') == {
        "rel": "stylesheet",
        "type": "text/css",
        "href": "_static/a.css?v=1&x=2",
    }
    assert tag_attributes("""<script defer src=x.js data-a='q"' DATA-B="">""") == {
        "defer": None,
        "src": "x.js",
        "data-a": 'q"',
        "data-b": "",
    }


def compiled(css: str) -> list:
    import tinycss2

    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return compile_rules(rules, "_static", lambda url: None)


def test_a_rule_stays_when_one_selector_may_match_and_empty_blocks_go() -> None:
    tokens = Tokens()
    tokens.classes.update({"here"})
    tokens.script_words.update({"toggled"})
    css = (
        ".here{color:red}.gone,.toggled{color:blue}.gone{color:green}@font-face{font-family:F}"
        "@media print{.gone{color:red}}@media screen{.here{color:blue}}"
    )
    assert serialize(choose(compiled(css), tokens)) == [
        ".here{color:red}",
        ".gone,.toggled{color:blue}",
        "@font-face{font-family:F}",
        "@media screen{.here{color:blue}}",
    ]


def test_only_the_custom_properties_a_kept_rule_uses_stay_followed_through_others() -> None:
    tokens = Tokens()
    tokens.classes.add("here")
    css = (
        ":root{--used:var(--via);--via:1px;--unused:var(--also-unused);--also-unused:2px;--named:3px}"
        ".here{margin:var(--used)}.gone{margin:var(--unused)}:root{--only-unused:0}"
    )
    chosen = choose(compiled(css), tokens)
    live = live_properties(chosen, lambda name: name == "--named")
    assert live == {"--used", "--via", "--named"}
    assert serialize(chosen, live) == [
        ":root{--used:var(--via);--via:1px;--named:3px}",
        ".here{margin:var(--used)}",
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_root("inlinecss", tmp_path_factory.mktemp("inlinecss") / "html")


def head_of(built: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((built / page).read_text(encoding="utf-8"), "html.parser").head


def page_style(built: Path, page: str) -> str:
    styles = [style.get_text() for style in head_of(built, page).find_all("style")]
    ours = [text for text in styles if "used-on-page" in text]
    assert len(ours) == 1, styles
    return ours[0]


@pytest.mark.parametrize("page", ["index.html", "sub/page.html"])
def test_no_local_stylesheet_is_linked_and_a_remote_one_still_is(built: Path, page: str) -> None:
    links = [link["href"] for link in head_of(built, page).select('link[rel~="stylesheet"]')]
    assert links == ["https://cdn.example.org/remote.css"]


def test_a_page_gets_the_rules_its_markup_and_scripts_use_and_no_other(built: Path) -> None:
    home = page_style(built, "index.html")
    other = page_style(built, "sub/page.html")
    assert ".added-by-script" in home  # site.js adds it
    assert ".dotted" in home
    assert ".only-on-the-other-page" not in home
    assert ".only-on-the-other-page" in other
    assert ".never-used" not in home + other
    assert "@media (min-width: 2px)" not in home  # nothing in it can match
    assert "--dot-size:" in home  # .dotted uses it
    assert "--read-by-markup:" in home  # a style attribute uses it
    assert "--never-read" not in home + other
    assert "--read-by-markup" not in other
    assert "@charset" not in home
    assert "@import" not in home


def test_the_cascade_keeps_the_links_order_with_imports_in_place(built: Path) -> None:
    home = page_style(built, "index.html")
    imported = home.index("#999999")  # parts/base.css, imported first by site.css
    own = home.index("#123456")
    printed = home.index("#000001")  # print.css, linked after site.css
    assert imported < own < printed
    assert re.search(r"@media print\{\s*\.used-on-page\s*\{[^}]*#000001", home)


@pytest.mark.parametrize(("page", "prefix"), [("index.html", ""), ("sub/page.html", "../")])
def test_urls_point_from_the_page_to_the_files(built: Path, page: str, prefix: str) -> None:
    style = page_style(built, page)
    for path in ("_static/fonts/site.woff2", "_static/img/dot.png"):
        digest = hashlib.sha256((built / path).read_bytes()).hexdigest()[:12]
        assert f'url("{prefix}{path}?v={digest}")' in style


def test_a_closing_style_tag_in_the_css_does_not_end_the_style_element(built: Path) -> None:
    soup = BeautifulSoup((built / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find("b", string="not markup") is None


def test_a_second_build_leaves_the_pages_as_they_are(built: Path, tmp_path: Path) -> None:
    root = Path(__file__).parent / "roots" / "test-inlinecss"
    outdir = tmp_path / "html"
    first = build_site(root, outdir)
    assert first.returncode == 0, first.stderr
    before = (outdir / "sub" / "page.html").read_bytes()
    again = build_site(root, outdir)
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""
    assert (outdir / "sub" / "page.html").read_bytes() == before == (built / "sub" / "page.html").read_bytes()


@pytest.mark.parametrize("page", ["index.html", "sub/page.html"])
def test_the_browser_applies_the_inlined_rules_and_loads_their_files(built: Path, browser, page: str) -> None:
    with serving(built) as base:
        tab = browser.new_page()
        failed: list[str] = []
        tab.on("requestfailed", lambda request: failed.append(request.url))
        tab.on("response", lambda response: response.status >= 400 and failed.append(response.url))
        tab.goto(f"{base}/{page}", wait_until="load")
        tab.evaluate("document.fonts.ready")
        state = tab.evaluate(
            """() => {
                const styled = document.querySelector('.used-on-page');
                const dotted = document.querySelector('.dotted');
                return {
                    color: getComputedStyle(styled).color,
                    decoration: getComputedStyle(styled).textDecorationLine,
                    after: getComputedStyle(styled, '::after').content,
                    scripted: getComputedStyle(document.body).color,
                    background: getComputedStyle(dotted).backgroundImage,
                    height: getComputedStyle(dotted).minHeight,
                    font: document.fonts.check('16px Site'),
                    loaded: performance.getEntriesByType('resource').map((entry) => entry.name),
                };
            }"""
        )
        tab.close()
    assert failed == [] or all("cdn.example.org" in url for url in failed), failed
    assert state["color"] == "rgb(18, 52, 86)"  # site.css's, after the imported grey; print.css not applied
    assert state["decoration"] == "underline"
    assert state["after"] == '"</style><b>not markup</b>"'
    assert state["scripted"] == "rgb(101, 67, 33)"
    assert re.search(r'/_static/img/dot\.png\?v=[0-9a-f]{12}"\)$', state["background"])
    assert state["height"] == "10px"  # through the custom property
    assert any("/_static/img/dot.png?v=" in url for url in state["loaded"])
    assert any("/_static/fonts/site.woff2?v=" in url for url in state["loaded"])
    assert state["font"] is True
