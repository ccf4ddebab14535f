"""``make sync`` end to end against the local stand-in of the APIs (network blocked): on a copy of the real
``refs.bib``, Semantic Scholar lists two "Kun Zhou" profiles. The owner's paper that is missing is added, a
preprint whose proceedings appeared is upgraded, papers already there are matched (by id, and by title a year
apart), same-name strangers are reported and remembered in ``refs.ignore``, citation counts are recorded; a
second run changes nothing, ``--dry-run`` writes nothing, and with every API unreachable it fails and writes
nothing. The papers of 2025.99 and 2511.99999 are invented for this test."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from apiserver import RECORDED, Reply, api_server, cassette, closed_port, json_reply, run_make, tool_folder
from helpers import REPO
from pybtex.database import parse_string

from portfolio.bib import citations
from portfolio.bib.check import check_files
from portfolio.bib.tidy import tidy_text
from portfolio.sources import semanticscholar
from portfolio.sources.http import ENDPOINTS, Client

pytestmark = pytest.mark.usefixtures("no_network")
S2_NOT_FOUND = cassette("semanticscholar/test_not_found.yaml")[0][1]
INVENTED_PREPRINT = """
@misc{zhou2025invented,
  title              = {An Invented Preprint for the Sync Test},
  author             = {Kun Zhou and Wayne Xin Zhao and Ji-Rong Wen},
  howpublished       = {arXiv preprint arXiv:2509.99999},
  year               = {2025},
  month              = sep,
  date               = {2025-09-30},
  eprint             = {2509.99999},
  archiveprefix      = {arXiv},
  url                = {https://arxiv.org/abs/2509.99999},
  venue_short        = {arXiv 2025},
  code               = {https://github.com/example/invented},
}
"""
INVENTED_PROCEEDINGS = b"""@inproceedings{zhou-etal-2026-invented,
    title = "An Invented Preprint for the Sync Test, Published",
    author = "Zhou, Kun  and
      Zhao, Wayne Xin  and
      Wen, Ji-Rong",
    booktitle = "Proceedings of the 64th Annual Meeting of the Association for Computational Linguistics",
    month = jul,
    year = "2026",
    address = "San Diego, California, United States",
    publisher = "Association for Computational Linguistics",
    url = "https://aclanthology.org/2026.acl-long.9999/",
    pages = "1--12",
}
"""
NEW_PAPER_FEED = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <entry>
    <id>http://arxiv.org/abs/2511.99999v1</id>
    <title>An Invented Paper on World Models</title>
    <summary>Invented for the sync test.</summary>
    <published>2025-11-20T10:00:00Z</published>
    <author><name>Kun Zhou</name></author>
    <author><name>Wayne Xin Zhao</name></author>
    <author><name>Zhiting Hu</name></author>
  </entry>
</feed>
"""


def s2_paper(paper_id, title, authors, year, ids, venue="", count=3, date=""):
    return {
        "paperId": paper_id,
        "externalIds": ids,
        "title": title,
        "venue": venue,
        "year": year,
        "publicationDate": date or f"{year}-07-01",
        "authors": [{"authorId": str(i), "name": name} for i, name in enumerate(authors)],
        "citationCount": count,
        "journal": None,
        "publicationTypes": ["Conference"] if venue else None,
    }


OWNER_PAPERS = [
    s2_paper(
        "p-hybrid",
        "Hybrid Self-evolving Structured Memory for Computer-Use Agents",
        ["Sibo Zhu", "Wenyi Wu", "Kun Zhou", "Stephen Wang", "Biwei Huang"],
        2026,
        {"ArXiv": "2603.10291"},
    ),
    # Known by its title only, listed with the year of its preprint.
    s2_paper(
        "p-arena",
        "Decentralized arena: towards democratic and scalable automatic evaluation of language models",
        ["Yanbin Yin", "Kun Zhou", "Zhen Wang"],
        2025,
        {},
    ),
    s2_paper(
        "p-invented",
        "An Invented Preprint for the Sync Test, Published",
        ["Kun Zhou", "Wayne Xin Zhao", "Ji-Rong Wen"],
        2026,
        {"ArXiv": "2509.99999", "ACL": "2026.acl-long.9999"},
        venue="Annual Meeting of the Association for Computational Linguistics",
    ),
    s2_paper(
        "p-new",
        "An Invented Paper on World Models",
        ["Kun Zhou", "Wayne Xin Zhao", "Zhiting Hu"],
        2025,
        {"ArXiv": "2511.99999"},
    ),
]
# A profile that merged someone else's papers into it, and a profile of another Kun Zhou.
MERGED_STRANGER = s2_paper(
    "p-hair",
    "Interactive Hair Rendering and Appearance Editing",
    ["Kun Zhou", "Hujun Bao", "Xin Tong"],
    2011,
    {"DOI": "10.1145/1964921.1964951"},
    venue="ACM Transactions on Graphics",
)
OTHER_KUN_ZHOU = [
    s2_paper(
        "p-kd",
        "Real-time KD-tree construction on graphics hardware",
        ["Kun Zhou", "Qiming Hou", "Rui Wang", "Baining Guo"],
        2008,
        {"DOI": "10.1145/1457515.1409079"},
        venue="ACM Transactions on Graphics",
    ),
]
AUTHORS = {
    "total": 3,
    "offset": 0,
    "data": [
        {"authorId": "101", "name": "Kun Zhou", "affiliations": [], "paperCount": 5},
        {"authorId": "202", "name": "Kun Zhou", "affiliations": ["Zhejiang University"], "paperCount": 1},
        {"authorId": "303", "name": "Kunal Zhoumar", "affiliations": [], "paperCount": 9},
    ],
}
DBLP_PEOPLE = {
    "result": {
        "hits": {
            "@total": "2",
            "hit": [
                {"info": {"author": "Kun Zhou 0001", "url": "https://dblp.org/pid/48/3927-1"}},
                {"info": {"author": "Kun Zhou 0002", "url": "https://dblp.org/pid/48/3927-2"}},
            ],
        }
    }
}


# Person bibliographies in DBLP's documented layout (https://dblp.org/faq/16154937): the owner's lists the
# Findings paper (by its Anthology link) and the new paper's CoRR record; the namesake's, his paper.
DBLP_OWNER = b"""<?xml version="1.0" encoding="US-ASCII"?>
<dblpperson name="Kun Zhou 0001" pid="48/3927-1" n="2">
<person key="homepages/48/3927-1" mdate="2026-11-01"><author pid="48/3927-1">Kun Zhou 0001</author></person>
<r><inproceedings key="conf/acl/ZhuWZWH26" mdate="2026-08-01">
<author pid="1/1">Sibo Zhu</author><author pid="1/2">Wenyi Wu</author>
<author pid="48/3927-1">Kun Zhou 0001</author><author pid="1/3">Stephen Wang</author>
<author pid="1/4">Biwei Huang</author>
<title>Hybrid Self-evolving Structured Memory for Computer-Use Agents.</title>
<pages>11287-11304</pages><year>2026</year><booktitle>ACL (Findings)</booktitle>
<ee type="oa">https://aclanthology.org/2026.findings-acl.549</ee>
</inproceedings></r>
<r><article key="journals/corr/abs-2511-99999" mdate="2025-11-25" publtype="informal">
<author pid="48/3927-1">Kun Zhou 0001</author><author pid="2/1">Wayne Xin Zhao</author>
<author pid="2/2">Zhiting Hu</author>
<title>An Invented Paper on World Models.</title><journal>CoRR</journal><volume>abs/2511.99999</volume>
<year>2025</year><ee type="oa">https://doi.org/10.48550/arXiv.2511.99999</ee>
</article></r>
</dblpperson>
"""
DBLP_NAMESAKE = b"""<?xml version="1.0" encoding="US-ASCII"?>
<dblpperson name="Kun Zhou 0002" pid="48/3927-2" n="1">
<r><article key="journals/tog/ZhouHWG08" mdate="2020-01-01">
<author pid="48/3927-2">Kun Zhou 0002</author><author pid="3/1">Qiming Hou</author>
<author pid="3/2">Rui Wang</author><author pid="3/3">Baining Guo</author>
<title>Real-time KD-tree construction on graphics hardware.</title><pages>126</pages><year>2008</year>
<volume>27</volume><journal>ACM Trans. Graph.</journal><number>5</number>
<ee>https://doi.org/10.1145/1457515.1409079</ee>
</article></r>
</dblpperson>
"""


def batch_counts(seen) -> Reply:
    """Semantic Scholar's batch answer: a count per id it knows (here: every arXiv id), null otherwise."""
    ids = json.loads(seen.body)["ids"]
    return json_reply(
        [{"paperId": f"s2-{i}", "citationCount": len(i) % 7} if i.startswith("ARXIV:") else None for i in ids]
    )


def plan_apis(server) -> None:
    server.plan("s2", "/author/search", json_reply(AUTHORS))
    server.plan(
        "s2",
        "/author/101/papers",
        json_reply({"offset": 0, "next": 2, "data": OWNER_PAPERS[:2]}),
        query={"offset": "0"},
    )
    server.plan(
        "s2",
        "/author/101/papers",
        json_reply({"offset": 2, "data": [*OWNER_PAPERS[2:], MERGED_STRANGER]}),
        query={"offset": "2"},
    )
    server.plan("s2", "/author/202/papers", json_reply({"offset": 0, "data": OTHER_KUN_ZHOU}))
    server.plan("s2", "/paper/batch", batch_counts)
    server.plan("s2", "/paper/ARXIV:2511.99999", S2_NOT_FOUND)
    server.plan("dblp", "/search/author/api", json_reply(DBLP_PEOPLE))
    server.plan("dblp", "/pid/48/3927-1.xml", Reply(200, DBLP_OWNER))
    server.plan("dblp", "/pid/48/3927-2.xml", Reply(200, DBLP_NAMESAKE))
    server.plan("anthology", "/2026.acl-long.9999.bib", Reply(200, INVENTED_PROCEEDINGS))
    server.plan("arxiv", "/query", Reply(200, NEW_PAPER_FEED), query={"id_list": "2511.99999"})


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tool_folder(tmp_path / "site", "conf.py")
    text = (REPO / "refs.bib").read_text(encoding="utf-8") + INVENTED_PREPRINT
    (folder / "refs.bib").write_text(tidy_text(text).text, encoding="utf-8")
    return folder


def make_sync(folder: Path, environ: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return run_make(folder, "sync", environ, f"ARGS=--today 2026-12-01 {' '.join(args)}")


def files(folder: Path) -> dict[str, bytes]:
    return {
        name: (folder / name).read_bytes()
        for name in ("refs.bib", "refs.ignore", "citations.yaml")
        if (folder / name).exists()
    }


def test_make_sync_adds_upgrades_sets_strangers_aside_and_counts(site: Path) -> None:
    before = parse_string((site / "refs.bib").read_text(encoding="utf-8"), "bibtex").entries
    with api_server() as server:
        plan_apis(server)
        run = make_sync(site, server.environ())
        assert run.returncode == 0, run.stderr
        assert server.unplanned == []
        first = files(site)
        again = make_sync(site, server.environ())
        assert again.returncode == 0, again.stderr
        assert files(site) == first  # a second run right after the first changes nothing
    report = run.stdout
    assert (site / "_build/sync-report.md").read_text(encoding="utf-8") in again.stdout
    after = parse_string(first["refs.bib"].decode(), "bibtex").entries

    # Added: the owner's missing paper, looked up on arXiv, recognised by its co-authors.
    assert set(after) - set(before) == {"zhou2025inventedb"}  # zhou2025invented is taken
    added = after["zhou2025inventedb"]
    assert added.fields["title"] == "An Invented Paper on World Models"
    assert added.fields["eprint"] == "2511.99999"
    assert "## Added (1)" in report
    assert "shares 2 co-authors (Wayne Xin Zhao, Zhiting Hu)" in report

    # Upgraded: the venue from the Anthology; the eprint and the owner's code link kept; the badge redone.
    upgraded = after["zhou2025invented"]
    assert upgraded.type == "inproceedings"
    assert upgraded.fields["anthology"] == "2026.acl-long.9999"
    assert (upgraded.fields["year"], upgraded.fields["pages"], upgraded.fields["venue_short"]) == (
        "2026",
        "1--12",
        "ACL 2026",
    )
    assert upgraded.fields["eprint"] == "2509.99999"
    assert upgraded.fields["code"] == "https://github.com/example/invented"
    assert "howpublished" not in upgraded.fields
    assert "date" not in upgraded.fields
    assert "## Upgraded from preprint to published (1)" in report
    assert "`zhou2025invented`: now ACL 2026" in report

    # Everything else is as it was.
    for key in set(before) - {"zhou2025invented"}:
        assert dict(after[key].fields) == dict(before[key].fields), key

    # Strangers: reported, remembered, not written.
    assert "## Not added: probably someone else (2)" in report
    assert "Interactive Hair Rendering and Appearance Editing (2011)" in report
    assert (
        "- Real-time KD-tree construction on graphics hardware (2008), by Kun Zhou, Qiming Hou, Rui Wang, "
        "Baining Guo: shares 0 co-authors with refs.bib; listed by DBLP, Semantic Scholar"
    ) in report
    ignore = first["refs.ignore"].decode()
    assert "doi:10.1145/1964921.1964951" in ignore
    assert "doi:10.1145/1457515.1409079" in ignore
    # hybrid (listed by both sources), arena (by title), the preprint
    assert "3 listed papers are already in refs.bib" in report
    assert "Sources read: Semantic Scholar (6 papers); DBLP (3 papers)." in report
    second_report = again.stdout
    assert "## Added (0)" in second_report
    assert "## Not added: probably someone else (0)" in second_report
    assert "are in refs.ignore" in second_report
    assert " 2 are in refs.ignore" in second_report

    # Counts: one open source, with its record id and the date.
    counts, problems = citations.parse(first["citations.yaml"].decode())
    assert problems == []
    with_arxiv = {key for key, entry in after.items() if entry.fields.get("eprint")}
    assert set(counts) == with_arxiv
    assert {item.fetched for item in counts.values()} == {dt.date(2026, 12, 1)}
    assert f"{len(with_arxiv)} of {len(after)} papers counted by Semantic Scholar on 2026-12-01" in report

    # What the owner must fill in is said.
    assert "portfolio_semantic_scholar_id" in report
    assert "portfolio_dblp_pid" in report
    assert "48/3927-1" in report
    assert "OPENALEX_API_KEY" in report

    assert [str(problem) for problem in check_files([site / "refs.bib"], ["Kun Zhou"])] == []
    assert tidy_text(first["refs.bib"].decode()).text == first["refs.bib"].decode()


def test_dry_run_writes_nothing(site: Path) -> None:
    before = files(site)
    with api_server() as server:
        plan_apis(server)
        run = make_sync(site, server.environ(), "--dry-run")
    assert run.returncode == 0
    assert "## Added (1)" in run.stdout
    assert files(site) == before


def test_every_api_unreachable_fails_and_writes_nothing(site: Path) -> None:
    (site / "citations.yaml").write_text(
        citations.serialise({"zhu2026hybrid": citations.Count(4, "x", dt.date(2026, 9, 1))}), encoding="utf-8"
    )
    before = files(site)
    dead = f"http://127.0.0.1:{closed_port()}"
    run = make_sync(site, {variable: dead for variable, _, _ in ENDPOINTS.values()})
    assert run.returncode != 0
    assert "no source answered" in run.stderr
    assert "unreachable after 4 attempts" in run.stdout
    assert files(site) == before


def test_a_failed_count_keeps_the_last_value_with_its_date(site: Path) -> None:
    old = citations.Count(4, "old-id", dt.date(2026, 9, 1))
    (site / "citations.yaml").write_text(citations.serialise({"zhu2026hybrid": old}), encoding="utf-8")
    with api_server() as server:
        plan_apis(server)
        server.plans = [plan for plan in server.plans if plan[1] != "/paper/batch"]
        server.plan("s2", "/paper/batch", Reply(500))
        run = make_sync(site, server.environ())
    assert run.returncode == 0, run.stderr
    counts, _ = citations.parse((site / "citations.yaml").read_text(encoding="utf-8"))
    assert counts == {"zhu2026hybrid": old}
    assert "citation counts: Semantic Scholar: HTTP 500 after 4 attempts" in run.stdout


def test_author_papers_follow_next_through_every_recorded_page() -> None:
    pages = cassette("semanticscholar/test_get_author_papers.yaml")
    with api_server() as server:
        for uri, reply in pages:
            offset = uri.split("offset=")[1].split("&")[0]
            server.plan("s2", "/author/1723755/papers", reply, query={"offset": offset})
        papers = semanticscholar.author_papers(Client(environ=server.environ(), intervals={}), "1723755")
        assert len(server.requests_to("s2")) == len(pages) == 9
    assert len(papers) == 875
    assert len({paper["paperId"] for paper in papers}) == 875


def test_citation_counts_file_round_trip_and_staleness() -> None:
    counts = {
        "b2020x": citations.Count(3, "abc", dt.date(2026, 8, 1)),
        "a2021y": citations.Count(0, "def", dt.date(2026, 11, 30)),
    }
    text = citations.serialise(counts)
    assert citations.parse(text) == (counts, [])
    assert citations.stale(counts, dt.date(2026, 12, 1)) == ["b2020x"]
    broken, problems = citations.parse(
        "papers:\n  a: {count: -1, id: x, fetched: 2026-01-01}\n  b: {count: 2}\n"
    )
    assert broken == {}
    assert len(problems) == 2
    assert citations.parse("[")[1][0].startswith("line 1: not YAML")


def test_the_weekly_workflow_syncs_checks_and_opens_one_pull_request() -> None:
    import yaml

    workflow = yaml.safe_load((REPO / ".github/workflows/sync.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as true
    assert "schedule" in triggers
    assert "workflow_dispatch" in triggers
    steps = workflow["jobs"]["sync"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert any(run.startswith("make sync") and "--report _build/sync-report.md" in run for run in runs)
    assert "make check tidy-check" in runs
    (pull,) = [step for step in steps if step.get("uses", "").startswith("peter-evans/create-pull-request@")]
    assert pull["with"]["body-path"] == "_build/sync-report.md"
    assert pull["with"]["branch"] == "bot/sync-publications"
    assert set(pull["with"]["add-paths"].split()) == {"refs.bib", "refs.ignore", "citations.yaml"}
    assert "SYNC_TOKEN" in pull["with"]["token"]
    keepalive = workflow["jobs"]["keepalive"]
    assert keepalive["permissions"] == {"actions": "write"}
    assert "actions/workflows/sync.yml/enable" in keepalive["steps"][0]["run"]


def test_openalex_lists_the_configured_authors_works_with_the_key() -> None:
    """The recorded work entity as one item of a ``/works?filter=author.id:`` page, read with the API key;
    without the key or the id, OpenAlex is not asked and the report says what to set."""
    from portfolio.sources import people

    work = json.loads((RECORDED / "openalex/W2741809807.json").read_text(encoding="utf-8"))
    with api_server() as server:
        server.plan(
            "openalex",
            "/works",
            json_reply({"meta": {"count": 1, "next_cursor": None}, "results": [work]}),
            query={"filter": "author.id:A5023888391", "api_key": "k"},
        )
        client = Client(environ=server.environ(), intervals={})
        listing = people.openalex(client, "A5023888391", {"OPENALEX_API_KEY": "k"})
        assert server.unplanned == []
        (without_key,) = people.openalex(client, "A5023888391", {}).notes
        assert without_key.startswith("OpenAlex: not read; it needs the OPENALEX_API_KEY secret")
        assert len(server.seen) == 1
        # With the key and no id: every author of the owner's name (the recorded author entity, whose name
        # is another, is left out), then their works in one filter.
        author = json.loads((RECORDED / "openalex/A5023888391.json").read_text(encoding="utf-8"))
        named = {**author, "id": "https://openalex.org/A1", "display_name": "Kun Zhou"}
        server.plan("openalex", "/authors", json_reply({"meta": {"count": 2}, "results": [named, author]}))
        server.plan(
            "openalex",
            "/works",
            json_reply({"meta": {"next_cursor": None}, "results": [work]}),
            query={"filter": "author.id:A1"},
        )
        by_name = people.openalex(client, "", {"OPENALEX_API_KEY": "k"}, ["Kun Zhou"])
        assert server.unplanned == []
    assert [candidate.by_owner_id for candidate in by_name.candidates] == [False]
    assert by_name.notes == [
        "OpenAlex: 1 authors named Kun Zhou; set portfolio_openalex_id (https://openalex.org/authors/A...) "
        "to read only the owner's"
    ]
    (candidate,) = listing.candidates
    record = candidate.record
    assert record.title.startswith("The state of OA")
    assert (record.doi, record.year, record.journal) == ("10.7717/peerj.4375", "2018", "PeerJ")
    assert record.authors[0] == "Heather Piwowar"
    assert candidate.by_owner_id
    assert candidate.citations == 962


def test_orcid_lists_the_owners_own_works_by_their_ids() -> None:
    """ORCID's works summary (API v3.0, its documented layout): each work's DOI and arXiv id, looked up in
    full by make sync like make add does."""
    from portfolio.sources import people

    body = {
        "group": [
            {
                "work-summary": [
                    {
                        "put-code": 123,
                        "title": {"title": {"value": "A Paper Listed on ORCID"}},
                        "publication-date": {"year": {"value": "2025"}},
                        "external-ids": {
                            "external-id": [
                                {
                                    "external-id-type": "doi",
                                    "external-id-value": "10.18653/v1/2025.acl-long.1",
                                },
                                {"external-id-type": "arxiv", "external-id-value": "arXiv:2501.00001"},
                            ]
                        },
                    }
                ]
            }
        ]
    }
    with api_server() as server:
        server.plan("orcid", "/0000-0002-1825-0097/works", json_reply(body))
        listing = people.orcid(Client(environ=server.environ(), intervals={}), "0000-0002-1825-0097")
        (request,) = server.seen
    assert request.headers["accept"] == "application/json"
    (candidate,) = listing.candidates
    assert (candidate.record.doi, candidate.record.eprint) == ("10.18653/v1/2025.acl-long.1", "2501.00001")
    assert candidate.by_owner_id
    assert people.orcid(Client(intervals={}), "").notes[0].startswith("ORCID: not read")
