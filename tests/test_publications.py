"""The publication list, paper pages, exports and inline citations on a tiny project
(tests/roots/test-publications), whose refs.bib has one entry per behaviour."""

from __future__ import annotations

import json
import re
from urllib.parse import urldefrag

import pytest
from bs4 import BeautifulSoup
from helpers import soup, warnings_of
from pybtex.database import parse_file, parse_string

from portfolio.bib.text import entry_month, entry_year
from portfolio.bib.vocabulary import PRESENTATION_FIELDS, is_safe_url, without_controls

pytestmark = pytest.mark.sphinx("html", testroot="publications", freshenv=True)


@pytest.fixture
def bib(app):
    return parse_file(app.srcdir / "refs.bib")


def clean(entry) -> dict[str, str]:
    """What a visitor may copy: standard fields only, no control characters, no unsafe URL."""
    return {
        name: without_controls(value)
        for name, value in entry.fields.items()
        if name not in PRESENTATION_FIELDS and not (name == "url" and not is_safe_url(value))
    }


def entries_of(page: BeautifulSoup) -> dict[str, BeautifulSoup]:
    return {item["id"]: item for item in page.select("li.pub-entry")}


def test_builds_without_warnings(built) -> None:
    assert warnings_of(built) == []


# -- The list -----------------------------------------------------------------------------------


def test_every_entry_is_listed_once_under_its_year_newest_first(built, bib) -> None:
    page = soup(built, "publications/index")
    sections = page.select("section.pub-year")
    years = [int(section.select_one("h2").get_text().rstrip("¶#")) for section in sections]
    assert years == sorted({entry_year(entry) for entry in bib.entries.values()}, reverse=True)
    listed = []
    for year, section in zip(years, sections, strict=True):
        keys = [item["id"] for item in section.select("li.pub-entry")]
        assert {entry_year(bib.entries[key]) for key in keys} == {year}
        listed += keys
    assert sorted(listed) == sorted(bib.entries.keys())


def test_within_a_year_newest_month_first_then_title(built, bib) -> None:
    page = soup(built, "publications/index")
    year_2023 = [item["id"] for item in page.select("#year-2023 li.pub-entry")]
    months = [entry_month(bib.entries[key]) for key in year_2023]
    assert months == sorted(months, reverse=True)
    # The two entries without a month come last, ordered by title: "Aardvark" before "Zebra".
    assert year_2023[-2:] == ["adams2023nomonthtoo", "adams2023nomonth"]


def test_titles_keep_their_case_math_accents_and_scripts(built) -> None:
    entries = entries_of(soup(built, "publications/index"))
    title = entries["zhou2024jiuzhang3"].select_one(".pub-title")
    assert title.get_text().startswith("JiuZhang3.0: Efficiently Improving LLMs with ")
    assert title.select_one("span.math").get_text() == r"\(O(n^2)\)"
    journal = entries["wang2023journal"].select_one(".pub-title").get_text()
    assert journal == "A Journal Paper by René Müller & Co. on 50% of 中文 Data"


def test_markup_in_fields_is_shown_as_text_never_run(built) -> None:
    page = soup(built, "publications/index")
    evil = entries_of(page)["evil2022script"]
    assert evil.select_one(".pub-title").get_text() == '<script>alert("x")</script> Injection'
    assert page.select("article script, div.body script, li.pub-entry script, li.pub-entry b") == []
    assert "Proceedings of <b>Bold</b> Claims" in evil.select_one(".pub-venue").get_text()
    # A javascript: URL is never a link; the code URL keeps its query string, escaped in the attribute.
    assert not [a for a in page.select("a[href]") if a["href"].lower().startswith("javascript:")]
    assert [a["href"] for a in evil.select("a.pub-link")] == ["https://example.org/code?a=1&b=2"]


def test_owner_is_bold_marks_are_superscripts_with_a_legend(built) -> None:
    page = soup(built, "publications/index")
    authors = entries_of(page)["zhou2024jiuzhang3"].select_one(".pub-authors")
    assert [strong.get_text() for strong in authors.select("strong")] == ["Kun Zhou"]
    assert [sup.get_text() for sup in authors.select("sup")] == ["*", "*", "†"]
    assert page.select_one(".pub-legend").get_text() == "* equal contribution; † corresponding author"
    assert (
        entries_of(page)["wang2023journal"].select_one(".pub-authors").get_text()
        == "René Müller, 周昆 et al."
    )


