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
    listing, adder = soup.select("script[data-portfolio-paint-first]")
    assert listing["type"] == "application/json"
    assert (built / adder["data-portfolio-paint-first"]).is_file()
    assert [listing, adder] == soup.body.find_all(True, recursive=False)[-2:]


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
        # Not even the loader is fetched before the first frame (as a <script src> the browser's preload
        # scanner would fetch it at once, and Lighthouse would count it against the largest paint).
        framed, loader_fetched = page.evaluate(
            "[window.framedAt,"
            " performance.getEntriesByType('resource').find(r => r.name.includes('/paint-first/')).startTime]"
        )
        assert loader_fetched >= framed, (loader_fetched, framed)
        # Nor before the first contentful paint was shown: Lighthouse counts a request that ended before the
        # largest paint (here the first contentful one) as its cost.
        painted, loader_fetched = page.evaluate(
            "[performance.getEntriesByName('first-contentful-paint')[0].startTime,"
            " performance.getEntriesByType('resource').find(r => r.name.includes('/paint-first/')).startTime]"
        )
        assert loader_fetched > painted, (loader_fetched, painted)
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


def listed_when(built: Path, page: str) -> dict[str, str | None]:
    return {
        item["src"].split("?")[0].rsplit("/", 1)[-1]: item.get("when")
        for item in listed_scripts((built / page).read_text(encoding="utf-8"))
        if "src" in item
    }


def watched_page(browser):
    """A new page, with the errors it raises and the addresses it requests."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    return page, errors, requested


def test_the_search_highlighter_is_listed_as_a_script_loaded_on_request(built: Path) -> None:
    listed = listed_when(built, "index.html")
    assert listed["sphinx_highlight.js"] == "search-terms"
    assert listed["doctools.js"] is None


def test_the_search_highlighter_loads_only_when_a_search_left_words_to_mark(built: Path, browser) -> None:
    with serving(built) as base:
        page, errors, requested = watched_page(browser)

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


def test_bootstrap_waits_for_a_visitor_unless_the_page_needs_it_as_it_starts(built: Path) -> None:
    assert listed_when(built, "index.html")["bootstrap.js"] == "interaction"
    assert listed_when(built, "collapse.html")["bootstrap.js"] is None
    assert "bootstrap.js" not in listed_when(built, "waits.html")


def test_the_loader_is_one_shared_file(built: Path) -> None:
    loaders = {
        tag["data-portfolio-paint-first"]
        for page in ("index.html", "collapse.html")
        for tag in soup_of(built, page).select("script[data-portfolio-paint-first]:not([type])")
    }
    assert len(loaders) == 1
    assert [path.name for path in (built / "_static" / "paint-first").iterdir()] == [
        loaders.pop().rsplit("/", 1)[-1]
    ]


def opened(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_function(SCRIPTS_RAN)
    page.wait_for_timeout(300)  # time enough for a script that would wrongly start without a visitor


def test_a_script_for_interaction_runs_last_and_only_once_a_visitor_acts(built: Path, browser) -> None:
    with serving(built) as base:
        page, errors, requested = watched_page(browser)
        opened(page, f"{base}/index.html")
        assert page.evaluate("window.order") == ["first", "second:mint", "inline"]
        assert not any("bootstrap.js" in url for url in requested)
        assert page.evaluate("document.documentElement.dataset.scriptsOnInteraction") is None
        page.mouse.move(5, 5)
        page.wait_for_function("document.documentElement.dataset.scriptsOnInteraction === 'loaded'")
        assert page.evaluate("window.order") == ["first", "second:mint", "inline", "bootstrap"]
        opened(page, f"{base}/collapse.html")
        assert page.evaluate("window.order")[0] == "bootstrap"
        page.close()
    assert errors == []


def test_a_click_before_the_script_arrived_is_held_and_given_again_once(built: Path, browser) -> None:
    with serving(built) as base:
        page = browser.new_page()
        opened(page, f"{base}/index.html")
        # A click with no pointer before it (a keyboard's Enter, a script's click): the first action.
        page.locator("#toggle").dispatch_event("click")
        page.wait_for_function("document.documentElement.dataset.scriptsOnInteraction === 'loaded'")
        page.wait_for_function("!document.getElementById('menu').hidden")
        assert page.evaluate("[window.clicks, window.toggleClicksSeen]") == [1, 1]
        page.locator("#toggle").click()
        assert page.evaluate("[window.clicks, window.toggleClicksSeen]") == [2, 2]
        opened(page, f"{base}/index.html")
        page.evaluate(
            "document.getElementById('toggle').dispatchEvent("
            "new KeyboardEvent('keydown', {key: 'Escape', bubbles: true, cancelable: true}))"
        )
        page.wait_for_function("window.keys && window.keys.length === 1")
        assert page.evaluate("window.keys") == ["Escape"]
        page.close()


def test_a_tooltip_hovered_or_focused_before_the_script_arrived_is_told_of_it(built: Path, browser) -> None:
    with serving(built) as base:
        page = browser.new_page()
        opened(page, f"{base}/index.html")
        page.locator("#tipped").hover()
        page.wait_for_function("document.getElementById('tipped').dataset.shown === 'hover'")
        opened(page, f"{base}/index.html")
        page.locator("#tipped").focus()
        page.wait_for_function("document.getElementById('tipped').dataset.shown === 'focus'")
        page.close()
