"""`roots/test-hosted-pdf`: PDFs hosted beside the paper pages (`portfolio.bib.pdfs`,
`portfolio.papers.hosting`), each through a real build of a copy of the project."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from helpers import REPO, build_site

ROOT = REPO / "tests" / "roots" / "test-hosted-pdf"
BASE = "https://owner.example.org/site/"


def pdf_bytes(label: str, size: int = 0) -> bytes:
    body = f"%PDF-1.4\n% {label}\n".encode()
    return body + b"0" * max(0, size - len(body)) + b"\n%%EOF\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source)
    (source / "publications" / "pdf").mkdir()
    (source / "publications" / "pdf" / "zhou2024dropped.pdf").write_bytes(pdf_bytes("dropped"))
    (source / "files").mkdir()
    (source / "files" / "named.pdf").write_bytes(pdf_bytes("named"))
    return source


def page(outdir: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def tag(html: BeautifulSoup, name: str) -> str | None:
    found = html.find("meta", attrs={"name": name})
    return found["content"] if found else None


def pdf_buttons(html: BeautifulSoup) -> list[str]:
    return [link["href"] for link in html.select("a.pub-link-pdf")]


def test_a_hosted_pdf_sits_beside_its_page_and_is_the_scholar_pdf(project: Path, tmp_path: Path) -> None:
    result = build_site(project, tmp_path / "html")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.outdir
    for key, label in (("zhou2024dropped", "dropped"), ("zhou2023named", "named")):
        copied = out / "publications" / f"{key}.pdf"
        assert copied.read_bytes() == pdf_bytes(label)
        html = page(out, f"publications/{key}")
        pdf_url = tag(html, "citation_pdf_url")
        assert pdf_url == f"{BASE}publications/{key}.pdf"
        # Google Scholar's rule: the PDF is in the same folder as the page.
        page_url = html.find("link", rel="canonical")["href"]
        assert urlparse(pdf_url).path.rsplit("/", 1)[0] == urlparse(page_url).path.rsplit("/", 1)[0]
        assert pdf_buttons(html) == [f"{key}.pdf"]
    listing = page(out, "publications/index")
    assert sorted(pdf_buttons(listing)) == [
        "https://example.org/elsewhere.pdf",
        "zhou2023named.pdf",
        "zhou2024dropped.pdf",
    ]
    # The home page's list links it from its own folder.
    assert pdf_buttons(page(out, "index")) == ["publications/zhou2024dropped.pdf"]
    # A PDF elsewhere is a button, never citation_pdf_url.
    elsewhere = page(out, "publications/zhou2022elsewhere")
    assert tag(elsewhere, "citation_pdf_url") is None
    assert pdf_buttons(elsewhere) == ["https://example.org/elsewhere.pdf"]
    assert tag(elsewhere, "citation_publication_date") == "2022/1/3"
    assert not (out / "publications" / "pdf").exists(), "the source folder is not published as it is"


def test_removing_or_adding_a_pdf_rebuilds_what_shows_it(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "html"
    assert build_site(project, out).returncode == 0
    (project / "publications" / "pdf" / "zhou2024dropped.pdf").unlink()
    result = build_site(project, out)
    assert result.returncode == 0, result.stderr
    assert not (out / "publications" / "zhou2024dropped.pdf").exists()
    html = page(out, "publications/zhou2024dropped")
    assert tag(html, "citation_pdf_url") is None
    assert pdf_buttons(html) == ["https://arxiv.org/pdf/2405.14365"]
    assert "https://arxiv.org/pdf/2405.14365" in pdf_buttons(page(out, "publications/index"))
    (project / "publications" / "pdf" / "zhou2024dropped.pdf").write_bytes(pdf_bytes("again"))
    result = build_site(project, out)
    assert result.returncode == 0, result.stderr
    assert (out / "publications" / "zhou2024dropped.pdf").read_bytes() == pdf_bytes("again")
    assert pdf_buttons(page(out, "index")) == ["publications/zhou2024dropped.pdf"]
    assert tag(page(out, "publications/zhou2024dropped"), "citation_pdf_url") == (
        f"{BASE}publications/zhou2024dropped.pdf"
    )


def test_bad_pdfs_are_warnings_naming_the_entry_or_file_and_the_rest_is_built(
    project: Path, tmp_path: Path
) -> None:
    bib = project / "refs.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace("files/named.pdf", "files/missing.pdf"), encoding="utf-8"
    )
    folder = project / "publications" / "pdf"
    (folder / "zhou2022elsewhere.pdf").write_bytes(b"<html>not a pdf</html>")  # hosting beats a URL
    (folder / "zhou2024dropped.pdf").write_bytes(pdf_bytes("large", 20_000))  # over 0.01 MB
    (folder / "zhuo2024typo.pdf").write_bytes(pdf_bytes("typo"))
    result = build_site(project, tmp_path / "html")
    assert result.returncode != 0
    warnings = sorted(line for line in result.stderr.splitlines() if "WARNING" in line)
    line_of = {
        key: next(n for n, text in enumerate(bib.read_text().splitlines(), 1) if key in text)
        for key in ("zhou2024dropped", "zhou2023named", "zhou2022elsewhere")
    }
    expected = [
        (
            line_of["zhou2023named"],
            "pdf 'files/missing.pdf' of 'zhou2023named' does not exist: add the file or "
            "fix the path [portfolio.pdf_missing]",
        ),
        (
            line_of["zhou2024dropped"],
            "the PDF of 'zhou2024dropped' (zhou2024dropped.pdf, 0.0 MB) is larger than "
            "0.01 MB, which Google Scholar does not index: compress it (or raise portfolio_pdf_max_mb); "
            "it is not hosted [portfolio.pdf_size]",
        ),
        (
            line_of["zhou2022elsewhere"],
            "zhou2022elsewhere.pdf of 'zhou2022elsewhere' is not a PDF file; it is "
            "not hosted [portfolio.pdf_not_pdf]",
        ),
    ]
    orphan = (
        "WARNING: publications/pdf/zhuo2024typo.pdf is the PDF of no entry: name it after its entry's key "
        "[portfolio.pdf_orphan]"
    )
    assert warnings == sorted([f"{bib}:{line}: WARNING: {message}" for line, message in expected] + [orphan])
    assert "Traceback" not in result.stderr
    out = result.outdir
    for key in ("zhou2024dropped", "zhou2023named", "zhou2022elsewhere"):
        html = page(out, f"publications/{key}")
        assert tag(html, "citation_pdf_url") is None
        assert not (out / "publications" / f"{key}.pdf").exists()
    assert len(page(out, "publications/index").select("li.pub-entry")) == 3


def test_a_file_that_is_not_a_pdf_is_not_hosted(project: Path, tmp_path: Path) -> None:
    (project / "files" / "named.pdf").write_bytes(b"PK\x03\x04 a zip file")
    result = build_site(project, tmp_path / "html")
    assert result.returncode != 0
    assert "named.pdf of 'zhou2023named' is not a PDF file; it is not hosted [portfolio.pdf_not_pdf]" in (
        result.stderr
    )
    assert not (result.outdir / "publications" / "zhou2023named.pdf").exists()
