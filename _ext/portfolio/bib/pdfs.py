"""PDFs the site hosts beside the paper pages, and what Google Scholar needs of a paper page.

Scholar takes ``citation_pdf_url`` only for a PDF in the same folder as the paper's page, and indexes a
page only if it holds the paper's full text or its complete abstract. The owner hosts a PDF in one of two
ways: drop ``<key>.pdf`` into the PDF folder (``portfolio_pdf_folder``, ``publications/pdf``), or write a
``pdf`` field naming a file of the repository (a ``pdf`` field holding a URL is a PDF elsewhere: a button,
never ``citation_pdf_url``). The Sphinx layer copies each hosted PDF next to its page; ``make check``
reads the same facts for its summary of the pages Scholar will not index yet.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pybtex.database import Entry

from .model import paper_of, pdf_file
from .vocabulary import PDF_FOLDER, PDF_MAX_MB, page_name

__all__ = ["PDF_FOLDER", "PDF_MAX_MB", "HostedPdf", "PdfProblem", "hosted_pdfs", "scholar_summary"]


@dataclass(frozen=True)
class HostedPdf:
    key: str
    source: Path
    size: int
    stamp: int  # mtime in ns: a replaced file is copied again

    @property
    def name(self) -> str:
        """Its file name beside the paper page."""
        return f"{page_name(self.key)}.pdf"


@dataclass(frozen=True)
class PdfProblem:
    key: str  # the entry it concerns, "" for a file of the folder that no entry claims
    path: Path
    subtype: str
    message: str


def hosted_pdfs(
    entries: Mapping[str, Entry], root: Path, folder: str = PDF_FOLDER, max_mb: float = PDF_MAX_MB
) -> tuple[dict[str, HostedPdf], list[PdfProblem]]:
    """Key -> the PDF the site hosts for it, and the problems found (a PDF with one is not hosted)."""
    hosted: dict[str, HostedPdf] = {}
    problems: list[PdfProblem] = []
    root = root.resolve()
    pdf_folder = (root / folder) if folder else None
    dropped = (
        {path.stem: path for path in sorted(pdf_folder.glob("*.pdf"))}
        if pdf_folder and pdf_folder.is_dir()
        else {}
    )
    claimed: set[str] = set()
    for key, entry in entries.items():
        named = pdf_file(entry)  # not the whole model: this runs over every entry on every build
        if named:
            source = (root / named).resolve()
            if not source.is_relative_to(root):
                problems.append(
                    PdfProblem(
                        key, source, "pdf_missing", f"pdf {named!r} of {key!r} is outside the site's folder"
                    )
                )
                continue
            if not source.is_file():
                problems.append(
                    PdfProblem(
                        key,
                        source,
                        "pdf_missing",
                        f"pdf {named!r} of {key!r} does not exist: add the file or fix the path",
                    )
                )
                continue
        elif (source := dropped.get(page_name(key))) is None:
            continue
        claimed.add(source.stem)
        if problem := pdf_problem(key, source, max_mb):
            problems.append(problem)
            continue
        stat = source.stat()
        hosted[key] = HostedPdf(key, source, stat.st_size, stat.st_mtime_ns)
    names = {page_name(key) for key in entries}
    for stem, path in dropped.items():
        if stem not in names and stem not in claimed:
            problems.append(
                PdfProblem(
                    "",
                    path,
                    "pdf_orphan",
                    f"{folder}/{path.name} is the PDF of no entry: name it after its entry's key",
                )
            )
    return hosted, problems


def pdf_problem(key: str, source: Path, max_mb: float) -> PdfProblem | None:
    size = source.stat().st_size
    if size > max_mb * 1024 * 1024:
        return PdfProblem(
            key,
            source,
            "pdf_size",
            f"the PDF of {key!r} ({source.name}, {size / 1024 / 1024:.1f} MB) is larger than {max_mb:g} MB, "
            "which Google Scholar does not index: compress it (or raise portfolio_pdf_max_mb); "
            "it is not hosted",
        )
    with source.open("rb") as handle:
        if not handle.read(5).startswith(b"%PDF-"):
            return PdfProblem(
                key, source, "pdf_not_pdf", f"{source.name} of {key!r} is not a PDF file; it is not hosted"
            )
    return None


def scholar_summary(
    entries: Iterable[Entry], hosted: Mapping[str, HostedPdf], folder: str = PDF_FOLDER
) -> str:
    """Which paper pages Google Scholar will not index yet, and why: a few lines, not warnings.

    A page is indexed when it shows the complete abstract or links a PDF of the full text in its folder."""
    papers = [paper_of(entry) for entry in entries]
    neither = [paper.key for paper in papers if not paper.abstract and paper.key not in hosted]
    abstract_only = [paper.key for paper in papers if paper.abstract and paper.key not in hosted]
    pdf_only = [paper.key for paper in papers if not paper.abstract and paper.key in hosted]
    ready = len(papers) - len(neither)
    lines = [f"Google Scholar: {ready} of {len(papers)} paper pages can be indexed."]
    for keys, why in (
        (neither, "not yet (no abstract, no PDF here)"),
        (abstract_only, "with an abstract but no PDF here"),
        (pdf_only, "with a PDF here but no abstract"),
    ):
        if keys:
            lines += textwrap.wrap(
                f"{len(keys)} {why}: {', '.join(keys)}", 108, initial_indent="  ", subsequent_indent="    "
            )
    if neither or abstract_only:
        lines.append(f"  To fix one: paste its abstract into refs.bib, or drop <key>.pdf into {folder}/.")
    return "\n".join(lines)
