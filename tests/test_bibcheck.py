"""A broken refs.bib fails the build with the file, line and entry named, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import REPO, build_site, warnings_of

from portfolio.bib import parse as bibcheck
from portfolio.bib.check import check_files, syntax_problems
from portfolio.bib.cli import main

BROKEN = """\
@inproceedings{first2020,
  title  = {Fine},
  year   = {2020},
}

@inproceedings{second2021,
  title  = {Missing comma}
  year   = {2021},
}
"""


def test_a_missing_comma_is_located(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BROKEN, encoding="utf-8")
    [problem] = syntax_problems(bib.read_text(encoding="utf-8"), Path("refs.bib"))
    assert (problem.line, problem.subtype) == (8, "bibtex_syntax")
    assert str(problem) == (
        "refs.bib:8: BibTeX syntax error: '}' expected (in the entry starting at line 6, second2021)"
        " [portfolio.bibtex_syntax]"
    )


def test_a_valid_file_has_no_problem(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BROKEN.replace("{Missing comma}", "{Missing comma},"), encoding="utf-8")
    assert syntax_problems(bib.read_text(encoding="utf-8"), bib) == []


def test_the_command_line_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "good.bib", tmp_path / "bad.bib"
    good.write_text(BROKEN.replace("{Missing comma}", "{Missing comma},"), encoding="utf-8")
    bad.write_text(BROKEN, encoding="utf-8")
    assert main(["check", str(good), str(bad)]) == 1
    assert (
        f"{bad}:8: BibTeX syntax error: '}}' expected (in the entry starting at line 6, second2021)"
        " [portfolio.bibtex_syntax]"
    ) in capsys.readouterr().err.splitlines()


def test_an_unreadable_file_is_reported(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_bytes(b"@misc{x, title={\xff\xfe}}")
    problem = check_files([bib], encoding="utf-8")[0]
    assert (problem.line, problem.subtype) == (1, "bib_encoding")
    assert "line 1 is not utf-8 text" in problem.message


@pytest.mark.sphinx("html", testroot="bib-syntax-error")
def test_sphinx_warns_with_file_line_and_entry_and_builds_the_rest(app) -> None:
    app.build()
    warnings = warnings_of(app)
    expected = (
        f"{app.srcdir / 'refs.bib'}:6: WARNING: BibTeX syntax error: '=' expected "
        "(in the entry starting at line 1, broken2020) [portfolio.bibtex_syntax]"
    )
    assert warnings[0] == expected
    assert (app.outdir / "index.html").is_file()


@pytest.mark.site
def test_the_real_build_fails_cleanly_on_a_broken_refs_bib(site_copy: Path, tmp_path: Path) -> None:
    refs = site_copy / "refs.bib"
    lines = refs.read_text(encoding="utf-8").splitlines(keepends=True)
    # Drop the closing brace of the first entry, as a hurried paste would.
    first_close = lines.index("}\n")
    del lines[first_close]
    refs.write_text("".join(lines), encoding="utf-8")

    result = build_site(site_copy, tmp_path / "out")

    assert result.returncode != 0
    assert re.search(
        r"refs\.bib:\d+: WARNING: BibTeX syntax error: .+ \(in the entry starting at line \d+, \w+\)",
        result.stderr,
    ), result.stderr
    assert "Traceback" not in result.stderr
    # Every page is still built, so the author sees all other problems in the same run.
    for page in ("index", "research/index", "publications/index", "cv"):
        assert (result.outdir / f"{page}.html").is_file()


def persons_of(entry) -> dict[str, list[str]]:
    return {role: [str(person) for person in people] for role, people in entry.persons.items()}


def test_reading_only_the_changed_entries_equals_reading_the_whole_file(monkeypatch) -> None:
    text = (REPO / "refs.bib").read_text(encoding="utf-8")
    first, _, _ = bibcheck.full_parse(text)
    monkeypatch.setattr(bibcheck, "REUSABLE", bibcheck.entries_by_digest(text, first))
    keys = list(first.entries)
    edited_key, kept_key = keys[3], keys[4]
    title = first.entries[edited_key].fields["title"]
    edited = text.replace(title, title + " Revisited", 1) + (
        '\n@misc{added2026paper,\n  title = {An Added {Paper}},\n  author = {Kun Zhou and M{\\"u}ller, J.},\n'
        "  year = {2026},\n}\n"
    )
    read = bibcheck.reading_unchanged_entries_again(edited)
    assert read is not None
    data, errors = read
    whole, whole_errors, _ = bibcheck.full_parse(edited)
    assert errors == whole_errors == ()
    assert list(data.entries) == list(whole.entries) == [*keys, "added2026paper"]
    for key in whole.entries:
        mine, theirs = data.entries[key], whole.entries[key]
        assert (mine.type, dict(mine.fields), persons_of(mine)) == (
            theirs.type,
            dict(theirs.fields),
            persons_of(theirs),
        )
    assert data.entries[kept_key] is first.entries[kept_key]
    assert data.entries[edited_key] is not first.entries[edited_key]
    assert data.entries[edited_key].fields["title"] == title + " Revisited"


@pytest.mark.parametrize(
    "addition",
    [
        # A syntax error (its line is the whole file's), a repeated key (in any case), a macro.
        "\n@misc{broken2026,\n  title = {Unclosed,\n}\n",
        "\n@misc{ZHAO2023SURVEY,\n  title = {Again},\n}\n",
        "\n@string{acl = {Association for Computational Linguistics}}\n",
    ],
)
def test_the_whole_file_is_read_when_entries_cannot_be_read_alone(addition: str, monkeypatch) -> None:
    text = (REPO / "refs.bib").read_text(encoding="utf-8")
    first, _, _ = bibcheck.full_parse(text)
    monkeypatch.setattr(bibcheck, "REUSABLE", bibcheck.entries_by_digest(text, first))
    assert bibcheck.reading_unchanged_entries_again(text) is not None
    assert bibcheck.reading_unchanged_entries_again(text + addition) is None
