"""Lighthouse scores of the built site, served with gzip as Read the Docs serves it, beside a floor page.

    make html && .venv/bin/python benchmarks/lighthouse.py [--site _build/html] [--runs 3] [--hog]
        [--pages index.html cv.html] [--presets mobile desktop] [--baseline [NAME=]old/_build/html ...]
        [--json out.json]

Runs Lighthouse 12.2.3 (from npm, through ``npx``; needs Node and, the first time, the npm registry) with
Debian's Chromium on the top-level pages and a paper page, with the mobile (default) and desktop presets.
Each page is measured beside its *floor*: a bare HTML page of the same text (the page's article, without
stylesheets, scripts, images or attributes but links), served by the same server in the same run, so the
ratios FCP/floor and LCP/floor say what our markup, styles and scripts cost on this machine today. Every
page and its floor alternate, ``--runs`` times; the medians are printed, one row per page and preset: the
four category scores, FCP, LCP, TBT, CLS, bytes transferred, requests, and the ratios to the floor.
``--baseline`` measures another build (of an older commit, say) in the same run, beside the same
floors, so that before and after are compared under the same load: its rows say ``baseline``, or the
name given as ``--baseline NAME=PATH``; it may be given more than once.

``--hog`` runs everything again with a CPU hog (a busy loop in another process) pinned to the machine's last
core, as a mid-range phone's other work would be: the rows are printed as ``hog``. A benchmark, not a test:
the numbers depend on the machine, so compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import html
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

LIGHTHOUSE = "lighthouse@12.2.3"
PAGES = [
    "index.html",
    "research/index.html",
    "publications/index.html",
    "publications/zhou2024jiuzhang3.html",
    "projects/index.html",
    "news.html",
    "cv.html",
    "posts.html",
]
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
    "--disable-sync --no-first-run"
)
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files, text ones gzip-compressed when the client accepts it."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSIBLE and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _BytesFile(body)


class _BytesFile:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *_: object) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def serve(site: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def run_lighthouse(url: str, preset: str, chrome: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        command = [
            "npx",
            "--yes",
            LIGHTHOUSE,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--only-categories=performance,accessibility,best-practices,seo",
        ]
        if preset == "desktop":
            command.append("--preset=desktop")
        subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True)
        return json.loads(report.read_text(encoding="utf-8"))


def summary(report: dict) -> dict:
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    return {
        **{name: round(category["score"] * 100) for name, category in report["categories"].items()},
        "FCP_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "LCP_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "TBT_ms": round(audits["total-blocking-time"]["numericValue"]),
        "CLS": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "transfer_KB": round(sum(item.get("transferSize", 0) for item in requests) / 1024),
        "requests": len(requests),
    }


FLOOR_DIR = "_floor"
METRICS = ("performance", "accessibility", "best-practices", "seo", "FCP_ms", "LCP_ms", "TBT_ms", "CLS")


def floor_page(page_html: str) -> str:
    """A bare HTML page of the same text: the article's elements without attributes (links keep href),
    no stylesheet, script, image or form, the title and language kept."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page_html, "html.parser")
    title = soup.title.get_text() if soup.title else ""
    article = soup.find("article") or soup.find(attrs={"role": "main"}) or soup.body
    for element in article.find_all(["script", "style", "link", "img", "svg", "button", "input", "form"]):
        element.decompose()
    for element in article.find_all(True):
        element.attrs = {"href": element["href"]} if element.name == "a" and element.get("href") else {}
    description = soup.find("meta", attrs={"name": "description"})
    meta = f'<meta name="description" content="{html.escape(description["content"])}">' if description else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>{meta}</head>\n<body><main>{article.decode_contents()}</main>"
        "</body></html>\n"
    )


def write_floor_pages(site: Path, pages: list[str], folder: Path) -> None:
    for page in pages:
        target = folder / FLOOR_DIR / page
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(floor_page((site / page).read_text(encoding="utf-8")), encoding="utf-8")


@contextlib.contextmanager
def cpu_hog() -> Iterator[int]:
    """A busy loop in another process, pinned to the last core (the browser may still use every core)."""
    core = max(os.sched_getaffinity(0))
    hog = subprocess.Popen(
        [sys.executable, "-c", f"import os; os.sched_setaffinity(0, {{{core}}})\nwhile True: pass"]
    )
    try:
        yield core
    finally:
        hog.kill()
        hog.wait()


def median_row(samples: list[dict]) -> dict:
    row = {name: statistics.median(sample[name] for sample in samples) for name in METRICS}
    row["transfer_KB"] = statistics.median(sample["transfer_KB"] for sample in samples)
    row["requests"] = statistics.median(sample["requests"] for sample in samples)
    return row


