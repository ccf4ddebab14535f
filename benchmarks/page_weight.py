"""What each page of the built site costs a visitor: its compressed size with everything it loads.

    make html && .venv/bin/python benchmarks/page_weight.py [--site _build/html] [--browser]

A page loads its stylesheets, scripts (those portfolio.paintfirst adds after the first paint too), images
and favicon, and the web fonts its stylesheets (linked, or in the page) declare; the scripts the loader adds
on a visitor's first action (Bootstrap) are counted apart, and the budget holds with them.
This count reads the files and is an upper bound: it includes every web font the CSS declares, though a
browser fetches a font face only when some text is set in it. ``--browser`` also counts what Chromium
really fetches for the top-level pages and a paper page (served from a local server, each with an empty
cache; loaded, its scripts run, then the pointer moves, and again after that first action).
Text is counted gzip-compressed (level 6, as the Lighthouse benchmark's server and Read the Docs send it),
binary files as they are. The budget in pyproject.toml ([tool.portfolio.page-weight]) is checked against
these numbers by tests/test_page_weight.py; this script prints them for every page, largest first.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lighthouse import PAGES as BROWSER_PAGES
from lighthouse import serve

REPO = Path(__file__).resolve().parent.parent
COMPRESSED_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")
CSS_FONT_FACE = re.compile(r"@font-face\s*{[^}]*}")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.DOTALL | re.IGNORECASE)
#: portfolio.paintfirst's loader: the scripts it adds after the first paint.
LOADER_LIST = re.compile(
    r"<script(?=[^>]*\sdata-portfolio-paint-first[\s>=])(?=[^>]*\stype=\"application/json\")[^>]*>"
    r"(.*?)</script>",
    re.DOTALL,
)
#: The loader it adds after the first frame (its address is the marker's value).
LOADER_SRC = re.compile(r'<script data-portfolio-paint-first="([^"]+)"')


@dataclass
class PageWeight:
    page: str
    files: dict[str, int] = field(default_factory=dict)
    #: What the loader adds once the visitor does something (moves the pointer, touches, types, scrolls).
    on_action: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.files.values())

    @property
    def after_action(self) -> int:
        return self.total + sum(self.on_action.values())


@cache
def transferred_bytes(path: Path) -> int:
    data = path.read_bytes()
    return (
        len(gzip.compress(data, compresslevel=6, mtime=0)) if path.suffix in COMPRESSED_TYPES else len(data)
    )


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stylesheets: list[str] = []
        self.others: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        rel = (attributes.get("rel") or "").split()
        if tag == "link" and "stylesheet" in rel and attributes.get("href"):
            self.stylesheets.append(attributes["href"])
        elif tag == "link" and {"icon", "preload", "modulepreload"} & set(rel) and attributes.get("href"):
            self.others.append(attributes["href"])
        elif tag in {"script", "img", "source", "video", "audio", "iframe"} and attributes.get("src"):
            self.others.append(attributes["src"])


def local_file(base: Path, reference: str, site: Path) -> Path | None:
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = (base.parent / unquote(parts.path)).resolve()
    return path if path.is_file() and path.is_relative_to(site.resolve()) else None


def page_weight(site: Path, page: str) -> PageWeight:
    html_file = site / page
    weight = PageWeight(page)

    def count(path: Path | None, files: dict[str, int] = weight.files) -> None:
        if path is not None:
            files[path.relative_to(site.resolve()).as_posix()] = transferred_bytes(path)

    count(html_file.resolve())
    text = html_file.read_text(encoding="utf-8")
    resources = _Resources()
    resources.feed(text)
    resources.others += LOADER_SRC.findall(text)
    for listing in LOADER_LIST.findall(text):
        # A script loaded only on a visitor's request ("when": a search's highlight) is not counted.
        items = [item for item in json.loads(listing) if item.get("src")]
        resources.others += [item["src"] for item in items if not item.get("when")]
        for item in items:
            if item.get("when") == "interaction":
                count(local_file(html_file, item["src"], site), weight.on_action)
    for reference in resources.others:
        count(local_file(html_file, reference, site))
    for style in STYLE_ELEMENT.findall(text):
        for font_face in CSS_FONT_FACE.findall(style):
            for font in CSS_URL.findall(font_face):
                count(local_file(html_file, font, site))
    for reference in resources.stylesheets:
        stylesheet = local_file(html_file, reference, site)
        count(stylesheet)
        if stylesheet is None:
            continue
        for font_face in CSS_FONT_FACE.findall(stylesheet.read_text(encoding="utf-8")):
            for font in CSS_URL.findall(font_face):
                count(local_file(stylesheet, font, site))
    return weight


#: True once portfolio.paintfirst's scripts have run (a page it left alone ran them before ``load``), and
#: once those it adds on a first action have (a page may have none).
SCRIPTS_RAN = (
    "() => !document.querySelector('script[data-portfolio-paint-first]')"
    " || document.documentElement.dataset.scripts === 'loaded'"
)
ACTION_SCRIPTS_RAN = (
    "() => !document.querySelector('script[data-portfolio-paint-first]')"
    " || !document.querySelector('script[data-portfolio-paint-first][type=\"application/json\"]')"
    ".textContent.includes('\"interaction\"')"
    " || document.documentElement.dataset.scriptsOnInteraction === 'loaded'"
)


def fetched_weights(
    site: Path, pages: Iterable[str], chromium: str = "/usr/bin/chromium", browser=None
) -> list[PageWeight]:
    """What Chromium fetches from the site for each page, counted as :func:`transferred_bytes` counts files:
    on load (until its scripts have run and its fonts are loaded), and on a first action (the pointer
    moves over the page) apart. A request for a file outside the site, or for none, is not counted.
    ``browser`` is a Playwright browser to use (the tests' own); without it one is launched."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=chromium, args=["--headless", "--no-sandbox"]
            )
            try:
                return fetched_weights(site, pages, browser=launched)
            finally:
                launched.close()
    server, base = serve(site)
    base += "/"
    weights = []
    try:
        for page_path in pages:
            weight = PageWeight(page_path)
            context = browser.new_context(viewport={"width": 412, "height": 915})
            page = context.new_page()
            fetched: list[str] = []
            page.on("requestfinished", lambda request, fetched=fetched: fetched.append(request.url))
            page.goto(base + page_path, wait_until="load")
            page.wait_for_function(SCRIPTS_RAN)
            page.evaluate("() => document.fonts.ready.then(() => true)")
            page.wait_for_load_state("networkidle")
            on_load = len(fetched)
            page.mouse.move(200, 300)
            page.mouse.move(210, 320)
            page.wait_for_function(ACTION_SCRIPTS_RAN)
            page.evaluate("() => document.fonts.ready.then(() => true)")
            page.wait_for_load_state("networkidle")
            context.close()
            for index, url in enumerate(fetched):
                path = local_file(site / "index.html", urlsplit(url).path.removeprefix("/"), site)
                if url.startswith(base) and path is not None:
                    files = weight.files if index < on_load else weight.on_action
                    files[path.relative_to(site.resolve()).as_posix()] = transferred_bytes(path)
            weights.append(weight)
    finally:
        server.shutdown()
        server.server_close()
    return weights


