"""The built site in headless Chromium: every page at phone and desktop sizes, navigation, theme."""

from __future__ import annotations

import re

import pytest
from helpers import SCRIPTS_RAN, open_ready

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
    "news.html",
    "publications/zhou2024jiuzhang3.html",
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
    # A request cut off by leaving the page (ERR_ABORTED: the scripts a first action starts, when that
    # action is a click on a link) is no fault of the page.
    page.on(
        "requestfailed",
        lambda request: request.failure != "net::ERR_ABORTED" and problems.append(f"failed: {request.url}"),
    )
    page.on(
        "response",
        lambda response: response.status >= 400 and problems.append(f"{response.status}: {response.url}"),
    )
    open_ready(page, url)
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
    open_ready(page, f"{site_url}/cv.html")
    assert html.get_attribute("data-theme") == "dark", "the choice should persist across pages"
    assert problems == []


def test_bootstrap_waits_for_the_first_action_and_the_navbar_tooltips_still_show(
    context, site_url: str
) -> None:
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page, problems = open_page(context, f"{site_url}/publications/index.html", DESKTOP)
    page.wait_for_load_state("networkidle")
    assert not any("/bootstrap.js" in url for url in requested)
    assert page.evaluate("typeof window.bootstrap") == "undefined"
    icon = page.locator('.bd-header [data-bs-toggle="tooltip"][title]').first
    title = icon.get_attribute("title")
    icon.hover()
    tooltip = page.locator(".tooltip.show[role=tooltip]")
    tooltip.wait_for(state="visible")
    assert tooltip.inner_text() == title
    assert any("/bootstrap.js" in url for url in requested)
    assert problems == []


def test_the_theme_uses_bootstrap_as_it_starts_only_for_the_sidebar_collapse_button(site) -> None:
    """portfolio.paintfirst adds Bootstrap on a visitor's first action, after the theme's own script,
    except on a page with that button: a theme upgrade that uses it elsewhere at start must fail here."""
    uses = []
    for script in (site.outdir / "_static").rglob("*.js"):
        if script.name != "bootstrap.js" and "paint-first" not in script.parts:
            code = script.read_text(encoding="utf-8")
            uses += [(script.name, code[: use.start()]) for use in re.finditer(r"\bbootstrap\.", code)]
    assert [name for name, _ in uses] == ["pydata-sphinx-theme.js"]
    before = uses[0][1]
    assert before.rfind('getElementById("pst-collapse-sidebar-button")') > len(before) - 200


@pytest.mark.parametrize(("scheme", "stored"), [("dark", None), ("light", None), ("light", "dark")])
def test_the_first_paint_has_the_colour_theme_the_page_ends_with(
    browser, site_url: str, scheme: str, stored: str | None
) -> None:
    """The theme's script runs after the first paint: what that paint shows must already be the visitor's
    system scheme or stored choice, not "auto" (which no colour rule matches)."""
    backgrounds = {}
    for scripts in ("blocked", "run"):
        context = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
        if stored:
            context.add_init_script(f"localStorage.setItem('mode', '{stored}')")
        if scripts == "blocked":  # the page as first painted: only its inline scripts have run
            context.route("**/*.js*", lambda route: route.abort())
        page = context.new_page()
        page.goto(f"{site_url}/cv.html", wait_until="load")
        if scripts == "run":
            open_ready(page, f"{site_url}/cv.html")
        backgrounds[scripts] = page.evaluate(
            "[document.documentElement.dataset.theme, getComputedStyle(document.body).backgroundColor]"
        )
        context.close()
    assert backgrounds["blocked"] == backgrounds["run"]
    assert backgrounds["run"][0] == (stored or scheme)


def test_an_outline_citation_leads_to_its_paper(context, site_url: str) -> None:
    page, problems = open_page(context, f"{site_url}/research/index.html", DESKTOP)
    citation = page.locator("span.bibtex-citation a", has_text="NeurIPS 2024").first
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


def test_the_navbar_search_dialog_leads_to_results(context, site_url: str) -> None:
    """Pages other than search.html no longer load the search index: the dialog still searches."""
    page, problems = open_page(context, f"{site_url}/cv.html", DESKTOP)
    assert page.evaluate("typeof Search") == "undefined"  # not loaded here
    page.locator("button.search-button").first.click()
    box = page.locator(
        "dialog[open] input[type=search], .search-button__wrapper.show input[type=search]"
    ).first
    box.fill("hallucination")
    box.press("Enter")
    page.wait_for_url("**/search.html?q=hallucination*")
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=10_000)
    assert any("Hallucination" in text for text in results.all_inner_texts())
    assert problems == []


