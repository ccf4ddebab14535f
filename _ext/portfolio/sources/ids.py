"""Read what the owner types after ``make add ID=``: an arXiv id, a DOI, an ACL Anthology id, an OpenReview
id or a DBLP key, bare or as a URL, into one :class:`PaperId` in our normal form (no arXiv version, no
``DBLP:`` prefix, no URL)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlparse

ARXIV_NEW = r"\d{4}\.\d{4,5}"
ARXIV_OLD = r"[a-z][a-z.-]+(?:\.[A-Z]{2})?/\d{7}"
ARXIV_ID = re.compile(rf"(?:arxiv:\s*)?({ARXIV_NEW}|{ARXIV_OLD})(?:v\d+)?", re.IGNORECASE)
DOI_ID = re.compile(r"(?:doi:\s*)?(10\.\d{4,9}/\S+)", re.IGNORECASE)
ANTHOLOGY_NEW = re.compile(r"\d{4}\.[a-z0-9]+(?:-[a-z0-9]+)*\.\d+")
ANTHOLOGY_OLD = re.compile(r"[A-Z]\d{2}-\d{4}")
OPENREVIEW_ID = re.compile(r"(?:openreview:\s*)?([A-Za-z0-9_-]{8,14})")
DBLP_KEY = re.compile(
    r"(?:dblp:\s*)?((?:conf|journals|books|series|reference|phd|tr|ms|persons)/[\w-]+/[\w.+-]+)",
    re.IGNORECASE,
)
# The DOI prefix of the ACL Anthology: 10.18653/v1/<anthology id>.
ANTHOLOGY_DOI = re.compile(r"10\.18653/v1/(.+)", re.IGNORECASE)
KINDS = ("arxiv", "doi", "anthology", "openreview", "dblp")
ACCEPTED = (
    "an arXiv id (2511.09057, arXiv:2511.09057v2, https://arxiv.org/abs/...), a DOI (10.18653/v1/..., "
    "https://doi.org/...), an ACL Anthology id (2024.acl-long.1, P19-1007, https://aclanthology.org/...), "
    "an OpenReview id (openreview:ID, https://openreview.net/forum?id=...) or a DBLP key "
    "(conf/acl/ZhouZ24, DBLP:..., https://dblp.org/rec/...)"
)


@dataclass(frozen=True)
class PaperId:
    kind: str  # one of KINDS
    value: str

    def __str__(self) -> str:
        label = {"arxiv": "arXiv", "doi": "DOI", "anthology": "ACL Anthology", "openreview": "OpenReview"}
        return f"{label.get(self.kind, self.kind.upper())} {self.value}"


class BadId(ValueError):
    """Text that is none of the identifiers we read."""


def parse_id(text: str) -> PaperId:
    raw = text.strip().strip("<>").strip()
    if not raw:
        raise BadId(f"an empty identifier: give {ACCEPTED}")
    if re.match(r"https?://", raw, re.IGNORECASE):
        found = _from_url(raw)
        if found:
            return found
        raise BadId(f"{text!r} is no link to arXiv, doi.org, the ACL Anthology, OpenReview or DBLP")
    if match := DOI_ID.fullmatch(raw):
        return PaperId("doi", match.group(1).rstrip("."))
    if match := ARXIV_ID.fullmatch(raw):
        return PaperId("arxiv", match.group(1))
    if ANTHOLOGY_NEW.fullmatch(raw) or ANTHOLOGY_OLD.fullmatch(raw):
        return PaperId("anthology", raw)
    if match := DBLP_KEY.fullmatch(raw):
        return PaperId("dblp", match.group(1))
    if (match := OPENREVIEW_ID.fullmatch(raw)) and (
        raw.lower().startswith("openreview:") or re.search(r"[A-Za-z]", match.group(1))
    ):
        return PaperId("openreview", match.group(1))
    raise BadId(f"{text!r} is not an identifier we read: give {ACCEPTED}")


def _from_url(url: str) -> PaperId | None:
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower().removeprefix("www.")
    path = unquote(parsed.path)
    if host in {"arxiv.org", "export.arxiv.org"}:
        match = re.match(rf"/(?:abs|pdf|html)/({ARXIV_NEW}|{ARXIV_OLD})(?:v\d+)?(?:\.pdf)?/?$", path)
        return PaperId("arxiv", match.group(1)) if match else None
    if host in {"doi.org", "dx.doi.org"}:
        match = DOI_ID.fullmatch(path.lstrip("/"))
        return PaperId("doi", match.group(1)) if match else None
    if host in {"aclanthology.org", "aclweb.org"}:
        match = re.match(r"/(?:anthology/)?([\w.-]+?)(?:\.pdf|\.bib)?/?$", path)
        if match and (ANTHOLOGY_NEW.fullmatch(match.group(1)) or ANTHOLOGY_OLD.fullmatch(match.group(1))):
            return PaperId("anthology", match.group(1))
        return None
    if host == "openreview.net":
        ids = parse_qs(parsed.query).get("id", [])
        if ids and OPENREVIEW_ID.fullmatch(ids[0]):
            return PaperId("openreview", ids[0])
        return None
    if host in {"dblp.org", "dblp.uni-trier.de", "dblp.dagstuhl.de"}:
        match = re.match(r"/rec/(?:bibtex/|html/)?(.+?)(?:\.html|\.bib|\.xml)?$", path)
        return PaperId("dblp", match.group(1)) if match and DBLP_KEY.fullmatch(match.group(1)) else None
    return None


# arXiv's own DOIs (10.48550/arXiv.<id>) name the preprint, not a published version.
ARXIV_DOI = re.compile(rf"10\.48550/arxiv\.({ARXIV_NEW})", re.IGNORECASE)


def arxiv_of_doi(doi: str) -> str:
    """The arXiv id inside one of arXiv's own DOIs, or ""."""
    match = ARXIV_DOI.fullmatch(doi.strip())
    return match.group(1) if match else ""


def published_doi(doi: str) -> str:
    """The DOI, unless it is arXiv's own (then "")."""
    return "" if doi.lower().startswith("10.48550/") else doi


def anthology_of_doi(doi: str) -> str:
    """The Anthology id inside an ACL Anthology DOI, or ""."""
    match = ANTHOLOGY_DOI.fullmatch(doi)
    return (
        match.group(1)
        if match and (ANTHOLOGY_NEW.fullmatch(match.group(1)) or ANTHOLOGY_OLD.fullmatch(match.group(1)))
        else ""
    )
