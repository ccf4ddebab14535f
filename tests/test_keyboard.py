"""Keyboard only, in headless Chromium: Tab reaches every kind of control (navbar, search, theme switcher,
icon links, filter, chips, "+N more", toggles, copy button), each shows a visible focus indicator, and the
theme switcher and the copy button work from the keyboard."""

from __future__ import annotations

import pytest
from helpers import open_ready

pytestmark = [pytest.mark.browser, pytest.mark.site]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
MAX_TAB_STOPS = 800

# What the focused element is, and whether a sighted keyboard user can see that it has focus: focusing it
# changes the outline or the box shadow of the element or of a close ancestor (a card drawing the ring of
# its stretched link), and what changes is visible on the screen.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  if (el.dataset.tabStopSeen) return {repeat: true};
  el.dataset.tabStopSeen = "1";
  const chain = [el];
  while (chain.length < 4 && chain.at(-1).parentElement) chain.push(chain.at(-1).parentElement);
  const ring = (node) => {
    const style = getComputedStyle(node);
    return [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow].join(" ");
  };
  const visible = (node) => {
    const box = node.getBoundingClientRect();
    return box.width > 0 && box.height > 0
      && node.checkVisibility({opacityProperty: true, visibilityProperty: true});
  };
  const shows = (node) => {
    const style = getComputedStyle(node);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return outline || style.boxShadow !== "none";
  };
  const focusedRings = chain.map(ring);
  const focusedShows = chain.map(shows);
  const focusedVisible = chain.map(visible);
  el.blur();
  const blurredRings = chain.map(ring);
  el.focus();
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    classes: String(el.className),
    label: el.getAttribute("aria-label") || el.textContent.trim().slice(0, 60),
    visible: focusedVisible.some(Boolean),
    indicated: chain.some(
      (node, i) => focusedRings[i] !== blurredRings[i] && focusedShows[i] && focusedVisible[i]
    ),
  };
}"""


def tab_through(page, max_stops: int = MAX_TAB_STOPS) -> list[dict]:
    """Every element Tab focuses, from the top of the page until focus leaves the page or comes back."""
    stops: list[dict] = []
    for _ in range(max_stops):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or focused.get("repeat"):
            break
        stops.append(focused)
    return stops


def unindicated(stops: list[dict]) -> list[str]:
    return [
        f"{stop['tag']}.{stop['classes']} {stop['label']!r}"
        for stop in stops
        if not (stop["visible"] and stop["indicated"])
    ]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_control_of_the_home_page_is_reachable_with_visible_focus(
    browser, site_url: str, viewport
) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    open_ready(page, f"{site_url}/index.html")
    stops = tab_through(page)
    labels = [stop["label"] for stop in stops]
    assert "Skip to main content" in labels
    assert any("search-button" in stop["classes"] for stop in stops)
    if viewport is DESKTOP:
        assert any("theme-switch-button" in stop["classes"] for stop in stops)
        assert {"Research", "Publications", "Projects", "News"} <= set(labels)
        assert {"Email", "Google Scholar", "GitHub"} <= set(labels)
    else:
        # On a phone the navbar links and the theme switcher live in the drawer this button opens.
        assert any("primary-toggle" in stop["classes"] for stop in stops)
    assert any(stop["tag"] == "summary" for stop in stops)  # selected publications' toggles
    assert unindicated(stops) == []
    context.close()


def test_every_control_of_the_publications_page_is_reachable_with_visible_focus(
    browser, site_url: str
) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    open_ready(page, f"{site_url}/publications/index.html")
    stops = tab_through(page)
    assert any(stop["id"] == "pub-filter-input" for stop in stops)
    assert (
        sum("pub-chip" in stop["classes"] for stop in stops) == page.locator("button.pub-chip").count() >= 3
    )
    more = page.locator("button.pub-more-authors").count()
    assert sum("pub-more-authors" in stop["classes"] for stop in stops) == more > 0
    assert (
        sum(stop["tag"] == "summary" for stop in stops)
        == page.locator("details.pub-toggle > summary").count()
    )
    assert sum("pub-link" in stop["classes"] for stop in stops) == page.locator("a.pub-link").count() > 50
    assert unindicated(stops) == []
    context.close()


def test_the_theme_switcher_works_from_the_keyboard_and_the_choice_persists(browser, site_url: str) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    open_ready(page, f"{site_url}/index.html")
    switcher = page.locator(".bd-header button.theme-switch-button")
    switcher.focus()
    page.keyboard.press("Enter")
    menu = page.locator(".bd-header .theme-switch-container .dropdown-menu")
    # Bootstrap arrives on the first action (portfolio.paintfirst), and the held Enter opens the menu then.
    menu.wait_for(state="visible", timeout=2000)
    for _ in range(5):
        page.keyboard.press("ArrowDown")
        focused = page.evaluate(FOCUSED)
        if focused and focused["label"] == "Dark":
            break
    assert focused["label"] == "Dark", focused
    assert focused["visible"], focused
    assert focused["indicated"], focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.dataset.mode") == "dark"
    page.reload()
    assert page.evaluate("document.documentElement.dataset.mode") == "dark"
    context.close()


def test_the_copy_button_is_reachable_visible_and_works_from_the_keyboard(browser, site_url: str) -> None:
    context = browser.new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page = context.new_page()
    open_ready(page, f"{site_url}/publications/zhou2024jiuzhang3.html")
    # Start from the BibTeX heading, as a keyboard user arriving by the page's table of contents would.
    page.locator("#bibtex h2").evaluate("heading => heading.setAttribute('tabindex', '-1')")
    page.locator("#bibtex h2").focus()
    stops = []
    for _ in range(10):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
        if stops[-1] and "copybtn" in stops[-1]["classes"]:
            break
    copy = stops[-1]
    assert copy is not None, stops
    assert "copybtn" in copy["classes"], stops
    assert copy["visible"], copy
    assert copy["indicated"], copy
    page.keyboard.press("Enter")
    assert page.evaluate("navigator.clipboard.readText()").startswith("@inproceedings{zhou2024jiuzhang3,")
    context.close()
