"""``portfolio.sources`` piece by piece, with the network blocked: identifiers, each source's reader on
its recorded responses (``data/apis/``), the cleaning of hostile answers, and the HTTP layer's manners
(User-Agent, rate limits, retries honouring ``Retry-After``, time-outs and size caps) against a local
server."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from apiserver import (
    RECORDED,
    Reply,
    api_server,
    arxiv_recording,
    cassette,
    closed_port,
    json_reply,
    recorded_json,
)

from portfolio.sources import anthology, arxiv, crossref, dblp, openreview, semanticscholar
from portfolio.sources.http import ENDPOINTS, Client, NotFound, SourceError, base_url, retry_after
from portfolio.sources.ids import BadId, PaperId, anthology_of_doi, parse_id
from portfolio.sources.record import Record, Refused, cleaned, merged, to_entry

pytestmark = pytest.mark.usefixtures("no_network")
TODAY = dt.date(2026, 12, 1)


def client(server, **kwargs) -> Client:
    settings = {"environ": server.environ(), "intervals": {}, "backoff": 0.0, "sleep": lambda seconds: None}
    return Client(contact="owner@example.org", **{**settings, **kwargs})


# -- Identifiers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("2511.09057", "arxiv", "2511.09057"),
        ("arXiv:2511.09057v2", "arxiv", "2511.09057"),
        ("https://arxiv.org/abs/2511.09057v3", "arxiv", "2511.09057"),
        ("https://arxiv.org/pdf/2511.09057v2.pdf", "arxiv", "2511.09057"),
        ("astro-ph/0601001v1", "arxiv", "astro-ph/0601001"),
        ("10.18653/v1/2024.acl-long.1", "doi", "10.18653/v1/2024.acl-long.1"),
        ("doi:10.1145/3580305.3599931", "doi", "10.1145/3580305.3599931"),
        ("https://doi.org/10.1371/journal.pone.0033693", "doi", "10.1371/journal.pone.0033693"),
        ("2024.acl-long.1", "anthology", "2024.acl-long.1"),
        ("P19-1007", "anthology", "P19-1007"),
        ("https://aclanthology.org/2024.findings-emnlp.12.pdf", "anthology", "2024.findings-emnlp.12"),
        ("https://www.aclweb.org/anthology/P19-1007", "anthology", "P19-1007"),
        ("https://openreview.net/forum?id=k7l7p1yVZj", "openreview", "k7l7p1yVZj"),
        ("openreview:k7l7p1yVZj", "openreview", "k7l7p1yVZj"),
        ("conf/dac/ZhangYY21", "dblp", "conf/dac/ZhangYY21"),
        ("DBLP:journals/corr/abs-2305-10601", "dblp", "journals/corr/abs-2305-10601"),
        ("https://dblp.org/rec/conf/dac/ZhangYY21.html", "dblp", "conf/dac/ZhangYY21"),
    ],
)
def test_identifiers_of_every_kind_in_their_normal_form(text: str, kind: str, value: str) -> None:
    assert parse_id(text) == PaperId(kind, value)


@pytest.mark.parametrize(
    "text", ["", "hello world", "12345678", "https://example.org/abs/2511.09057", "10.1/x"]
)
def test_text_that_is_no_identifier_is_refused_with_the_forms_we_read(text: str) -> None:
    with pytest.raises(BadId, match=r"arXiv id|no link") as error:
        parse_id(text)
    assert "DOI" in str(error.value) or "no link" in str(error.value)


def test_the_anthology_id_inside_an_acl_doi() -> None:
    assert anthology_of_doi("10.18653/v1/2024.acl-long.1") == "2024.acl-long.1"
    assert anthology_of_doi("10.18653/v1/P19-1007") == "P19-1007"
    assert anthology_of_doi("10.1145/3580305.3599931") == ""


# -- Each source's reader, on recorded responses ------------------------------------------------------


def test_arxiv_reads_a_recorded_paper_with_non_ascii_authors() -> None:
    with api_server() as server:
        server.plan("arxiv", "/query", arxiv_recording("id_1707.08567_s0_m100_6a1afebfc6a3.json"))
        record = arxiv.fetch(client(server), "1707.08567")
        (request,) = server.requests_to("arxiv")
    assert record.title == "Proceedings of Workshop AEW10: Concepts in Information Theory and Communications"
    assert "Dirk Wübben" in record.authors
    assert record.authors[0] == "Kees A. Schouhamer Immink"
    assert (record.year, record.month, record.date) == ("2017", "jul", "2017-07-27")
    assert (record.eprint, record.url) == ("1707.08567", "https://arxiv.org/abs/1707.08567")
    assert record.is_preprint
    assert record.abstract.startswith("The 10th Asia-Europe workshop")
    assert request.query["id_list"] == ["1707.08567"]


def test_arxiv_old_style_id_and_its_journal_doi() -> None:
    with api_server() as server:
        server.plan("arxiv", "/query", arxiv_recording("id_astro-ph_0601001_s0_m100_3150dca9dc76.json"))
        record = arxiv.fetch(client(server), "astro-ph/0601001")
    assert record.title.startswith("Frequency of Hot Jupiters")
    assert record.eprint == "astro-ph/0601001"
    assert record.authors[0] == "Andrew Gould"
    assert record.year == "2006"


def test_arxiv_not_found_and_a_refused_id_are_errors_naming_arxiv() -> None:
    with api_server() as server:
        server.plan(
            "arxiv",
            "/query",
            arxiv_recording("id_0000.0000_s0_m100_8b51d9633a68.json"),
            query={"id_list": "0000.0000"},
        )
        server.plan(
            "arxiv", "/query", arxiv_recording("id_abc_s0_m100_b79c8dcf6bc3.json"), query={"id_list": "abc"}
        )
        with pytest.raises(NotFound, match=r"arXiv: no paper 0000\.0000"):
            arxiv.fetch(client(server), "0000.0000")
        with pytest.raises(SourceError, match="arXiv: refused the id 'abc': incorrect id format for abc"):
            arxiv.fetch(client(server), "abc")


def test_crossref_reads_a_journal_article_and_drops_affiliations_listed_as_authors() -> None:
    with api_server() as server:
        server.plan(
            "crossref",
            "/works/10.1371/journal.pone.0033693",
            cassette("crossref/test_works_with_one_id.yaml")[0][1],
        )
        server.plan(
            "crossref", "/works/10.17705/1cais.04607", recorded_json("crossref/10.17705_1cais.04607.json")
        )
        plos = crossref.fetch(client(server), "10.1371/journal.pone.0033693")
        cais = crossref.fetch(client(server), "10.17705/1cais.04607")
    assert (plos.entry_type, plos.journal, plos.volume, plos.number, plos.pages) == (
        "article",
        "PLoS ONE",
        "7",
        "3",
        "e33693",
    )
    assert (plos.year, plos.month, plos.doi) == ("2012", "mar", "10.1371/journal.pone.0033693")
    assert plos.authors[0] == "Sadasivan, Shankar"
    assert len(plos.authors) == 6
    assert "Paré, Guy" in cais.authors
    assert not any("University" in name for name in cais.authors)
    assert "Paderborn University" in cais.remarks[0]
    assert cleaned(cais, TODAY).pages == "134--186"


def test_crossref_not_found_is_not_found() -> None:
    with api_server() as server:
        server.plan(
            "crossref", "/works/10.1371/notarealdoi", cassette("crossref/test_works_bad_id_warn.yaml")[0][1]
        )
        with pytest.raises(NotFound, match="Crossref: not found"):
            crossref.fetch(client(server), "10.1371/notarealdoi")


def test_the_anthology_bibtex_export() -> None:
    with api_server() as server:
        server.plan(
            "anthology", "/P19-1007.bib", Reply(200, (RECORDED / "acl-anthology/P19-1007.bib").read_bytes())
        )
        record = anthology.fetch(client(server), "P19-1007")
    assert record.title == "Semantic Parsing with Dual Learning"
    assert record.authors[0] == "Cao, Ruisheng"
    assert (
        record.booktitle
        == "Proceedings of the 57th Annual Meeting of the Association for Computational Linguistics"
    )
    assert (record.pages, record.doi, record.anthology) == ("51--64", "10.18653/v1/P19-1007", "P19-1007")
    assert record.url == "https://aclanthology.org/P19-1007/"  # not the recording's old www.aclweb.org link


def dblp_bibtex(hit: dict) -> bytes:
    """A record's BibTeX export as dblp.org writes it, from the facts of the recorded search hit."""
    info = hit["info"]
    names = " and\n                  ".join(author["text"] for author in info["authors"]["author"])
    return f"""@inproceedings{{DBLP:{info["key"]},
  author       = {{{names}}},
  title        = {{{info["title"].rstrip(".")}}},
  booktitle    = {{{info["venue"]}}},
  pages        = {{{info["pages"]}}},
  year         = {{{info["year"]}}},
  url          = {{{info["ee"]}}},
  doi          = {{{info["doi"]}}},
  timestamp    = {{Mon, 01 Jan 2024 00:00:00 +0100}},
  biburl       = {{https://dblp.org/rec/{info["key"]}.bib}},
  bibsource    = {{dblp computer science bibliography, https://dblp.org}}
}}
""".encode()


