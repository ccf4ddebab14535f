"""portfolio.pagescripts: a script named in ``portfolio_scripts_by_markup`` is loaded only on pages whose
body has one of its classes, others everywhere; through a real build of a test project and in Chromium;
on the real site, the copy-button scripts are exactly on the pages with code."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import REPO, build_root, serving

from portfolio.pagescripts import markup_in, script_name
from portfolio.paintfirst import listed_scripts

#: The site's own table, read from its conf.py.
REAL_SITE_SCRIPTS: dict[str, list[str]] = runpy.run_path(str(REPO / "conf.py"))["portfolio_scripts_by_markup"]


def test_classes_are_read_from_every_class_attribute_and_elements_from_start_tags() -> None:
    html = """<div class="a b"><p class='c'>x class="not-an-attribute" &lt;pre&gt;</p><i class=d></i></div>"""
    assert markup_in(html) == {"a", "b", "c", "d", "<div>", "<p>", "<i>", "<html>", "<head>", "<body>"}
    assert script_name("_static/copybutton.js?v=1") == "copybutton.js"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_root("pagescripts", tmp_path_factory.mktemp("pagescripts") / "html")


def scripts_of(built: Path, page: str) -> set[str]:
    soup = BeautifulSoup((built / page).read_text(encoding="utf-8"), "html.parser")
    return {script_name(tag["src"]) for tag in soup.select("script[src]")}


def test_a_named_script_is_only_where_its_markup_is(built: Path) -> None:
    code, plain = scripts_of(built, "index.html"), scripts_of(built, "plain.html")
    named = {"clipboard.min.js", "copybutton.js", "only-here.js"}
    assert named <= code
    assert not named & plain
    assert "everywhere.js" in code & plain
    assert "doctools.js" in code & plain  # Sphinx's own are not named: they stay


def test_the_kept_scripts_run_and_the_copy_button_works(built: Path, browser) -> None:
    with serving(built) as base:
        tab = browser.new_page()
        tab.goto(f"{base}/index.html", wait_until="load")
        assert tab.locator("div.highlight button.copybtn").count() == 1
        assert tab.evaluate("document.documentElement.dataset.onlyHere") == "ran"
        tab.goto(f"{base}/plain.html", wait_until="load")
        assert tab.evaluate("document.documentElement.dataset.everywhere") == "ran"
        assert tab.evaluate("document.documentElement.dataset.onlyHere") is None
        tab.close()


def loaded_scripts(soup: BeautifulSoup) -> set[str]:
    """The scripts a built page loads: its tags, and those portfolio.paintfirst adds after the first paint."""
    loaded = {script_name(tag["src"]) for tag in soup.select("script[src]")}
    return loaded | {script_name(item["src"]) for item in listed_scripts(str(soup)) if item.get("src")}


def test_on_the_site_each_named_script_loads_exactly_where_its_markup_is(site) -> None:
    assert site.returncode == 0, site.stderr
    wanted = REAL_SITE_SCRIPTS
    counts = {name: 0 for name in wanted}
    pages = sorted(site.outdir.rglob("*.html"))
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        article = soup.select_one("article.bd-article")
        present = markup_in(str(article)) if article else set()
        loaded = loaded_scripts(soup)
        for name, classes in wanted.items():
            expected = bool(present & set(classes))
            assert (name in loaded) == expected, (page.relative_to(site.outdir), name)
            counts[name] += expected
    # Every paper page has a pre (its BibTeX); the list's and the home page's BibTeX blocks are divs, which
    # publications.js gives their copy buttons; the research outline cites papers; no page has a tab set.
    assert counts["copybutton.js"] > 60
    for listing in ("index.html", "publications/index.html"):
        loaded = loaded_scripts(
            BeautifulSoup((site.outdir / listing).read_text(encoding="utf-8"), "html.parser")
        )
        assert "publications.js" in loaded
        assert not {"copybutton.js", "clipboard.min.js"} & loaded, listing
    assert 3 < counts["publications.js"] < len(pages) - 60
    assert counts["design-tabs.js"] == 0
