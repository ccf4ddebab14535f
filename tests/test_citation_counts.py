"""``roots/test-citation-counts``: the counts of ``citations.yaml`` on the list (and the home page's
selected list) and the paper pages, "Cited by N · Semantic Scholar, 1 Dec 2026" linking the record; none for a
paper without a count; a new count reaches the pages in an incremental build; a malformed item is a warning
naming the file and line and the rest still shows; ``make check`` flags counts older than 90 days."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import REPO, build_site

from portfolio.bib import citations
from portfolio.bib.cli import main as bib_cli

ROOT = REPO / "tests" / "roots" / "test-citation-counts"
RECORD = "https://www.semanticscholar.org/paper/204e3073870fae3d05bcbc2f6a8e263d9b72e776"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return Path(shutil.copytree(ROOT, tmp_path / "src"))


def cited_by(outdir: Path, page: str) -> dict[str, tuple[str, str]]:
    """Entry id (or the paper page's) -> (the line's text, its link)."""
    html = BeautifulSoup((outdir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    found = {}
    for line in html.select("p.pub-cited-by"):
        holder = line.find_parent(["li", "section"])
        link = line.find("a")
        found[holder.get("id") or page] = (" ".join(line.get_text().split()), link["href"])
    return found


def test_counts_show_on_the_list_and_the_paper_page_with_source_and_date(
    project: Path, tmp_path: Path
) -> None:
    result = build_site(project, tmp_path / "html")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    line = ("Cited by 12 · Semantic Scholar, 1 Dec 2026", RECORD)
    assert cited_by(result.outdir, "publications/index") == {"zhou2024counted": line}
    assert list(cited_by(result.outdir, "index").values()) == [line]
    assert list(cited_by(result.outdir, "publications/zhou2024counted").values()) == [line]
    assert cited_by(result.outdir, "publications/zhou2023uncounted") == {}


def test_a_new_count_reaches_the_pages_in_an_incremental_build(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "html"
    assert build_site(project, out).returncode == 0
    uncounted_page = out / "publications" / "zhou2023uncounted.html"
    untouched = uncounted_page.stat().st_mtime_ns
    counts = {
        "zhou2024counted": citations.Count(
            13, "204e3073870fae3d05bcbc2f6a8e263d9b72e776", dt.date(2027, 1, 5)
        ),
    }
    (project / "citations.yaml").write_text(citations.serialise(counts), encoding="utf-8")
    result = build_site(project, out)
    assert result.returncode == 0, result.stderr
    line = ("Cited by 13 · Semantic Scholar, 5 Jan 2027", RECORD)
    assert cited_by(out, "publications/index") == {"zhou2024counted": line}
    assert list(cited_by(out, "publications/zhou2024counted").values()) == [line]
    assert uncounted_page.stat().st_mtime_ns == untouched  # a page whose count did not change is kept
    (project / "citations.yaml").unlink()
    assert build_site(project, out).returncode == 0
    assert cited_by(out, "publications/index") == {}
    assert cited_by(out, "publications/zhou2024counted") == {}


def test_a_malformed_item_is_a_warning_naming_the_line_and_the_rest_shows(
    project: Path, tmp_path: Path
) -> None:
    text = (project / "citations.yaml").read_text(encoding="utf-8")
    (project / "citations.yaml").write_text(
        text + "  zhou2023uncounted: {count: many, id: x, fetched: 2026-12-01}\n", encoding="utf-8"
    )
    result = build_site(project, tmp_path / "html")
    assert result.returncode != 0  # strict: a warning fails the build, which still writes every page
    (warning,) = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert "citations.yaml:8:" in warning
    assert "zhou2023uncounted: needs count (a whole number)" in warning
    assert "[portfolio.citations]" in warning
    assert set(cited_by(result.outdir, "publications/index")) == {"zhou2024counted"}
    (project / "citations.yaml").write_text("papers: [\n", encoding="utf-8")
    result = build_site(project, tmp_path / "html2")
    assert "citations.yaml:2: WARNING: not YAML" in result.stderr
    assert "Traceback" not in result.stderr
    assert (result.outdir / "publications" / "zhou2024counted.html").is_file()


def test_make_check_flags_counts_older_than_90_days(project: Path, capsys) -> None:
    today = dt.date.today()
    counts = {
        "zhou2024counted": citations.Count(12, "x", today - dt.timedelta(days=91)),
        "zhou2023uncounted": citations.Count(1, "y", today),
    }
    (project / "citations.yaml").write_text(citations.serialise(counts), encoding="utf-8")
    assert bib_cli(["check", str(project / "refs.bib"), "--conf", str(project)]) == 1
    err = capsys.readouterr().err
    fetched = counts["zhou2024counted"].fetched
    assert (
        f"citations.yaml:7: the count of zhou2024counted is from {fetched}, older than 90 days: run make sync"
        in err
    )
    counts["zhou2024counted"] = citations.Count(12, "x", today - dt.timedelta(days=89))
    (project / "citations.yaml").write_text(citations.serialise(counts), encoding="utf-8")
    assert bib_cli(["check", str(project / "refs.bib"), "--conf", str(project)]) == 0


@pytest.mark.browser
def test_the_real_site_with_counts_reads_well_in_chromium(tmp_path: Path, browser) -> None:
    """A copy of the real site after a first make sync: every paper with an arXiv id counted. In Chromium,
    light and dark, the line shows under the paper's buttons on the list and its page, and axe-core finds no
    WCAG 2.1 AA violation there (the muted text and its link keep their contrast)."""
    from axe_playwright_python.sync_playwright import Axe
    from helpers import copy_sources, open_ready, serving
    from pybtex.database import parse_file
    from test_browser import WCAG_AA

    sources = copy_sources(tmp_path / "src")
    entries = parse_file(str(sources / "refs.bib")).entries
    counts = {
        key: citations.Count(index * 7, f"paper{index:040d}", dt.date(2026, 12, 1))
        for index, (key, entry) in enumerate(entries.items())
        if entry.fields.get("eprint")
    }
    (sources / "citations.yaml").write_text(citations.serialise(counts), encoding="utf-8")
    result = build_site(sources, tmp_path / "html")
    assert result.returncode == 0, result.stderr
    key = "zhu2026hybrid"
    expected = f"Cited by {counts[key].count} · Semantic Scholar, 1 Dec 2026"
    axe = Axe()
    with serving(result.outdir) as base:
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport={"width": 375, "height": 812}, color_scheme=scheme)
            page = context.new_page()
            for path, selector in (
                ("publications/index.html", f"li#{key} p.pub-cited-by"),
                (f"publications/{key}.html", "p.pub-cited-by"),
            ):
                open_ready(page, f"{base}/{path}")
                line = page.locator(selector)
                assert " ".join(line.inner_text().split()) == expected
                assert line.bounding_box()["height"] > 0
                assert line.locator("a").get_attribute("href") == counts[key].url
                if path.startswith("publications/index"):
                    assert page.locator("p.pub-cited-by").count() == len(counts)
                violations = axe.run(page, options=WCAG_AA).response["violations"]
                assert [violation["id"] for violation in violations] == [], (path, scheme)
            context.close()
