"""What the CV and publication list PDFs cost: their pages and bytes, what their fonts weigh, and how much
time they add to a clean build of the real site.

    .venv/bin/python benchmarks/pdfs.py [--runs 3]

Each run builds the site from scratch twice in fresh processes, in turn: with the PDFs and without them
(``-D portfolio_cv_pdf= -D portfolio_publications_pdf=0``); the medians and their ratio come from the same
runs, so a noisy machine slows both alike. Then each PDF is typeset again on its own, in this process.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "_ext"))


def clean_build(outdir: Path, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", *extra, str(REPO), str(outdir)],
        check=True,
        capture_output=True,
        env={"PYTHONPATH": str(REPO / "_ext"), "PATH": "/usr/bin:/bin"},
    )
    return time.perf_counter() - start


def font_bytes(path: Path) -> dict[str, int]:
    from pypdf import PdfReader

    sizes = {}
    for page in PdfReader(path).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            program = descriptor["/FontFile2"].get_object()
            sizes[str(font["/BaseFont"]).lstrip("/")] = len(program._data)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with_pdfs, without = [], []
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(args.runs):
            with_pdfs.append(clean_build(Path(scratch, f"with-{run}")))
            # (cv.md's "CV (PDF)" link then warns that there is no PDF: silenced.)
            no_pdfs = (
                "-D",
                "portfolio_cv_pdf=",
                "-D",
                "portfolio_publications_pdf=0",
                "-D",
                "suppress_warnings=portfolio.cv",
            )
            without.append(clean_build(Path(scratch, f"without-{run}"), *no_pdfs))
        site = Path(scratch, "with-0")
        from pypdf import PdfReader

        print(f"{'PDF':<45} {'pages':>5} {'KB':>7} {'fonts KB':>9}")
        for pdf in (site / "kun-zhou-cv.pdf", site / "publications" / "kun-zhou-publications.pdf"):
            fonts = font_bytes(pdf)
            print(
                f"{pdf.relative_to(site).as_posix():<45} {len(PdfReader(pdf).pages):>5} "
                f"{pdf.stat().st_size / 1024:>7.1f} {sum(fonts.values()) / 1024:>9.1f}"
            )
            for name, size in sorted(fonts.items()):
                print(f"    {name:<41} {size / 1024:>23.1f}")
    median_with, median_without = statistics.median(with_pdfs), statistics.median(without)
    print(f"\nclean build, median of {args.runs}: {median_with:.2f} s with the PDFs, ", end="")
    print(f"{median_without:.2f} s without;")
    print(f"ratio {median_with / median_without:.3f}, the PDFs add {median_with - median_without:+.2f} s")

    from portfolio.cv import typeset

    document = {
        "meta": {"title": "T", "author": "A", "keywords": [], "page": "a4", "dated": False},
        "person": {"name": "Kun Zhou", "native": "周昆", "headline": "", "links": []},
        "intro": "",
        "site": "https://example.org/",
        "papers": {"title": "Publications", "legend": [], "years": [], "count": 0, "more": None},
    }
    typeset.typeset("publications", document, None)  # the first call loads the fonts' metadata
    start = time.perf_counter()
    typeset.typeset("publications", document, None)
    elapsed = (time.perf_counter() - start) * 1000
    print(f"typesetting a one-page document again in this process: {elapsed:.0f} ms")


if __name__ == "__main__":
    main()
