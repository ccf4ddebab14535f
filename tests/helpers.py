"""Helpers of the test modules: building a project (in this process or as `make html` does), reading
its warnings and pages. Fixtures live in conftest.py."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

REPO = Path(__file__).resolve().parent.parent


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def warnings_of(app) -> list[str]:
    """The warnings a sphinx.testing app logged, one per line, without colour codes."""
    return [line for line in ANSI_ESCAPE.sub("", app.warning.getvalue()).splitlines() if line.strip()]


def soup(app, docname: str):
    """The HTML page ``docname`` of a sphinx.testing build, parsed."""
    from bs4 import BeautifulSoup

    return BeautifulSoup((app.outdir / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def build_in_process(srcdir: Path, **kwargs) -> SphinxTestApp:
    """Build ``srcdir`` (HTML) with sphinx.testing in this process, for tests that build the same sources
    more than once; its environment and warnings stay readable afterwards."""
    app = SphinxTestApp("html", srcdir=srcdir, **kwargs)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


@dataclass(frozen=True)
class SiteBuild:
    outdir: Path
    returncode: int
    stderr: str
    stdout: str = ""


def build_site(
    srcdir: Path, outdir: Path, *extra: str, ext_dir: Path = REPO / "_ext", env: dict[str, str] | None = None
) -> SiteBuild:
    """Run the README's strict build on ``srcdir`` in a fresh process, as `make html` does; ``env`` adds
    variables to the build's environment (``SOURCE_DATE_EPOCH``)."""
    # The test roots' conf.py files load our extensions by name, as the site's does after its sys.path line.
    # CI may set FORCE_COLOR; the tests parse the warnings, so they must come without ANSI escapes.
    variables = {
        **{name: value for name, value in os.environ.items() if name != "FORCE_COLOR"},
        "NO_COLOR": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ext_dir), os.environ.get("PYTHONPATH")])),
        **(env or {}),
    }
    strict_build = ["-b", "html", "-nW", "--keep-going", "-q", "--no-color"]
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", *strict_build, *extra, srcdir, outdir],
        capture_output=True,
        text=True,
        check=False,
        env=variables,
    )
    return SiteBuild(outdir, result.returncode, result.stderr, result.stdout)


def build_root(name: str, outdir: Path, *extra: str) -> Path:
    """Build the test project ``roots/test-<name>`` strictly into ``outdir`` (``extra``: more options,
    ``-D name=value``): it must build without a warning. Returns ``outdir``."""
    result = build_site(Path(__file__).parent / "roots" / f"test-{name}", outdir, *extra)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.outdir


def copy_sources(target: Path) -> Path:
    """A copy of the site's sources at ``target``: no build output, virtualenv, git or tests."""
    shutil.copytree(
        REPO,
        target,
        ignore=shutil.ignore_patterns("_build", ".venv", ".git", "tests", "__pycache__", ".pytest_cache"),
    )
    return target


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A browser that closes a page while a file is still on its way (a preloaded font, a test's next
        # page) breaks the connection: no fault of the site, and not worth a traceback in the test output.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serving(directory: Path) -> Iterator[str]:
    """A local HTTP server of ``directory`` while the block runs; yields its base URL."""
    server = _QuietServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


# -- Browser ------------------------------------------------------------------------------------------

#: True once the page's scripts have run: portfolio.paintfirst adds them after the first paint and marks
#: ``<html>`` when the last one has run; a page it left alone ran them before ``load``.
SCRIPTS_RAN = (
    "() => !document.querySelector('script[data-portfolio-paint-first]')"
    " || document.documentElement.dataset.scripts === 'loaded'"
)


def open_ready(page, url: str) -> None:
    """Load ``url`` in ``page`` and wait until its scripts have run, as a visitor's first click would."""
    page.goto(url, wait_until="load")
    page.wait_for_function(SCRIPTS_RAN)


# -- PDFs -----------------------------------------------------------------------------------------------


def pdf_reader(path: Path):
    from pypdf import PdfReader

    return PdfReader(path)


def pdf_text(path: Path) -> str:
    """The PDF's text in one line: every run of white space (line ends too) made one space."""
    return " ".join(" ".join(page.extract_text() for page in pdf_reader(path).pages).split())


def title_text(entry) -> str:
    """A paper's title as the PDFs set it: its math as text with scripts."""
    from portfolio.bib.model import paper_of
    from portfolio.cv.mathtext import text_spans

    return " ".join("".join(str(span["text"]) for span in text_spans(paper_of(entry).title)).split())
