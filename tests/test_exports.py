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
