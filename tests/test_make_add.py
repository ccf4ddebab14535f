"""``make add``: papers from their identifiers, end to end against a local server that answers with the
recorded responses of ``data/apis/`` (the network blocked): each kind of id, cross-referencing a preprint to
its published version, duplicates, hostile and malformed answers, rate limiting, an unreachable world."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from apiserver import (
    RECORDED,
    Reply,
    api_server,
    arxiv_recording,
    cassette,
    closed_port,
    json_reply,
    run_make,
    tool_folder,
)
from helpers import REPO
from pybtex.database import parse_string

from portfolio.bib.check import check_files
from portfolio.bib.tidy import tidy_text
from portfolio.sources import cli
from portfolio.sources.http import ENDPOINTS

pytestmark = pytest.mark.usefixtures("no_network")
CRAFTED = RECORDED / "crafted"
S2_NOT_FOUND = cassette("semanticscholar/test_not_found.yaml")[0][1]
HEADER = "% A test bibliography.\n"
OTHER_PAPER = """
@misc{owner2020other,
  title              = {Another Paper},
  author             = {OWNER},
  year               = {2020},
  howpublished       = {Somewhere},
}
"""


def project(tmp_path: Path, owner: str) -> Path:
    """A folder with a ``conf.py`` naming the owner and a tidy ``refs.bib`` holding one other paper."""
    (tmp_path / "conf.py").write_text(
        f"portfolio_owner_names = [{owner!r}]\nportfolio_contact = 'owner@example.org'\n", encoding="utf-8"
    )
    text = tidy_text(HEADER + OTHER_PAPER.replace("OWNER", owner)).text
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    return tool_folder(tmp_path)


def run_add(folder: Path, server, *ids: str, extra: tuple[str, ...] = ()) -> int:
    os.environ.update(server.environ())
    try:
        return cli.main(["add", "--bib", str(folder / "refs.bib"), "--conf", str(folder), *extra, *ids])
    finally:
        for variable, _, _ in ENDPOINTS.values():
            os.environ.pop(variable, None)


def entries(path: Path) -> dict:
    return parse_string(path.read_text(encoding="utf-8"), "bibtex").entries


def passes_make_check_and_tidy_check(path: Path, owner: str) -> None:
    assert [str(problem) for problem in check_files([path], [owner])] == []
    text = path.read_text(encoding="utf-8")
    assert tidy_text(text).text == text


RECORDED_NOTES = json.loads((RECORDED / "openreview/openreview-search.json").read_text())["notes"]
KINDS = {
    "arxiv": (
        "arXiv:1707.08567v1",
        "Dirk Wübben",
        [
            ("arxiv", "/query", arxiv_recording("id_1707.08567_s0_m100_6a1afebfc6a3.json")),
            ("s2", "/paper/ARXIV:1707.08567", S2_NOT_FOUND),
        ],
        "immink2017proceedings",
        {"eprint": "1707.08567", "archiveprefix": "arXiv", "venue_short": "arXiv 2017", "date": "2017-07-27"},
    ),
    "doi": (
        "https://doi.org/10.1371/journal.pone.0033693",
        "Shankar Sadasivan",
        [
            (
                "crossref",
                "/works/10.1371/journal.pone.0033693",
                cassette("crossref/test_works_with_one_id.yaml")[0][1],
            ),
            ("s2", "/paper/DOI:10.1371/journal.pone.0033693", S2_NOT_FOUND),
        ],
        "sadasivan2012methylphenidate",
        {"doi": "10.1371/journal.pone.0033693", "journal": "PLoS ONE", "volume": "7", "pages": "e33693"},
    ),
    "anthology": (
        "https://aclanthology.org/P19-1007/",
        "Ruisheng Cao",
        [
            (
                "anthology",
                "/P19-1007.bib",
                Reply(200, (RECORDED / "acl-anthology/P19-1007.bib").read_bytes()),
            ),
            ("s2", "/paper/ACL:P19-1007", S2_NOT_FOUND),
        ],
        "cao2019semantic",
        {
            "anthology": "P19-1007",
            "venue_short": "ACL 2019",
            "doi": "10.18653/v1/P19-1007",
            "pages": "51--64",
        },
    ),
    "openreview": (
        "https://openreview.net/forum?id=s7kNuWIB09",
        "Jaeseong You",
        [
            (
                "openreview",
                "/notes",
                # The recorded notes search answers in the shape of GET /notes?id=: {"notes": [...]}.
                json_reply({"notes": [RECORDED_NOTES[1]]}),
            )
        ],
        "you2021gan",
        {
            "openreview": "s7kNuWIB09",
            "booktitle": "Interspeech 2021",
            "url": "https://openreview.net/forum?id=s7kNuWIB09",
        },
    ),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_of_id_adds_one_tidy_entry_that_passes_make_check(tmp_path: Path, kind: str) -> None:
    text_id, owner, plans, key, fields = KINDS[kind]
    folder = project(tmp_path, owner)
    before = entries(folder / "refs.bib")
    with api_server() as server:
        for source, path, reply in plans:
            server.plan(source, path, reply)
        run = make_add(folder, server.environ(), text_id)
        assert run.returncode == 0, run.stderr
        assert server.unplanned == []
        agents = {seen.headers["user-agent"] for seen in server.seen}
    after = entries(folder / "refs.bib")
    assert set(after) == set(before) | {key}
    assert {name: after[key].fields[name] for name in fields} == fields
    assert agents
    assert all("mailto:owner@example.org" in agent for agent in agents)
    passes_make_check_and_tidy_check(folder / "refs.bib", owner)
    err = run.stderr
    assert f"{key}: " in err
    assert "still for you to add" in err
    assert "selected = {true}" in err


def test_dblp_key_with_homonym_numbers(tmp_path: Path) -> None:
    from test_sources import dblp_bibtex

    hit = json.loads((RECORDED / "dblp/dblp.json").read_text())["result"]["hits"]["hit"][0]
    folder = project(tmp_path, "Haoyu Yang")
    with api_server() as server:
        server.plan("dblp", "/rec/conf/dac/ZhangYY21.bib", Reply(200, dblp_bibtex(hit)))
        server.plan("s2", "/paper/DOI:10.1109/DAC18074.2021.9586227", S2_NOT_FOUND)
        run = make_add(folder, server.environ(), "https://dblp.org/rec/conf/dac/ZhangYY21.html")
        assert run.returncode == 0, run.stderr
    entry = entries(folder / "refs.bib")["zhang2021attentional"]
    assert [str(person) for person in entry.persons["author"]] == [
        "Zhang, Xiaopeng",
        "Yang, Haoyu",
        "Young, Evangeline F. Y.",
    ]
    assert not {"timestamp", "biburl", "bibsource"} & {name.lower() for name in entry.fields}
    assert "DBLP" not in (folder / "refs.bib").read_text(encoding="utf-8").split("@", 1)[1].split(",", 1)[0]
    passes_make_check_and_tidy_check(folder / "refs.bib", "Haoyu Yang")


def plan_zhu2026hybrid(server) -> None:
    server.plan(
        "arxiv",
        "/query",
        Reply(200, (CRAFTED / "arxiv-2603.10291.xml").read_bytes()),
        query={"id_list": "2603.10291"},
    )
    server.plan(
        "s2", "/paper/ARXIV:2603.10291", Reply(200, (CRAFTED / "s2-ARXIV-2603.10291.json").read_bytes())
    )
    server.plan(
        "anthology",
        "/2026.findings-acl.549.bib",
        Reply(200, (CRAFTED / "anthology-2026.findings-acl.549.bib").read_bytes()),
    )


def make_add(folder: Path, server_env: dict[str, str], *ids: str) -> subprocess.CompletedProcess:
    return run_make(folder, "add", server_env, f"ID={' '.join(ids)}")


def site_without(tmp_path: Path, key: str) -> tuple[Path, object]:
    """A copy of the site's Makefile, conf.py and pages with ``key`` taken out of its refs.bib."""
    folder = tool_folder(tmp_path / "site", "conf.py")
    for page in REPO.glob("*.md"):
        shutil.copy(page, folder / page.name)
    text = (REPO / "refs.bib").read_text(encoding="utf-8")
    start = text.index(f"@inproceedings{{{key},")
    end = text.index("\n\n", start) + 2
    (folder / "refs.bib").write_text(text[:start] + text[end:], encoding="utf-8")
    return folder, parse_string(text, "bibtex").entries[key]


