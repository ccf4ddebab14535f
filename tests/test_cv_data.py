"""The CV data's pure core without Sphinx: reading cv.yaml (kinds, dates, problems by line), the inline
text (citations, links, HTML), the page's Markdown and the math of titles in the PDFs."""

from __future__ import annotations

import textwrap

import pytest

from portfolio.cv.data import Date, read_cv
from portfolio.cv.inline import plain, problems_of, to_myst, to_spans
from portfolio.cv.mathtext import text_spans
from portfolio.cv.page import sections_markdown


def cv_of(body: str):
    return read_cv("cv:\n  name: Kun Zhou\n  sections:\n" + textwrap.indent(textwrap.dedent(body), "    "))


def test_entry_kinds_are_told_by_their_keys_as_rendercv_tells_them() -> None:
    cv, problems = cv_of(
        """
        Education:
          - {institution: Peking University, area: Software Engineering, degree: M.S., end_date: 2020}
        Experiences:
          - {company: MSRA, position: Research Intern, start_date: 2022-04, end_date: present}
        Honors:
          - name: National Scholarship
        Skills:
          - {label: Languages, details: Python}
        Service:
          - bullet: Reviewer
        Statement:
          - A plain text entry.
        Papers:
          - {title: A Paper, authors: [A, B], journal: ACL, date: 2024-05}
        """
    )
    assert problems == []
    assert [(section.title, section.kind) for section in cv.sections] == [
        ("Education", "education"),
        ("Experiences", "experience"),
        ("Honors", "normal"),
        ("Skills", "one_line"),
        ("Service", "bullet"),
        ("Statement", "text"),
        ("Papers", "publication"),
    ]
    experience = cv.sections[1].entries[0]
    assert experience.dates["start_date"] == Date(2022, 4)
    assert experience.dates["end_date"].present
    assert experience.span() == "2022.4 -- present"
    assert experience.span("written") == "Apr 2022 – Present"
    assert cv.sections[0].entries[0].span() == "2020"


def test_the_person_keeps_rendercv_keys_and_ours() -> None:
    cv, problems = read_cv(
        "cv:\n  name: Kun Zhou\n  native_name: 周昆\n  email: a@b.org\n"
        "  social_networks:\n    - {network: GitHub, username: example}\n    - {network: ORCID}\n"
    )
    assert (cv.person.name, cv.person.native_name, cv.person.email) == ("Kun Zhou", "周昆", "a@b.org")
    assert cv.person.social == (("GitHub", "example"),)
    assert [(problem.line, problem.message) for problem in problems] == [
        (7, "a social network needs 'network:' and 'username:'")
    ]


@pytest.mark.parametrize(
    ("entry", "line", "message"),
    [
        ("- {company: X, position: Y, start_date: 2022.4}", 5, "start_date '2022.4' is not a date"),
        ("- {company: X, position: Y, end_date: 2022-13}", 5, "end_date '2022-13' is not a date"),
        ("- {company: X, position: Y, end_date: soon}", 5, "(or present)"),
        ("- {company: X, position: Y, start_date: 2023, end_date: 2022}", 5, "is before start_date"),
        ("- {nickname: X}", 5, "unknown entry kind (keys: nickname)"),
        ("- {company: X}", 5, "an experience entry needs position"),
        ("- {name: X, highlights: [{a: b}]}", 5, "highlights: write a list of texts"),
        ("- {name: [X, Y]}", 5, "a normal entry needs name"),
    ],
)
def test_a_bad_entry_is_a_problem_at_its_line(entry: str, line: int, message: str) -> None:
    cv, problems = cv_of(f"Section:\n  {entry}\nOther:\n  - name: A good entry\n")
    assert len(problems) == 1, problems
    assert problems[0].line == line
    assert message in problems[0].message
    # The rest of the CV is kept, and an entry with a bad date keeps everything but that date.
    assert cv.sections[-1].entries[0].get("name") == "A good entry"
    if "date" in message:
        assert cv.sections[0].entries[0].get("position") == "Y"