def test_dblp_record_export_drops_homonym_numbers() -> None:
    hit = json.loads((RECORDED / "dblp/dblp.json").read_text())["result"]["hits"]["hit"][0]
    with api_server() as server:
        server.plan("dblp", "/rec/conf/dac/ZhangYY21.bib", Reply(200, dblp_bibtex(hit)))
        record = cleaned(dblp.fetch(client(server), "conf/dac/ZhangYY21"), TODAY)
    assert record.authors == ["Zhang, Xiaopeng", "Yang, Haoyu", "Young, Evangeline F. Y."]
    assert (record.dblp, record.doi, record.pages) == (
        "conf/dac/ZhangYY21",
        "10.1109/DAC18074.2021.9586227",
        "169-174".replace("-", "--"),
    )


def test_openreview_note_in_api_v2_shape() -> None:
    notes = json.loads((RECORDED / "openreview/openreview-search.json").read_text())["notes"]
    with api_server() as server:
        server.plan("openreview", "/notes", json_reply({"notes": [notes[1]]}), query={"id": "s7kNuWIB09"})
        server.plan("openreview", "/notes", json_reply({"notes": []}), query={"id": "missingNote"})
        record = openreview.fetch(client(server), "s7kNuWIB09")
        with pytest.raises(NotFound, match=r"OpenReview: no note missingNote \(asked API v2 and v1\)"):
            openreview.fetch(client(server), "missingNote")
        assert [seen.source for seen in server.seen[-2:]] == ["openreview", "openreview_v1"]
    assert record.title == "GAN Vocoder: Multi-Resolution Discriminator Is All You Need"
    assert record.authors[0] == "Jaeseong You"
    assert len(record.authors) == 5
    assert (record.entry_type, record.booktitle, record.year) == ("inproceedings", "Interspeech 2021", "2021")
    assert record.url == "https://openreview.net/forum?id=s7kNuWIB09"
    assert record.openreview == "s7kNuWIB09"