def test_make_add_turns_an_arxiv_id_into_the_published_paper_of_refs_bib(tmp_path: Path) -> None:
    """zhu2026hybrid, taken out of the real refs.bib and added back by its arXiv id: arXiv gives the
    preprint (under its first title), Semantic Scholar its Anthology id, the Anthology the Findings paper."""
    folder, original = site_without(tmp_path, "zhu2026hybrid")
    with api_server() as server:
        plan_zhu2026hybrid(server)
        run = make_add(folder, server.environ(), "arXiv:2603.10291v1")
        assert server.unplanned == []
        assert [seen.source for seen in server.seen] == ["arxiv", "s2", "anthology"]
    assert run.returncode == 0, run.stderr
    added = entries(folder / "refs.bib")["zhu2026hybrid"]
    assert {name: added.fields.get(name) for name in original.fields} == dict(original.fields)
    assert set(added.fields) - set(original.fields) == {"abstract", "publisher"}
    assert [str(p) for p in added.persons["author"]] == [str(p) for p in original.persons["author"]]
    passes_make_check_and_tidy_check(folder / "refs.bib", "Kun Zhou")
    text = (folder / "refs.bib").read_text(encoding="utf-8")
    assert text.index("@inproceedings{zhu2026hybrid,") < text.index("@misc{gao2026world,")  # newest first
    assert (
        "zhu2026hybrid: Hybrid Self-evolving Structured Memory for Computer-Use Agents (ACL 2026 Findings)"
        in run.stderr
    )
    assert "from arXiv 2603.10291, Semantic Scholar" in run.stderr
    assert "ACL Anthology 2026.findings-acl.549" in run.stderr


