"""The pybtex style on plain Entry objects, without Sphinx."""

from __future__ import annotations

import pytest
from pybtex.database import Entry, Person, parse_string

from portfolio.bibstyle import (
    NewestFirstSortingStyle,
    PortfolioStyle,
    VenueLabelStyle,
    entry_month,
    paper_links,
    register_plugins,
)


def make_entry(
    entry_type: str = "inproceedings", authors: str = "Kun Zhou and Wayne Xin Zhao", **fields: str
):
    fields.setdefault("title", "A Title")
    fields.setdefault("year", "2024")
    entry = Entry(entry_type, fields=fields)
    for name in authors.split(" and "):
        entry.add_person(Person(name), "author")
    return entry


def render(entry: Entry, owner_names: tuple[str, ...] = ("Kun Zhou",), backend: str = "html") -> str:
    """The formatted entry, with pybtex's non-breaking spaces between name parts made plain."""
    style = PortfolioStyle()
    style.owner_names = owner_names
    text = style.format_entry("label", entry).text.render_as(backend)
    return text.replace("&nbsp;", " ").replace("\u00a0", " ")


def test_title_keeps_its_case() -> None:
    text = render(make_entry(title="JiuZhang3.0 and S3-Rec: LLMs for {Math}"), backend="text")
    assert text.startswith("JiuZhang3.0 and S3-Rec: LLMs for Math.")


@pytest.mark.parametrize("variant", ["Kun Zhou", "Zhou, Kun", "K. Zhou"])
def test_owner_is_bold_under_each_configured_variant(variant: str) -> None:
    entry = make_entry(authors=f"Yifan Li and {variant} and Wayne Xin Zhao")
    html = render(entry, owner_names=("Kun Zhou", "K. Zhou"))
    shown = "K. Zhou" if variant == "K. Zhou" else "Kun Zhou"
    assert f"<strong>{shown}</strong>" in html
    assert html.count("<strong>") == 1


def test_other_authors_are_not_bold_and_order_is_kept() -> None:
    html = render(make_entry(authors="Yifan Li and Yifan Du and Kun Zhou"))
    assert html.index("Yifan Li") < html.index("Yifan Du") < html.index("<strong>Kun Zhou</strong>")
    assert "<strong>Yifan" not in html


def test_and_others_renders_as_et_al() -> None:
    html = render(make_entry(authors="Kun Zhou and Yifan Li and others"))
    assert "<strong>Kun Zhou</strong>, Yifan Li et al." in html
    assert "others" not in html


def test_latex_accents_and_escapes_become_unicode() -> None:
    entry = make_entry(
        authors='J{\\"o}rg M{\\"u}ller and Kun Zhou', title="Caf\\'e \\& Co -- a {\\\"U}bersicht"
    )
    text = render(entry, backend="text")
    assert "Jörg Müller" in text
    assert "Café & Co – a Übersicht" in text


def test_html_in_fields_is_escaped() -> None:
    html = render(make_entry(title="<script>alert(1)</script>"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_venue_pages_year_and_award() -> None:
    entry = make_entry(
        booktitle="Proceedings of EACL", pages="1666--1678", award="Evaluation and Model Insight Award"
    )
    html = render(entry)
    assert "Proceedings of EACL, 1666–1678, 2024." in html
    assert "Award: <strong>Evaluation and Model Insight Award</strong>." in html


def test_links_prefer_the_published_pdf_and_list_each_url_once() -> None:
    entry = make_entry(
        eprint="2401.06081",
        anthology="2024.findings-acl.338",
        doi="10.18653/v1/2024.findings-acl.338",
        url="https://aclanthology.org/2024.findings-acl.338/",
        code="https://github.com/RUCAIBox/RLMEC",
    )
    assert paper_links(entry) == [
        ("PDF", "https://aclanthology.org/2024.findings-acl.338.pdf"),
        ("arXiv", "https://arxiv.org/abs/2401.06081"),
        ("DOI", "https://doi.org/10.18653/v1/2024.findings-acl.338"),
        ("ACL Anthology", "https://aclanthology.org/2024.findings-acl.338/"),
        ("Code", "https://github.com/RUCAIBox/RLMEC"),
    ]


def test_arxiv_only_entry_links_the_arxiv_pdf_and_an_other_url_comes_first() -> None:
    entry = make_entry(eprint="2405.14365", url="https://proceedings.neurips.cc/paper/x.html")
    assert paper_links(entry) == [
        ("Paper", "https://proceedings.neurips.cc/paper/x.html"),
        ("PDF", "https://arxiv.org/pdf/2405.14365"),
        ("arXiv", "https://arxiv.org/abs/2405.14365"),
    ]


def test_openreview_link() -> None:
    assert paper_links(make_entry(openreview="abc123")) == [
        ("OpenReview", "https://openreview.net/forum?id=abc123")
    ]


def test_links_render_as_anchors() -> None:
    html = render(make_entry(eprint="2405.14365"))
    assert (
        '<a href="https://arxiv.org/pdf/2405.14365">PDF</a> · <a href="https://arxiv.org/abs/2405.14365">arXiv</a>'
        in html
    )


def test_label_is_the_venue_badge_with_a_fallback() -> None:
    entries = [
        make_entry(venue_short="NeurIPS 2024"),
        make_entry(authors='J{\\"o}rg M{\\"u}ller', year="2019"),
    ]
    assert list(VenueLabelStyle().format_labels(entries)) == ["NeurIPS 2024", "Müller 2019"]


@pytest.mark.parametrize(
    ("raw", "month"), [("August", 8), ("aug", 8), ("8", 8), ("Sept.", 9), ("", 0), ("13", 0)]
)
def test_month_parsing(raw: str, month: int) -> None:
    assert entry_month(make_entry(month=raw)) == month


def test_sorting_is_newest_first_then_month_then_title() -> None:
    bib = parse_string(
        """
        @misc{old, title={Z}, year={2019}}
        @misc{nomonth, title={A}, year={2024}}
        @misc{aug, title={B}, year={2024}, month=aug}
        @misc{nov, title={C}, year={2024}, month=nov}
        @misc{aug2, title={A}, year={2024}, month=aug}
        @misc{new, title={Q}, year={2025}}
        """,
        "bibtex",
    )
    keys = [entry.key for entry in NewestFirstSortingStyle().sort(bib.entries.values())]
    assert keys == ["new", "nov", "aug2", "aug", "nomonth", "old"]


def test_plugins_are_registered_under_one_name() -> None:
    import pybtex.plugin

    register_plugins()
    register_plugins()  # idempotent
    assert pybtex.plugin.find_plugin("pybtex.style.formatting", "portfolio") is PortfolioStyle
    assert pybtex.plugin.find_plugin("pybtex.style.labels", "portfolio") is VenueLabelStyle
    assert pybtex.plugin.find_plugin("pybtex.style.sorting", "portfolio") is NewestFirstSortingStyle
