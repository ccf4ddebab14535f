"""portfolio.inlinecss: each page's stylesheet links become one ``<style>`` with the rules that page can
use, in the links' order, ``@import`` followed, ``media`` kept and ``url()`` rewritten for the page's
folder; the rules only deferred scripts or a closed dialog can use come after the first paint, each in
its place; through a real build of a test project and of the site, read as HTML and drawn in Chromium."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import REPO, build_root, build_site, open_ready, serving

from portfolio.builtpages import Tokens, site_path_of, tag_attributes, words_of
from portfolio.cssrules import ROOT, choose, compact, compile_rules, live_properties, rebase, serialize
from portfolio.inlinecss import LATER_SRC, later_css
from portfolio.paintfirst import listed_scripts


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


def test_whitespace_that_means_nothing_goes_and_strings_keep_theirs() -> None:
    assert serialize(compiled("a  >  b ,\n c + d ~ e  f { margin : 0  auto ; content : '  x  ' }")) == [
        'a>b,c+d~e f{margin:0 auto;content:"  x  "}'
    ]
    assert serialize(compiled(".x{--empty: ;--v:  calc(1px  +  2px) !important}")) == [
        ".x{--empty: ;--v:calc(1px  +  2px)!important}"
    ]
    import tinycss2

    assert compact(tinycss2.parse_component_value_list("  a   b  ")) == "a b"


def test_a_scripts_words_include_the_data_attributes_its_dataset_properties_set() -> None:
    words = words_of('root.dataset.mode = "auto"; el.dataset . fontSizeBase = 1; el.classList.add("shown")')
    assert {"data-mode", "data-font-size-base", "shown", "classList"} <= words
    assert "data-classList" not in words


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
    style = "".join(style.get_text() for style in head_of(built, page).find_all("style"))
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


def later_script_of(outdir: Path, page: str) -> tuple[str, str]:
    """The page's first-paint CSS and the CSS its later-rules script appends."""
    text = (outdir / page).read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    first = soup.select_one("style[data-later-css]").get_text()
    sources = [tag["src"] for tag in soup.select("script[src]")]
    sources += [item["src"] for item in listed_scripts(text) if item.get("src")]
    later = [src for src in sources if LATER_SRC.search(src)]
    assert len(later) == 1, sources
    code = (outdir / page).parent.joinpath(later[0]).read_text(encoding="utf-8")
    return first, later_css(code)


def test_rules_only_a_deferred_script_or_a_closed_dialog_uses_come_later(built: Path) -> None:
    first, later = later_script_of(built, "index.html")
    assert ".added-by-script" in first  # site.js is not deferred: it may run before the first paint
    for name in (".added-later", ".in-closed-dialog", "@keyframes later-named"):
        assert name not in first
        assert name in later
    # Only a later rule reads it, but declared on the root, where a change would restyle every element.
    assert ":root{--later-only:4px}" in first
    assert "--later-only:" not in later
    assert ".dotted.dotted" in first
    # It competes for outline-color with a later rule before it, so the appended sheet repeats it.
    assert later.index(".added-later .dotted") < later.index(".dotted.dotted")
    assert "never-named" not in first + later
    scripts = [
        tag.get("src", "")
        for tag in BeautifulSoup((built / "index.html").read_text(), "html.parser")("script")
    ]
    deferred = [src for src in scripts if "later" in src]
    assert LATER_SRC.search(deferred[0]), "the later rules must be in place before a deferred script runs"


def test_a_rule_whose_names_occur_but_whose_structure_matches_nothing_comes_later(built: Path) -> None:
    first, later = later_script_of(built, "deferred.html")
    # Both classes are on the page, but no .dotted is a child of .used-on-page (portfolio.cssmatch).
    assert "#0000fa" not in first
    assert ".used-on-page>.dotted" in later
    assert re.search(r"\.dotted:hover\{[^}]*#0000fb", first)  # a visitor may hover it before any script ran
    # Where an early script may build markup (Sphinx's, not deferred here), every rule that may match stays.
    assert "#0000fa" in later_script_of(built, "index.html")[0]


def test_font_faces_stand_in_a_style_of_their_own_before_the_one_the_later_rules_change(built: Path) -> None:
    styles = head_of(built, "index.html").find_all("style")
    changed = [number for number, style in enumerate(styles) if style.has_attr("data-later-css")]
    assert len(changed) == 1
    fonts = styles[changed[0] - 1].get_text()
    font_face = (
        r'@font-face\s*\{\s*font-family:\s*Site;\s*src:\s*url\("_static/fonts/site\.woff2\?v=\w+"\)[^{}]*\}'
    )
    assert re.fullmatch(font_face, fonts)
    assert "@font-face" not in styles[changed[0]].get_text()
    first, later = later_script_of(built, "index.html")
    assert "@font-face" not in first + later


