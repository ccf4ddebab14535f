"""portfolio.cssmatch, the pure core: each selector weakened to what may match in some state a page reaches
before its deferred scripts run, and the rules that match no element of a parsed page."""

from __future__ import annotations

import pytest
import tinycss2

from portfolio.cssmatch import PageMatcher, style_rules, weakened
from portfolio.cssrules import compile_rules


def weak(selector: str, unknown: frozenset[str] = frozenset()) -> tuple[str, bool]:
    return weakened(tinycss2.parse_component_value_list(selector), unknown)


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("a:hover", ("a", True)),
        (".nav-link:focus-visible::after", (".nav-link", True)),
        ("li:first-child > a", ("li:first-child>a", False)),
        ("ul li:nth-child(2n+1)", ("ul li:nth-child(2n/**/+1)", False)),  # tinycss2 keeps the tokens apart
        ("button:not(:hover)", ("button", True)),
        ("button:not(.primary)", ("button:not(.primary)", False)),
        (":is(.a:hover, .b) .c", (":is(.a,.b) .c", True)),
        ("details[open] > summary", ("details>summary", True)),
        (":target", ("*", True)),
        ("a:hover, .b > .c", ("a,.b>.c", True)),
    ],
)
def test_what_a_visitor_changes_is_dropped_and_the_structure_kept(selector: str, expected) -> None:
    assert weak(selector) == expected


def test_what_an_early_script_names_is_dropped_and_an_attribute_it_only_adds_kept_inside_not() -> None:
    early = frozenset({"data-theme", "dark-only", "dialog"})
    assert weak('html[data-theme="dark"] .card', early) == ("html .card", True)
    assert weak(".dark-only.card", early) == (".card", True)
    assert weak("dialog > .title", early) == ("*>.title", True)
    # An early script that only sets data-theme: where the markup has it, it stays.
    assert weak("html:not([data-theme])", early) == ("html:not([data-theme])", False)
    assert weak("html:not([data-theme])", early | {"removeAttribute"}) == ("html", True)
    assert weak('html:not([data-theme="dark"])', early) == ("html", True)


def unmatched_preludes(css: str, markup: str, early_words: frozenset[str] = frozenset()) -> set[str]:
    parsed = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    rules = list(style_rules(compile_rules(parsed, "_static", lambda url: None)))
    ids = PageMatcher().unmatched(rules, markup, early_words)
    return {rule.prelude.strip() for rule in rules if id(rule) in ids}


PAGE = """<!DOCTYPE html><html><head><title>t</title></head><body>
<nav class="navbar"><div class="wrapper"><a class="nav-link" href="#">Home</a></div></nav>
<div class="container"><details><summary>BibTeX</summary><pre>@article{}</pre></details></div>
<noscript><p class="no-js">Scripts are off</p></noscript>
<dialog id="search"><form class="search-form"></form></dialog>
</body></html>"""


def test_rules_whose_names_occur_but_whose_structure_matches_nothing_are_found() -> None:
    css = (
        ".navbar > .container {color: red}"  # both classes occur, not in this structure
        ".navbar .nav-link {color: blue}"
        ".nav-link:hover {color: green}"  # a visitor hovers it
        "details[open] > summary {color: black}"  # a visitor opens it
        "details > pre + summary {color: gray}"  # summary comes first
        ".no-js {display: block}"  # what a browser without scripts shows
        ".search-form {display: flex}"  # only a script opens the dialog
        ".container:first-child {margin: 0}"  # the container is the second child
        "html[data-theme=dark] .navbar {color: white}"
        "@media (min-width: 960px) {.navbar > .container {padding: 0} .wrapper {padding: 1px}}"
    )
    assert unmatched_preludes(css, PAGE, frozenset({"data-theme"})) == {
        ".navbar>.container",
        "details>pre+summary",
        ".search-form",
        ".container:first-child",
    }
    # Without the early script, nothing sets data-theme.
    assert "html[data-theme=dark] .navbar" in unmatched_preludes(css, PAGE)


def test_a_page_whose_early_scripts_may_build_markup_is_not_matched() -> None:
    css = ".navbar > .container {color: red}"
    assert unmatched_preludes(css, PAGE, frozenset({"document", "appendChild"})) == set()


def test_a_selector_cssselect2_cannot_read_keeps_its_rule() -> None:
    css = ".nav-link:unknown-state(x) {color: red} .absent > .nav-link {color: blue}"
    assert unmatched_preludes(css, PAGE) == {".absent>.nav-link"}
    css = "nav >>> a {color: red}"
    assert unmatched_preludes(css, PAGE) == set()
