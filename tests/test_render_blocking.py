"""No page waits for a script before its first paint (portfolio.deferscripts and the layout template),
most fetch theirs after it (portfolio.paintfirst), and the scripts still run in an order where each finds
what it needs (the browser tests check that pages run without a console error)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from portfolio.paintfirst import MARKER as LOADER
from portfolio.paintfirst import listed_scripts

pytestmark = pytest.mark.site

EXECUTABLE_TYPES = {None, "", "text/javascript", "module"}


def run_order(page: BeautifulSoup) -> list[str]:
    """The page's scripts in the order they run: its tags, then what portfolio.paintfirst's loader adds."""
    order = [
        script.get("src", "").split("?")[0].rsplit("/", 1)[-1] or script.get_text().strip()
        for script in page.select("script")
        if script.get("type") in EXECUTABLE_TYPES and not script.has_attr(LOADER)
    ]
    for item in listed_scripts(str(page)):
        order.append(item["src"].split("?")[0].rsplit("/", 1)[-1] if item.get("src") else item["code"])
    return order


def test_no_page_but_search_loads_a_script_that_blocks_rendering(site) -> None:
    assert site.returncode == 0, site.stderr
    checked = after_paint = 0
    for path in sorted(site.outdir.rglob("*.html")):
        if path.name == "search.html" or "_static" in path.relative_to(site.outdir).parts:
            continue
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        scripts = [script for script in page.select("script") if script.get("type") in EXECUTABLE_TYPES]
        blocking = [
            script["src"]
            for script in scripts
            if script.get("src")
            and not ({"defer", "async"} & set(script.attrs) or script.get("type") == "module")
        ]
        assert blocking == [], path.name
        # An inline classic script runs at once, before the deferred ones: it must not need them.
        early = [
            script.get_text()
            for script in scripts
            if not script.get("src") and script.get("type") != "module" and not script.has_attr(LOADER)
        ]
        assert not [text for text in early if "DOCUMENTATION_OPTIONS" in text], path.name
        assert "fontawesome.js" not in str(page.head)
        checked += 1
        if page.select(f"script[{LOADER}]"):
            after_paint += 1
            assert [script for script in scripts if script.get("src")] == [], path.name
    assert checked > 60
    # No page has a script that waits for DOMContentLoaded (sphinx-design's tabs) today.
    assert after_paint == checked


def test_sphinx_scripts_keep_their_order_so_each_finds_what_it_needs(site) -> None:
    page = BeautifulSoup((site.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    order = run_order(page)
    options = order.index("documentation_options.js")
    assert options < order.index("doctools.js")
    assert options < order.index("DOCUMENTATION_OPTIONS.pagename = 'index';")
    # The copy buttons' two scripts are on the pages with a pre: a paper page's BibTeX.
    paper = BeautifulSoup(
        (site.outdir / "publications" / "zhou2024jiuzhang3.html").read_text(encoding="utf-8"), "html.parser"
    )
    order = run_order(paper)
    assert (
        order.index("documentation_options.js")
        < order.index("clipboard.min.js")
        < order.index("copybutton.js")
    )
