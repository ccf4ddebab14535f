"""The pybtex style on plain Entry objects, without Sphinx."""

from __future__ import annotations

import pytest
from pybtex.database import Entry, Person, parse_string

from portfolio.bib.model import marks_used, paper_links, publication_kind
from portfolio.bib.style import (
    NewestFirstSortingStyle,
    PortfolioStyle,
    PreviewStyle,
    VenueLabelStyle,
    register_plugins,
)
from portfolio.bib.text import entry_month


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


# -- Marks, truncation, math, previews, kinds ---------------------------------------------------


def authors_html(entry: Entry, truncate: bool = False, limit: int = 8) -> str:
    style = PortfolioStyle()
    style.author_limit = limit
    return style.format_authors(entry, truncate=truncate).render_as("html").replace("&nbsp;", " ")


def test_equal_contribution_and_corresponding_marks_come_from_their_own_fields() -> None:
    entry = make_entry(
        authors="Zikang Liu and Kun Zhou and Wayne Xin Zhao",
        equal_contribution="Zikang Liu and Zhou, Kun",
        corresponding="Wayne Xin Zhao and Kun Zhou",
    )
    assert authors_html(entry) == (
        "Zikang Liu<sup>*</sup>, <strong>Kun Zhou</strong><sup>*†</sup>, and Wayne Xin Zhao<sup>†</sup>"
    )
    assert marks_used(entry) == {"*", "†"}
    assert marks_used(make_entry()) == set()


def test_marks_are_not_part_of_the_names() -> None:
    entry = make_entry(authors="Kun Zhou and Yifan Li", equal_contribution="Kun Zhou and Yifan Li")
    assert [str(person) for person in entry.persons["author"]] == ["Zhou, Kun", "Li, Yifan"]
    assert "Kun Zhou* and Yifan Li*." in render(entry, backend="text")


def test_long_author_lists_hide_all_but_the_first_and_the_owner() -> None:
    names = [f"Author {letter}" for letter in "ABCDEFGHIJ"]
    names.insert(9, "Kun Zhou")
    entry = make_entry(authors=" and ".join(names))
    html = authors_html(entry, truncate=True, limit=3)
    assert html == (
        "Author A, Author B, Author C"
        "<author-hidden>, Author D, Author E, Author F, Author G, Author H, Author I</author-hidden>"
        ", <strong>Kun Zhou</strong><author-hidden>, Author J</author-hidden>"
    )
    # Without truncation, within the limit, or with only one name to hide, every author shows.
    assert "<author-hidden>" not in authors_html(entry, truncate=False, limit=3)
    assert "<author-hidden>" not in authors_html(entry, truncate=True, limit=11)
    assert "<author-hidden>" not in authors_html(entry, truncate=True, limit=9)
    assert "<author-hidden>" in authors_html(entry, truncate=True, limit=8)


def test_a_truncated_list_that_ends_in_others_still_reads_et_al() -> None:
    entry = make_entry(authors="A One and B Two and C Three and Kun Zhou and others")
    html = authors_html(entry, truncate=True, limit=1)
    assert html == "A One<author-hidden>, B Two, C Three</author-hidden>, <strong>Kun Zhou</strong> et al."


def test_inline_math_survives_as_tex_in_a_math_tag() -> None:
    entry = make_entry(title="Scaling $O(n^2)$ Attention to {$\\ell_1$} Norms and 50\\% \\$ Savings")
    title = PortfolioStyle().format_title(entry)
    assert title.render_as("html") == (
        "Scaling <math>O(n^2)</math> Attention to <math>\\ell_1</math> Norms and 50% $ Savings"
    )


def test_chinese_names_and_titles_render() -> None:
    entry = make_entry(authors="周昆 and 赵鑫", title="大语言模型")
    assert render(entry, backend="text").startswith("大语言模型. 周昆 and 赵鑫.")


def test_preview_is_title_then_venue_badge_or_venue_and_year() -> None:
    preview = PreviewStyle()
    badge = make_entry(title="Paper {LLMs}", venue_short="NeurIPS 2024", booktitle="Advances")
    plain = make_entry(title="Paper", booktitle="Proceedings of Tests", year="2019")
    assert preview.format_entry("x", badge).text.render_as("text") == "Paper LLMs — NeurIPS 2024"
    assert preview.format_entry("x", plain).text.render_as("text") == "Paper — Proceedings of Tests, 2019"


@pytest.mark.parametrize(
    ("entry_type", "fields", "kind"),
    [
        ("inproceedings", {"booktitle": "ACL"}, "conference"),
        ("article", {"journal": "TOIS"}, "journal"),
        ("article", {"journal": "arXiv preprint arXiv:2303.18223"}, "preprint"),
        ("article", {"journal": "CoRR"}, "preprint"),
        ("misc", {"howpublished": "arXiv"}, "preprint"),
        ("book", {"publisher": "Press"}, "other"),
    ],
)
def test_publication_kind(entry_type: str, fields: dict[str, str], kind: str) -> None:
    assert publication_kind(make_entry(entry_type, **fields)) == kind


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>",
        "ftp://x",
        "//evil",
        "http://a b",
    ],
)
def test_only_http_urls_become_buttons(url: str) -> None:
    assert paper_links(make_entry(url=url, code=url, project=url)) == []


def test_presentation_fields_become_buttons_in_a_fixed_order() -> None:
    entry = make_entry(
        pdf="https://example.org/p.pdf",
        video="https://example.org/v",
        slides="https://example.org/s",
        project="https://example.org/project",
        code="https://github.com/x/y",
    )
    assert [label for label, _ in paper_links(entry)] == ["PDF", "Code", "Project", "Slides", "Video"]


def test_literal_text_skips_latex_decoding_without_changing_the_result() -> None:
    import random

    from pybtex.richtext import Text

    from portfolio.bib.text import LIGATURES, LITERAL_TEXT, PLAIN_TEXT, latex_to_plain

    rng = random.Random(5)
    alphabet = "abcXYZ019.,;:()!?/+=<>*@|\"[]-' `~ "
    checked = 0
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        if LITERAL_TEXT.fullmatch(text) and not any(ligature in text for ligature in LIGATURES):
            assert latex_to_plain(text) == Text.from_latex(text).render(PLAIN_TEXT), text
            checked += 1
    assert checked > 500
    # What must still be decoded is.
    assert latex_to_plain("a -- b") == "a – b"
    assert latex_to_plain('M{\\"u}ller and  Co') == "Müller and Co"
    assert latex_to_plain(" leading") == "leading"


def test_the_fingerprint_tells_entries_apart_by_key_and_by_content() -> None:
    from portfolio.bib.cache import entry_fingerprint

    def entry(key: str, title: str) -> Entry:
        made = Entry(
            "article", fields={"title": title, "year": "2024"}, persons={"author": [Person("Kun Zhou")]}
        )
        made.key = key
        return made

    assert entry_fingerprint(entry("a2024", "T")) == entry_fingerprint(entry("a2024", "T"))
    assert entry_fingerprint(entry("b2024", "T")) != entry_fingerprint(entry("a2024", "T"))
    assert entry_fingerprint(entry("a2024", "U")) != entry_fingerprint(entry("a2024", "T"))
