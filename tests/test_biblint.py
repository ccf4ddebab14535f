"""Each mistake a pasted BibTeX entry can carry is caught with the file, the line and the fix; the other
entries are still read. Unit tests of portfolio.bib.check on text, the command line, and the real build."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from helpers import REPO, build_site
from pybtex.database import BibliographyDataError, parse_file

from portfolio.bib.check import lint_text
from portfolio.bib.cli import main as cli
from portfolio.bib.parse import lenient_parse
from portfolio.bib.scan import scan

OWNER = ("Kun Zhou", "K. Zhou", "Zhou, Kun")
TODAY = dt.date(2026, 11, 29)

GOOD = """\
@inproceedings{zhou2024jiuzhang3,
  title         = {JiuZhang3.0: Efficiently Improving Mathematical Reasoning},
  author        = {Kun Zhou and Beichen Zhang and Wayne Xin Zhao},
  booktitle     = {Advances in Neural Information Processing Systems 37},
  year          = {2024},
  month         = dec,
  doi           = {10.52202/079017-0125},
  eprint        = {2405.14365},
  archiveprefix = {arXiv},
  url           = {https://arxiv.org/abs/2405.14365?x=50%25},
  code          = {https://github.com/RUCAIBox/JiuZhang3.0},
  equal_contribution = {Kun Zhou and Beichen Zhang},
  selected      = {true},
}

@article{li2023evaluating,
  title         = {Evaluating Object Hallucination in Large Vision-Language Models at 50\\% Cost},
  author        = {Yifan Li and {周昆} and Zhou, Kun},
  journal       = {Transactions of Tests},
  year          = {2023},
}
"""


def lint(text: str) -> list[tuple[int, str, str]]:
    return [
        (problem.line, problem.subtype, problem.message)
        for problem in lint_text(text, Path("refs.bib"), OWNER, TODAY)
    ]


def with_field(name: str, value: str, entry: str = "zhou2024jiuzhang3") -> str:
    """GOOD with one field of one entry replaced (or added before the entry's last line)."""
    start = GOOD.index("{" + entry + ",")
    end = GOOD.index("\n}\n", start)
    body = GOOD[start:end]
    line = re.search(rf"^  {name}\s*=.*$", body, re.MULTILINE)
    new = f"  {name:<13} = {value},"
    body = body.replace(line.group(0), new) if line else body + "\n" + new
    return GOOD[:start] + body + GOOD[end:]


def without_field(name: str, entry: str = "zhou2024jiuzhang3") -> str:
    start = GOOD.index("{" + entry + ",")
    end = GOOD.index("\n}\n", start)
    body = re.sub(rf"^  {name}\s*=.*\n", "", GOOD[start:end] + "\n", flags=re.MULTILINE).rstrip("\n")
    return GOOD[:start] + body + GOOD[end:]


def test_the_good_file_and_the_real_refs_bib_have_no_problem() -> None:
    assert lint(GOOD) == []
    real = (REPO / "refs.bib").read_text(encoding="utf-8")
    assert lint_text(real, Path("refs.bib"), OWNER, TODAY) == []


def test_the_scanner_knows_each_fields_line() -> None:
    entries = scan(GOOD)
    assert [(entry.type, entry.key, entry.line) for entry in entries] == [
        ("inproceedings", "zhou2024jiuzhang3", 1),
        ("article", "li2023evaluating", 16),
    ]
    assert entries[0].fields["year"][0] == 5
    assert entries[0].fields["month"] == (6, "dec")


# Each fault: the text that carries it, and (line, subtype, message) of the one problem it must cause.
FAULTS = {
    "duplicate key": (
        GOOD + "\n@misc{zhou2024jiuzhang3,\n  title = {Another},\n  author = {Kun Zhou},\n  year = {2024},\n"
        "  howpublished = {arXiv},\n}\n",
        23,
        "bib_duplicate_key",
        "duplicate key 'zhou2024jiuzhang3' (first at line 1): pybtex keeps only the first entry and drops "
        "this one; "
        "give this paper its own key",
    ),
    "same DOI under two keys": (
        with_field("doi", "{10.52202/079017-0125}", "li2023evaluating"),
        16,
        "bib_duplicate_paper",
        "'li2023evaluating' is the same paper as 'zhou2024jiuzhang3' (line 1): same DOI; keep one entry",
    ),
    "same arXiv id under two keys": (
        with_field("eprint", "{2405.14365v2}", "li2023evaluating"),
        16,
        "bib_duplicate_paper",
        "'li2023evaluating' is the same paper as 'zhou2024jiuzhang3' (line 1): same arXiv id; keep one entry",
    ),
    "same title under two keys": (
        with_field(
            "title", "{{JiuZhang3.0}: efficiently improving mathematical reasoning.}", "li2023evaluating"
        ),
        16,
        "bib_duplicate_paper",
        "'li2023evaluating' is the same paper as 'zhou2024jiuzhang3' (line 1): same title; keep one entry",
    ),
    "missing title": (
        without_field("title"),
        1,
        "bib_missing_field",
        "'zhou2024jiuzhang3' has no title field",
    ),
    "missing author": (
        without_field("author"),
        1,
        "bib_missing_field",
        "'zhou2024jiuzhang3' has no author field: list the authors, joined by 'and'",
    ),
    "missing year": (without_field("year"), 1, "bib_missing_field", "'zhou2024jiuzhang3' has no year field"),
    "missing venue": (
        without_field("booktitle"),
        1,
        "bib_missing_field",
        "'zhou2024jiuzhang3' (inproceedings) names no venue: add booktitle",
    ),
    "implausible year": (
        with_field("year", "{20245}"),
        5,
        "bib_year",
        "year '20245' of 'zhou2024jiuzhang3' is not a year between 1950 and 2027",
    ),
    "malformed month": (
        with_field("month", "{Decembre}"),
        6,
        "bib_month",
        "month 'Decembre' of 'zhou2024jiuzhang3' is not a month: use jan, feb, ... dec",
    ),
    "malformed date": (
        with_field("date", "{2024-12-32}"),
        14,
        "bib_date",
        "date '2024-12-32' of 'zhou2024jiuzhang3' is not a date: write 2025-11-12 (or 2025-11, or 2025)",
    ),
    "date against year and month": (
        with_field("date", "{2024-11-03}"),
        14,
        "bib_date",
        "date '2024-11-03' of 'zhou2024jiuzhang3' disagrees with its year and month: correct one of them",
    ),
    "DOI pasted as a URL": (
        with_field("doi", "{https://doi.org/10.52202/079017-0125}"),
        7,
        "bib_doi",
        "doi 'https://doi.org/10.52202/079017-0125' of 'zhou2024jiuzhang3' is not a DOI like "
        "10.18653/v1/2024.acl-long.1 (write the DOI itself, without https://doi.org/)",
    ),
    "malformed arXiv id": (
        with_field("eprint", "{arXiv:2405.14365}"),
        8,
        "bib_arxiv",
        "eprint 'arXiv:2405.14365' of 'zhou2024jiuzhang3' is not an arXiv id like 2405.14365",
    ),
    "malformed URL": (
        with_field("code", "{github.com/RUCAIBox/JiuZhang3.0}"),
        11,
        "bib_url",
        "code 'github.com/RUCAIBox/JiuZhang3.0' of 'zhou2024jiuzhang3' is not an http(s) URL",
    ),
    "javascript: URL": (
        with_field("url", "{javascript:alert(1)}"),
        10,
        "bib_unsafe_url",
        "url of 'zhou2024jiuzhang3' is a javascript: URL, which is refused: use an https:// link",
    ),
    "data: URL": (
        with_field("code", "{data:text/html,<script>alert(1)</script>}"),
        11,
        "bib_unsafe_url",
        "code of 'zhou2024jiuzhang3' is a data: URL, which is refused: use an https:// link",
    ),
    "http where https works": (
        with_field("code", "{http://github.com/RUCAIBox/JiuZhang3.0}"),
        11,
        "bib_http",
        "code of 'zhou2024jiuzhang3' uses http:// where https:// works: write https://github.com/RUCAIBox/JiuZhang3.0",
    ),
    "raw percent sign": (
        with_field("title", "{Reasoning with 50% Less Data}"),
        2,
        "bib_percent",
        "a raw % in title of 'zhou2024jiuzhang3' cuts the rest of the field: write \\%",
    ),
    "owner not among the authors": (
        with_field("author", "{Yifan Li and Zhou, Kai}", "li2023evaluating"),
        18,
        "bib_owner",
        "none of the authors of 'li2023evaluating' is the site owner (Kun Zhou, K. Zhou, Zhou, Kun): "
        "check the "
        "author list, or add the spelling used here to portfolio_owner_names",
    ),
    "unknown entry type": (
        GOOD.replace("@inproceedings{", "@inproceeding{"),
        1,
        "bib_type",
        "unknown entry type @inproceeding in 'zhou2024jiuzhang3': use one of article, book, booklet, "
        "conference, inbook, incollection, inproceedings, manual, mastersthesis, misc, phdthesis, "
        "proceedings, techreport, "
        "unpublished",
    ),
    "mark on a name that is not an author": (
        with_field("equal_contribution", "{Kun Zhou and Beichen Zang}"),
        12,
        "bib_marks",
        "equal_contribution of 'zhou2024jiuzhang3' names 'Beichen Zang', who is not among its authors: "
        "spell the "
        "name as in author",
    ),
    "key no file name can carry": (
        GOOD.replace("{zhou2024jiuzhang3,", "{zhou:2024/jiuzhang3,"),
        1,
        "bib_key",
        "key 'zhou:2024/jiuzhang3' has characters a file name or URL cannot hold: "
        "use letters, digits, '_', '-' "
        "and '.'",
    ),
    "control character": (
        with_field("title", "{JiuZhang\x073.0}"),
        2,
        "bib_control_char",
        "title of 'zhou2024jiuzhang3' contains the control character U+0007: delete it",
    ),
    "selected neither true nor false": (
        with_field("selected", "{maybe}"),
        13,
        "bib_selected",
        "selected = {maybe} of 'zhou2024jiuzhang3' is neither true nor false",
    ),
}


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_each_fault_is_one_problem_naming_line_and_fix(fault: str) -> None:
    text, line, subtype, message = FAULTS[fault]
    assert lint(GOOD) == []  # the fault, not the base, causes the problem
    assert lint(text) == [(line, subtype, message)]


def test_a_duplicate_key_keeps_the_first_entry_and_reports_the_second(tmp_path: Path) -> None:
    text = FAULTS["duplicate key"][0]
    bib = tmp_path / "refs.bib"
    bib.write_text(text, encoding="utf-8")
    # Left alone, pybtex refuses the file (strict) or keeps only the first entry (lenient): the build reads
    # it leniently once the linter has reported the repeat, so the first entry is kept and nothing else lost.
    with pytest.raises(BibliographyDataError, match="repeated bibliography entry: zhou2024jiuzhang3"):
        parse_file(bib)
    lenient = lenient_parse(text)[0].entries
    assert list(lenient) == ["zhou2024jiuzhang3", "li2023evaluating"]
    assert lenient["zhou2024jiuzhang3"].fields["title"].startswith("JiuZhang3.0")


def test_the_command_line_reports_every_problem_and_fails(tmp_path: Path, capsys) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(with_field("year", "{20245}") + FAULTS["duplicate key"][0][len(GOOD) :], encoding="utf-8")
    assert cli(["check", str(bib), "--owner", "Kun Zhou"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert (
        lines[0] == f"{bib}:5: year '20245' of 'zhou2024jiuzhang3' is not a year between 1950 and "
        f"{dt.date.today().year + 1} [portfolio.bib_year]"
    )
    assert lines[1].startswith(f"{bib}:23: duplicate key 'zhou2024jiuzhang3' (first at line 1)")
    assert lines[2] == "3 entries checked in 1 file(s): 2 problem(s)"


def test_the_command_line_reads_owner_names_from_conf_py(capsys) -> None:
    assert cli(["check", str(REPO / "refs.bib"), "--conf", str(REPO)]) == 0
    count = (REPO / "refs.bib").read_text(encoding="utf-8").count("\n@")
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0] == f"{count} entries checked in 1 file(s): no problems"
    assert lines[1].startswith("Google Scholar: ")  # the summary follows (test_scholar.py reads it)


def test_a_syntax_error_is_reported_by_the_command_line_too(tmp_path: Path, capsys) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(GOOD.replace("{2024},\n  month", "{2024}\n  month"), encoding="utf-8")
    assert cli(["check", str(bib), "--owner", "Kun Zhou"]) == 1
    assert "BibTeX syntax error: '}' expected (in the entry starting at line 1, zhou2024jiuzhang3)" in (
        capsys.readouterr().err
    )


# -- In the real build: the fault fails it, the message names refs.bib and the line, nothing else is lost --


def paste_again(text: str) -> tuple[str, int]:
    """The first entry pasted a second time at the end, as happens when a paper is added twice."""
    first = text[text.index("@inproceedings{") : text.index("\n}\n") + 3]
    return text + "\n" + first, text.count("\n") + 2


def replace_once(old: str, new: str):
    def change(text: str) -> tuple[str, int]:
        return text.replace(old, new, 1), text[: text.index(old)].count("\n") + 1

    return change


@pytest.mark.site
@pytest.mark.parametrize(
    ("change", "subtype"),
    [
        (paste_again, "bib_duplicate_key"),
        (
            replace_once("https://github.com/RUCAIBox/TIVE", "javascript:alert(document.cookie)"),
            "bib_unsafe_url",
        ),
        (replace_once("High-value Data Selection", "High-value 50% Data Selection"), "bib_percent"),
    ],
    ids=["duplicate key", "javascript URL", "raw percent"],
)
def test_a_fault_in_refs_bib_fails_the_real_build_and_loses_nothing_else(
    site_copy: Path, tmp_path: Path, change, subtype: str
) -> None:
    bib = site_copy / "refs.bib"
    text = bib.read_text(encoding="utf-8")
    broken, line = change(text)
    bib.write_text(broken, encoding="utf-8")

    result = build_site(site_copy, tmp_path / "out")

    assert result.returncode != 0
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1, warnings
    assert re.search(rf"refs\.bib:{line}: WARNING: .* \[portfolio\.{subtype}\]$", warnings[0]), warnings[0]
    listed = (
        (tmp_path / "out" / "publications" / "index.html")
        .read_text(encoding="utf-8")
        .count('class="pub-entry')
    )
    assert listed == text.count("\n@")