def test_a_section_of_mixed_kinds_keeps_the_first_kind() -> None:
    cv, problems = cv_of("Honors:\n  - name: One\n  - bullet: Two\n  - name: Three\n")
    assert [entry.get("name") for entry in cv.sections[0].entries] == ["One", "Three"]
    assert problems[0].line == 6
    assert "a bullet entry among normal entries" in problems[0].message


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, None),
        ("cv: [\n", 2, "not valid YAML"),
        ("- a\n- b\n", 1, "the file must be a mapping"),
        ("design: {}\n", 1, "no 'cv:' mapping"),
        ("cv:\n  email: a@b.org\n", 2, "cv: has no 'name:'"),
        ("cv:\n  name: X\n  sections: [a]\n", 3, "sections: must map"),
        ("cv:\n  name: X\n  sections:\n    Empty: []\n", 4, "section 'Empty' has no entry"),
        ("cv:\n  name: X\n\x07", 3, "character U+0007 is not allowed"),
    ],
)
def test_a_file_that_is_no_cv_is_one_problem_never_an_exception(text, line, message) -> None:
    cv, problems = read_cv(text)
    if message is None:
        assert cv is None
        assert [problem.message for problem in problems] == ["the file must be a mapping with a 'cv:' key"]
        return
    assert [problem.line for problem in problems] == [line]
    assert message in problems[0].message


def test_citations_become_roles_for_the_page_and_spans_for_the_pdf() -> None:
    known = {"zhou2024a", "zhou2024b"}.__contains__
    text = (
        "Award for **Diffusion-NAT** [@zhou2024a], and [more](https://example.org) [@zhou2024a; @zhou2024b]"
    )
    assert to_myst(text, known) == (
        "Award for **Diffusion-NAT** {cite:p}`zhou2024a`, and [more](https://example.org) "
        "{cite:p}`zhou2024a,zhou2024b`"
    )
    spans = to_spans(text, known)
    assert [(span.text, span.bold, span.url, span.cite) for span in spans] == [
        ("Award for ", False, "", ()),
        ("Diffusion-NAT", True, "", ()),
        (" ", False, "", ()),
        ("", False, "", ("zhou2024a",)),
        (", and ", False, "", ()),
        ("more", False, "https://example.org", ()),
        (" ", False, "", ()),
        ("", False, "", ("zhou2024a", "zhou2024b")),
    ]
    assert plain(text) == "Award for Diffusion-NAT , and more"


def test_untrusted_text_is_reported_and_defused() -> None:
    known = {"real"}.__contains__
    text = "See [this](javascript:alert(1)) <script>x</script> for [@ghost] and [@real]."
    assert problems_of(text, known) == [
        "[@ghost] cites no entry of refs.bib",
        "raw HTML '<script>' is shown as text",
        "raw HTML '</script>' is shown as text",
        "link 'javascript:alert(1' is left out: only http(s) and mailto links",
    ]
    myst = to_myst(text, known)
    assert "javascript:" not in myst
    assert "\\<script>" in myst
    assert "ghost" not in myst
    assert myst.endswith("for and {cite:p}`real`.")
    assert all(not span.url for span in to_spans(text, known))


def test_the_page_markdown_labels_sections_and_experiences() -> None:
    cv, _ = cv_of(
        """
        Experiences:
          - {company: "NLC Group, MSRA", position: Research Intern, start_date: 2022-04, end_date: 2023-06,
             mentors: [Yeyun Gong, Nan Duan], highlights: ["Research directions: Dense Retrieval"]}
        Rewards and Honors:
          - name: Award [@known]
            highlights: [Ranked **1st**]
        """
    )
    markdown = sections_markdown(cv, {"Rewards and Honors": "honors"}, {"known"}.__contains__)
    assert markdown.splitlines() == [
        "(experiences)=",
        "## Experiences",
        "",
        "(experience-nlc-group-msra)=",
        "### Research Intern, NLC Group, MSRA",
        "",
        "2022.4 -- 2023.6",
        ": **Mentor:** Yeyun Gong, Nan Duan",
        ": Research directions: Dense Retrieval",
        "",
        "(honors)=",
        "## Rewards and Honors",
        "",
        "- Award {cite:p}`known`",
        "  - Ranked **1st**",
    ]


def test_math_in_a_title_is_set_as_text_with_scripts() -> None:
    spans = text_spans(r"Improving LLMs with $O(n^2)$ Data and $\alpha_i$")
    assert "".join(str(span["text"]) for span in spans) == "Improving LLMs with O(n2) Data and αi"
    assert {"text": "2", "script": "super"} in spans
    assert {"text": "i", "italic": True, "script": "sub"} in spans
    assert text_spans("No math, 50$ only") == [{"text": "No math, 50$ only"}]
