"""Shared fixtures: sphinx.testing for the tiny test projects, one strict build of the real site,
a local HTTP server for it and a headless Chromium driven by Playwright."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

pytest_plugins = ("sphinx.testing.fixtures",)

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).resolve().parent / "roots"


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


@pytest.fixture
def built(app):
    """The test project, built (test modules of the real site define their own ``built``: its output)."""
    app.build()
    return app


@dataclass(frozen=True)
class SiteBuild:
    outdir: Path
    returncode: int
    stderr: str


def build_site(srcdir: Path, outdir: Path, *extra: str, ext_dir: Path = REPO / "_ext") -> SiteBuild:
    """Run the README's strict build on ``srcdir`` in a fresh process, as `make html` does."""
    # The test roots' conf.py files load our extensions by name, as the site's does after its sys.path line.
    # CI may set FORCE_COLOR; the tests parse the warnings, so they must come without ANSI escapes.
    env = {
        **{name: value for name, value in os.environ.items() if name != "FORCE_COLOR"},
        "NO_COLOR": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ext_dir), os.environ.get("PYTHONPATH")])),
    }
    strict_build = ["-b", "html", "-nW", "--keep-going", "-q", "--no-color"]
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", *strict_build, *extra, srcdir, outdir],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    return SiteBuild(outdir, result.returncode, result.stderr)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """The real site, built once per test session."""
    return build_site(REPO, tmp_path_factory.mktemp("site") / "html")


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A throw-away copy of the site's sources, for tests that break something on purpose."""
    copy = tmp_path / "src"
    shutil.copytree(
        REPO,
        copy,
        ignore=shutil.ignore_patterns("_build", ".venv", ".git", "tests", "__pycache__", ".pytest_cache"),
    )
    return copy


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(site: SiteBuild) -> Iterator[str]:
    assert site.returncode == 0, site.stderr
    handler = functools.partial(_QuietHandler, directory=str(site.outdir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def chromium_executable() -> str | None:
    """$CHROMIUM, else Debian's /usr/bin/chromium, else None: Playwright's own download."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
