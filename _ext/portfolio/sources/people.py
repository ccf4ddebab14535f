"""The owner's papers as each source lists them, as :class:`Candidate` records: Semantic Scholar (by the
configured author id, else every profile of the owner's name), DBLP (by the configured person id; else the
people of that name are listed so the owner can choose), OpenAlex (by the configured author id, with the API
key it requires) and ORCID (the owner's own list, by the configured iD)."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from urllib.parse import quote

from ..bib.vocabulary import MONTH_MACROS
from . import semanticscholar
from .http import Client, SourceError
from .ids import anthology_of_doi, arxiv_of_doi, published_doi
from .record import Record, name_key


@dataclass
class Candidate:
    record: Record
    source: str  # where it was listed: "s2", "dblp", "openalex", "orcid"
    paper_id: str  # that source's id of the paper
    by_owner_id: bool  # listed under an author id the owner configured
    citations: int | None = None
    profiles: set[str] = field(default_factory=set)


@dataclass
class Listing:
    candidates: list[Candidate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was asked, and what to fill in

    def add(
        self,
        record: Record | None,
        source: str,
        paper_id: str,
        by_owner_id: bool,
        citations=None,
        profile=None,
    ) -> None:
        """A listed paper, unless the source's item made no record; a count that is not an int is none."""
        if record is not None:
            count = citations if isinstance(citations, int) else None
            profiles = {profile} if profile is not None else set()
            self.candidates.append(Candidate(record, source, paper_id, by_owner_id, count, profiles))


# -- Semantic Scholar --------------------------------------------------------------------------------


def semantic_scholar(client: Client, names: list[str], author_id: str) -> Listing:
    listing = Listing()
    if author_id:
        profiles = [{"authorId": author_id, "name": names[0]}]
    else:
        profiles = []
        for name in names[:1]:
            profiles += [
                p
                for p in semanticscholar.search_authors(client, name)
                if _same_name(p.get("name", ""), names)
            ]
        listing.notes.append(
            f"Semantic Scholar: {len(profiles)} author profiles named {names[0]}; set "
            "portfolio_semantic_scholar_id (the number in "
            "https://www.semanticscholar.org/author/<name>/<id>) to read only the owner's"
        )
    for profile in profiles:
        for paper in semanticscholar.author_papers(client, str(profile["authorId"])):
            listing.add(
                s2_record(paper),
                "s2",
                str(paper["paperId"]),
                bool(author_id),
                paper.get("citationCount"),
                str(profile["authorId"]),
            )
    return listing


def s2_record(paper: dict) -> Record | None:
    external = paper.get("externalIds") if isinstance(paper.get("externalIds"), dict) else {}
    authors = [str(a.get("name", "")) for a in paper.get("authors") or [] if isinstance(a, dict)]
    if not paper.get("title") or not authors:
        return None
    venue = str(paper.get("venue") or "")
    journal = paper.get("journal") if isinstance(paper.get("journal"), dict) else {}
    doi = str(external.get("DOI") or "")
    arxiv = str(external.get("ArXiv") or "")
    anthology = str(external.get("ACL") or "") or anthology_of_doi(doi)
    published = bool(anthology or published_doi(doi) or (venue and not re.search(r"arxiv|corr", venue, re.I)))
    date = str(paper.get("publicationDate") or "")
    record = Record(
        entry_type="inproceedings" if published else "misc",
        title=str(paper["title"]),
        authors=authors,
        year=str(paper.get("year") or ""),
        month=MONTH_MACROS.get(int(date[5:7]), "") if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else "",
        booktitle=venue if published else "",
        howpublished="" if published else f"arXiv preprint arXiv:{arxiv}" if arxiv else "",
        doi=published_doi(doi),
        eprint=arxiv,
        anthology=anthology,
        dblp=str(external.get("DBLP") or ""),
        url=f"https://arxiv.org/abs/{arxiv}" if arxiv and not published else "",
        sources=[f"Semantic Scholar {paper['paperId']}"],
    )
    if (
        published
        and str(journal.get("name") or "")
        and "arxiv" not in str(journal.get("name")).lower()
        and "journal" in [str(t).lower() for t in paper.get("publicationTypes") or []]
    ):
        record.entry_type, record.journal, record.booktitle = "article", str(journal["name"]), ""
    return record


def _same_name(name: str, names: list[str]) -> bool:
    return name_key(name) in {name_key(n) for n in names}


