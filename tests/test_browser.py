"""The built site in headless Chromium: every page at phone and desktop sizes, navigation, theme."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.site]

PAGES = [
    "index.html",
    "research/index.html",
    "publications/index.html",
    "projects/index.html",
    "projects/jiuzhang3.html",
    "projects/yulan-chat.html",
    "projects/llmbook.html",
    "projects/llmsurvey.html",
    "cv.html",
    "posts.html",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=DESKTOP)
    yield context
    context.close()


def open_page(context, url: str, viewport: dict[str, int]):
    """Load ``url`` and collect what went wrong on the way: console errors and failed requests."""
    page = context.new_page()
    page.set_viewport_size(viewport)
    problems: list[str] = []
    page.on(
        "console", lambda message: message.type == "error" and problems.append(f"console: {message.text}")
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.on(
        "response",
        lambda response: response.status >= 400 and problems.append(f"{response.status}: {response.url}"),
    )
    page.goto(url, wait_until="load")
    return page, problems


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_and_fits_the_screen(context, site_url: str, path: str, viewport) -> None:
    page, problems = open_page(context, f"{site_url}/{path}", viewport)
    page.wait_for_load_state("networkidle")
    assert problems == []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {viewport['width']}px"
    assert page.locator("article h1").count() == 1


def test_navbar_links_work_on_desktop(context, site_url: str) -> None:
    page, problems = open_page(context, f"{site_url}/index.html", DESKTOP)
    for label, target in [
        ("Publications", "publications/index.html"),
        ("Research", "research/index.html"),
        ("CV", "cv.html"),
    ]:
        page.locator(".bd-header .navbar-nav").get_by_role("link", name=label, exact=True).click()
        page.wait_for_url(f"**/{target}")
        assert page.locator("article h1").is_visible()
    assert problems == []


def test_navbar_links_work_on_a_phone(context, site_url: str) -> None:
    page, _ = open_page(context, f"{site_url}/index.html", PHONE)
    page.locator("button.primary-toggle").click()
    drawer = page.locator("dialog#pst-primary-sidebar-modal, .bd-sidebar-primary").first
    drawer.get_by_role("link", name="Projects", exact=True).click()
    page.wait_for_url("**/projects/index.html")
    assert page.locator("article h1").inner_text().startswith("Open-Source Projects")


def test_theme_switcher_switches_and_persists(context, site_url: str) -> None:
    page, problems = open_page(context, f"{site_url}/index.html", DESKTOP)
    html = page.locator("html")

    def choose(mode: str) -> None:
        page.locator(".bd-header .theme-switch-button").click()
        page.locator(f'.bd-header .theme-change-button[data-mode="{mode}"]').click()

    choose("dark")
    assert (html.get_attribute("data-mode"), html.get_attribute("data-theme")) == ("dark", "dark")
    background_dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    choose("light")
    assert (html.get_attribute("data-mode"), html.get_attribute("data-theme")) == ("light", "light")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != background_dark
    choose("dark")
    page.goto(f"{site_url}/cv.html")
    assert html.get_attribute("data-theme") == "dark", "the choice should persist across pages"
    assert problems == []


def test_an_outline_citation_leads_to_its_paper(context, site_url: str) -> None:
    page, problems = open_page(context, f"{site_url}/research/index.html", DESKTOP)
    citation = page.locator("span.bibtex-citation a", has_text="NeurIPS 2024").first
    assert "JiuZhang3.0" in citation.get_attribute("title")
    citation.click()
    page.wait_for_url("**/publications/index.html#zhou2024jiuzhang3")
    entry = page.locator("#zhou2024jiuzhang3")
    assert entry.is_visible()
    assert entry.evaluate("element => element.matches(':target')")
    box = entry.bounding_box()
    assert box is not None
    assert 0 <= box["y"] < DESKTOP["height"], "the cited entry should be scrolled into view"
    assert "JiuZhang3.0" in entry.inner_text()
    assert problems == []


def test_search_finds_a_paper_by_a_title_word(context, site_url: str) -> None:
    page, problems = open_page(context, f"{site_url}/search.html?q=JiuZhang3.0", DESKTOP)
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=10_000)
    titles = [re.sub(r"\s+", " ", text) for text in results.all_inner_texts()]
    assert any(text.startswith("Publications") for text in titles), titles
    assert problems == []
