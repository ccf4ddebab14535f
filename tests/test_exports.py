"""The BibTeX and CSL-JSON writers on plain pybtex entries, without Sphinx."""

from __future__ import annotations

from pybtex.database import parse_string

from portfolio.bib.export import bibliography_bibtex, csl_item, format_bibtex

SOURCE = r"""
@inproceedings{zhou2024jiuzhang3,
  title = {{JiuZhang3.0}: Efficiently Improving {LLMs}},
  author = {Kun Zhou and van der Berg, Jan and M{\"u}ller, Jr., Hans},
  booktitle = {Advances in Neural Information Processing Systems 37},
  pages = {1--20},
  year = {2024},
  month = dec,
  eprint = {2405.14365},
  archiveprefix = {arXiv},
  venue_short = {NeurIPS 2024},
  code = {https://github.com/RUCAIBox/JiuZhang3.0},
  selected = {true},
  equal_contribution = {Kun Zhou and Jan van der Berg},
}
@article{survey,
  title = {A Survey},
  author = {Wayne Xin Zhao and others},
  journal = {arXiv preprint arXiv:2303.18223},
  year = {2023},
}
"""


def entries():
    return parse_string(SOURCE, "bibtex").entries


def test_bibtex_is_clean_canonical_and_parses_back() -> None:
    entry = entries()["zhou2024jiuzhang3"]
    text = format_bibtex(entry)
    assert text.splitlines()[:3] == [
        "@inproceedings{zhou2024jiuzhang3,",
        "  title = {{JiuZhang3.0}: Efficiently Improving {LLMs}},",
        '  author = {Zhou, Kun and van der Berg, Jan and M{\\"u}ller, Jr., Hans},',
    ]
    assert "  month = dec," in text
    for hidden in ("venue_short", "code", "selected", "equal_contribution"):
        assert hidden not in text
    again = parse_string(text, "bibtex").entries["zhou2024jiuzhang3"]
    assert [str(person) for person in again.persons["author"]] == [
        str(person) for person in entry.persons["author"]
    ]
    assert again.fields["title"] == entry.fields["title"]
    assert again.fields["month"] == "December"


def test_whole_bibliography_round_trips() -> None:
    original = entries()
    parsed = parse_string(bibliography_bibtex(original.values()), "bibtex").entries
    assert list(parsed) == list(original)


def test_csl_item_of_a_conference_paper() -> None:
    item = csl_item(entries()["zhou2024jiuzhang3"])
    assert item == {
        "id": "zhou2024jiuzhang3",
        "type": "paper-conference",
        "title": "JiuZhang3.0: Efficiently Improving LLMs",
        "author": [
            {"family": "Zhou", "given": "Kun"},
            {"family": "van der Berg", "given": "Jan"},
            {"family": "Müller", "given": "Hans", "suffix": "Jr."},
        ],
        "issued": {"date-parts": [[2024, 12]]},
        "container-title": "Advances in Neural Information Processing Systems 37",
        "page": "1-20",
        "note": "arXiv:2405.14365",
        "URL": "https://arxiv.org/abs/2405.14365",
    }


def test_csl_item_of_an_arxiv_article_drops_others_and_is_a_preprint() -> None:
    item = csl_item(entries()["survey"])
    assert item["type"] == "article"
    assert item["author"] == [{"family": "Zhao", "given": "Wayne Xin"}]
    assert item["issued"] == {"date-parts": [[2023]]}


GROUP_ENTRY = """
@misc{xiang2025pan,
  title         = {PAN: A World Model},
  author        = {{PAN Team Institute of Foundation Models} and Jiannan Xiang and Kun Zhou},
  howpublished  = {arXiv preprint arXiv:2511.09057},
  year          = {2025},
  month         = nov,
  date          = {2025-11-12},
  eprint        = {2511.09057},
  archiveprefix = {arXiv},
  code          = {https://github.com/example/pan},
}
"""


def test_a_group_author_is_one_literal_name_and_the_day_is_kept() -> None:
    entry = parse_string(GROUP_ENTRY, "bibtex").entries["xiang2025pan"]
    item = csl_item(entry)
    assert item["author"][0] == {"literal": "PAN Team Institute of Foundation Models"}
    assert item["author"][1] == {"family": "Xiang", "given": "Jiannan"}
    assert item["issued"] == {"date-parts": [[2025, 11, 12]]}
    assert "{PAN Team Institute of Foundation Models} and" in format_bibtex(entry)


def test_scholar_dates_are_a_full_date_or_the_year_alone() -> None:
    from portfolio.bib.meta import highwire_tags, scholarly_article
    from portfolio.bib.model import paper_of

    day = paper_of(parse_string(GROUP_ENTRY, "bibtex").entries["xiang2025pan"])
    month_only = paper_of(
        parse_string(GROUP_ENTRY.replace("  date          = {2025-11-12},\n", ""), "bibtex").entries[
            "xiang2025pan"
        ]
    )
    assert dict(highwire_tags(day))["citation_publication_date"] == "2025/11/12"
    assert dict(highwire_tags(month_only))["citation_publication_date"] == "2025"
    assert scholarly_article(month_only, "")["datePublished"] == "2025-11"
    # An off-site PDF (arXiv's) never becomes citation_pdf_url; a hosted one does.
    assert "citation_pdf_url" not in dict(highwire_tags(day))
    assert dict(highwire_tags(day, "https://site/p/x.pdf"))["citation_pdf_url"] == "https://site/p/x.pdf"
    article = scholarly_article(day, "https://site/p/x.html", owner=["Zhou, Kun"], owner_url="https://site/")
    assert article["sameAs"] == ["https://arxiv.org/abs/2511.09057"]  # not the code repository
    assert article["author"][0] == {
        "@type": "Organization",
        "name": "PAN Team Institute of Foundation Models",
    }
    assert article["author"][2] == {"@type": "Person", "name": "Kun Zhou", "url": "https://site/"}
    assert "isPartOf" not in article  # "arXiv preprint arXiv:..." is no venue


def test_an_entry_dates_from_its_newest_committed_line_and_a_shallow_clone_dates_nothing(tmp_path) -> None:
    import os
    import subprocess

    from portfolio.bib.history import entry_times

    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args: str, cwd=repo, when: str = "") -> None:
        env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else None
        subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)

    git("init", "-q")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "T")
    bib = repo / "refs.bib"
    bib.write_text("@misc{a2020x,\n  title = {A},\n}\n\n@misc{b2021y,\n  title = {B},\n}\n", encoding="utf-8")
    git("add", "refs.bib")
    git("commit", "-qm", "one", when="2020-01-02T00:00:00Z")
    bib.write_text(bib.read_text().replace("{B}", "{B2}"), encoding="utf-8")
    git("commit", "-qam", "two", when="2021-03-04T00:00:00Z")
    times = entry_times(bib, bib.read_text())
    assert times == {"a2020x": 1577923200, "b2021y": 1614816000}
    bib.write_text(bib.read_text().replace("{A}", "{A2}"), encoding="utf-8")  # not committed
    assert entry_times(bib, bib.read_text())["a2020x"] == 1577923200
    shallow = tmp_path / "shallow"
    git("clone", "-q", "--depth", "1", f"file://{repo}", str(shallow), cwd=tmp_path)
    copy = shallow / "refs.bib"
    assert entry_times(copy, copy.read_text()) == {}
