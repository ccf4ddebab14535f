"""Nothing on the real site moves sideways while a page loads: Chromium paints a long page before it has
parsed the whole document, so each page with an "On this page" sidebar is served here in two parts, held
just before that sidebar until the first part has been painted, and the article must stay where it was
painted. (A short page's article footer may still move up when the site footer after the sidebar arrives:
that happens below the fold of any page long enough to be painted in parts, and is not checked here.)"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.site

#: Where the theme's secondary sidebar starts: its dialog, then the sidebar itself.
SIDEBAR_START = b'<dialog id="pst-secondary-sidebar-modal"'
WIDTHS = (1280, 1920)
#: Layout shifts as Chromium reports them to the page (what Lighthouse's CLS adds up): each element that
#: was drawn and moved sideways, with its horizontal positions.
WATCH_SHIFTS = """
window.__sidewaysShifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    for (const source of entry.sources) {
      const before = source.previousRect, after = source.currentRect;
      if (source.node && before.width > 0 && before.x !== after.x) {
        window.__sidewaysShifts.push([source.node.className || source.node.nodeName, before.x, after.x]);
      }
    }
  }
}).observe({type: "layout-shift", buffered: true});
"""
PAINTED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"
CONTENT_PADDING = "() => getComputedStyle(document.querySelector('.bd-content')).paddingRight"
ARTICLE_X = "() => document.querySelector('.bd-article-container').getBoundingClientRect().x"


class _HeldPage(SimpleHTTPRequestHandler):
    """Static files; the page ``held`` is sent up to its secondary sidebar, the rest once ``release`` is
    set."""

    held = ""
    release = threading.Event()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.split("?")[0] != "/" + self.held:
            super().do_GET()
            return
        data = Path(self.translate_path(self.path)).read_bytes()
        cut = data.index(SIDEBAR_START)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[:cut])
        self.wfile.flush()
        self.release.wait(timeout=10)
        self.wfile.write(data[cut:])


@pytest.fixture(scope="module")
def held_server(site) -> Iterator[tuple[type[_HeldPage], str]]:
    assert site.returncode == 0, site.stderr
    handler = type("HeldPage", (_HeldPage,), {"release": threading.Event()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site.outdir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield handler, f"http://127.0.0.1:{server.server_port}"
    handler.release.set()
    server.shutdown()
    server.server_close()


def top_level_pages(site, with_sidebar: bool) -> list[str]:
    pages = [
        path.relative_to(site.outdir).as_posix()
        for path in [*site.outdir.glob("*.html"), *site.outdir.glob("*/index.html")]
        if path.name not in {"search.html", "genindex.html", "404.html"}
    ]
    return sorted(
        page for page in pages if (SIDEBAR_START in (site.outdir / page).read_bytes()) == with_sidebar
    )


def test_pages_with_an_on_this_page_sidebar_keep_the_article_in_place_until_it_arrives(
    site, held_server, browser
) -> None:
    handler, base = held_server
    pages = top_level_pages(site, with_sidebar=True)
    assert {"publications/index.html", "research/index.html", "cv.html"} <= set(pages), pages
    moved = {}
    for page_path in pages:
        for width in WIDTHS:
            handler.held, handler.release = page_path, threading.Event()
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.add_init_script(WATCH_SHIFTS)
            try:
                page.goto(f"{base}/{page_path}", wait_until="commit")
                page.wait_for_selector(".bd-article-container", state="attached")
                page.evaluate(PAINTED)
                # The test means something only if the browser painted the article without its sidebar.
                assert page.evaluate("() => !document.querySelector('.bd-sidebar-secondary')"), page_path
                painted_at = page.evaluate(ARTICLE_X)
                handler.release.set()
                page.wait_for_selector(".bd-sidebar-secondary .page-toc", state="attached")
                page.wait_for_load_state("load")
                page.evaluate(PAINTED)
                settled_at = page.evaluate(ARTICLE_X)
                shifts = page.evaluate("window.__sidewaysShifts")
                if shifts or abs(settled_at - painted_at) > 0.5:
                    moved[(page_path, width)] = (round(painted_at), round(settled_at), shifts)
            finally:
                handler.release.set()
                context.close()
    assert moved == {}, f"(page, width): (article x painted, x settled, sideways shifts) {moved}"


def test_a_page_without_that_sidebar_keeps_no_column_for_it(site, site_url, browser) -> None:
    pages = top_level_pages(site, with_sidebar=False)
    assert "index.html" in pages, pages
    page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
    try:
        padded = {}
        for page_path in pages:
            page.goto(f"{site_url}/{page_path}", wait_until="load")
            padding = page.evaluate(CONTENT_PADDING)
            if padding != "0px":
                padded[page_path] = padding
    finally:
        page.close()
    assert padded == {}