def test_a_paper_already_in_refs_bib_is_refused_with_its_key(tmp_path: Path, capsys) -> None:
    folder = tmp_path
    shutil.copy(REPO / "conf.py", folder / "conf.py")
    shutil.copy(REPO / "refs.bib", folder / "refs.bib")
    before = (folder / "refs.bib").read_bytes()
    with api_server() as server:
        assert run_add(folder, server, "https://arxiv.org/abs/2603.10291v2", "2026.findings-acl.549") == 1
        assert server.seen == []  # known by its id: nothing asked
        plan_zhu2026hybrid(server)
        server.plan(
            "s2",
            "/paper/ACL:2026.findings-acl.549",
            Reply(200, (CRAFTED / "s2-ARXIV-2603.10291.json").read_bytes()),
        )
        # Known by its title only: found out after the look-up.
        (folder / "refs.bib").write_text(
            before.decode()
            .replace("eprint             = {2603.10291},\n", "")
            .replace("  anthology          = {2026.findings-acl.549},\n", "")
            .replace("https://aclanthology.org/2026.findings-acl.549/", "https://example.org/x"),
            encoding="utf-8",
        )
        trimmed = (folder / "refs.bib").read_bytes()
        assert run_add(folder, server, "2603.10291") == 1
    err = capsys.readouterr().err
    assert "arXiv 2603.10291: already in refs.bib as 'zhu2026hybrid'" in err
    assert "ACL Anthology 2026.findings-acl.549: already in refs.bib as 'zhu2026hybrid'" in err
    assert err.count("left as it was") == 2
    assert (folder / "refs.bib").read_bytes() == trimmed


def plan_p19_1007(server) -> None:
    """The Anthology's recorded BibTeX of P19-1007, which Semantic Scholar does not know here."""
    server.plan(
        "anthology", "/P19-1007.bib", Reply(200, (RECORDED / "acl-anthology/P19-1007.bib").read_bytes())
    )
    server.plan("s2", "/paper/ACL:P19-1007", S2_NOT_FOUND)


def test_the_same_paper_twice_in_one_run_is_added_once_or_not_at_all(tmp_path: Path, capsys) -> None:
    folder = project(tmp_path, "Ruisheng Cao")
    before = (folder / "refs.bib").read_bytes()
    with api_server() as server:
        plan_p19_1007(server)
        assert run_add(folder, server, "P19-1007", "10.18653/v1/P19-1007") == 1
    assert "already in refs.bib as 'cao2019semantic'" in capsys.readouterr().err
    assert (folder / "refs.bib").read_bytes() == before


def test_several_ids_at_once_and_one_failure_writes_nothing(tmp_path: Path, capsys) -> None:
    folder = project(tmp_path, "Ruisheng Cao")
    before = (folder / "refs.bib").read_bytes()
    with api_server() as server:
        plan_p19_1007(server)
        server.plan(
            "crossref", "/works/10.1371/notarealdoi", cassette("crossref/test_works_bad_id_warn.yaml")[0][1]
        )
        assert run_add(folder, server, "P19-1007", "10.1371/notarealdoi", "not-an-id!") == 1
        err = capsys.readouterr().err
        assert "DOI 10.1371/notarealdoi: Crossref: not found (HTTP 404)" in err
        assert "'not-an-id!' is not an identifier we read" in err
        assert (folder / "refs.bib").read_bytes() == before
        assert run_add(folder, server, "P19-1007", extra=("--dry-run",)) == 0
        assert (folder / "refs.bib").read_bytes() == before
        assert run_add(folder, server, "P19-1007") == 0
    assert set(entries(folder / "refs.bib")) == {"owner2020other", "cao2019semantic"}


def test_someone_elses_paper_is_refused_by_the_owner_check(tmp_path: Path, capsys) -> None:
    folder = project(tmp_path, "Kun Zhou")
    before = (folder / "refs.bib").read_bytes()
    with api_server() as server:
        plan_p19_1007(server)
        assert run_add(folder, server, "P19-1007") == 1
    assert "none of the authors of 'cao2019semantic' is the site owner" in capsys.readouterr().err
    assert (folder / "refs.bib").read_bytes() == before