def test_a_rebuild_removes_the_later_rules_no_page_loads_and_writes_what_a_clean_build_does(
    built: Path, tmp_path: Path
) -> None:
    root = Path(__file__).parent / "roots" / "test-inlinecss"
    outdir = tmp_path / "html"
    assert build_site(root, outdir).returncode == 0
    stale = outdir / "_static" / "later-css" / "0123456789abcdef.js"
    stale.write_text('(function (css) {})(".never-used{color:#abcdef}");', encoding="utf-8")
    (outdir / "index.html").unlink()  # so that the rebuild rewrites a page
    again = build_site(root, outdir)
    assert again.returncode == 0, again.stderr
    assert not stale.exists()
    # The later-rules scripts are CSS: their words must not keep rules in the next build's subsets.
    for written in ("index.html", "_static/site.css"):
        assert (outdir / written).read_bytes() == (built / written).read_bytes()
    loaded = {
        LATER_SRC.search(src).group(1)
        for page in outdir.rglob("*.html")
        for src in re.findall(r'src="([^"]+)"', page.read_text(encoding="utf-8"))
        if LATER_SRC.search(src)
    }
    assert loaded == {script.name for script in (outdir / "_static" / "later-css").iterdir()}


@pytest.fixture(scope="module")
def unsplit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test project built with every rule of a page in its ``<style>``: the cascade to keep."""
    return build_root("inlinecss", tmp_path_factory.mktemp("unsplit") / "html", "-D", "portfolio_later_css=0")


@pytest.fixture(scope="module")
def unsplit_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build = build_site(REPO, tmp_path_factory.mktemp("unsplit-site") / "html", "-D", "portfolio_later_css=0")
    assert build.returncode == 0, build.stderr
    return build.outdir


def whole_css(unsplit_outdir: Path, page: str) -> str:
    """The page's CSS as a build that holds nothing back writes it (one ``<style>``, no later script)."""
    soup = BeautifulSoup((unsplit_outdir / page).read_text(encoding="utf-8"), "html.parser")
    assert not soup.select("style[data-later-css]")
    assert not [src for src in (tag.get("src", "") for tag in soup("script")) if LATER_SRC.search(src)]
    # The longest: the theme writes a one-rule <style> of its own.
    return max((style.get_text() for style in soup.head.find_all("style")), key=len)


SITE_PAGES = [
    "index.html",
    "research/index.html",
    "publications/index.html",
    "publications/zhou2024jiuzhang3.html",
    "projects/index.html",
    "projects/jiuzhang3.html",
    "news.html",
    "cv.html",
    "posts.html",
    "search.html",
]

#: Every element's computed style (and its ``::before``/``::after``'s when generated), a closed dialog's
#: content left out unless ``dialogs`` opens them first; once with the page's CSS as built, once with the
#: whole CSS in the place of the first paint's (and the sheet appended after it removed): the elements and
#: properties whose values differ. Transitions are finished before each reading, so that one started by
#: the change cannot hide it. Custom properties only later rules read come later by design; they draw
#: nothing but through the properties compared here.
STYLE_DIFFERENCES = """({whole, dialogs}) => {
    if (dialogs) {
        for (const dialog of document.querySelectorAll('dialog:not([open])')) {
            try { dialog.showModal(); } catch (error) { dialog.show(); }
        }
    }
    const elements = [...document.body.querySelectorAll('*')].filter(
        (element) => element.localName !== 'script' && !element.closest('dialog:not([open])'));
    const name = (element) => element.localName + (element.id ? '#' + element.id : '')
        + [...element.classList].map((each) => '.' + each).join('');
    const styles = () => {
        document.getAnimations().filter((each) => each instanceof CSSTransition)
            .forEach((each) => each.finish());
        return elements.flatMap((element) => [null, '::before', '::after'].map((pseudo) => {
            const style = getComputedStyle(element, pseudo);
            if (pseudo && style.content === 'none') return {content: 'none'};
            return Object.fromEntries([...style].filter((property) => !property.startsWith('--'))
                .map((property) => [property, style.getPropertyValue(property)]));
        }));
    };
    const first = styles();
    const own = document.querySelector('style[data-later-css]');
    const appended = own.nextElementSibling;
    const later = appended && appended.localName === 'style' && !appended.attributes.length;
    if (later) appended.remove();
    own.textContent = whole;
    const after = styles();
    const differences = [];
    after.forEach((values, index) => {
        const element = elements[Math.floor(index / 3)], pseudo = [' ', '::before', '::after'][index % 3];
        for (const property of new Set([...Object.keys(values), ...Object.keys(first[index])])) {
            if (values[property] !== first[index][property]) {
                differences.push(`${name(element)}${pseudo.trim()} ${property}: ${first[index][property]}`
                    + ` -> ${values[property]}`);
            }
        }
    });
    return {compared: elements.length, later, differences};
}"""


