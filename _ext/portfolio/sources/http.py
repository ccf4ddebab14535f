"""One small HTTP layer on ``requests`` for every source: who we are, how fast we ask, how we wait.

* Every source's base URL can be overridden by an environment variable (:data:`ENDPOINTS`), so the tools run
  against a local server (the tests) or a mirror.
* A User-Agent names the site and a contact address (``portfolio_contact`` in ``conf.py``), which Crossref
  and OpenAlex ask for; requests to one source are spaced by its published limit (:data:`MIN_INTERVAL`).
* 429 and 5xx answers and dropped connections are retried with exponential back-off, waiting what
  ``Retry-After`` says when it says it, and giving up when that is longer than :data:`MAX_WAIT`.
* Time-outs on connect and read, and answers larger than :data:`MAX_BYTES` are refused.
"""

from __future__ import annotations

import email.utils
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

# source: (environment variable, default base URL, name in messages)
ENDPOINTS = {
    "arxiv": ("PORTFOLIO_ARXIV_API", "https://export.arxiv.org/api", "arXiv"),
    "crossref": ("PORTFOLIO_CROSSREF_API", "https://api.crossref.org", "Crossref"),
    "dblp": ("PORTFOLIO_DBLP_API", "https://dblp.org", "DBLP"),
    "s2": ("PORTFOLIO_S2_API", "https://api.semanticscholar.org/graph/v1", "Semantic Scholar"),
    "openalex": ("PORTFOLIO_OPENALEX_API", "https://api.openalex.org", "OpenAlex"),
    "openreview": ("PORTFOLIO_OPENREVIEW_API", "https://api2.openreview.net", "OpenReview"),
    "openreview_v1": ("PORTFOLIO_OPENREVIEW_V1_API", "https://api.openreview.net", "OpenReview (API v1)"),
    "anthology": ("PORTFOLIO_ANTHOLOGY_URL", "https://aclanthology.org", "ACL Anthology"),
    "orcid": ("PORTFOLIO_ORCID_API", "https://pub.orcid.org/v3.0", "ORCID"),
}
# Seconds between two requests to one source: arXiv asks for one every 3 s; Semantic Scholar allows about
# one a second without a key; DBLP asks crawlers to go slowly; Crossref's public pool allows about 5 a second.
MIN_INTERVAL = {
    "arxiv": 3.0,
    "crossref": 0.25,
    "dblp": 1.0,
    "s2": 1.1,
    "openalex": 0.1,
    "openreview": 0.5,
    "openreview_v1": 0.5,
    "anthology": 0.25,
    "orcid": 0.1,
}
RETRIED_STATUS = frozenset({429, 500, 502, 503, 504})
RETRIES = 3
BACKOFF = 1.0  # seconds before the first retry without Retry-After; doubled each time
MAX_WAIT = 60.0  # a Retry-After longer than this is not waited for: try again later
TIMEOUT = (10.0, 30.0)  # connect, read
MAX_BYTES = 8 * 1024 * 1024
SITE = "https://kunzhou.readthedocs.io/"


class SourceError(Exception):
    """A source did not give a usable answer; the message says which source, what and where."""

    def __init__(self, source: str, message: str, url: str = "") -> None:
        self.source, self.url = source, url
        where = f" ({url})" if url else ""
        super().__init__(f"{source_name(source)}: {message}{where}")


class NotFound(SourceError):
    """The source answered that it has no such record."""


def source_name(source: str) -> str:
    return ENDPOINTS[source][2] if source in ENDPOINTS else source


def base_url(source: str, environ: dict[str, str] | None = None) -> str:
    variable, default, _ = ENDPOINTS[source]
    return (environ if environ is not None else os.environ).get(variable, "").strip().rstrip("/") or default


@dataclass
class Answer:
    status: int
    url: str
    headers: dict[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self, source: str) -> Any:
        try:
            return json.loads(self.content)
        except ValueError as error:
            raise SourceError(source, f"the answer is not JSON ({error})", self.url) from error


