"""Semantic Scholar's Graph API: the other identifiers of a paper (an arXiv preprint's DOI, Anthology id
and DBLP key; a published paper's arXiv id), and its citation count."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import quote

from .http import Client, SourceError

PAPER_FIELDS = "title,year,venue,externalIds,citationCount,publicationDate"
# Our kinds of identifier as Semantic Scholar prefixes them (it looks papers up by no DBLP key or
# OpenReview id).
PREFIX = {"arxiv": "ARXIV", "doi": "DOI", "anthology": "ACL"}


@dataclass
class S2Paper:
    paper_id: str
    title: str = ""
    year: str = ""
    venue: str = ""
    citations: int | None = None
    ids: dict[str, str] = field(default_factory=dict)  # our kinds: arxiv, doi, anthology, dblp


def headers(environ=None) -> dict[str, str]:
    key = (environ if environ is not None else os.environ).get("S2_API_KEY", "")
    return {"x-api-key": key} if key else {}


def paper(client: Client, kind: str, value: str) -> S2Paper:
    """The paper of one identifier; :class:`~.http.NotFound` when Semantic Scholar has none."""
    answer = client.get(
        "s2",
        f"/paper/{PREFIX[kind]}:{quote(value, safe='/')}",
        {"fields": PAPER_FIELDS},
        headers(client.environ),
    )
    body = answer.json("s2")
    if not isinstance(body, dict) or not body.get("paperId"):
        raise SourceError("s2", "the answer has no paperId", answer.url)
    return paper_of(body)


def paper_of(body: dict) -> S2Paper:
    external = body.get("externalIds") if isinstance(body.get("externalIds"), dict) else {}
    ids = {
        "arxiv": str(external.get("ArXiv") or ""),
        "doi": str(external.get("DOI") or ""),
        "anthology": str(external.get("ACL") or ""),
        "dblp": str(external.get("DBLP") or ""),
    }
    count = body.get("citationCount")
    return S2Paper(
        paper_id=str(body["paperId"]),
        title=str(body.get("title") or ""),
        year=str(body.get("year") or ""),
        venue=str(body.get("venue") or ""),
        citations=count if isinstance(count, int) and count >= 0 else None,
        ids={name: value for name, value in ids.items() if value},
    )


AUTHOR_PAPER_FIELDS = (
    "title,year,venue,externalIds,authors,citationCount,publicationDate,journal,publicationTypes"
)
PAGE = 100


def search_authors(client: Client, name: str) -> list[dict]:
    """Author profiles of that name: ``[{authorId, name, paperCount, ...}]`` (one page: the first 100)."""
    answer = client.get(
        "s2",
        "/author/search",
        {"query": name, "fields": "name,affiliations,paperCount", "limit": PAGE},
        headers(client.environ),
    )
    body = answer.json("s2")
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise SourceError("s2", "the author search has no 'data' list", answer.url)
    return [author for author in data if isinstance(author, dict) and author.get("authorId")]


def author_papers(client: Client, author_id: str) -> list[dict]:
    """Every paper of one author profile, page by page until there is no ``next``."""
    papers: list[dict] = []
    offset: int | None = 0
    while offset is not None:
        answer = client.get(
            "s2",
            f"/author/{quote(author_id)}/papers",
            {"fields": AUTHOR_PAPER_FIELDS, "offset": offset, "limit": PAGE},
            headers(client.environ),
        )
        body = answer.json("s2")
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            raise SourceError("s2", "the author's papers have no 'data' list", answer.url)
        papers.extend(paper for paper in data if isinstance(paper, dict) and paper.get("paperId"))
        following = body.get("next")
        offset = following if isinstance(following, int) and following > offset else None
    return papers


def batch(client: Client, ids: list[str], fields: str = "externalIds,citationCount") -> list[dict | None]:
    """Papers by ``PREFIX:id`` in one request per 500 (Semantic Scholar's batch limit), ``None`` for an
    unknown id, in the order asked."""
    found: list[dict | None] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        answer = client.post(
            "s2", "/paper/batch", {"fields": fields}, {"ids": chunk}, headers(client.environ)
        )
        body = answer.json("s2")
        if not isinstance(body, list) or len(body) != len(chunk):
            raise SourceError("s2", f"the batch answer is not a list of {len(chunk)} papers", answer.url)
        found.extend(item if isinstance(item, dict) else None for item in body)
    return found
