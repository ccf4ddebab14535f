"""portfolio.csssubset: a stylesheet keeps exactly the rules whose every class, id, element and attribute
occurs in a built page or a shipped script, at-rules included; through a real build of a test project."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import build_root

from portfolio.csssubset import Tokens, site_tokens, subset_stylesheet


def tokens_of(classes=(), ids=(), elements=(), attributes=(), words=()) -> Tokens:
    tokens = Tokens()
    tokens.classes.update(classes)
    tokens.ids.update(ids)
    tokens.elements.update(elements)
    tokens.attributes.update(attributes)
    tokens.script_words.update(words)
    return tokens


def kept_selectors(css: str, tokens: Tokens) -> list[str]:
    import tinycss2

    rules = tinycss2.parse_stylesheet(
        subset_stylesheet(css, tokens), skip_comments=True, skip_whitespace=True
    )
    found = []
    for rule in rules:
        if rule.type == "qualified-rule":
            found.append(tinycss2.serialize(rule.prelude).strip())
        elif rule.type == "at-rule":
            found.append(f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()}".strip())
    return found


def test_a_rule_stays_when_one_selector_may_match() -> None:
    tokens = tokens_of(
        classes={"card", "title"}, ids={"main"}, elements={"p", "a"}, attributes={"data-theme"}
    )
    css = (
        ".card{a:1} .missing{a:2} .card .title, .nowhere{a:3} #main>p{a:4} #gone{a:5} table{a:6}"
        " html[data-theme=dark] .card{a:7} [data-unused]{a:8} a:hover::before{a:9} .card:not(.missing){a:10}"
        " :is(.missing, .nowhere) > p{a:11} :root{--x:1} *{a:12} P{a:13}"
    )
    assert kept_selectors(css, tokens) == [
        ".card",
        ".card .title, .nowhere",
        "#main>p",
        "html[data-theme=dark] .card",
        "a:hover::before",
        ".card:not(.missing)",
        ":is(.missing, .nowhere) > p",
        ":root",
        "*",
        "P",
    ]


def test_scripts_keep_the_states_they_toggle_and_at_rules_are_subset_or_kept() -> None:
    tokens = tokens_of(classes={"nav"}, elements={"div"}, words={"show", "dropdown-menu"})
    css = (
        "@media (min-width: 600px){.nav{a:1}.gone{a:2}} @media print{.gone{a:3}}"
        " @font-face{font-family:X;src:url(x.woff2)} @keyframes spin{from{a:1}to{a:2}}"
        " .dropdown-menu.show{a:4} .modal.show{a:5} @supports (display:grid){div{a:6}}"
    )
    assert kept_selectors(css, tokens) == [
        "@media (min-width: 600px)",
        "@font-face",
        "@keyframes spin",
        ".dropdown-menu.show",
        "@supports (display:grid)",
    ]
    assert ".gone" not in subset_stylesheet(css, tokens)


def test_the_site_tokens_come_from_pages_and_scripts_but_not_the_search_index(tmp_path: Path) -> None:
    (tmp_path / "_static").mkdir()
    (tmp_path / "index.html").write_text(
        '<html><body><div class="a b" id="top" data-x="1"><span>t</span></div>'
        "<script>top.classList.add('set-by-the-page')</script>"
        '<script type="application/ld+json">{"name": "only-data"}</script></body></html>',
        encoding="utf-8",
    )
    # An earlier build's page, made paint first: its inline script is in the loader's listing.
    (tmp_path / "later.html").write_text(
        '<html><body><script type="application/json" data-portfolio-paint-first>'
        '[{"code":"el.classList.add(\'set-by-a-listed-script\')"}]</script>'
        '<script data-portfolio-paint-first="_static/paint-first/0.js">add()</script></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "_static" / "app.js").write_text("el.classList.add('is-open')", encoding="utf-8")
    (tmp_path / "searchindex.js").write_text("Search.setIndex({terms: ['secretword']})", encoding="utf-8")
    tokens = site_tokens(tmp_path)
    assert {"a", "b"} <= tokens.classes
    assert tokens.ids == {"top"}
    assert {"div", "span", "html", "body"} <= tokens.elements
    assert "data-x" in tokens.attributes
    assert "is-open" in tokens.script_words
    assert {"set-by-the-page", "set-by-a-listed-script"} <= tokens.script_words
    assert "secretword" not in tokens.script_words
    assert "only-data" not in tokens.script_words
    assert "requestAnimationFrame" not in tokens.script_words  # the loader's own code is not the page's


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_root("csssubset", tmp_path_factory.mktemp("csssubset") / "html")


def test_a_build_ships_the_used_rules_and_drops_the_others(built: Path) -> None:
    css = (built / "_static" / "site.css").read_text(encoding="utf-8")
    assert ".used-on-page" in css
    assert ".added-by-script" in css
    assert ".never-used" not in css
    assert "@font-face" in css
