"""The recipes of CONTRIBUTING.md, followed on a copy of the site: each ends in a strict build that shows
the change where a visitor would look for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import build_site

from portfolio.bib.cli import main as cli

pytestmark = pytest.mark.site

PASTED_FROM_ARXIV = """
@misc{zhou2025recipes,
      title={A Test Paper on Following Recipes},
      author={Kun Zhou and Test Author},
      year={2025},
      eprint={2511.99999},
      archivePrefix={arXiv},
      primaryClass={cs.CL},
      url={http://arxiv.org/abs/2511.99999},
}
"""


def page(outdir: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / name).read_text(encoding="utf-8"), "html.parser")


def test_add_a_paper_mark_it_selected_cite_it_and_announce_it(site_copy: Path, tmp_path: Path) -> None:
    # 1. Paste the arXiv export into refs.bib, 2. run `make tidy` (its command), 3. mark it selected.
    bib = site_copy / "refs.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + PASTED_FROM_ARXIV, encoding="utf-8")
    assert cli(["tidy", str(bib)]) == 0
    tidied = bib.read_text(encoding="utf-8")
    assert "url                = {https://arxiv.org/abs/2511.99999}" in tidied
    assert "venue_short        = {arXiv 2025}" in tidied
    bib.write_text(
        tidied.replace(
            "  venue_short        = {arXiv 2025},\n}",
            "  venue_short        = {arXiv 2025},\n  selected = {true},\n}",
        ),
        encoding="utf-8",
    )
    # Cite it in the research outline.
    research = site_copy / "research" / "index.md"
    research.write_text(
        research.read_text(encoding="utf-8") + "\n\nFollowing recipes {cite:p}`zhou2025recipes`.\n",
        encoding="utf-8",
    )
    # Announce it.
    news = site_copy / "news.yaml"
    news.write_text(
        news.read_text(encoding="utf-8")
        + "\n- date: 2025-11-20\n  text: A paper on **recipes**.\n  paper: zhou2025recipes\n",
        encoding="utf-8",
    )

    result = build_site(site_copy, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"

    entry = page(out, "publications/index.html").find(id="zhou2025recipes")
    assert entry is not None
    assert entry.select_one(".pub-title").get_text() == "A Test Paper on Following Recipes"
    assert entry.select_one(".pub-title a")["href"] == "zhou2025recipes.html"
    paper = page(out, "publications/zhou2025recipes.html")
    assert paper.select_one('meta[name="citation_title"]')["content"] == "A Test Paper on Following Recipes"
    assert [a.get_text() for a in paper.select("#cited-on li a")] == ["Research Interests"]
    citation = [
        a
        for a in page(out, "research/index.html").select("span.bibtex-citation a")
        if a.get_text() == "arXiv 2025"
    ]
    assert [a["href"] for a in citation][-1] == "../publications/index.html#zhou2025recipes"
    home = page(out, "index.html")
    assert "A Test Paper on Following Recipes" in [
        t.get_text() for t in home.select("ul.pub-selected .pub-title")
    ]
    assert (
        home.select_one("ul.news-list li")
        .get_text(" ", strip=True)
        .startswith("20 Nov 2025 — A paper on recipes")
    )
    assert "A paper on recipes" in (out / "news.xml").read_text(encoding="utf-8")


def test_a_paper_pasted_without_tidying_is_caught_with_the_command_to_run(site_copy: Path, capsys) -> None:
    bib = site_copy / "refs.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + PASTED_FROM_ARXIV, encoding="utf-8")
    assert cli(["tidy", str(bib), "--check"]) == 1
    assert capsys.readouterr().err.strip().endswith("is not tidy: run `make tidy` and commit the result")
