"""portfolio.paintfirst: a page's deferred scripts are added back after its first paint, in document
order with their attributes (inline ones too), and ``<html data-scripts="loaded">`` says when they ran;
a page with a script that waits for ``DOMContentLoaded`` keeps its scripts; Sphinx's search highlighter
is added only when a search left words to mark; through a real build of a test project and in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import SCRIPTS_RAN, build_root, build_site, serving

from portfolio.paintfirst import listed_scripts, waits_for_an_event

ROOT = Path(__file__).parent / "roots" / "test-paintfirst"


def test_a_script_waits_for_an_event_when_it_never_checks_the_ready_state() -> None:
    assert waits_for_an_event('document.addEventListener("DOMContentLoaded", ready)')
    assert waits_for_an_event("window.addEventListener('load', ready)")
    checked = 'if (document.readyState !== "loading") go(); else addEventListener("DOMContentLoaded", go)'
    assert not waits_for_an_event(checked)
    assert not waits_for_an_event("document.body.classList.add('x')")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_root("paintfirst", tmp_path_factory.mktemp("paintfirst") / "html")


def soup_of(built: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((built / page).read_text(encoding="utf-8"), "html.parser")


def test_the_scripts_are_taken_out_and_one_loader_ends_the_body(built: Path) -> None:
    soup = soup_of(built, "index.html")
    assert soup.select("script[src]") == []
    assert soup.select("script[type=module]") == []
    loaders = soup.select("script[data-portfolio-paint-first]")
    assert len(loaders) == 1
    assert loaders[0].parent.name == "body"
    assert loaders[0] is soup.body.find_all(True, recursive=False)[-1]


def test_a_page_with_a_script_that_waits_for_domcontentloaded_keeps_its_scripts(built: Path) -> None:
    soup = soup_of(built, "waits.html")
    assert soup.select("script[data-portfolio-paint-first]") == []
    assert {"first.js", "second.js", "waits.js"} <= {
        tag["src"].split("?")[0].rsplit("/", 1)[-1] for tag in soup.select("script[defer][src]")
    }


def test_the_scripts_run_after_the_first_paint_in_order_with_their_attributes(built: Path, browser) -> None:
    with serving(built) as base:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base}/index.html", wait_until="load")
        page.wait_for_function(SCRIPTS_RAN)
        assert page.evaluate("document.documentElement.dataset.scripts") == "loaded"
        assert page.evaluate("window.order") == ["first", "second:mint", "inline"]
        assert page.evaluate("window.framedBeforeFirstScript") is True
        page.goto(f"{base}/waits.html", wait_until="load")
        assert page.evaluate("document.body.dataset.waited") == "yes"
        assert page.evaluate("window.order") == ["first", "second:mint", "inline"]
        page.close()
    assert errors == []


def test_a_second_build_adds_no_second_loader(built: Path, tmp_path: Path) -> None:
    outdir = tmp_path / "html"
    assert build_site(ROOT, outdir).returncode == 0
    first = (outdir / "index.html").read_bytes()
    again = build_site(ROOT, outdir)
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""
    assert (outdir / "index.html").read_bytes() == first == (built / "index.html").read_bytes()


def test_the_search_highlighter_is_listed_as_a_script_loaded_on_request(built: Path) -> None:
    listed = {
        item["src"].split("?")[0].rsplit("/", 1)[-1]: item.get("when")
        for item in listed_scripts((built / "index.html").read_text(encoding="utf-8"))
        if "src" in item
    }
    assert listed["sphinx_highlight.js"] == "search-terms"
    assert listed["doctools.js"] is None


def test_the_search_highlighter_loads_only_when_a_search_left_words_to_mark(built: Path, browser) -> None:
    with serving(built) as base:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))

        def visit(url: str) -> tuple[bool, list[str]]:
            requested.clear()
            page.goto(url, wait_until="load")
            page.wait_for_function(SCRIPTS_RAN)
            page.wait_for_load_state("networkidle")
            marked = page.locator("span.highlighted").all_text_contents()
            return any("sphinx_highlight.js" in url for url in requested), marked

        assert visit(f"{base}/index.html") == (False, [])
        assert page.evaluate("window.order") == ["first", "second:mint", "inline"]
        assert visit(f"{base}/index.html?highlight=page") == (True, ["page"])
        page.evaluate("localStorage.setItem('sphinx_highlight_terms', 'home')")
        assert visit(f"{base}/index.html") == (True, ["Home"])
        assert page.evaluate("localStorage.getItem('sphinx_highlight_terms')") is None
        assert visit(f"{base}/index.html") == (False, [])
        page.close()
    assert errors == []
