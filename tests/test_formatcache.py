"""Work done once (portfolio.bib.cache, portfolio.papers.state), on copies of tests/roots/test-publications:
a rebuild formats only the entries that changed and nothing when nothing did; results kept between builds
(the bib checks, the downloads) behave as if computed afresh. That the output of every such rebuild
equals a clean build, and that a change to our style's code invalidates the cache, is test_rebuilds.py's."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from helpers import build_in_process, build_site, warnings_of
from sphinx.testing.util import SphinxTestApp

from portfolio.bib import cache, style

ROOT = Path(__file__).parent / "roots" / "test-publications"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns("_build"))
    return source


@pytest.fixture
def formatted_titles(monkeypatch) -> Counter:
    """How often each title is decoded from LaTeX (the first step of formatting an entry)."""
    calls: Counter = Counter()
    decode = style.latex_with_math

    def counting(latex: str):
        calls[latex] += 1
        return decode(latex)

    monkeypatch.setattr(style, "latex_with_math", counting)
    return calls


def build(source: Path) -> SphinxTestApp:
    app = build_in_process(source)
    assert warnings_of(app) == []
    return app


def bib_titles(source: Path) -> set[str]:
    text = (source / "refs.bib").read_text(encoding="utf-8")
    return {match.group(1) for match in re.finditer(r"^\s*title\s*=\s*\{(.*)\},$", text, re.M)}


def test_a_rebuild_formats_only_the_entries_that_changed(project: Path, formatted_titles: Counter) -> None:
    build(project)
    titles = bib_titles(project)
    assert len(titles) == 9
    assert set(formatted_titles) == titles  # a clean build formats every entry

    formatted_titles.clear()
    build(project)
    assert formatted_titles == Counter()  # nothing changed: nothing formatted

    bib = project / "refs.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace("{YuLan}: An Open-source", "{YuLan}: An Open"),
        encoding="utf-8",
    )
    build(project)
    assert set(formatted_titles) == {"{YuLan}: An Open Large Language Model"}


def test_a_clean_build_starts_with_an_empty_cache(project: Path, formatted_titles: Counter) -> None:
    build(project)
    formatted_titles.clear()
    build_in_process(project, freshenv=True)
    assert set(formatted_titles) == bib_titles(project)


def test_the_cache_holds_only_entries_still_in_the_bib_files(project: Path) -> None:
    app = build_in_process(project)
    fingerprints = {
        cache.entry_fingerprint(entry) for entry in app.env.get_domain("cite").bibdata.data.entries.values()
    }
    cached = {key[1] for key in app.env.portfolio.format_cache["items"]}
    assert cached == fingerprints
    assert cache.FORMAT_CACHE is None  # not left behind for the next application in this process


def test_a_check_kept_from_the_last_build_fails_the_rebuild_again(project: Path, tmp_path: Path) -> None:
    bib = project / "refs.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace("Open-source Large", "Open-source 50% Large"),
        encoding="utf-8",
    )
    with (project / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("portfolio_bib_checks = True\n")
    first = build_site(project, tmp_path / "out")
    second = build_site(project, tmp_path / "out")
    warnings = [
        [line for line in result.stderr.splitlines() if "WARNING" in line] for result in (first, second)
    ]
    assert first.returncode != 0
    assert second.returncode != 0
    assert [line for line in warnings[0] if "[portfolio.bib_percent]" in line]
    assert warnings[1] == warnings[0]


def test_downloads_deleted_from_the_output_are_written_again(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build_site(project, out).returncode == 0
    exported = out / "publications" / "all.json"
    written = exported.read_bytes()
    exported.unlink()
    assert build_site(project, out).returncode == 0
    assert exported.read_bytes() == written


def test_a_rebuild_renders_only_the_list_items_of_changed_entries(project: Path, monkeypatch) -> None:
    from portfolio.papers import listing

    rendered: Counter = Counter()
    render = listing.entry_item

    def counting(entry, *args):
        rendered[entry.key] += 1
        return render(entry, *args)

    monkeypatch.setattr(listing, "entry_item", counting)
    build(project)
    # Every entry on the publications page, and the selected ones on the home page too.
    selected = Counter({"zhou2024jiuzhang3": 1, "li2023evaluating": 1})
    assert rendered == Counter({key: 1 for key in bib_keys(project)}) + selected

    rendered.clear()
    build(project)
    assert rendered == Counter()

    retitle(project, "Diffusion-{NAT}: Self-Prompting", "Diffusion-{NAT}: Self-Prompted")
    build(project)
    assert rendered == Counter({"zhou2024diffusion": 1})


def test_the_bib_file_is_parsed_once_per_version(project: Path, monkeypatch) -> None:
    """The lenient parse of portfolio.bib.parse (for the syntax check and the lint) is the data
    sphinxcontrib-bibtex uses: one parse of refs.bib when it changed (of the changed entry only), none
    when it did not."""
    from pybtex.database.input.bibtex import Parser

    from portfolio.bib import parse as bibcheck

    with (project / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("portfolio_bib_checks = True\n")
    bibcheck._lenient_parse.cache_clear()
    parses: list[int] = []
    parse_string = Parser.parse_string

    def counting(self, value):
        parses.append(len(value))
        return parse_string(self, value)

    monkeypatch.setattr(Parser, "parse_string", counting)
    # The test entries break some of the linter's rules on purpose: its warnings are not this test's.
    build_in_process(project)
    assert len(parses) == 1
    parses.clear()
    build_in_process(project)
    assert parses == []
    retitle(project, "Diffusion-{NAT}: Self-Prompting", "Diffusion-{NAT}: Self-Prompted")
    app = build_in_process(project)
    # Only the edited entry is read again; the others are the last build's.
    assert parses == [len(dict(bibcheck.entry_chunks(bib_text(project)))["zhou2024diffusion"])]
    titles = {entry.fields["title"] for entry in app.env.get_domain("cite").bibdata.data.entries.values()}
    assert "Diffusion-{NAT}: Self-Prompted Discrete Diffusion" in titles


def test_equal_names_and_values_are_one_object_in_the_stored_entries(project: Path) -> None:
    with (project / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("portfolio_bib_checks = True\n")
    app = build_in_process(project)
    persons = [
        person
        for entry in app.env.get_domain("cite").bibdata.data.entries.values()
        for people in entry.persons.values()
        for person in people
    ]
    names = {str(person) for person in persons}
    assert len(persons) > len(names)  # the test data repeats co-authors
    assert len({id(person) for person in persons}) == len(names)
    years = [entry.fields["year"] for entry in app.env.get_domain("cite").bibdata.data.entries.values()]
    assert len(years) > len(set(years))
    assert len({id(year) for year in years}) == len(set(years))


def bib_keys(source: Path) -> set[str]:
    text = (source / "refs.bib").read_text(encoding="utf-8")
    return set(re.findall(r"^@\w+\{([^,]+),", text, re.M))


def bib_text(source: Path) -> str:
    return (source / "refs.bib").read_text(encoding="utf-8")


def retitle(source: Path, old: str, new: str) -> None:
    bib = source / "refs.bib"
    text = bib.read_text(encoding="utf-8")
    assert old in text
    bib.write_text(text.replace(old, new), encoding="utf-8")


def test_the_environment_loads_with_the_collector_paused_and_the_build_ends_with_it_running(
    project: Path, monkeypatch
) -> None:
    import gc
    import pickle

    states: list[bool] = []
    load = pickle.load

    def observing(*args, **kwargs):
        states.append(gc.isenabled())
        return load(*args, **kwargs)

    build(project)
    monkeypatch.setattr(pickle, "load", observing)
    build(project)  # loads the environment the first build stored
    assert states
    assert not any(states)
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
