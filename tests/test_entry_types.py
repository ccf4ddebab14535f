"""Every BibTeX entry type tells the same story everywhere: roots/test-entry-types has one entry of each
type of the vocabulary; the list, the paper page, its Highwire tags and JSON-LD, the CSL-JSON and the
BibTeX downloads agree on its title, authors, year and venue."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import build_in_process, soup, warnings_of
from pybtex.database import parse_file

from portfolio.bib.text import latex_to_plain, plain_name
from portfolio.bib.vocabulary import KNOWN_TYPES, VENUE_FIELDS

ROOT = Path(__file__).parent / "roots" / "test-entry-types"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    source = tmp_path_factory.mktemp("entry-types") / "src"
    shutil.copytree(ROOT, source)
    return build_in_process(source)


def expected(app) -> dict[str, dict]:
    """What the bib file says of each entry, read with pybtex alone."""
    data = parse_file(str(app.srcdir / "refs.bib"))
    facts = {}
    for key, entry in data.entries.items():
        venue_field = VENUE_FIELDS[entry.type][0]
        facts[key] = {
            "type": entry.type,
            "title": latex_to_plain(entry.fields["title"]),
            "authors": [plain_name(person) for person in entry.persons["author"]],
            "year": int(entry.fields["year"]),
            "venue_field": venue_field,
            "venue": latex_to_plain(entry.fields[venue_field]),
        }
    return facts


def test_the_corpus_holds_every_known_type_and_builds_without_warnings(built) -> None:
    assert warnings_of(built) == []
    assert {facts["type"] for facts in expected(built).values()} == KNOWN_TYPES


def test_the_list_shows_each_entrys_venue_title_authors_and_year(built) -> None:
    page = soup(built, "publications/index")
    for key, facts in expected(built).items():
        item = page.select_one(f"li.pub-entry[id='{key}']")
        assert item is not None, key
        assert item.select_one(".pub-title").get_text() == facts["title"]
        # pybtex ties a name's parts with no-break spaces.
        assert item.select_one(".pub-authors").get_text().replace("\xa0", " ") == ", ".join(
            facts["authors"][:-1]
        ) + (f", and {facts['authors'][-1]}")
        venue = item.select_one(".pub-venue").get_text()
        assert venue == f"{facts['venue']}, {facts['year']}", (key, venue)
        assert item.find_parent("section")["id"] == f"year-{facts['year']}"


#: Google Scholar's tag for the venue of each type (by the venue field the entry has); None: Scholar has
#: none (a note, "howpublished" text such as "arXiv preprint arXiv:...").
SCHOLAR_VENUE_TAG = {
    ("article", "journal"): "citation_journal_title",
    ("book", "publisher"): "citation_publisher",
    ("booklet", "howpublished"): None,
    ("booklet", "organization"): "citation_publisher",
    ("conference", "booktitle"): "citation_conference_title",
    ("inbook", "booktitle"): "citation_inbook_title",
    ("incollection", "booktitle"): "citation_inbook_title",
    ("inproceedings", "booktitle"): "citation_conference_title",
    ("manual", "organization"): "citation_publisher",
    ("manual", "publisher"): "citation_publisher",
    ("mastersthesis", "school"): "citation_dissertation_institution",
    ("misc", "howpublished"): None,
    ("misc", "journal"): "citation_journal_title",
    ("phdthesis", "school"): "citation_dissertation_institution",
    ("proceedings", "publisher"): "citation_publisher",
    ("proceedings", "organization"): "citation_publisher",
    ("techreport", "institution"): "citation_technical_report_institution",
    ("unpublished", "note"): None,
}
ALL_VENUE_TAGS = {tag for tag in SCHOLAR_VENUE_TAG.values() if tag}


def test_paper_pages_highwire_tags_and_json_ld_agree(built) -> None:
    for key, facts in expected(built).items():
        page = BeautifulSoup(
            (built.outdir / "publications" / f"{key}.html").read_text(encoding="utf-8"), "html.parser"
        )
        tags: dict[str, list[str]] = {}
        for meta in page.select("meta[name^=citation_]"):
            tags.setdefault(meta["name"], []).append(meta["content"])
        assert tags["citation_title"] == [facts["title"]]
        assert tags["citation_author"] == facts["authors"]
        assert tags["citation_publication_date"] == [str(facts["year"])]
        venue_tag = SCHOLAR_VENUE_TAG[facts["type"], facts["venue_field"]]
        venue_tags = {name for name in tags if name in ALL_VENUE_TAGS}
        assert venue_tags == ({venue_tag} if venue_tag else set()), (key, tags)
        if venue_tag:
            assert tags[venue_tag] == [facts["venue"]], (key, tags)
        assert page.select_one("h1").get_text().rstrip("¶") == facts["title"]
        assert facts["venue"] in page.select_one(".pub-venue").get_text()
        [script] = page.select('script[type="application/ld+json"]')
        data = json.loads(script.string)
        assert data["name"] == facts["title"]
        assert [author["name"] for author in data["author"]] == facts["authors"]
        assert data["datePublished"] == str(facts["year"])
        venue = data.get("isPartOf", {}).get("name") or data.get("publisher", {}).get("name")
        assert venue == (facts["venue"] if venue_tag else None), (key, data)


def test_the_csl_json_and_bibtex_downloads_agree(built) -> None:
    items = {
        item["id"]: item for item in json.loads((built.outdir / "publications" / "all.json").read_text())
    }
    downloaded = parse_file(str(built.outdir / "publications" / "all.bib")).entries
    for key, facts in expected(built).items():
        item = items[key]
        assert item["title"] == facts["title"]
        assert [f"{name.get('given', '')} {name['family']}".strip() for name in item["author"]] == facts[
            "authors"
        ]
        assert item["issued"]["date-parts"] == [[facts["year"]]]
        assert facts["venue"] in (item.get("container-title"), item.get("publisher")), (key, item)
        entry = downloaded[key]
        assert entry.type == facts["type"]
        assert latex_to_plain(entry.fields["title"]) == facts["title"]
        assert [plain_name(person) for person in entry.persons["author"]] == facts["authors"]
        assert int(entry.fields["year"]) == facts["year"]
        assert latex_to_plain(entry.fields[facts["venue_field"]]) == facts["venue"]