def test_an_older_note_is_read_from_api_v1_with_its_plain_values() -> None:
    """API v2 answers 403 for a note it does not hold; API v1 holds it, its content values unwrapped."""
    note = json.loads((RECORDED / "openreview/openreview-search.json").read_text())["notes"][1]
    plain = {**note, "content": {name: item["value"] for name, item in note["content"].items()}}
    with api_server() as server:
        server.plan("openreview", "/notes", json_reply({"name": "ForbiddenError"}, status=403))
        server.plan("openreview_v1", "/notes", json_reply({"notes": [plain]}), query={"id": "s7kNuWIB09"})
        record = openreview.fetch(client(server), "s7kNuWIB09")
        assert server.unplanned == []
    assert record.title == "GAN Vocoder: Multi-Resolution Discriminator Is All You Need"
    assert (record.booktitle, record.year, len(record.authors)) == ("Interspeech 2021", "2021", 5)


def test_openreview_venues_tracks_and_rejections() -> None:
    iclr = {
        "id": "abcdEFGH12",
        "content": {
            "title": {"value": "T"},
            "authors": {"value": ["Kun Zhou"]},
            "venue": {"value": "ICLR 2024 spotlight"},
        },
    }
    record = openreview.record_of(iclr, "abcdEFGH12")
    assert (record.booktitle, record.year, record.track) == (
        "International Conference on Learning Representations",
        "2024",
        "Spotlight",
    )
    rejected = {"id": "x", "content": {"title": {"value": "T"}, "venue": {"value": "Submitted to ICLR 2025"}}}
    with pytest.raises(SourceError, match="not an accepted paper"):
        openreview.record_of(rejected, "x")