def test_a_search_result_opens_with_the_searched_word_marked(context, site_url: str) -> None:
    """The search highlighter is fetched only on request (portfolio.paintfirst): a result opened from the
    search page still marks the word, and the next page marks nothing."""
    page, problems = open_page(context, f"{site_url}/search.html?q=jiuzhang", DESKTOP)
    page.locator("#search-results li a").first.click()
    page.wait_for_load_state("load")
    page.wait_for_function(SCRIPTS_RAN)
    marked = page.locator("span.highlighted")
    marked.first.wait_for(timeout=10_000)
    assert {text.lower() for text in marked.all_inner_texts()} == {"jiuzhang"}
    open_ready(page, f"{site_url}/cv.html")
    assert page.evaluate("typeof SphinxHighlight") == "undefined"
    assert page.locator("span.highlighted").count() == 0
    assert problems == []


# -- Publications ---------------------------------------------------------------------------------


def visible_entries(page) -> int:
    return page.locator("li.pub-entry:visible").count()


def test_the_filter_narrows_the_list_as_one_types(context, site_url: str) -> None:
    page, problems = open_page(context, f"{site_url}/publications/index.html", DESKTOP)
    total = page.locator("li.pub-entry").count()
    assert visible_entries(page) == total
    box = page.get_by_label("Filter publications")
    box.fill("jiuzhang")
    titles = page.locator("li.pub-entry:visible .pub-title").all_inner_texts()
    assert titles, "some paper mentions JiuZhang"
    assert len(titles) < total
    assert all("jiuzhang" in text.lower() for text in page.locator("li.pub-entry:visible").all_inner_texts())
    assert (
        page.locator(".pub-filter-status").inner_text() == f"Showing {len(titles)} of {total} publications."
    )
    # Several words narrow further; accents and case do not matter; years and venues match too.
    box.fill("2023 emnlp")
    years = {text.strip() for text in page.locator("section.pub-year:visible > h2").all_inner_texts()}
    assert years == {"2023#"} or years == {"2023"}
    box.fill("no such paper at all")
    assert visible_entries(page) == 0
    assert page.locator("section.pub-year:visible").count() == 0
    box.fill("")
    assert visible_entries(page) == total
    assert "filter=" not in page.url
    assert problems == []


def test_a_filter_in_the_address_is_applied_on_load(context, site_url: str) -> None:
    page, problems = open_page(context, f"{site_url}/publications/index.html?filter=hallucination", DESKTOP)
    assert page.get_by_label("Filter publications").input_value() == "hallucination"
    texts = page.locator("li.pub-entry:visible").all_inner_texts()
    assert texts
    assert all("hallucination" in text.lower() for text in texts)
    assert problems == []


def test_type_chips_filter_by_kind_and_report_their_state(context, site_url: str) -> None:
    page, problems = open_page(context, f"{site_url}/publications/index.html", DESKTOP)
    chip = page.locator("button.pub-chip", has_text="Journal")
    count = int(re.search(r"\((\d+)\)", chip.inner_text()).group(1))
    chip.click()
    assert chip.get_attribute("aria-pressed") == "true"
    assert visible_entries(page) == count
    assert page.locator("li.pub-entry.pub-kind-journal:visible").count() == count
    chip.click()
    assert chip.get_attribute("aria-pressed") == "false"
    assert visible_entries(page) == page.locator("li.pub-entry").count()
    assert problems == []