def test_long_author_lists_hide_the_middle_but_never_the_owner(built) -> None:
    authors = entries_of(soup(built, "publications/index"))["zhu2024yulan"].select_one(".pub-authors")
    hidden = " ".join(span.get_text() for span in authors.select(".author-hidden"))
    visible = authors.get_text()
    for span in authors.select(".author-hidden"):
        visible = visible.replace(span.get_text(), "")
    # portfolio_author_limit = 4: the first four, then the owner (8th of 10); five are hidden.
    assert visible == "Yutao Zhu, Yifan Du, Kelong Mao, Wentong Chen, Kun Zhou"
    assert hidden.count(",") == 5
    assert "Kun Zhou" not in hidden


def test_badges_venue_track_award_and_buttons(built) -> None:
    entries = entries_of(soup(built, "publications/index"))
    jiuzhang = entries["zhou2024jiuzhang3"]
    assert [badge.get_text() for badge in jiuzhang.select(".pub-badge")] == [
        "NeurIPS 2024",
        "Main Conference Track",
    ]
    assert {a.get_text(): a["href"] for a in jiuzhang.select("a.pub-link")} == {
        "PDF": "https://arxiv.org/pdf/2405.14365",
        "arXiv": "https://arxiv.org/abs/2405.14365",
        "Code": "https://github.com/RUCAIBox/JiuZhang3.0",
    }
    eacl = entries["zhou2024diffusion"]
    assert eacl.select_one(".pub-award-badge").get_text() == "Evaluation and Model Insight Award"
    assert eacl.select_one(".pub-award-badge .fa-trophy") is not None
    assert [a.get_text() for a in eacl.select("a.pub-link")] == ["PDF", "ACL Anthology"]
    assert entries["wang2023journal"].select_one("a.pub-link")["href"] == "https://example.org/paper?id=50%25"


def test_types_are_marked_for_the_chips(built, bib) -> None:
    kinds = {
        key: next(name.removeprefix("pub-kind-") for name in item["class"] if name.startswith("pub-kind-"))
        for key, item in entries_of(soup(built, "publications/index")).items()
    }
    assert kinds["zhou2024jiuzhang3"] == "conference"
    assert kinds["wang2023journal"] == "journal"
    assert kinds["zhu2024yulan"] == kinds["mueller2019noise"] == "preprint"


def test_bibtex_toggle_holds_a_clean_entry_that_parses_back(built, bib) -> None:
    for key, item in entries_of(soup(built, "publications/index")).items():
        toggle = item.select_one("details.pub-bibtex")
        assert toggle.select_one("summary").get_text() == "BibTeX"
        parsed = parse_string(toggle.select_one(".pub-bibtex-text").get_text(), "bibtex").entries
        assert list(parsed) == [key]
        shown = parsed[key]
        assert not set(shown.fields) & PRESENTATION_FIELDS
        original = bib.entries[key]
        assert clean(original) == dict(shown.fields)
        assert [str(person) for person in shown.persons["author"]] == [
            str(person) for person in original.persons["author"]
        ]


def test_abstract_toggle_only_where_there_is_an_abstract(built) -> None:
    entries = entries_of(soup(built, "publications/index"))
    abstract = entries["zhou2024jiuzhang3"].select_one("details.pub-abstract")
    assert [p.get_text() for p in abstract.select("p")] == [
        "We train small models to synthesise data.",
        "A second paragraph of the abstract.",
    ]
    assert [key for key, item in entries.items() if item.select_one("details.pub-abstract")] == [
        "zhou2024jiuzhang3"
    ]


def test_the_list_has_a_filter_slot_and_no_script_needed_to_see_entries(built) -> None:
    page = soup(built, "publications/index")
    assert page.select_one("div.pub-controls") is not None
    assert not page.select("li.pub-entry[hidden], section.pub-year[hidden]")
    assert page.select_one('script[src*="publications.js"]') is not None


def test_selected_publications_are_the_marked_entries_without_anchors(built) -> None:
    home = soup(built, "index")
    items = home.select("ul.pub-selected li.pub-entry")
    titles = [item.select_one(".pub-title").get_text() for item in items]
    assert titles[1:] == ["Evaluating Object Hallucination in Large Vision-Language Models"]
    assert titles[0].startswith("JiuZhang3.0")
    assert not [item for item in items if item.get("id")]
    assert items[0].select_one(".pub-title a")["href"] == "publications/zhou2024jiuzhang3.html"


# -- Exports ------------------------------------------------------------------------------------


