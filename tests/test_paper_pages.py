"""Paper pages written from one rendering of the theme (portfolio.papers.pages): they are pages of the site
like the others (navbar, breadcrumbs, outline, head tags), and a rebuild writes only those that changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import build_site, soup, warnings_of
from pybtex.database import parse_file

from portfolio.bib.text import latex_to_plain

ROOT = Path(__file__).parent / "roots" / "test-publications"


def page(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.mark.sphinx("html", testroot="paper-pages", freshenv=True)
def test_a_paper_page_is_a_page_of_the_site_under_the_publication_list(app) -> None:
    app.build()
    assert warnings_of(app) == []
    bib_lines = (app.srcdir / "refs.bib").read_text(encoding="utf-8").splitlines()
    entries = parse_file(app.srcdir / "refs.bib").entries
    assert len(entries) == 3
    list_title = soup(app, "publications/index").find("h1").get_text().rstrip("#")
    for key, entry in entries.items():
        html = soup(app, f"publications/{key}")
        title = html.title.get_text().rsplit(" \u2014 ", 1)[0]
        assert title == latex_to_plain(entry.fields["title"])
        assert html.find("article").find("h1") is not None
        crumbs = [item.get_text(" ", strip=True) for item in html.select(".bd-breadcrumbs li")]
        assert crumbs[1:] == [list_title, title]
        current = [link.get_text(strip=True) for link in html.select(".bd-navbar-elements li.current a")]
        assert current[:1] == [list_title]
        sections = [section["id"] for section in html.find("article").select("section section")]
        outline = [link["href"] for link in html.select("#pst-page-toc-nav a")]
        assert outline == [f"#{section_id}" for section_id in sections]
        assert ("abstract" in sections) == ("abstract" in entry.fields)
        assert html.find("meta", attrs={"name": "citation_title"}) is not None
        assert html.find("meta", attrs={"property": "og:url"})["content"] == (
            f"https://owner.example.org/site/publications/{key}.html"
        )
        assert (
            html.find("link", rel="canonical")["href"]
            == html.find("meta", attrs={"property": "og:url"})["content"]
        )
        edit = html.select_one(".editthispage a")["href"]
        line = next(
            number for number, text in enumerate(bib_lines, 1) if text.startswith("@") and f"{{{key}," in text
        )
        assert edit == f"https://github.com/owner/site/blob/main/refs.bib#L{line}"
    # The shell's placeholders never reach a page, and the shell itself is not one.
    for path in Path(app.outdir).rglob("*.html"):
        assert "zzportfolio" not in path.read_text(encoding="utf-8"), path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns("_build"))
    return source


def paper_page_stamps(outdir: Path) -> dict[str, int]:
    return {
        path.stem: path.stat().st_mtime_ns
        for path in (outdir / "publications").glob("*.html")
        if path.stem != "index"
    }


def test_a_rebuild_writes_only_the_paper_pages_that_changed(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build_site(project, out).returncode == 0
    first = paper_page_stamps(out)
    assert set(first) == set(parse_file(project / "refs.bib").entries)

    assert build_site(project, out).returncode == 0
    assert paper_page_stamps(out) == first

    bib = project / "refs.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace("JiuZhang3.0: Efficiently", "JiuZhang3.1: Efficiently"),
        encoding="utf-8",
    )
    assert build_site(project, out).returncode == 0
    second = paper_page_stamps(out)
    assert {key for key in first if second[key] != first[key]} == {"zhou2024jiuzhang3"}
    assert "JiuZhang3.1" in page(out / "publications" / "zhou2024jiuzhang3.html").title.get_text()

    # A page that stops citing a paper changes that paper's "Cited on", and only that.
    research = project / "research.md"
    research.write_text(
        research.read_text(encoding="utf-8").replace(
            "and {cite:t}`mueller2019noise`", "and a paper by Müller"
        ),
        encoding="utf-8",
    )
    assert build_site(project, out).returncode == 0
    third = paper_page_stamps(out)
    assert {key for key in second if third[key] != second[key]} == {"mueller2019noise"}