def test_semantic_scholar_identifiers_and_citations() -> None:
    recorded = json.loads((RECORDED / "semanticscholar/s2_paper_detail.json").read_text())
    with api_server() as server:
        server.plan("s2", "/paper/ARXIV:1706.03762", json_reply(recorded["body"]))
        server.plan(
            "s2",
            "/paper/ARXIV:0000.00000",
            *(reply for _, reply in cassette("semanticscholar/test_not_found.yaml")[:1]),
        )
        paper = semanticscholar.paper(client(server), "arxiv", "1706.03762")
        with pytest.raises(NotFound):
            semanticscholar.paper(client(server), "arxiv", "0000.00000")
    assert paper.ids == {"arxiv": "1706.03762", "dblp": "journals/corr/VaswaniSPUJGKP17"}
    assert paper.citations == 170735
    assert paper.paper_id == "204e3073870fae3d05bcbc2f6a8e263d9b72e776"


# -- Hostile answers --------------------------------------------------------------------------------


def hostile(**changes) -> Record:
    values = {"title": "A Title", "authors": ["Kun Zhou"], "year": "2025", "booktitle": "ACL"}
    return Record(**{**values, **changes})


def test_markup_control_characters_braces_and_percent_are_cleaned() -> None:
    record = cleaned(
        hostile(
            title="<script>alert(1)</script>Deep <i>Learning</i>\x07 at 100% {of",
            abstract="<jats:p>We &amp; they</jats:p>",
            authors=["Kun\x00 Zhou", "Ann <b>Lee</b>", "Tom and Jerry"],
            url="javascript:alert(1)",
        ),
        TODAY,
    )
    assert record.title == "Deep Learning at 100\\% of"
    assert record.abstract == "We & they"
    assert record.authors == ["Kun Zhou", "Ann Lee", "Tom {and} Jerry"]
    assert record.url == ""
    entry = to_entry(record)
    assert "url" not in entry.fields
    assert str(entry.persons["author"][0]) == "Zhou, Kun"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"year": "3000"}, "not between 1950 and 2027"),
        ({"year": "19"}, "not between"),
        ({"title": "x" * 600}, "title is 600 characters"),
        ({"title": "<b></b>"}, "no title"),
        ({"authors": []}, "names no author"),
        ({"authors": ["A B"] * 501}, "501 authors"),
        ({"year": ""}, "no year"),
    ],
)
def test_absurd_answers_are_refused(changes: dict, reason: str) -> None:
    with pytest.raises(Refused, match=reason):
        cleaned(hostile(**changes), TODAY)


def test_a_published_version_keeps_the_preprints_eprint_and_mixed_case_names() -> None:
    preprint = Record(
        title="Old",
        authors=["Wenyi Wu", "Kun Zhou"],
        year="2026",
        eprint="2603.10291",
        howpublished="arXiv preprint arXiv:2603.10291",
        abstract="A",
        sources=["arXiv"],
    )
    published = Record(
        entry_type="inproceedings",
        title="New",
        authors=["WU, Wenyi", "Zhou, Kun"],
        year="2026",
        booktitle="Findings of ACL",
        anthology="2026.findings-acl.549",
        sources=["Anthology"],
    )
    paper = merged(published, preprint)
    assert (paper.title, paper.booktitle, paper.eprint, paper.abstract) == (
        "New",
        "Findings of ACL",
        "2603.10291",
        "A",
    )
    assert paper.authors == ["Wenyi Wu", "Zhou, Kun"]
    assert paper.howpublished == ""
    assert paper.sources == ["arXiv", "Anthology"]


# -- The HTTP layer ---------------------------------------------------------------------------------


def test_every_base_url_can_be_overridden_by_its_variable() -> None:
    variables = {variable for variable, _, _ in ENDPOINTS.values()}
    assert variables == {
        "PORTFOLIO_ARXIV_API",
        "PORTFOLIO_CROSSREF_API",
        "PORTFOLIO_DBLP_API",
        "PORTFOLIO_S2_API",
        "PORTFOLIO_OPENALEX_API",
        "PORTFOLIO_OPENREVIEW_API",
        "PORTFOLIO_ANTHOLOGY_URL",
        "PORTFOLIO_ORCID_API",
        "PORTFOLIO_OPENREVIEW_V1_API",  # the older notes
    }
    for source, (variable, default, _) in ENDPOINTS.items():
        assert base_url(source, {}) == default
        assert base_url(source, {variable: "http://127.0.0.1:1/x/"}) == "http://127.0.0.1:1/x"


