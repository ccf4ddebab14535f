"""Math as MathML at build time (portfolio.mathml): `roots/test-mathml` for the renderer and its warnings,
and the real site with a formula in a paper title, which must still load nothing from another host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import build_site, soup, warnings_of

from portfolio.mathml import to_mathml


def test_unbalanced_braces_and_malformed_input_are_refused_with_a_reason() -> None:
    assert to_mathml("O(n^2)", "inline")[1] is None
    assert to_mathml("{a", "inline") == (None, "a '{' is never closed")
    assert to_mathml("a}", "inline") == (None, "a '}' closes nothing")
    assert to_mathml(r"\{ a", "inline")[1] is None  # an escaped brace is a character
    assert to_mathml(r"\left( x", "block")[1].startswith("latex2mathml: extra left or missing right")


@pytest.mark.sphinx("html", testroot="mathml", freshenv=True)
def test_formulas_become_mathml_and_broken_ones_stay_visible_as_tex(built) -> None:
    warnings = warnings_of(built)
    assert len(warnings) == 2, warnings
    assert "index.md:9: WARNING: cannot show the formula $x^$ as math" in warnings[0]
    assert (
        "index.md:11: WARNING: cannot show the formula $\\notacommand{x}$ as math: unknown command"
        in warnings[1]
    )
    assert all(warning.endswith("[portfolio.math]") for warning in warnings)

    page = soup(built, "index")
    inline = page.select_one('p math[display="inline"]')
    assert inline.select_one("msup").get_text() == "n2"
    block = page.select_one('div.math-block math[display="block"]')
    assert block is not None
    assert block.select_one("munderover, munder") is not None
    assert [code.get_text() for code in page.select(".tex-math")] == ["x^", "\\notacommand{x}"]
    assert not [script for script in page.select("script[src]") if "mathjax" in script["src"].lower()]
    assert "mathjax" not in str(page.head).lower()


@pytest.mark.site
def test_a_formula_in_a_paper_title_needs_no_other_host(site_copy: Path, tmp_path: Path) -> None:
    bib = site_copy / "refs.bib"
    text = bib.read_text(encoding="utf-8")
    assert "High-value Data Selection" in text
    bib.write_text(
        text.replace("High-value Data Selection", "High-value Data Selection in $O(n^2)$", 1),
        encoding="utf-8",
    )
    result = build_site(site_copy, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    page = BeautifulSoup(
        (tmp_path / "out" / "publications" / "liu2025less.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert page.select_one("h1 math msup") is not None
    remote = [
        tag.get("src") or tag.get("href")
        for tag in page.select("script[src], link[href]")
        if re.match(r"(https?:)?//", tag.get("src") or tag.get("href") or "")
        and tag.get("rel") not in (["canonical"], ["alternate"])
    ]
    assert remote == []