def style_differences(
    browser, url: str, css: str, *, scripts: bool, width: int = 375, scheme: str = "light"
) -> dict:
    """STYLE_DIFFERENCES at ``url``: with every script file refused (``scripts`` False), so no deferred
    script runs, else once the page's scripts ran, its closed dialogs opened."""
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    try:
        tab = context.new_page()
        if scripts:
            open_ready(tab, url)
        else:
            tab.route(re.compile(r".*\.js(\?.*)?$"), lambda route: route.abort())
            tab.goto(url, wait_until="load")
        found = tab.evaluate(STYLE_DIFFERENCES, {"whole": css.replace("<\\/", "</"), "dialogs": scripts})
        found["theme"] = tab.evaluate("document.documentElement.dataset.theme")
        return found
    finally:
        context.close()


@pytest.mark.browser
def test_once_the_scripts_ran_the_later_rules_draw_what_the_whole_css_draws(
    built: Path, unsplit: Path, browser
) -> None:
    with serving(built) as base:
        tab = browser.new_page()
        tab.goto(f"{base}/index.html", wait_until="load")
        tab.wait_for_function("document.body.classList.contains('added-later')")
        state = tab.evaluate(
            """() => {
                const dotted = getComputedStyle(document.querySelector('.dotted'));
                document.getElementById('closed').showModal();
                return {
                    outline: dotted.outlineColor,
                    padding: dotted.paddingTop,
                    animation: dotted.animationName,
                    border: getComputedStyle(document.body).borderTop,
                    dialog: getComputedStyle(document.querySelector('.in-closed-dialog')).color,
                };
            }"""
        )
        tab.close()
        css = whole_css(unsplit, "index.html")
        found = style_differences(browser, f"{base}/index.html", css, scripts=True)
    assert state == {
        "outline": "rgb(0, 0, 3)",  # .dotted.dotted wins over the later rule before it, as in site.css
        "padding": "4px",
        "animation": "later-named",
        "border": "3px solid rgb(1, 2, 3)",
        "dialog": "rgb(0, 0, 253)",
    }
    assert found["later"] is True
    assert found["compared"] > 5
    assert found["differences"] == []


@pytest.mark.browser
@pytest.mark.site
@pytest.mark.parametrize(("width", "scheme"), [(375, "light"), (1280, "dark")])
@pytest.mark.parametrize("page", SITE_PAGES)
def test_once_its_scripts_ran_every_page_draws_what_its_whole_css_draws(
    site_url: str, unsplit_site: Path, browser, page: str, width: int, scheme: str
) -> None:
    """With the later rules appended (the first paint's sheet left as it is), each that competes with a
    first-paint rule for the same property repeated after it, the cascade is that of the whole CSS."""
    css = whole_css(unsplit_site, page)
    found = style_differences(browser, f"{site_url}/{page}", css, scripts=True, width=width, scheme=scheme)
    assert found["theme"] == scheme
    assert found["later"] is True
    assert found["compared"] > 100
    assert found["differences"] == []


@pytest.mark.browser
def test_on_a_page_whose_scripts_all_wait_the_first_paint_draws_what_the_whole_css_draws(
    built: Path, unsplit: Path, browser
) -> None:
    with serving(built) as base:
        css = whole_css(unsplit, "deferred.html")
        found = style_differences(browser, f"{base}/deferred.html", css, scripts=False)
    assert found["later"] is False
    assert found["compared"] > 5
    assert found["differences"] == []


@pytest.mark.browser
@pytest.mark.site
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("page", SITE_PAGES)
def test_the_first_paint_draws_what_the_whole_css_draws(
    site_url: str, unsplit_site: Path, browser, page: str, width: int, scheme: str
) -> None:
    """Before a deferred script runs (none does here: every script file is refused), the rules held back
    for later change no element: each that :mod:`portfolio.cssmatch` found matching nothing indeed
    matches nothing."""
    css = whole_css(unsplit_site, page)
    found = style_differences(browser, f"{site_url}/{page}", css, scripts=False, width=width, scheme=scheme)
    assert found["theme"] == scheme
    assert found["compared"] > 100
    assert found["differences"] == []