def test_downloads_are_linked_and_the_bibtex_export_parses_back(built, bib) -> None:
    links = {a.get_text(): a["href"] for a in soup(built, "publications/index").select("a.pub-download")}
    assert links == {"BibTeX": "all.bib", "CSL-JSON": "all.json"}
    exported = parse_file(built.outdir / "publications" / "all.bib").entries
    assert list(exported) == [item for item in entries_of(soup(built, "publications/index"))]
    for key, entry in bib.entries.items():
        assert dict(exported[key].fields) == clean(entry)
        assert exported[key].persons.keys() == entry.persons.keys()


def test_csl_json_export_is_read_by_a_csl_processor(built, bib) -> None:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    items = json.loads((built.outdir / "publications" / "all.json").read_text(encoding="utf-8"))
    assert [item["id"] for item in items] == list(entries_of(soup(built, "publications/index")))
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = "\n".join(str(line) for line in bibliography.bibliography())
    for item in items:
        assert item["title"] in rendered
    jiuzhang = next(item for item in items if item["id"] == "zhou2024jiuzhang3")
    assert jiuzhang["type"] == "paper-conference"
    assert jiuzhang["issued"] == {"date-parts": [[2024, 12]]}
    assert jiuzhang["author"][0] == {"family": "Zhou", "given": "Kun"}
    journal = next(item for item in items if item["id"] == "wang2023journal")
    assert (journal["type"], journal["container-title"], journal["page"]) == (
        "article-journal",
        "Journal of Tests",
        "1-20",
    )


# -- Paper pages --------------------------------------------------------------------------------


def test_each_entry_has_a_paper_page_with_title_buttons_and_bibtex(built, bib) -> None:
    for key in bib.entries:
        page = soup(built, f"publications/{key}")
        assert page.select_one("section.pub-paper pre") is not None, key
        assert "@" in page.select_one("#bibtex pre").get_text()
    page = soup(built, "publications/zhou2024jiuzhang3")
    assert page.select_one("h1").get_text().startswith("JiuZhang3.0: Efficiently Improving LLMs with")
    assert [a.get_text() for a in page.select("a.pub-link")] == ["PDF", "arXiv", "Code"]
    assert page.select_one("#abstract p").get_text() == "We train small models to synthesise data."


def test_paper_pages_carry_google_scholar_meta_tags(built) -> None:
    page = soup(built, "publications/zhou2024jiuzhang3")
    meta: dict[str, list[str]] = {}
    for tag in page.select("meta[name^=citation_]"):
        meta.setdefault(tag["name"], []).append(tag["content"])
    assert meta["citation_title"] == ["JiuZhang3.0: Efficiently Improving LLMs with $O(n^2)$ Data"]
    assert meta["citation_author"] == ["Kun Zhou", "Beichen Zhang", "Wayne Xin Zhao"]
    # Google Scholar: the full date, or the year alone (a month without its day is misread).
    assert meta["citation_publication_date"] == ["2024"]
    assert meta["citation_conference_title"] == ["Advances in Neural Information Processing Systems 37"]
    # The PDF is on arXiv: a button, never citation_pdf_url (Scholar takes only a PDF beside the page).
    assert "citation_pdf_url" not in meta
    description = page.select_one('meta[name="description"]')["content"]
    assert description == (
        "JiuZhang3.0: Efficiently Improving LLMs with $O(n^2)$ Data (NeurIPS 2024). "
        "Kun Zhou, Beichen Zhang, Wayne Xin Zhao."
    )
    journal = soup(built, "publications/wang2023journal")
    assert journal.select_one('meta[name="citation_journal_title"]')["content"] == "Journal of Tests"
    assert journal.select_one('meta[name="citation_firstpage"]')["content"] == "1"
    assert journal.select_one('meta[name="citation_lastpage"]')["content"] == "20"


def test_cited_on_links_back_to_each_citing_page_once(built) -> None:
    page = soup(built, "publications/zhou2024jiuzhang3")
    links = page.select("#cited-on a.reference")
    assert [a.get_text() for a in links] == ["Research"]
    target, anchor = urldefrag(links[0]["href"])
    assert target == "../research.html"
    research = soup(built, "research")
    assert research.find(id=anchor).select_one("a")["href"] == "publications/index.html#zhou2024jiuzhang3"
    uncited = soup(built, "publications/zhou2024diffusion")
    assert (
        uncited.select_one("#cited-on")
        .get_text(" ", strip=True)
        .endswith("No page of this site cites it yet.")
    )


# -- Inline citations ---------------------------------------------------------------------------


