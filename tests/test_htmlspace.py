"""portfolio.htmlspace: the indentation between tags goes, except where whitespace can mean something; the
pure squeeze, then a real build of a test project drawn in Chromium beside the same build with it off."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import build_site, serving

from portfolio.htmlspace import EVERYWHERE, keeping_subjects, squeezed, with_scripts

ROOT = Path(__file__).parent / "roots" / "test-htmlspace"


def test_runs_between_tags_become_one_line_break_and_text_keeps_its_spaces() -> None:
    text = "<ul>\n    <li>a  b</li>\n\n  <li>\n  c</li> <li>d</li>\n</ul>"
    assert squeezed(text, frozenset()) == "<ul>\n<li>a  b</li>\n<li>\n  c</li> <li>d</li>\n</ul>"


def test_preformatted_raw_text_and_styled_elements_keep_their_whitespace() -> None:
    kept = [
        "<pre>x\n    <b>y</b>\n  </pre>",
        "<textarea>\n  a\n    <b>\n</textarea>",
        "<script>\n  if (a <b) {}\n  </script>",
        "<svg>\n  <text>\n    a</text>\n</svg>",
        '<div style="white-space: pre">\n  <i>a</i>\n</div>',
        '<div class="x poem">\n  <i>a</i>\n</div>',
        '<p id="keep">\n  <i>a</i>\n</p>',
    ]
    keeping = keeping_subjects(".poem { white-space: pre-line } @media print { #keep { white-space: pre } }")
    for element in kept:
        assert squeezed(f"<div>\n  {element}\n</div>", keeping) == f"<div>\n{element}\n</div>"


def test_a_rule_keeps_whitespace_in_the_elements_its_selectors_subjects_may_match() -> None:
    css = """
        section .verse > .stanza.long:hover, td { white-space: pre-wrap }
        .a { white-space: normal } .b { white-space: nowrap; white-space-collapse: collapse }
        .c { white-space: var(--space) } .d { white-space-collapse: preserve-breaks }
        @supports (display: grid) { @media screen { .e::before { white-space: break-spaces } } }
    """
    assert keeping_subjects(css) == {
        frozenset({("class", "stanza"), ("class", "long")}),
        frozenset({("element", "td")}),
        frozenset({("class", "c")}),
        frozenset({("class", "d")}),
        frozenset({("class", "e")}),
    }
    keeping = keeping_subjects(css)
    assert squeezed('<div class="stanza">\n  <i>a</i>\n</div>', keeping).count("\n  ") == 0  # not .long
    assert squeezed('<div class="long stanza">\n  <i>a</i>\n</div>', keeping).count("\n  ") == 1


def test_a_rule_whose_subject_names_nothing_leaves_the_page_as_it_is() -> None:
    text = "<div>\n    <i>a</i>\n</div>"
    for css in ("* { white-space: pre }", ".x > :is(.a, .b) { white-space: pre-wrap }"):
        assert squeezed(text, keeping_subjects(css)) == text


def test_a_name_a_script_may_add_to_any_element_counts_as_present_everywhere() -> None:
    stanza = frozenset({("element", "div"), ("class", "stanza")})
    wrapped = frozenset({("attribute", "data-wrap"), ("class", "x")})
    keeping = frozenset({stanza, wrapped})
    assert with_scripts(keeping, 'q("div.stanza"); q("[data-other]")') == keeping  # only selects them
    assert with_scripts(keeping, 'e.classList.add("stanza")') == {frozenset({("element", "div")}), wrapped}
    assert with_scripts(keeping, "e.dataset.wrap = 1") == {stanza, frozenset({("class", "x")})}
    assert with_scripts(keeping, 'e.className = "x stanza"') == {
        frozenset({("element", "div")}),
        frozenset({("attribute", "data-wrap")}),
    }
    assert with_scripts(frozenset({frozenset({("class", "x")})}), 'e.id = "y"; e.classList.add("x")') == {
        EVERYWHERE
    }
    for sets_it in ('e.style.whiteSpace = "pre"', 'e.setAttribute("style", "white-space: pre")'):
        assert with_scripts(keeping, sets_it) == {EVERYWHERE}
        text = '<div class="y">\n  <i>a</i>\n</div>'
        assert squeezed(text, with_scripts(keeping, sets_it)) == text


def test_a_greater_than_sign_in_an_attribute_or_a_comment_is_not_a_tag_end() -> None:
    text = '<p title="a >\n    <b">x</p>\n  <!-- a >\n    < b -->\n  <p>y</p>'
    assert squeezed(text, frozenset()) == '<p title="a >\n    <b">x</p>\n<!-- a >\n    < b -->\n<p>y</p>'


def test_squeezing_twice_changes_nothing() -> None:
    text = "<div>\n   <p>a</p>\n\t\n <pre>\n  b</pre>\n</div>\n"
    once = squeezed(text, frozenset())
    assert squeezed(once, frozenset()) == once


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("htmlspace")
    results = {
        "squeezed": build_site(ROOT, folder / "squeezed"),
        "kept": build_site(ROOT, folder / "kept", "-D", "portfolio_squeeze_whitespace=0"),
    }
    for result in results.values():
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
    return {name: result.outdir for name, result in results.items()}


def test_the_page_loses_its_indentation_and_keeps_every_word(builds: dict[str, Path]) -> None:
    squeezed_text = (builds["squeezed"] / "index.html").read_text(encoding="utf-8")
    kept_text = (builds["kept"] / "index.html").read_text(encoding="utf-8")
    assert re.search(r">\n[ \t]+<", kept_text)
    soup = BeautifulSoup(squeezed_text, "html.parser")
    for element in soup.select("pre, textarea, .poem, .stanza, [style], .gets-kept"):
        element.decompose()
    assert not re.search(r">\s*\n[ \t]+\s*<", str(soup)), "indentation left between tags"
    words = [BeautifulSoup(text, "html.parser").get_text().split() for text in (squeezed_text, kept_text)]
    assert words[0] == words[1]
    sizes = [len(gzip.compress(text.encode(), 6)) for text in (squeezed_text, kept_text)]
    assert sizes[0] < sizes[1]


def test_a_page_whose_script_may_make_any_element_keep_its_spaces_is_left_as_it_is(
    builds: dict[str, Path],
) -> None:
    pages = [(outdir / "whole.html").read_bytes() for outdir in (builds["squeezed"], builds["kept"])]
    assert pages[0] == pages[1]
    assert b"\n    <span>its script" in pages[0]


LAYOUT = """() => {
    const boxes = [...document.body.querySelectorAll('*')].map((element) => {
        const box = element.getBoundingClientRect();
        return [element.tagName, element.className, box.x, box.y, box.width, box.height].join(' ');
    });
    const textarea = document.querySelector('textarea');
    return {boxes, text: document.body.innerText, textarea: textarea.value};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
def test_chromium_draws_the_squeezed_page_exactly_as_the_indented_one(
    builds: dict[str, Path], browser, width: int
) -> None:
    drawn = {}
    for name, outdir in builds.items():
        with serving(outdir) as base:
            tab = browser.new_page(viewport={"width": width, "height": 900})
            tab.goto(f"{base}/index.html", wait_until="load")
            tab.wait_for_function("document.querySelector('.gets-kept').classList.contains('scripted-keep')")
            tab.evaluate("document.fonts.ready")
            drawn[name] = tab.evaluate(LAYOUT)
            tab.close()
    assert "    return indentation" in drawn["squeezed"]["text"]
    assert drawn["squeezed"]["textarea"] == "  typed\n    text\n"
    assert len(drawn["squeezed"]["boxes"]) > 100
    assert drawn["squeezed"] == drawn["kept"]
