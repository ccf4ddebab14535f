"""The CV page from cv.yaml and the two PDFs (CV, publication list), through real builds of
tests/roots/test-cv: what the PDFs say (read back with pypdf), their metadata, links, fonts, outline and
page breaks, identical bytes across clean builds, rebuilds only on change, and bad input."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import build_in_process, build_site, pdf_reader, pdf_text, title_text, warnings_of
from pybtex.database import parse_file

from portfolio.bib.model import paper_of
from portfolio.bib.style import NewestFirstSortingStyle
from portfolio.cv import typeset
from portfolio.cv.data import read_cv
from portfolio.cv.inline import plain_parts

ROOT = Path(__file__).parent / "roots" / "test-cv"
EPOCH = "1764547200"  # 2025-12-01 00:00:00 UTC


def page_texts(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pdf_reader(path).pages]


def outline_titles(outline) -> list[str]:
    titles = []
    for item in outline:
        titles += outline_titles(item) if isinstance(item, list) else [item.title]
    return titles


def link_uris(path: Path) -> list[str]:
    return [
        annotation.get_object()["/A"]["/URI"]
        for page in pdf_reader(path).pages
        for annotation in page.get("/Annots", [])
        if "/URI" in annotation.get_object().get("/A", {})
    ]


def embedded_fonts(path: Path) -> dict[str, tuple[str, bool]]:
    """BaseFont -> (Subtype, whether its font program is embedded), over every page."""
    fonts = {}
    for page in pdf_reader(path).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"]).lstrip("/")] = (str(font["/Subtype"]), embedded)
    return fonts


def html(outdir: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / name).read_text(encoding="utf-8"), "html.parser")


def build(srcdir: Path, outdir: Path, *extra: str):
    """The strict build in a fresh process, dated ``EPOCH`` (the test projects are no git checkouts)."""
    return build_site(srcdir, outdir, *extra, env={"SOURCE_DATE_EPOCH": EPOCH})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = build(ROOT, tmp_path_factory.mktemp("cv") / "html")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.outdir


@pytest.fixture(scope="module")
def cv():
    parsed, problems = read_cv((ROOT / "cv.yaml").read_text(encoding="utf-8"))
    assert problems == []
    return parsed


@pytest.fixture(scope="module")
def entries():
    return NewestFirstSortingStyle().sort(parse_file(ROOT / "refs.bib").entries.values())


@pytest.fixture
def root_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy)
    return copy


# -- Links ------------------------------------------------------------------------------------------------


def test_the_pdfs_are_written_and_linked_from_the_card_the_cv_page_and_the_list(built: Path) -> None:
    assert (built / "cv.pdf").read_bytes().startswith(b"%PDF-")
    assert (built / "publications" / "all.pdf").read_bytes().startswith(b"%PDF-")
    card = {a.get_text(strip=True): a["href"] for a in html(built, "index.html").select(".profile-links a")}
    assert card["CV (PDF)"] == "cv.pdf"
    assert html(built, "index.html").select_one('.profile-links a[href="cv.pdf"] .fa-file-pdf') is not None
    assert [a["href"] for a in html(built, "cv.html").select("a.pub-download")] == ["cv.pdf"]
    downloads = {a.get_text(): a["href"] for a in html(built, "publications.html").select("a.pub-download")}
    assert downloads == {
        "BibTeX": "publications/all.bib",
        "CSL-JSON": "publications/all.json",
        "PDF": "publications/all.pdf",
    }
    assert not list(built.rglob(".*.partial"))


# -- The CV PDF ---------------------------------------------------------------------------------------------


def test_the_cv_pdf_holds_every_fact_of_the_cv_data(built: Path, cv) -> None:
    text = pdf_text(built / "cv.pdf")
    assert "Kun Zhou 周昆" in text
    for section in cv.sections:
        assert section.title in text
        for entry in section.entries:
            for value in [
                *entry.values.values(),
                *(item for items in entry.lists.values() for item in items),
            ]:
                for fact in plain_parts(value) if value != entry.get("id") else ():
                    assert fact in text, fact
            assert entry.span("written") in text
    # A citation reads as the paper's badge, as on the web page.
    assert "for Diffusion-NAT [EACL 2024]" in text


def test_the_cv_lists_the_selected_papers_and_links_the_full_list(built: Path, entries) -> None:
    text = pdf_text(built / "cv.pdf")
    selected = [entry for entry in entries if entry.fields.get("selected") == "true"]
    assert len(selected) == 2
    for entry in entries:
        assert (title_text(entry) in text) == (entry in selected), entry.key
    assert f"All {len(entries)} publications" in text
    uris = link_uris(built / "cv.pdf")
    assert "https://owner.example.org/site/publications.html" in uris
    for entry in selected:
        assert f"https://owner.example.org/site/publications/{entry.key}.html" in uris
        assert {url for _, url in paper_of(entry).links} <= set(uris)


def test_all_papers_in_the_cv_when_the_owner_says_so(tmp_path: Path, entries) -> None:
    result = build(ROOT, tmp_path / "html", "-D", "portfolio_cv_papers=all")
    assert result.returncode == 0, result.stderr
    text = pdf_text(result.outdir / "cv.pdf")
    assert all(title_text(entry) in text for entry in entries)
    assert "Selected Publications" not in text
    assert "publications, with BibTeX" not in text  # nothing left to link


# -- The publication list PDF ----------------------------------------------------------------------------


def test_the_list_pdf_holds_every_paper_under_its_year_newest_first(built: Path, entries) -> None:
    path = built / "publications" / "all.pdf"
    text = pdf_text(path)
    years = sorted({paper_of(entry).year for entry in entries}, reverse=True)
    assert outline_titles(pdf_reader(path).outline) == ["Publications", *map(str, years)]
    # Each title sits after its year's heading and before the next year's.
    heading_at = {year: text.index(f" {year} ", text.index("Publications")) for year in years}
    for entry in entries:
        year = paper_of(entry).year
        at = text.index(title_text(entry))
        assert heading_at[year] < at, entry.key
        later = [heading_at[other] for other in years if other < year]
        assert not later or at < min(later), entry.key
    # Owner's names, marks and their legend, venues and awards come from the same model as the pages.
    assert "* equal contribution † corresponding author" in text
    assert "Kun Zhou*, Beichen Zhang*, Wayne Xin Zhao†" in text
    assert "René Müller, 周昆, et al." in text
    assert "Evaluation and Model Insight Award" in text
    # A title with HTML in it is text in the PDF, as on the pages.
    assert '<script>alert("x")</script> Injection' in text


def test_metadata_outline_links_and_fonts(built: Path, cv, entries) -> None:
    for path, title in (
        (built / "cv.pdf", "Kun Zhou: Curriculum Vitae"),
        (built / "publications" / "all.pdf", "Kun Zhou: Publications"),
    ):
        reader = pdf_reader(path)
        assert reader.metadata.title == title
        assert reader.metadata.author == "Kun Zhou"
        assert reader.trailer["/Root"]["/Lang"] == "en"
        assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged: PDF/UA-1
        fonts = embedded_fonts(path)
        assert fonts, path
        assert all(subtype != "/Type3" and embedded for subtype, embedded in fonts.values()), fonts
        # Subsets only (a six-letter tag before the name), a Latin face and a CJK one.
        assert all(re.fullmatch(r"[A-Z]{6}\+.+", name) for name in fonts), fonts
        assert any("SourceSans3" in name for name in fonts)
        assert any("NotoSansSC" in name for name in fonts)
        assert path.stat().st_size < 100_000, path.stat().st_size
    cv_pdf = built / "cv.pdf"
    assert outline_titles(pdf_reader(cv_pdf).outline)[: len(cv.sections) + 1] == [
        *(section.title for section in cv.sections),
        "Selected Publications",
    ]
    assert len(pdf_reader(cv_pdf).pages) == 1
    # Every link of every paper in the list is a link annotation.
    uris = set(link_uris(built / "publications" / "all.pdf"))
    for entry in entries:
        assert {url for _, url in paper_of(entry).links} <= uris, entry.key
    assert {"mailto:someone@example.org", "https://github.com/example", "https://2024.eacl.org/"} <= set(
        link_uris(cv_pdf)
    )


def test_page_size_is_one_setting(tmp_path: Path) -> None:
    a4 = build(ROOT, tmp_path / "a4")
    letter = build(ROOT, tmp_path / "letter", "-D", "portfolio_pdf_page_size=us-letter")
    assert a4.returncode == letter.returncode == 0, letter.stderr
    for name in ("cv.pdf", "publications/all.pdf"):
        assert [round(float(value)) for value in pdf_reader(a4.outdir / name).pages[0].mediabox[2:]] == [
            595,
            842,
        ]
        assert [round(float(value)) for value in pdf_reader(letter.outdir / name).pages[0].mediabox[2:]] == [
            612,
            792,
        ]


def test_no_paper_is_split_and_no_heading_ends_a_page(root_copy: Path, tmp_path: Path) -> None:
    """Sixty papers with long author lists over six years: many page ends to get wrong."""
    names = " and ".join(f"Author{index} Person{index}" for index in range(30))
    bib = [
        textwrap.dedent(
            f"""\
            @inproceedings{{paper{number},
              title = {{Paper Number {number} on Long Author Lists}},
              author = {{Kun Zhou and {names}}},
              booktitle = {{Proceedings of Venue {number}}},
              year = {{{2020 + number % 6}}},
              eprint = {{2401.{number:05d}}},
            }}"""
        )
        for number in range(60)
    ]
    (root_copy / "refs.bib").write_text("\n\n".join(bib) + "\n", encoding="utf-8")
    (root_copy / "cv.yaml").write_text(
        (root_copy / "cv.yaml").read_text(encoding="utf-8").replace("[@zhou2024diffusion]", ""),
        encoding="utf-8",
    )
    result = build(root_copy, tmp_path / "html")
    assert result.returncode == 0, result.stderr
    path = result.outdir / "publications" / "all.pdf"
    pages = page_texts(path)
    assert len(pages) > 5
    for number in range(60):
        title = f"Paper Number {number} on Long Author Lists"
        [page] = [index for index, text in enumerate(pages) if title in text]
        # The entry's last line (its links) is on the page of its title.
        assert f"Proceedings of Venue {number} " in pages[page]
        assert "arXiv" in pages[page].split(title, 1)[1]
    reader = pdf_reader(path)
    for item in reader.outline[1]:
        year = int(item.title)
        # A year's heading shares its page with the first paper under it (titles sort within a year).
        first = min(f"Paper Number {number} on" for number in range(60) if 2020 + number % 6 == year)
        assert first in pages[reader.get_destination_page_number(item)], year


# -- Reproducible and incremental --------------------------------------------------------------------------


def test_two_clean_builds_give_the_same_bytes(built: Path, tmp_path: Path) -> None:
    again = build(ROOT, tmp_path / "html")
    assert again.returncode == 0, again.stderr
    for name in ("cv.pdf", "publications/all.pdf"):
        assert (again.outdir / name).read_bytes() == (built / name).read_bytes(), name
    # The creation date is SOURCE_DATE_EPOCH's, not the clock's.
    assert pdf_reader(built / "cv.pdf").metadata["/CreationDate"].startswith("D:20251201000000")


def test_the_pdfs_are_typeset_again_only_when_an_input_changes(root_copy: Path, tmp_path: Path) -> None:
    outdir = tmp_path / "html"
    assert build(root_copy, outdir).returncode == 0
    cv_pdf, list_pdf = outdir / "cv.pdf", outdir / "publications" / "all.pdf"
    before = (cv_pdf.stat().st_mtime_ns, list_pdf.stat().st_mtime_ns)
    assert build(root_copy, outdir).returncode == 0
    assert (cv_pdf.stat().st_mtime_ns, list_pdf.stat().st_mtime_ns) == before
    data = root_copy / "cv.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace(
            "      - name: 2022 National Scholarship.",
            "      - name: 2025 A New Honor.\n      - name: 2022 National Scholarship.",
        ),
        encoding="utf-8",
    )
    assert build(root_copy, outdir).returncode == 0
    assert "2025 A New Honor." in " ".join(pdf_reader(cv_pdf).pages[0].extract_text().split())
    assert "2025 A New Honor." in html(outdir, "cv.html").select_one("#honors").get_text()
    # The list does not read cv.yaml's honors: same bytes (a changed input typesets both; bytes decide).
    assert list_pdf.stat().st_mtime_ns == before[1]
    # A deleted PDF is written again by a build with nothing else to do.
    cv_pdf.unlink()
    assert build(root_copy, outdir).returncode == 0
    assert cv_pdf.is_file()


# -- Bad input ---------------------------------------------------------------------------------------------


def replace_in(path: Path, old: str, new: str) -> int:
    """Replace ``old`` once and return the line it was on."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_a_malformed_date_names_the_file_and_line_and_the_rest_is_built(
    root_copy: Path, tmp_path: Path
) -> None:
    line = replace_in(root_copy / "cv.yaml", "start_date: 2022-04", "start_date: April 2022")
    result = build(root_copy, tmp_path / "html")
    assert result.returncode == 1
    assert f"cv.yaml:{line}: WARNING: start_date 'April 2022' is not a date" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    text = pdf_text(result.outdir / "cv.pdf")
    assert "NLC Group, MSRA" in text
    assert "Jun 2023" in text
    assert "NLC Group, MSRA" in html(result.outdir, "cv.html").get_text()


