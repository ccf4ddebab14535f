"""What Google Scholar reads on the real site: every paper page's Highwire tags obey the inclusion
guidelines (dates, PDF location, the venue tag of its type, authors in order, identifiers); the papers of
2025-2026 are listed with their group author intact; the news and the research outline link them; and
`make check` ends with the summary of the pages Scholar will not index yet."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from helpers import REPO, SiteBuild
from pybtex.database import parse_file

from portfolio.bib.model import paper_of
from portfolio.bib.text import latex_to_plain

pytestmark = pytest.mark.site

#: The papers of 2025-2026 added from publications.yaml (after "# -- Added 2026-12").
NEW_PAPERS = {
    "xiang2025pan",
    "zha2026vision",
    "wu2025towards",
    "cheng2025revisiting",
    "yin2026decentralized",
    "xi2026cworld",
    "zhu2026hybrid",
    "wang2025causal",
    "wu2025autoscaling",
    "song2025learning",
    "gao2026world",
}
GROUP = "PAN Team Institute of Foundation Models"
#: Scholar's venue tag for each entry type of the site (an arXiv preprint has none: its id says it).
VENUE_TAG = {"inproceedings": "citation_conference_title", "article": "citation_journal_title", "misc": None}


@pytest.fixture(scope="module")
def built(site: SiteBuild) -> Path:
    assert site.returncode == 0, site.stderr
    return site.outdir


@pytest.fixture(scope="module")
def entries():
    return parse_file(REPO / "refs.bib").entries


def page(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def tags(html: BeautifulSoup) -> list[tuple[str, str]]:
    return [(meta["name"], meta["content"]) for meta in html.select('meta[name^="citation_"]')]


def test_every_paper_page_obeys_the_highwire_rules(built: Path, entries) -> None:
    assert len(entries) >= 69
    for key, entry in entries.items():
        html = page(built / "publications" / f"{key}.html")
        found = tags(html)
        names = [name for name, _ in found]
        values = dict(found)
        paper = paper_of(entry)
        assert values["citation_title"] == latex_to_plain(entry.fields["title"]), key
        assert [value for name, value in found if name == "citation_author"] == [
            author.name for author in paper.authors
        ], key
        for date_tag in ("citation_publication_date", "citation_date"):
            if date_tag in values:
                assert re.fullmatch(r"\d{4}(/\d{1,2}/\d{1,2})?", values[date_tag]), (key, values[date_tag])
        assert values["citation_publication_date"].split("/")[0] == entry.fields["year"], key
        if "pdf_url" in " ".join(names):
            pdf = urlparse(values["citation_pdf_url"])
            canonical = urlparse(html.find("link", rel="canonical")["href"])
            assert pdf.netloc == canonical.netloc, key
            assert pdf.path.rsplit("/", 1)[0] == canonical.path.rsplit("/", 1)[0], key
            assert (built / "publications" / pdf.path.rsplit("/", 1)[1]).is_file(), key
        venue_tags = {"citation_conference_title", "citation_journal_title", "citation_publisher"} & set(
            names
        )
        expected = None if paper.kind == "preprint" else VENUE_TAG[entry.type]
        assert venue_tags == ({expected} if expected else set()), (key, venue_tags)
        if expected:
            assert values[expected] == paper.venue, key
        for field, tag in (
            ("volume", "citation_volume"),
            ("number", "citation_issue"),
            ("doi", "citation_doi"),
        ):
            assert values.get(tag) == (entry.fields.get(field) or None), (key, tag)
        assert values.get("citation_arxiv_id") == (entry.fields.get("eprint") or None), key
        if pages := entry.fields.get("pages"):
            first, _, last = pages.partition("--")
            assert (values["citation_firstpage"], values.get("citation_lastpage")) == (first, last or None)
        assert names.count("citation_title") == 1, key


def test_no_paper_page_names_a_pdf_elsewhere(built: Path) -> None:
    """Off-site PDFs (arXiv, the Anthology) are buttons, never citation_pdf_url."""
    for path in sorted((built / "publications").glob("*.html")):
        for meta in page(path).select('meta[name="citation_pdf_url"]'):
            assert urlparse(meta["content"]).netloc == "kunzhou.readthedocs.io", path.name


def test_the_papers_of_2025_and_2026_are_listed_with_their_pages(built: Path, entries) -> None:
    listing = page(built / "publications" / "index.html")
    listed = [item["id"] for item in listing.select("li.pub-entry[id]")]
    assert sorted(listed) == sorted(entries)
    assert set(listed) >= NEW_PAPERS
    for key in NEW_PAPERS:
        assert (built / "publications" / f"{key}.html").is_file()


def test_a_group_author_stays_one_name_everywhere(built: Path, entries) -> None:
    for key in ("xiang2025pan", "gao2026world"):
        html = page(built / "publications" / f"{key}.html")
        authors = [value for name, value in tags(html) if name == "citation_author"]
        assert authors[0] == GROUP
        assert html.select_one(".pub-authors").get_text(" ", strip=True).startswith(GROUP + ",")
        assert f"{{{GROUP}}}" in html.select_one("pre, code.pub-bibtex-code, .pub-bibtex-code").get_text()
    assert str(entries["xiang2025pan"].persons["author"][0]) == f"{{{GROUP}}}"


def test_the_news_links_its_papers(built: Path) -> None:
    news = page(built / "news.html")
    links = {}
    for item in news.select("ul.news-list li"):
        text = item.get_text(" ", strip=True)
        links[text.split(" — ", 1)[1][:30]] = [
            a["href"] for a in item.select("a") if "publications/" in a["href"]
        ]
    assert links["We release PAN , A World Model"] == ["publications/xiang2025pan.html"]
    assert links["Our Vision-G1 is accepted by A"] == ["publications/zha2026vision.html"]
    assert links["Our three papers are accepted "] == [
        "publications/wu2025towards.html",
        "publications/cheng2025revisiting.html",
    ]


def test_the_outline_cites_the_decentralized_arena_paper_beside_its_blog(built: Path) -> None:
    outline = page(built / "research" / "index.html")
    item = next(li for li in outline.select("li") if "Decentralized" in li.get_text())
    hrefs = [a["href"] for a in item.select("a")]
    assert "https://de-arena.maitrix.org/" in hrefs
    assert any(href.endswith("#yin2026decentralized") for href in hrefs)


def test_make_check_ends_with_the_scholar_summary() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "portfolio.bib", "check", "refs.bib"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO / "_ext"), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    summary = lines[lines.index(next(line for line in lines if line.startswith("Google Scholar:"))) :]
    entries = parse_file(REPO / "refs.bib").entries
    without = {key for key, entry in entries.items() if "abstract" not in entry.fields}
    hosted = {path.stem for path in (REPO / "publications" / "pdf").glob("*.pdf")}
    not_indexed = without - hosted
    ready = len(entries) - len(not_indexed)
    assert summary[0] == f"Google Scholar: {ready} of {len(entries)} paper pages can be indexed."
    text = " ".join(line.strip() for line in summary[1:])
    not_yet = re.search(r"not yet \(no abstract, no PDF here\): (.*?)(?: \d+ with| To fix)", text)
    assert not_yet is not None
    assert sorted(not_yet.group(1).split(", ")) == sorted(not_indexed)
    assert summary[-1].startswith("  To fix one:")
