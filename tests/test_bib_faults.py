"""No BibTeX input crashes a build: each fault of roots/test-bib-faults is fed through the strict build
(in a fresh process, as `make html` runs it), which names the file, line and entry, and builds the rest."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import build_site

from portfolio.bib.vocabulary import page_name

ROOT = Path(__file__).parent / "roots" / "test-bib-faults"
GOOD = ROOT.joinpath("refs.bib").read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source)
    return source


def bib_entry(entry_type: str, key: str, **fields: str) -> str:
    """A bib entry as a person writes one; a value written ``@name`` is the macro ``name``."""
    lines = [f"@{entry_type}{{{key},"]
    lines += [
        f"  {name} = {value[1:] if value.startswith('@') else '{' + value + '}'},"
        for name, value in fields.items()
    ]
    return "\n".join([*lines, "}"]) + "\n"


def configure(project: Path, text: str) -> None:
    conf = project / "conf.py"
    conf.write_text(conf.read_text("utf-8") + "\n" + text + "\n", "utf-8")


def build(project: Path, tmp_path: Path, *extra: str):
    result = build_site(project, tmp_path / "out", *extra)
    assert "Traceback" not in result.stderr, result.stderr
    assert "Exception occurred" not in result.stderr, result.stderr
    return result


def listed_ids(tmp_path: Path) -> set[str]:
    page = BeautifulSoup((tmp_path / "out" / "publications" / "index.html").read_text("utf-8"), "html.parser")
    return {item["id"] for item in page.select("li.pub-entry[id]")}


def assert_good_paper_built(tmp_path: Path) -> None:
    assert "zhou2024good" in listed_ids(tmp_path)
    assert (tmp_path / "out" / "publications" / "zhou2024good.html").is_file()
    assert (tmp_path / "out" / "publications" / "all.json").is_file()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "@article{noyear,\n  title = {No Year},\n  author = {Kun Zhou},\n  journal = {J},\n}\n",
            "'noyear' has no year field",
        ),
        (
            "@article{notitle2020,\n  author = {Kun Zhou},\n  journal = {J},\n  year = {2020},\n}\n",
            "'notitle2020' has no title field",
        ),
        (
            "@article{noauthor2020,\n  title = {No Authors},\n  journal = {J},\n  year = {2020},\n}\n",
            "'noauthor2020' has no author field",
        ),
        (
            "@patent{zhou2020patent,\n  title = {A Patent},\n  author = {Kun Zhou},\n  year = {2020},\n}\n",
            "unknown entry type @patent",
        ),
    ],
)
def test_an_incomplete_entry_is_a_warning_with_its_line_and_is_still_listed(
    project: Path, tmp_path: Path, entry: str, message: str
) -> None:
    (project / "refs.bib").write_text(GOOD + "\n" + entry, encoding="utf-8")
    result = build(project, tmp_path)
    assert result.returncode != 0
    assert re.search(rf"refs\.bib:8: WARNING: {re.escape(message)}.*\[portfolio\.bib_\w+\]", result.stderr), (
        result.stderr
    )
    key = entry.split("{", 1)[1].split(",", 1)[0]
    assert key in listed_ids(tmp_path)
    assert (tmp_path / "out" / "publications" / f"{key}.html").is_file()
    assert_good_paper_built(tmp_path)


@pytest.mark.parametrize("text", ["", "% only a comment\n\n% and another\n", "@comment{nothing here}\n"])
def test_an_empty_or_comment_only_bib_file_builds(project: Path, tmp_path: Path, text: str) -> None:
    (project / "more.bib").write_text(text, encoding="utf-8")
    configure(project, 'bibtex_bibfiles = ["refs.bib", "more.bib"]')
    result = build(project, tmp_path)
    assert result.returncode == 0, result.stderr
    assert_good_paper_built(tmp_path)


def test_an_empty_bibliography_builds(project: Path, tmp_path: Path) -> None:
    (project / "refs.bib").write_text("% nothing yet\n", encoding="utf-8")
    (project / "index.md").write_text("# Home\n\n```{toctree}\npublications/index\n```\n", encoding="utf-8")
    result = build(project, tmp_path)
    assert result.returncode == 0, result.stderr
    assert listed_ids(tmp_path) == set()


def test_bytes_that_are_not_utf8_are_a_warning_naming_the_line(project: Path, tmp_path: Path) -> None:
    latin1 = "@misc{zhou2020cafe,\n  title = {Caf\xe9},\n  author = {Kun Zhou},\n  year = {2020},\n}\n"
    (project / "refs.bib").write_bytes(GOOD.encode() + b"\n" + latin1.encode("latin-1"))
    result = build(project, tmp_path)
    assert result.returncode != 0
    assert re.search(r"refs\.bib:9: WARNING: line 9 is not utf-8-sig text", result.stderr), result.stderr
    assert_good_paper_built(tmp_path)


def test_string_macros_defined_in_another_bib_file(project: Path, tmp_path: Path) -> None:
    (project / "strings.bib").write_text('@string{acl = "Proceedings of ACL 2023"}\n', encoding="utf-8")
    macro_entry = bib_entry(
        "inproceedings", "zhou2023macro", title="Macro", author="Kun Zhou", booktitle="@acl", year="2023"
    )
    (project / "refs.bib").write_text(GOOD + "\n" + macro_entry, encoding="utf-8")
    configure(project, 'bibtex_bibfiles = ["strings.bib", "refs.bib"]')
    result = build(project, tmp_path)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "publications" / "zhou2023macro.html").read_text("utf-8")
    assert '<meta content="Proceedings of ACL 2023" name="citation_conference_title" />' in page


@pytest.mark.parametrize("key", ["2009:mandel", "DBLP:conf/acl/ZhouZ24", "Tèst2020", "a/../x"])
def test_keys_of_any_shape_get_a_page_of_a_safe_stable_name(project: Path, tmp_path: Path, key: str) -> None:
    entry = bib_entry("inproceedings", key, title="Odd Key", author="Kun Zhou", booktitle="B", year="2020")
    (project / "refs.bib").write_text(GOOD + "\n" + entry, encoding="utf-8")
    (project / "index.md").write_text(
        (project / "index.md").read_text("utf-8").replace("{cite:p}`zhou2024good`", f"{{cite:p}}`{key}`"),
        "utf-8",
    )
    result = build(project, tmp_path, "-D", "portfolio_bib_checks=0")
    assert result.returncode == 0, result.stderr
    name = page_name(key)
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) or name == key
    assert page_name(key) == name  # stable
    page = tmp_path / "out" / "publications" / f"{name}.html"
    assert page.is_file()
    assert key in listed_ids(tmp_path)
    home = BeautifulSoup((tmp_path / "out" / "index.html").read_text("utf-8"), "html.parser")
    assert [a["href"] for a in home.select("span.bibtex-citation a")] == [f"publications/index.html#{key}"]


def test_the_key_rule_is_a_policy_check_that_can_be_switched_off(project: Path, tmp_path: Path) -> None:
    entry = bib_entry(
        "inproceedings", "DBLP:conf/acl/ZhouZ24", title="Odd", author="Kun Zhou", booktitle="B", year="2024"
    )
    (project / "refs.bib").write_text(GOOD + "\n" + entry, encoding="utf-8")
    checked = build(project, tmp_path)
    assert "refs.bib:8: WARNING: key 'DBLP:conf/acl/ZhouZ24' has characters" in checked.stderr
    unchecked = build_site(project, tmp_path / "out2", "-D", "portfolio_bib_checks=0")
    assert unchecked.returncode == 0, unchecked.stderr


def test_a_bib_file_outside_the_source_folder(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.move(project / "refs.bib", outside / "refs.bib")
    (project / "conf.py").write_text(
        (project / "conf.py").read_text("utf-8")
        + '\nbibtex_bibfiles = ["../elsewhere/refs.bib"]\n'
        + 'html_context = {"github_user": "u", "github_repo": "r"}\n',
        "utf-8",
    )
    result = build(project, tmp_path)
    assert result.returncode == 0, result.stderr
    assert_good_paper_built(tmp_path)


def test_no_bibtex_bibfiles_gives_sphinxcontrib_bibtex_its_own_message(project: Path, tmp_path: Path) -> None:
    conf = project / "conf.py"
    conf.write_text(conf.read_text("utf-8").replace('bibtex_bibfiles = ["refs.bib"]\n', ""), "utf-8")
    # sphinxcontrib-bibtex stops the build with an ExtensionError of its own (and Sphinx's report of it).
    result = build_site(project, tmp_path / "out")
    assert result.returncode != 0
    assert "You must configure the bibtex_bibfiles setting" in result.stderr
    assert "NoneType" not in result.stderr


def test_a_users_bibliography_named_like_ours_keeps_its_entries(project: Path, tmp_path: Path) -> None:
    second = bib_entry(
        "misc", "zhou2020second", title="Second", author="Kun Zhou", howpublished="Web", year="2020"
    )
    (project / "refs.bib").write_text(GOOD + "\n" + second, encoding="utf-8")
    (project / "index.md").write_text(
        "# Home\n\n{cite:p}`zhou2024good`\n\n```{bibliography}\n:all:\n```\n", encoding="utf-8"
    )
    shutil.rmtree(project / "publications")
    configure(project, 'bibtex_bibliography_id = "publications-{bibliography_count}"')
    result = build(project, tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert "A Good Paper" in text
    assert "Second" in text