def test_an_unknown_entry_kind_and_a_stray_citation_are_reported_by_line(
    root_copy: Path, tmp_path: Path
) -> None:
    kind_line = replace_in(root_copy / "cv.yaml", "      - bullet: Reviewer", "      - role: Reviewer")
    cite_line = replace_in(root_copy / "cv.yaml", "[@zhou2024diffusion]", "[@nosuchkey2024]")
    result = build(root_copy, tmp_path / "html")
    assert result.returncode == 1
    assert f"cv.yaml:{kind_line}: WARNING: unknown entry kind (keys: role)" in result.stderr
    assert f"cv.yaml:{cite_line}: WARNING: [@nosuchkey2024] cites no entry of refs.bib" in result.stderr
    assert "Traceback" not in result.stderr
    page = html(result.outdir, "cv.html")
    assert page.select_one("#service") is None  # its only entry was left out, and the section with it
    assert "I build open models" in page.get_text()
    assert "nosuchkey" not in page.get_text()
    assert "nosuchkey" not in pdf_text(result.outdir / "cv.pdf")


def test_a_file_that_is_not_yaml_leaves_the_rest_of_the_site(root_copy: Path, tmp_path: Path) -> None:
    (root_copy / "cv.yaml").write_text("cv:\n  name: Kun Zhou\n  sections: [\n", encoding="utf-8")
    outdir = tmp_path / "html"
    result = build(root_copy, outdir)
    assert result.returncode == 1
    assert "cv.yaml:4: WARNING: not valid YAML" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert html(outdir, "cv.html").select_one("h1").get_text(strip=True).startswith("CV")
    assert not (outdir / "cv.pdf").exists()
    assert (outdir / "publications" / "all.pdf").is_file()