# -- DBLP ----------------------------------------------------------------------------------------------


def dblp(client: Client, names: list[str], pid: str, most: int = 10) -> Listing:
    """The configured person's bibliography; without a pid, those of every person DBLP names exactly as
    the owner (DBLP tells namesakes apart: "Kun Zhou 0001", "Kun Zhou 0002"), left to the co-author guard."""
    listing = Listing()
    if pid:
        people = [(pid, names[0])]
    else:
        answer = client.get("dblp", "/search/author/api", {"q": names[0], "format": "json", "h": 100})
        hits = (((answer.json("dblp") or {}).get("result") or {}).get("hits") or {}).get("hit") or []
        people = []
        for hit in hits if isinstance(hits, list) else []:
            info = hit.get("info") if isinstance(hit, dict) else None
            match = re.search(r"/pid/([\w/-]+)$", str((info or {}).get("url", "")))
            name = re.sub(r"\s+\d{4}$", "", str((info or {}).get("author", "")))
            if match and _same_name(name, names):
                people.append((match.group(1), str(info.get("author", ""))))
        listing.notes.append(
            f"DBLP: {len(people)} people named {names[0]} ("
            + (", ".join(f"{found} {name}" for found, name in people[:12]) or "none found")
            + "); their papers pass the co-author check, unless portfolio_dblp_pid names the owner's"
        )
    for person, _ in people[:most]:
        answer = client.get("dblp", f"/pid/{person}.xml")
        try:
            root = ElementTree.fromstring(answer.content)
        except ElementTree.ParseError as error:
            raise SourceError(
                "dblp", f"the person's bibliography is not XML ({error})", answer.url
            ) from error
        for item in root.iter("r"):
            for publication in item:
                listing.add(dblp_record(publication), "dblp", publication.get("key", ""), bool(pid))
    return listing


def dblp_record(element) -> Record | None:
    def text(name: str) -> str:
        found = element.find(name)
        return "".join(found.itertext()).strip() if found is not None else ""

    authors = [re.sub(r"\s+\d{4}$", "", "".join(a.itertext()).strip()) for a in element.findall("author")]
    key = element.get("key", "")
    title = text("title").rstrip(".")
    if not title or not authors:
        return None
    ee = [("".join(e.itertext())).strip() for e in element.findall("ee")]
    doi = next((re.sub(r"^https?://doi\.org/", "", e) for e in ee if "doi.org/" in e), "")
    arxiv_link = re.compile(
        r"arxiv\.org/abs/(\d{4}\.\d{4,5})|10\.48550/arxiv\.(\d{4}\.\d{4,5})", re.IGNORECASE
    )
    arxiv = next((m.group(1) or m.group(2) for e in ee if (m := arxiv_link.search(e))), "")
    if corr := re.fullmatch(r"journals/corr/abs-(\d{4})-(\d{4,5})", key):
        arxiv = f"{corr.group(1)}.{corr.group(2)}"
    preprint = key.startswith("journals/corr/")
    kind = {"article": "article", "inproceedings": "inproceedings"}.get(element.tag, "misc")
    return Record(
        entry_type="misc" if preprint else kind,
        title=title,
        authors=authors,
        year=text("year"),
        booktitle="" if preprint or kind != "inproceedings" else text("booktitle"),
        journal="" if preprint or kind != "article" else text("journal"),
        howpublished=f"arXiv preprint arXiv:{arxiv}" if preprint and arxiv else "",
        pages=text("pages"),
        doi=published_doi(doi),
        eprint=arxiv,
        anthology=anthology_of_doi(doi)
        or next((m.group(1) for e in ee if (m := re.search(r"aclanthology\.org/([\w.-]+?)/?$", e))), ""),
        dblp=key,
        sources=[f"DBLP {key}"],
    )


# -- OpenAlex ------------------------------------------------------------------------------------------