def measure(
    sites: dict[str, str], floor_base: str, pages: list[str], presets: list[str], runs: int, chrome: str
) -> list[dict]:
    """Each page of each site (``name: base URL``) and its floor, alternating, ``runs`` times; one row of
    medians per site, page and preset, with the ratios to the floor measured in the same run."""
    samples: dict[tuple[str, str, str], list[dict]] = {}
    for _ in range(runs):
        for path in pages:
            for preset in presets:
                urls = [("floor", f"{floor_base}/{FLOOR_DIR}/{path}")]
                urls += [(name, f"{base}/{path}") for name, base in sites.items()]
                for kind, url in urls:
                    samples.setdefault((path, preset, kind), []).append(
                        summary(run_lighthouse(url, preset, chrome))
                    )
    rows = []
    for path in pages:
        for preset in presets:
            floor = median_row(samples[(path, preset, "floor")])
            for name in sites:
                row = median_row(samples[(path, preset, name)])
                row.update(
                    site=name,
                    page=path,
                    preset=preset,
                    runs=runs,
                    floor_FCP_ms=floor["FCP_ms"],
                    floor_LCP_ms=floor["LCP_ms"],
                    FCP_ratio=round(row["FCP_ms"] / floor["FCP_ms"], 2) if floor["FCP_ms"] else None,
                    LCP_ratio=round(row["LCP_ms"] / floor["LCP_ms"], 2) if floor["LCP_ms"] else None,
                )
                rows.append(row)
    return rows


def print_row(row: dict, condition: str) -> None:
    print(
        f"{row['page']:38} {row['site']:8} {row['preset']:7} {condition:5} perf {row['performance']:5.1f} "
        f"a11y {row['accessibility']:3.0f} bp {row['best-practices']:3.0f} seo {row['seo']:3.0f}  "
        f"FCP {row['FCP_ms']:6.0f} ms (x{row['FCP_ratio']:.2f})  LCP {row['LCP_ms']:6.0f} ms "
        f"(x{row['LCP_ratio']:.2f})  TBT {row['TBT_ms']:5.0f} ms  CLS {row['CLS']:.3f}  "
        f"{row['transfer_KB']:4.0f} KB  {row['requests']:3.0f} req  floor FCP {row['floor_FCP_ms']:.0f} ms",
        flush=True,
    )


def baselines(arguments: list[str]) -> dict[str, Path]:
    """``NAME=PATH`` or ``PATH`` arguments by name (``baseline``, ``baseline2``, ... when unnamed)."""
    named: dict[str, Path] = {}
    for number, argument in enumerate(arguments, start=1):
        name, _, path = argument.rpartition("=")
        named[name or ("baseline" if number == 1 else f"baseline{number}")] = Path(path)
    return named


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=Path("_build/html"))
    parser.add_argument("--json", type=Path, default=Path("_build/lighthouse.json"))
    parser.add_argument("--chrome", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--runs", type=int, default=3, help="runs of each page and its floor (medians)")
    parser.add_argument("--pages", nargs="+", default=PAGES)
    parser.add_argument("--presets", nargs="+", default=["mobile", "desktop"], choices=["mobile", "desktop"])
    parser.add_argument("--hog", action="store_true", help="also measure with a CPU hog on the last core")
    parser.add_argument(
        "--baseline",
        action="append",
        default=[],
        metavar="[NAME=]PATH",
        help="another build (say of an older commit), measured in the same run; may be repeated",
    )
    options = parser.parse_args(argv)
    if not (options.site / "index.html").is_file():
        print(f"{options.site} has no index.html: run `make html` first", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory() as floors:
        write_floor_pages(options.site, options.pages, Path(floors))
        builds = {"current": options.site, **baselines(options.baseline)}
        servers = {name: serve(folder) for name, folder in builds.items()}
        floor_server, floor_base = serve(Path(floors))
        sites = {name: base for name, (_, base) in servers.items()}
        try:
            conditions = ["quiet", "hog"] if options.hog else ["quiet"]
            for condition in conditions:
                with cpu_hog() if condition == "hog" else contextlib.nullcontext():
                    for row in measure(
                        sites, floor_base, options.pages, options.presets, options.runs, options.chrome
                    ):
                        row["condition"] = condition
                        results.append(row)
                        print_row(row, condition)
        finally:
            for server, _ in servers.values():
                server.shutdown()
            floor_server.shutdown()
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {options.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