def test_inline_citations_link_to_the_entry_with_a_preview(built) -> None:
    research = soup(built, "research")
    links = [(a.get_text(), a["href"], a["title"]) for a in research.select("span.bibtex-citation a")]
    assert links == [
        (
            "NeurIPS 2024",
            "publications/index.html#zhou2024jiuzhang3",
            "JiuZhang3.0: Efficiently Improving LLMs with O(n^2) Data — NeurIPS 2024",
        ),
        (
            "EMNLP 2023",
            "publications/index.html#li2023evaluating",
            "Evaluating Object Hallucination in Large Vision-Language Models — EMNLP 2023",
        ),
        (
            "Müller 2019",
            "publications/index.html#mueller2019noise",
            "Noise Is All You Need — arXiv preprint arXiv:1901.00001, 2019",
        ),
        (
            "NeurIPS 2024",
            "publications/index.html#zhou2024jiuzhang3",
            "JiuZhang3.0: Efficiently Improving LLMs with O(n^2) Data — NeurIPS 2024",
        ),
    ]
    publications = soup(built, "publications/index")
    for _, href, _ in links:
        assert publications.find(id=urldefrag(href)[1]) is not None


# -- Keys that cannot be pages ------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="paper-keys", freshenv=True)
def test_keys_that_cannot_name_a_file_get_a_safe_page_and_a_clash_is_reported(app) -> None:
    from portfolio.bib.vocabulary import page_name

    app.build()
    warnings = warnings_of(app)
    assert len(warnings) == 1, warnings
    assert re.search(
        r"refs\.bib:13: WARNING: key 'index' would overwrite publications/index\.md", warnings[0]
    )
    # Nothing is lost: every entry is listed, the odd key with a page of a safe name, and the page is intact.
    page = soup(app, "publications/index")
    titles = {
        item.select_one(".pub-title").get_text(): item.select_one(".pub-title a")
        for item in page.select("li.pub-entry")
    }
    assert set(titles) == {"A Good Key", "A Key With a Colon and a Slash", "A Key That Is Also a Page"}
    assert titles["A Good Key"]["href"] == "good2024.html"
    odd = page_name("zhou:2024/odd")
    assert re.fullmatch(r"zhou-2024-odd-[0-9a-f]{8}", odd)
    assert titles["A Key With a Colon and a Slash"]["href"] == f"{odd}.html"
    assert (app.outdir / "publications" / f"{odd}.html").is_file()
    assert titles["A Key That Is Also a Page"] is None
    assert (app.srcdir / "publications" / "index.md").read_text(encoding="utf-8").startswith("# Publications")
    assert (app.outdir / "publications" / "good2024.html").is_file()


def test_a_hostile_entry_is_inert_on_every_path(built) -> None:
    """Quotes, </script>, a javascript: URL and a control character, through HTML text, attributes, meta tags,
    the BibTeX block, the CSL-JSON and BibTeX downloads and the paper page."""
    shown = '<script>alert("x")</script> Injection'
    paper_html = (built.outdir / "publications" / "evil2022script.html").read_text(encoding="utf-8")
    list_html = (built.outdir / "publications" / "index.html").read_text(encoding="utf-8")
    for html in (paper_html, list_html):
        assert "\x07" not in html
        assert "<script>alert" not in html
        assert "javascript:" not in html
    paper = BeautifulSoup(paper_html, "html.parser")
    assert paper.select_one("h1").get_text().rstrip("¶") == shown
    assert paper.select_one('meta[name="citation_title"]')["content"] == shown
    assert paper.select_one("title").get_text().startswith(shown)
    assert [script.get("src") for script in paper.select("script") if not script.get("src")] == [None] * len(
        [script for script in paper.select("script") if not script.get("src")]
    )
    # Scripts that run carry nothing of the entry (the JSON-LD data block is checked in test_seo.py).
    runnable = [script for script in paper.select("script") if script.get("type") != "application/ld+json"]
    assert all("alert" not in script.get_text() for script in runnable)
    assert paper.select_one("#bibtex pre").get_text().splitlines()[1] == f"  title = {{{shown}}},"
    items = json.loads((built.outdir / "publications" / "all.json").read_text(encoding="utf-8"))
    assert next(item for item in items if item["id"] == "evil2022script")["title"] == shown
    exported = parse_file(built.outdir / "publications" / "all.bib").entries["evil2022script"]
    assert exported.fields["title"] == shown
    assert (
        "url" not in {name.lower() for name in exported.fields} or "javascript" not in exported.fields["url"]
    )
