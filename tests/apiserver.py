"""A local stand-in for the scholarly APIs: it answers from the recorded responses of ``data/apis/`` (and
answers built on their shapes), so that ``portfolio.sources`` runs end to end with the network blocked.

Each source is served under its own prefix (``/arxiv``, ``/crossref``, ...), and :meth:`ApiServer.environ`
gives the ``PORTFOLIO_*_API`` variables that point the tools at it. A request nobody planned for is
answered 404 and kept in ``unplanned``, so a test can show that nothing else was asked.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from portfolio.sources.http import ENDPOINTS

REPO = Path(__file__).resolve().parent.parent
RECORDED = REPO / "tests" / "data" / "apis"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(value, status: int = 200) -> Reply:
    return Reply(status, json.dumps(value).encode(), {"Content-Type": "application/json"})


def arxiv_recording(name: str) -> Reply:
    """An arXiv wrapper file: the Atom body was stored decoded as Latin-1 (see the README)."""
    wrapper = json.loads((RECORDED / "arxiv" / name).read_text(encoding="utf-8"))
    return Reply(
        wrapper["status_code"], wrapper["body"].encode("latin-1"), {"Content-Type": "application/atom+xml"}
    )


def cassette(path: str) -> list[tuple[str, Reply]]:
    """The (request URL, reply) pairs of a vcrpy cassette, in either of its two layouts."""
    data = yaml.safe_load((RECORDED / path).read_text(encoding="utf-8"))
    pairs = []
    for interaction in data["interactions"]:
        response = interaction["response"]
        if "status" in response:
            status, body = response["status"]["code"], response["body"]["string"]
        else:
            status, body = response["status_code"], response["content"]
        headers = {
            name: values[0] if isinstance(values, list) else str(values)
            for name, values in response["headers"].items()
        }
        headers = {
            name: value for name, value in headers.items() if name.lower() in {"content-type", "retry-after"}
        }
        body = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        pairs.append((interaction["request"]["uri"], Reply(status, body, headers)))
    return pairs


def recorded_json(path: str) -> Reply:
    return Reply(200, (RECORDED / path).read_bytes(), {"Content-Type": "application/json"})


@dataclass
class Seen:
    source: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    method: str = "GET"
    body: bytes = b""


class ApiServer:
    """``plan(source, path, *replies, query=...)``: the replies to that request, in turn (the last
    repeats)."""

    def __init__(self) -> None:
        self.plans: list[tuple[str, str, dict[str, str], list[Reply]]] = []
        self.seen: list[Seen] = []
        self.unplanned: list[str] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                reply = server.answer(self.command, self.path, dict(self.headers.items()), body)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_POST = do_GET

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def plan(self, source: str, path: str, *replies, query: dict[str, str] | None = None) -> None:
        """A reply may also be a function of the request (:class:`Seen`), for answers that echo it."""
        self.plans.append((source, path, query or {}, list(replies)))

    def answer(self, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> Reply:
        parts = urlsplit(target)
        source, _, path = parts.path.lstrip("/").partition("/")
        query = parse_qs(parts.query)
        with self._lock:
            seen = Seen(source, "/" + path, query, {k.lower(): v for k, v in headers.items()}, method, body)
            self.seen.append(seen)
            for plan_source, plan_path, plan_query, replies in self.plans:
                if (
                    plan_source == source
                    and plan_path == "/" + path
                    and all(query.get(name, [None])[0] == value for name, value in plan_query.items())
                ):
                    reply = replies.pop(0) if len(replies) > 1 else replies[0]
                    break
            else:
                reply = None
                self.unplanned.append(target)
        if reply is not None:
            return reply(seen) if callable(reply) else reply  # outside the lock: it may take its time
        return Reply(
            404, b'{"error": "nothing recorded for this request"}', {"Content-Type": "application/json"}
        )

    def environ(self) -> dict[str, str]:
        return {variable: f"{self.base}/{source}" for source, (variable, _, _) in ENDPOINTS.items()}

    def requests_to(self, source: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.source == source]


@contextmanager
def api_server() -> Iterator[ApiServer]:
    server = ApiServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def offline_environ(environ: dict[str, str]) -> dict[str, str]:
    """A subprocess's environment in which every HTTP request but those to 127.0.0.1 goes to a proxy that
    refuses it (requests honours these variables), so a tool cannot reach the internet."""
    return {
        **environ,
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "ALL_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1,localhost",
    }


def tool_folder(folder: Path, *names: str) -> Path:
    """``folder`` ready for ``make add`` / ``make sync``: the Makefile and its pins, our code, and the
    other files of the site named."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("Makefile", "requirements.txt", *names):
        shutil.copy(REPO / name, folder / name)
    (folder / "_ext").symlink_to(REPO / "_ext")
    return folder


def run_make(
    folder: Path, target: str, environ: dict[str, str], *variables: str
) -> subprocess.CompletedProcess:
    """``make <target> <variables>`` in ``folder`` with this virtualenv (not installed again), offline but
    for 127.0.0.1, with ``environ`` added."""
    venv = Path(sys.executable).parent.parent
    return subprocess.run(
        ["make", "-C", str(folder), f"VENV={venv}", "-o", f"{venv}/.installed", target, *variables],
        capture_output=True,
        text=True,
        env=offline_environ({**os.environ, **environ}),
        timeout=300,
    )


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