HOSTILE_FEED = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <entry>
    <id>http://arxiv.org/abs/2601.00001v1</id>
    <title>&lt;script&gt;alert(1)&lt;/script&gt;Safe {Title} with 50% \x01less</title>
    <summary>An &lt;img src=x onerror=alert(1)&gt; abstract.</summary>
    <published>2026-01-02T00:00:00Z</published>
    <arxiv:doi>javascript:alert(1)</arxiv:doi>
    <author><name>Kun Zhou</name></author>
    <author><name>Eve &lt;b&gt;Mallory&lt;/b&gt;</name></author>
  </entry>
</feed>
"""


def test_hostile_and_malformed_answers_are_cleaned_or_refused(tmp_path: Path, capsys) -> None:
    folder = project(tmp_path, "Kun Zhou")
    with api_server() as server:
        server.plan(
            "arxiv", "/query", Reply(200, HOSTILE_FEED.replace(b"\x01", b"")), query={"id_list": "2601.00001"}
        )
        server.plan(
            "arxiv",
            "/query",
            Reply(200, HOSTILE_FEED.replace(b"2026-01-02", b"2999-01-02")),
            query={"id_list": "2601.00002"},
        )
        server.plan(
            "arxiv",
            "/query",
            Reply(200, b"<html><body>Service unavailable</body></html>"),
            query={"id_list": "2601.00003"},
        )
        server.plan("crossref", "/works/10.1234/broken", Reply(200, b"{not json"))
        server.plan("s2", "/paper/ARXIV:2601.00001", S2_NOT_FOUND)
        before = (folder / "refs.bib").read_bytes()
        for bad, reason in [
            ("2601.00002", "the year '2999' is not between 1950 and"),
            ("2601.00003", "arXiv: no paper 2601.00003"),
            ("10.1234/broken", "Crossref: the answer is not JSON"),
        ]:
            assert run_add(folder, server, bad) == 1
            assert reason in capsys.readouterr().err
            assert (folder / "refs.bib").read_bytes() == before
        assert run_add(folder, server, "2601.00001") == 0
    (key,) = set(entries(folder / "refs.bib")) - {"owner2020other"}
    entry = entries(folder / "refs.bib")[key]
    assert entry.fields["title"] == "Safe {Title} with 50\\% less"
    assert entry.fields["abstract"] == "An abstract."
    assert [str(p) for p in entry.persons["author"]] == ["Zhou, Kun", "Mallory, Eve"]
    assert "doi" not in entry.fields
    passes_make_check_and_tidy_check(folder / "refs.bib", "Kun Zhou")


def test_rate_limited_source_is_waited_for_as_retry_after_says(tmp_path: Path, capsys) -> None:
    folder = project(tmp_path, "Ruisheng Cao")
    (_, too_many), *_ = cassette("semanticscholar/SemanticScholarTest.test_search_paper.yaml")
    too_many.headers["Retry-After"] = "1"
    with api_server() as server:
        server.plan(
            "anthology",
            "/P19-1007.bib",
            Reply(503, b""),
            Reply(200, (RECORDED / "acl-anthology/P19-1007.bib").read_bytes()),
        )
        server.plan("s2", "/paper/ACL:P19-1007", too_many, S2_NOT_FOUND)
        assert run_add(folder, server, "P19-1007") == 0
        assert len(server.requests_to("anthology")) == 2
        assert len(server.requests_to("s2")) == 2
    err = capsys.readouterr().err
    assert "ACL Anthology: HTTP 503; waiting 1 s and retrying" in err
    assert "Semantic Scholar: HTTP 429; waiting 1 s and retrying" in err


def test_with_every_api_unreachable_make_add_fails_clearly_and_leaves_refs_bib(tmp_path: Path) -> None:
    folder, _ = site_without(tmp_path, "zhu2026hybrid")
    before = (folder / "refs.bib").read_bytes()
    dead = f"http://127.0.0.1:{closed_port()}"
    run = make_add(folder, {variable: dead for variable, _, _ in ENDPOINTS.values()}, "2603.10291")
    assert run.returncode != 0
    assert "error: arXiv 2603.10291: arXiv: unreachable after 4 attempts" in run.stderr
    assert "left as it was: nothing added" in run.stderr
    assert (folder / "refs.bib").read_bytes() == before
    # And without the variables, the default hosts are out of reach: the tests block the network.
    run = make_add(folder, {}, "2603.10291")
    assert run.returncode != 0
    assert "unreachable" in run.stderr
    assert (folder / "refs.bib").read_bytes() == before


def test_make_add_without_an_id_says_how() -> None:
    run = run_make(REPO, "add", {})
    assert run.returncode != 0
    assert "give the paper: make add ID=" in run.stdout