def budget() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["portfolio"][
        "page-weight"
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=REPO / "_build" / "html")
    parser.add_argument("--top", type=int, default=15, help="how many pages to list (largest first)")
    parser.add_argument("--browser", action="store_true", help="also count what Chromium fetches")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    limits = budget()
    weights = sorted(
        (
            page_weight(args.site, path.relative_to(args.site).as_posix())
            for path in args.site.rglob("*.html")
        ),
        key=lambda weight: -weight.after_action,
    )
    print(f"budget: home page {limits['home-kb']} KB, any page {limits['page-kb']} KB\n")
    print(f"{'page':45} {'KB':>7} {'files':>5} {'KB after a first action':>24}")
    for weight in weights[: args.top]:
        print(
            f"{weight.page:45} {weight.total / 1024:7.1f} {len(weight.files):5}"
            f" {weight.after_action / 1024:24.1f}"
        )
    home = page_weight(args.site, "index.html")
    print("\nhome page, by file:")
    for name, size in sorted(home.files.items(), key=lambda item: -item[1]):
        print(f"  {name:60} {size / 1024:7.1f} KB")
    print(f"  {'total':60} {home.total / 1024:7.1f} KB")
    for name, size in sorted(home.on_action.items(), key=lambda item: -item[1]):
        print(f"  {name + ' (on a first action)':60} {size / 1024:7.1f} KB")
    print(f"  {'total after a first action':60} {home.after_action / 1024:7.1f} KB")
    if args.browser:
        print("\nwhat Chromium fetches (KB; files counted but not fetched):")
        print(f"{'page':45} {'on load':>8} {'after a first action':>21}  not fetched")
        for fetched in fetched_weights(args.site, BROWSER_PAGES, args.chromium):
            counted = page_weight(args.site, fetched.page)
            counted_files = counted.files | counted.on_action
            unfetched = sorted(set(counted_files) - set(fetched.files) - set(fetched.on_action))
            print(
                f"{fetched.page:45} {fetched.total / 1024:8.1f} {fetched.after_action / 1024:21.1f}  "
                + ", ".join(f"{name} ({counted_files[name]} B)" for name in unfetched)
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