def test_user_agent_names_the_site_and_the_contact() -> None:
    with api_server() as server:
        server.plan("crossref", "/works/x", json_reply({}))
        client(server).get("crossref", "/works/x")
        (request,) = server.requests_to("crossref")
    assert request.headers["user-agent"].startswith("kunzhou-site-sources/")
    assert "mailto:owner@example.org" in request.headers["user-agent"]


def test_429_is_retried_after_the_seconds_retry_after_gives() -> None:
    waits: list[float] = []
    (_, too_many), *_ = cassette("semanticscholar/SemanticScholarTest.test_search_paper.yaml")
    too_many.headers["Retry-After"] = "7"
    with api_server() as server:
        server.plan("s2", "/paper/search", too_many, too_many, json_reply({"total": 0, "data": []}))
        answer = client(server, sleep=waits.append).get("s2", "/paper/search", {"query": "turing"})
        assert len(server.requests_to("s2")) == 3
    assert answer.status == 200
    assert waits == [7.0, 7.0]


def test_429_without_retry_after_backs_off_exponentially_then_gives_up() -> None:
    waits: list[float] = []
    recorded = [reply for _, reply in cassette("semanticscholar/SemanticScholarTest.test_search_paper.yaml")]
    with api_server() as server:
        server.plan("s2", "/paper/search", recorded[0])
        with pytest.raises(SourceError, match="HTTP 429 after 4 attempts; try again later"):
            client(server, sleep=waits.append, backoff=1.0).get("s2", "/paper/search")
    assert waits == [1.0, 2.0, 4.0]


def test_a_retry_after_longer_than_a_minute_is_not_waited_for() -> None:
    waits: list[float] = []
    with api_server() as server:
        server.plan("dblp", "/search", Reply(429, b"", {"Retry-After": "3600"}))
        with pytest.raises(SourceError, match="asks to wait 3600 s"):
            client(server, sleep=waits.append).get("dblp", "/search")
    assert waits == []


def test_retry_after_as_an_http_date() -> None:
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470.0) == pytest.approx(10.0)
    assert retry_after("", 0) is None
    assert retry_after("soon", 0) is None


def test_5xx_is_retried_and_an_unreachable_source_fails_clearly() -> None:
    with api_server() as server:
        server.plan("crossref", "/works/y", Reply(503), json_reply({"message": {}}))
        assert client(server).get("crossref", "/works/y").status == 200
    dead = Client(
        environ={"PORTFOLIO_CROSSREF_API": f"http://127.0.0.1:{closed_port()}"},
        intervals={},
        backoff=0,
        sleep=lambda s: None,
    )
    with pytest.raises(SourceError, match=r"Crossref: unreachable after 4 attempts"):
        dead.get("crossref", "/works/z")


def test_answers_larger_than_the_cap_are_refused() -> None:
    with api_server() as server:
        server.plan("crossref", "/works/big", Reply(200, b"x" * 5000))
        with pytest.raises(SourceError, match="more than 4096"):
            client(server, max_bytes=4096).get("crossref", "/works/big")


def test_requests_to_one_source_are_spaced_by_its_interval() -> None:
    waits: list[float] = []
    now = [100.0]
    with api_server() as server:
        server.plan("arxiv", "/query", Reply(200, b"<feed/>"))
        polite = client(server, intervals={"arxiv": 3.0}, sleep=waits.append, clock=lambda: now[0])
        polite.get("arxiv", "/query")
        now[0] += 1.0
        polite.get("arxiv", "/query")
    assert waits == [pytest.approx(2.0)]


def test_the_network_is_blocked_in_these_tests() -> None:
    with pytest.raises(SourceError, match=r"block the network|unreachable"):
        Client(intervals={}, retries=0).get("arxiv", "/query")


def test_a_source_that_does_not_answer_in_time_is_retried_then_given_up() -> None:
    import time

    def slow(seen) -> Reply:
        time.sleep(1.0)
        return json_reply({})

    waits: list[float] = []
    with api_server() as server:
        server.plan("openreview", "/notes", slow)
        started = time.monotonic()
        with pytest.raises(
            SourceError, match=r"OpenReview: unreachable after 2 attempts: .*[Rr]ead timed out"
        ):
            client(server, timeout=(2.0, 0.2), retries=1, sleep=waits.append).get("openreview", "/notes")
        elapsed = time.monotonic() - started
        assert len(server.requests_to("openreview")) == 2
    assert waits == [0.0]
    assert elapsed < 1.0  # neither attempt waited for the answer