@dataclass
class Client:
    """Requests to the sources, politely. ``sleep`` and ``clock`` are injectable for tests."""

    contact: str = ""
    environ: dict[str, str] | None = None
    intervals: dict[str, float] = field(default_factory=lambda: dict(MIN_INTERVAL))
    retries: int = RETRIES
    backoff: float = BACKOFF
    max_wait: float = MAX_WAIT
    timeout: tuple[float, float] = TIMEOUT
    max_bytes: int = MAX_BYTES
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    progress: Callable[[str], None] = lambda message: print(message, file=sys.stderr)
    session: requests.Session = field(default_factory=requests.Session)
    _last: dict[str, float] = field(default_factory=dict)
    requests_made: int = 0

    def user_agent(self) -> str:
        contact = f"; mailto:{self.contact}" if self.contact else ""
        return f"kunzhou-site-sources/1.0 (+{SITE}{contact})"

    def url(self, source: str, path: str) -> str:
        return base_url(source, self.environ) + path

    def post(
        self, source: str, path: str, params: dict[str, Any], body: Any, headers: dict[str, str] | None = None
    ) -> Answer:
        """POST ``body`` as JSON (Semantic Scholar's batch lookup), retried like :meth:`get`."""
        return self.get(source, path, params, headers, json_body=body)

    def get(
        self,
        source: str,
        path: str,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        not_found: tuple[int, ...] = (404,),
        readable: tuple[int, ...] = (),
        json_body: Any = None,
    ) -> Answer:
        """GET ``path`` of ``source``'s base URL; :class:`NotFound` for a status in ``not_found``,
        :class:`SourceError` for every other failure once the retries are spent (but for an error status
        in ``readable``, whose answer the caller reads)."""
        url = self.url(source, path)
        all_headers = {"User-Agent": self.user_agent(), **(headers or {})}
        attempt = 0
        while True:
            self._wait_turn(source)
            try:
                answer = self._fetch(source, url, params, all_headers, json_body)
            except requests.RequestException as error:
                if attempt >= self.retries:
                    raise SourceError(
                        source, f"unreachable after {attempt + 1} attempts: {error}", url
                    ) from error
                delay = self.backoff * 2**attempt
                self.progress(f"{source_name(source)}: {type(error).__name__}; retrying in {delay:g} s")
                self.sleep(delay)
                attempt += 1
                continue
            if answer.status in not_found:
                raise NotFound(source, f"not found (HTTP {answer.status})", answer.url)
            if answer.status in RETRIED_STATUS:
                delay = retry_after(answer.headers.get("retry-after", ""), time.time())
                if delay is not None and delay > self.max_wait:
                    raise SourceError(
                        source,
                        f"HTTP {answer.status}: asks to wait {delay:g} s (Retry-After); try again later",
                        answer.url,
                    )
                if attempt >= self.retries:
                    raise SourceError(
                        source,
                        f"HTTP {answer.status} after {attempt + 1} attempts; try again later",
                        answer.url,
                    )
                delay = self.backoff * 2**attempt if delay is None else delay
                self.progress(
                    f"{source_name(source)}: HTTP {answer.status}; waiting {delay:g} s and retrying"
                )
                self.sleep(delay)
                attempt += 1
                continue
            if not 200 <= answer.status < 300 and answer.status not in readable:
                raise SourceError(source, f"HTTP {answer.status}: {answer.text[:200].strip()}", answer.url)
            return answer

    def _wait_turn(self, source: str) -> None:
        interval = self.intervals.get(source, 0.0)
        last = self._last.get(source)
        if last is not None and (left := interval - (self.clock() - last)) > 0:
            self.sleep(left)
        self._last[source] = self.clock()

    def _fetch(self, source: str, url: str, params, headers, json_body=None) -> Answer:
        self.requests_made += 1
        with self.session.request(
            "GET" if json_body is None else "POST",
            url,
            params=params,
            headers=headers,
            json=json_body,
            timeout=self.timeout,
            stream=True,
            allow_redirects=True,
        ) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise SourceError(
                    source, f"the answer is {int(declared)} bytes, more than {self.max_bytes}", url
                )
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > self.max_bytes:
                    raise SourceError(source, f"the answer is more than {self.max_bytes} bytes: refused", url)
                chunks.append(chunk)
            return Answer(
                response.status_code,
                response.url,
                {name.lower(): value for name, value in response.headers.items()},
                b"".join(chunks),
            )


def retry_after(value: str, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); None without one."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)
