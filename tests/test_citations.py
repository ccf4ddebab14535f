"""Inline citations and the bibliography they link to, on a tiny project (tests/roots/test-citations)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import build_site, soup, warnings_of


@pytest.mark.sphinx("html", testroot="citations")
def test_builds_without_warnings(built) -> None:
    assert warnings_of(built) == []


@pytest.mark.sphinx("html", testroot="citations")
def test_inline_labels_are_venue_badges_linking_to_the_entry(built) -> None:
    page = soup(built, "index")
    citations = {
        link.get_text(): link["href"] for link in page.select("span.bibtex-citation a.reference.internal")
    }
    assert citations == {
        "NeurIPS 2024": "publications.html#zhou2024jiuzhang3",
        "EMNLP 2023": "publications.html#li2023evaluating",
        "CIKM 2020": "publications.html#zhou2020s3rec",
        "Müller 2019": "publications.html#mueller2019noise",
    }
    texts = [span.get_text() for span in page.select("span.bibtex-citation")]
    assert "[NeurIPS 2024]" in texts
    assert any(re.fullmatch(r"Zhou et al\. \[CIKM 2020\]", text) for text in texts)


@pytest.mark.sphinx("html", testroot="citations")
def test_inline_citations_preview_the_paper(built) -> None:
    link = soup(built, "index").select_one('a[href="publications.html#zhou2024jiuzhang3"]')
    assert link["title"].startswith("JiuZhang3.0: Efficiently Improving Mathematical Reasoning")


@pytest.mark.sphinx("html", testroot="citations")
def test_bibliography_lists_every_entry_once_newest_first(built) -> None:
    entries = soup(built, "publications").select("div.citation")
    assert [entry["id"] for entry in entries] == [
        "zhou2024jiuzhang3",
        "li2023evaluating",
        "zhou2023dont",
        "zhou2020s3rec",
        "mueller2019noise",
    ]


@pytest.mark.sphinx("html", testroot="citations")
def test_entries_show_owner_links_and_decoded_latex(built) -> None:
    page = soup(built, "publications")
    s3rec = page.select_one("#zhou2020s3rec")
    assert [strong.get_text() for strong in s3rec.select("strong")] == ["Kun Zhou"]
    assert "Information & Knowledge Management" in s3rec.get_text()
    assert {a.get_text(): a["href"] for a in s3rec.select("a.reference.external")} == {
        "DOI": "https://doi.org/10.1145/3340531.3411954",
    }
    noise = page.select_one("#mueller2019noise")
    assert "Rauschunterdrückung für LLMs & Co." in noise.get_text()
    # "Zhou, K." is a configured owner variant in this project.
    assert [strong.get_text().replace("\xa0", " ") for strong in noise.select("strong")] == ["K. Zhou"]


@pytest.mark.sphinx("html", testroot="unknown-key")
def test_an_unknown_key_is_reported_with_file_and_line(app) -> None:
    app.build()
    warnings = warnings_of(app)
    assert len(warnings) == 1, warnings
    assert re.search(r"index\.md:3: WARNING: could not find bibtex key \"knwon2024\"", warnings[0])
    # Nothing else is lost: the known citation still links to its entry.
    page = soup(app, "index")
    assert page.select_one('a[href="#known2024"]') is not None


@pytest.mark.site
def test_an_unknown_key_fails_the_real_build_naming_the_page_and_line(
    site_copy: Path, tmp_path: Path
) -> None:
    research = site_copy / "research" / "index.md"
    lines = research.read_text(encoding="utf-8").splitlines(keepends=True)
    lineno = next(number for number, line in enumerate(lines, 1) if "{cite:p}`zhou2024jiuzhang3`" in line)
    lines[lineno - 1] = lines[lineno - 1].replace("zhou2024jiuzhang3", "zhou2024jiuzhang")
    research.write_text("".join(lines), encoding="utf-8")

    result = build_site(site_copy, tmp_path / "out")

    assert result.returncode != 0
    assert (
        f'research/index.md:{lineno}: WARNING: could not find bibtex key "zhou2024jiuzhang"' in result.stderr
    )
    assert "Traceback" not in result.stderr
