"""arXiv's API (Atom, read with feedparser): one paper by its id."""

from __future__ import annotations

import feedparser

from ..bib.vocabulary import MONTH_MACROS
from .http import Client, NotFound, SourceError
from .record import Record


def fetch(client: Client, arxiv_id: str) -> Record:
    answer = client.get(
        "arxiv", "/query", {"id_list": arxiv_id, "max_results": 1}, not_found=(), readable=(400,)
    )
    feed = feedparser.parse(answer.content)
    entries = [entry for entry in feed.entries if "/api/errors" not in entry.get("id", "")]
    if answer.status == 400 or len(entries) < len(feed.entries):
        reason = feed.entries[0].get("summary", "") if feed.entries else answer.text[:200]
        raise SourceError("arxiv", f"refused the id {arxiv_id!r}: {reason}", answer.url)
    if feed.bozo and not feed.entries:
        raise SourceError(
            "arxiv", f"the answer is not an Atom feed ({feed.get('bozo_exception')})", answer.url
        )
    if not entries:
        raise NotFound("arxiv", f"no paper {arxiv_id}", answer.url)
    return record_of(entries[0], arxiv_id)


def record_of(entry, arxiv_id: str) -> Record:
    published = entry.get("published_parsed")
    year = str(published.tm_year) if published else ""
    return Record(
        entry_type="misc",
        title=entry.get("title", ""),
        authors=[author.get("name", "") for author in entry.get("authors", [])],
        year=year,
        month=MONTH_MACROS.get(published.tm_mon, "") if published else "",
        date=f"{published.tm_year:04d}-{published.tm_mon:02d}-{published.tm_mday:02d}" if published else "",
        howpublished=f"arXiv preprint arXiv:{arxiv_id}",
        eprint=arxiv_id,
        doi=entry.get("arxiv_doi", ""),
        url=f"https://arxiv.org/abs/{arxiv_id}",
        abstract=entry.get("summary", ""),
        sources=[f"arXiv {arxiv_id}"],
    )