def test_without_javascript_every_entry_and_author_shows(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{site_url}/publications/index.html")
    assert visible_entries(page) == page.locator("li.pub-entry").count() > 50
    assert page.locator(".author-hidden:visible").count() == page.locator(".author-hidden").count() > 0
    context.close()


def test_toggles_open_and_close_by_mouse_and_keyboard(context, site_url: str) -> None:
    page, problems = open_page(context, f"{site_url}/publications/index.html", DESKTOP)
    toggle = page.locator("#zhou2024jiuzhang3 details.pub-bibtex")
    code = toggle.locator(".pub-bibtex-text")
    assert not code.is_visible()
    toggle.locator("summary").click()
    assert code.is_visible()
    assert "@inproceedings{zhou2024jiuzhang3," in code.inner_text()
    toggle.locator("summary").click()
    assert not code.is_visible()
    toggle.locator("summary").focus()
    page.keyboard.press("Enter")
    assert code.is_visible()
    page.keyboard.press("Space")
    assert not code.is_visible()
    assert problems == []


def clipboard_page(browser, site_url: str, path: str):
    """A desktop-sized page at ``path`` whose scripts may write and read the clipboard, and its context."""
    context = browser.new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page = context.new_page()
    open_ready(page, f"{site_url}/{path}")
    return context, page


def test_the_copy_button_copies_the_bibtex(browser, site_url: str) -> None:
    context, page = clipboard_page(browser, site_url, "publications/zhou2024jiuzhang3.html")
    block = page.locator("#bibtex div.highlight")
    block.hover()
    block.locator("button.copybtn").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@inproceedings{zhou2024jiuzhang3,")
    assert copied.rstrip().endswith("}")
    assert "venue_short" not in copied
    context.close()


def test_a_list_entrys_copy_button_copies_its_bibtex_and_says_so(browser, site_url: str) -> None:
    context, page = clipboard_page(browser, site_url, "publications/index.html")
    toggle = page.locator("#zhou2024jiuzhang3 details.pub-bibtex")
    toggle.locator("summary").click()
    block = toggle.locator("div.highlight")
    block.hover()
    button = block.locator("button.copybtn")
    assert button.is_visible()
    assert button.get_attribute("data-tooltip") == "Copy"
    button.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == toggle.locator(".pub-bibtex-text").text_content()
    assert copied.startswith("@inproceedings{zhou2024jiuzhang3,")
    assert copied.rstrip().endswith("}")
    assert button.get_attribute("data-tooltip") == "Copied!"
    assert button.locator("svg.icon-tabler-check").count() == 1
    page.wait_for_function(
        "document.querySelector('#zhou2024jiuzhang3 button.copybtn').dataset.tooltip === 'Copy'", timeout=5000
    )
    assert page.evaluate("typeof window.ClipboardJS") == "undefined"  # sphinx-copybutton's not loaded
    context.close()


def test_more_authors_expands_and_collapses(context, site_url: str) -> None:
    page, problems = open_page(context, f"{site_url}/publications/index.html", DESKTOP)
    authors = page.locator("#zhu2024yulan p.pub-authors")
    button = authors.locator("button.pub-more-authors")
    hidden = authors.locator(".author-hidden").first
    assert re.fullmatch(r"\+\d+ more", button.inner_text())
    assert button.get_attribute("aria-expanded") == "false"
    assert not hidden.is_visible()
    assert authors.locator("strong", has_text="Kun Zhou").is_visible()
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert hidden.is_visible()
    button.click()
    assert not hidden.is_visible()
    assert problems == []


def test_citation_preview_shows_on_hover_and_on_keyboard_focus(context, site_url: str) -> None:
    page, problems = open_page(context, f"{site_url}/research/index.html", DESKTOP)
    citation = page.locator("span.bibtex-citation a", has_text="NeurIPS 2024").first
    preview = page.locator("#pub-preview")
    assert not preview.is_visible()
    citation.hover()
    assert preview.is_visible()
    assert "JiuZhang3.0" in preview.locator("strong").inner_text()
    assert preview.locator("span").inner_text() == "NeurIPS 2024"
    assert citation.get_attribute("aria-describedby") == "pub-preview"
    page.mouse.move(0, 0)
    preview.wait_for(state="hidden")
    citation.focus()
    assert preview.is_visible()
    page.keyboard.press("Escape")
    assert not preview.is_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent") == "NeurIPS 2024"
    assert preview.is_visible()
    page.keyboard.press("Tab")
    # Focus moved on: the preview now belongs to the next link if that is a citation, else it is gone.
    assert citation.get_attribute("aria-describedby") is None
    next_is_citation = page.evaluate("!!document.activeElement.closest('.bibtex-citation')")
    assert preview.is_visible() == next_is_citation
    assert problems == []


def test_paper_page_lists_the_pages_citing_it(context, site_url: str) -> None:
    page, problems = open_page(context, f"{site_url}/publications/zhou2024jiuzhang3.html", DESKTOP)
    links = page.locator("#cited-on a")
    assert set(links.all_inner_texts()) >= {"Research Interests", "JiuZhang3.0"}
    links.filter(has_text="Research Interests").click()
    page.wait_for_url("**/research/index.html#*")
    assert page.evaluate("document.querySelector(':target').textContent").count("NeurIPS 2024") == 1
    assert problems == []


# -- Accessibility ----------------------------------------------------------------------------------

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_wcag_violation_on_any_page(browser, site_url: str, scheme: str, viewport) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    found = {}
    for path in PAGES:
        open_ready(page, f"{site_url}/{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
        # Our widgets in their open state too: every toggle open, every author list expanded.
        page.evaluate(
            "document.querySelectorAll('details').forEach(d => d.open = true);"
            "document.querySelectorAll('button.pub-more-authors').forEach(b => b.click())"
        )
        violations = axe.run(page, options=WCAG_AA).response["violations"]
        if violations:
            found[path] = {
                violation["id"]: [node["target"] for node in violation["nodes"]] for violation in violations
            }
    context.close()
    assert found == {}


def test_the_list_has_no_pre_to_measure_and_an_open_scrolling_bibtex_block_is_a_tab_stop(
    context, site_url: str
) -> None:
    """pydata-sphinx-theme measures every <pre> at start-up (a layout per block on a list of closed toggles):
    the list's BibTeX blocks are divs, and each gets its tab stop when its toggle opens, if it scrolls."""
    page, problems = open_page(context, f"{site_url}/publications/index.html", PHONE)
    assert page.locator("article pre").count() == 0
    toggle = page.locator("#zhou2024jiuzhang3 details.pub-bibtex")
    block = toggle.locator(".pub-bibtex-text")
    toggle.locator("summary").click()
    assert block.evaluate("el => el.scrollWidth > el.clientWidth")  # long lines scroll on a phone
    assert block.get_attribute("tabindex") == "0"
    toggle.locator("summary").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('pub-bibtex-text')")
    # The copy button is there for it, as for any code block.
    assert toggle.locator("button.copybtn").count() == 1
    assert problems == []
