"""Lighthouse scores of the built site, served with gzip as Read the Docs serves it.

    make html && .venv/bin/python benchmarks/lighthouse.py [--site _build/html] [--json out.json]

Runs Lighthouse 12.2.3 (from npm, through ``npx``; needs Node and, the first time, the npm registry) with
Debian's Chromium on every top-level page, with the mobile (default) and desktop presets, and prints one row
per page and preset: the four category scores, FCP, LCP, TBT, CLS, bytes transferred and request count.
A benchmark, not a test: the numbers depend on the machine, so compare runs made on the same one.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=Path("_build/html"))
    parser.add_argument("--json", type=Path, default=Path("_build/lighthouse.json"))
    parser.add_argument("--chrome", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    options = parser.parse_args(argv)
    if not (options.site / "index.html").is_file():
        print(f"{options.site} has no index.html: run `make html` first", file=sys.stderr)
        return 2
    server, base = serve(options.site)
    rows = []
    try:
        for path in PAGES:
            for preset in ("mobile", "desktop"):
                row = {
                    "page": path,
                    "preset": preset,
                    **summary(run_lighthouse(f"{base}/{path}", preset, options.chrome)),
                }
                rows.append(row)
                print(
                    f"{path:38} {preset:7} perf {row['performance']:3} a11y {row['accessibility']:3} "
                    f"bp {row['best-practices']:3} seo {row['seo']:3}  FCP {row['FCP_ms']:5} ms  "
                    f"LCP {row['LCP_ms']:5} ms  TBT {row['TBT_ms']:4} ms  CLS {row['CLS']:.3f}  "
                    f"{row['transfer_KB']:4} KB  {row['requests']:3} req",
                    flush=True,
                )
    finally:
        server.shutdown()
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {options.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
