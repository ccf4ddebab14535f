"""Shared fixtures: sphinx.testing for the tiny test projects, one strict build of the real site,
a local HTTP server for it and a headless Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import REPO, SiteBuild, build_site, copy_sources, serving

pytest_plugins = ("sphinx.testing.fixtures",)

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


@pytest.fixture
def built(app):
    """The test project, built (test modules of the real site define their own ``built``: its output)."""
    app.build()
    return app


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """The real site, built once per test session."""
    return build_site(REPO, tmp_path_factory.mktemp("site") / "html")


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A throw-away copy of the site's sources, for tests that break something on purpose."""
    return copy_sources(tmp_path / "src")


@pytest.fixture(scope="session")
def site_url(site: SiteBuild) -> Iterator[str]:
    assert site.returncode == 0, site.stderr
    with serving(site.outdir) as url:
        yield url


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


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Block every connection of this process but those to 127.0.0.1 (the recorded-API server)."""
    import socket

    real_connect = socket.socket.connect

    def connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if host not in {"127.0.0.1", "::1", "localhost"}:
            raise OSError(f"the tests block the network: a connection to {address!r} was attempted")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