def test_a_typst_error_names_the_template_and_line_and_leaves_no_pdf(
    root_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(typeset.TEMPLATES, templates)
    broken = templates / "cv.typ"
    lines = broken.read_text(encoding="utf-8").splitlines()
    lines.insert(5, "#let oops = data.no-such-key")
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(typeset, "TEMPLATES", templates)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    app = build_in_process(root_copy)
    warnings = warnings_of(app)
    assert len(warnings) == 1, warnings
    assert (
        f"{broken.resolve()}:6: WARNING: the cv PDF was not made: dictionary does not contain key"
        in warnings[0]
    )
    assert not (app.outdir / "cv.pdf").exists()
    assert not list(Path(app.outdir).rglob("*.partial"))
    assert (app.outdir / "publications" / "all.pdf").is_file()


def test_an_unknown_page_size_is_a_warning_and_a4_is_used(tmp_path: Path) -> None:
    result = build(ROOT, tmp_path / "html", "-D", "portfolio_pdf_page_size=a5")
    assert result.returncode == 1
    assert "portfolio_pdf_page_size = 'a5': use one of 'a4', 'us-letter'" in result.stderr
    assert round(float(pdf_reader(result.outdir / "cv.pdf").pages[0].mediabox[3])) == 842


# -- The CV page -------------------------------------------------------------------------------------------

MIGRATION = Path(__file__).parent / "roots" / "test-cv-migration"


def test_the_cv_page_from_data_reads_as_the_handwritten_page_did(tmp_path: Path) -> None:
    """The page cv.yaml renders against the page written by hand before the data moved (kept in
    tests/data), with the cv.yaml of that day: the same text, sections, anchors and links."""
    handwritten = tmp_path / "handwritten"
    shutil.copytree(MIGRATION, handwritten)
    shutil.copy(Path(__file__).parent / "data" / "cv-handwritten.md", handwritten / "cv.md")
    (handwritten / "cv.yaml").unlink()
    pages = {}
    for name, srcdir in (("handwritten", handwritten), ("data", MIGRATION)):
        result = build(
            srcdir, tmp_path / name / "html", "-D", f"portfolio_cv_data={'cv.yaml' if name == 'data' else ''}"
        )
        assert result.returncode == 0, result.stderr
        body = html(result.outdir, "cv.html").select_one('[role="main"]')
        for mark in body.select(".headerlink"):
            mark.decompose()
        pages[name] = body
    # The one addition: the line linking the PDF.
    pdf_line = pages["data"].select_one("a.pub-download").find_parent("p")
    assert pdf_line.get_text(" ", strip=True) == "The same CV, typeset for printing: CV (PDF) ."
    pdf_line.decompose()
    handwritten_page, data_page = pages["handwritten"], pages["data"]
    assert data_page.get_text(" ", strip=True) == handwritten_page.get_text(" ", strip=True)
    assert [tag["id"] for tag in data_page.select("[id]")] == [
        tag["id"] for tag in handwritten_page.select("[id]")
    ]
    assert [a.get("href") for a in data_page.select("a")] == [
        a.get("href") for a in handwritten_page.select("a")
    ]
    assert [tag.name for tag in data_page.find_all(True)] == [
        tag.name for tag in handwritten_page.find_all(True)
    ]


def test_a_missing_data_file_or_a_misplaced_block_is_a_warning(root_copy: Path, tmp_path: Path) -> None:
    (root_copy / "cv.yaml").unlink()
    line = replace_in(root_copy / "cv.md", "```{cv}\n```", "```{cv}\n```\n\n:::{note}\n```{cv}\n```\n:::")
    result = build(root_copy, tmp_path / "html")
    assert result.returncode == 1
    assert "WARNING: portfolio_cv_data: cv.yaml does not exist" in result.stderr
    # Without a CV to show, the first block's lines stay blank: the lines after it keep their numbers.
    assert f"cv.md:{line + 4}: WARNING: the {{cv}} block must stand alone at the top level" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (result.outdir / "cv.pdf").exists()
    assert (result.outdir / "publications" / "all.pdf").is_file()