def openalex(client: Client, author_id: str, environ=None, names: list[str] | None = None) -> Listing:
    """The configured author's works; with the key but no id, the works of every author OpenAlex names as
    the owner (left to the co-author guard). Without the key OpenAlex is not asked: it requires one."""
    listing = Listing()
    key = (environ if environ is not None else os.environ).get("OPENALEX_API_KEY", "")
    if not key:
        listing.notes.append(
            "OpenAlex: not read; it needs the OPENALEX_API_KEY secret (a free key, required since 2026-02-13)"
            + ("" if author_id else ", and then portfolio_openalex_id in conf.py to read only the owner's")
        )
        return listing
    authors = [author_id] if author_id else _openalex_namesakes(client, (names or [""])[0], key)
    if not author_id:
        listing.notes.append(
            f"OpenAlex: {len(authors)} authors named {(names or [''])[0]}; set portfolio_openalex_id "
            "(https://openalex.org/authors/A...) to read only the owner's"
        )
    if not authors:
        return listing
    cursor = "*"
    while cursor:
        answer = client.get(
            "openalex",
            "/works",
            {
                "filter": "author.id:" + "|".join(authors[:50]),
                "per_page": 200,
                "cursor": cursor,
                "api_key": key,
            },
        )
        body = answer.json("openalex")
        for work in body.get("results") or [] if isinstance(body, dict) else []:
            listing.add(
                openalex_record(work),
                "openalex",
                str(work.get("id", "")),
                bool(author_id),
                work.get("cited_by_count"),
            )
        following = ((body.get("meta") or {}) if isinstance(body, dict) else {}).get("next_cursor")
        cursor = following if isinstance(following, str) and following != cursor else ""
    return listing


def _openalex_namesakes(client: Client, name: str, key: str) -> list[str]:
    answer = client.get("openalex", "/authors", {"search": name, "per_page": 50, "api_key": key})
    body = answer.json("openalex")
    found = []
    for author in body.get("results") or [] if isinstance(body, dict) else []:
        if isinstance(author, dict) and _same_name(str(author.get("display_name", "")), [name]):
            found.append(str(author.get("id", "")).rsplit("/", 1)[-1])
    return [author for author in found if re.fullmatch(r"A\d+", author)]


def openalex_record(work: dict) -> Record | None:
    ids = work.get("ids") if isinstance(work.get("ids"), dict) else {}
    doi = re.sub(r"^https?://doi\.org/", "", str(ids.get("doi") or work.get("doi") or ""))
    authors = [
        str((a.get("author") or {}).get("display_name", ""))
        for a in work.get("authorships") or []
        if isinstance(a, dict)
    ]
    title = str(work.get("title") or work.get("display_name") or "")
    if not title or not authors:
        return None
    source = (
        ((work.get("primary_location") or {}).get("source") or {})
        if isinstance(work.get("primary_location"), dict)
        else {}
    )
    venue = str(source.get("display_name") or "")
    arxiv = arxiv_of_doi(doi)
    published = bool(venue) and not re.search(r"arxiv", venue, re.I)
    return Record(
        entry_type=("article" if source.get("type") == "journal" else "inproceedings")
        if published
        else "misc",
        title=title,
        authors=authors,
        year=str(work.get("publication_year") or ""),
        journal=venue if published and source.get("type") == "journal" else "",
        booktitle=venue if published and source.get("type") != "journal" else "",
        howpublished="" if published else f"arXiv preprint arXiv:{arxiv}" if arxiv else "",
        doi="" if arxiv else doi,
        eprint=arxiv,
        anthology=anthology_of_doi(doi),
        sources=[f"OpenAlex {work.get('id', '')}"],
    )


# -- ORCID ----------------------------------------------------------------------------------------------


def orcid(client: Client, orcid_id: str) -> Listing:
    listing = Listing()
    if not orcid_id:
        listing.notes.append(
            "ORCID: not read; set portfolio_orcid to the owner's iD to read the owner's own list"
        )
        return listing
    answer = client.get("orcid", f"/{quote(orcid_id)}/works", headers={"Accept": "application/json"})
    body = answer.json("orcid")
    for group in body.get("group") or [] if isinstance(body, dict) else []:
        summary = (group.get("work-summary") or [{}])[0]
        external = {
            str(item.get("external-id-type", "")).lower(): str(item.get("external-id-value", ""))
            for item in ((summary.get("external-ids") or {}).get("external-id") or [])
            if isinstance(item, dict)
        }
        title = str((((summary.get("title") or {}).get("title")) or {}).get("value", ""))
        year = str((((summary.get("publication-date") or {}).get("year")) or {}).get("value", ""))
        if title:
            record = Record(
                title=title,
                year=year,
                doi=external.get("doi", ""),
                eprint=external.get("arxiv", "").removeprefix("arXiv:"),
                sources=[f"ORCID {orcid_id}"],
            )
            listing.add(record, "orcid", str(summary.get("put-code", "")), True)
    return listing
