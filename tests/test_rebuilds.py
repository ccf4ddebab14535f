"""Incremental builds after editing refs.bib or a page equal a clean build; a parallel build equals a
serial one. Each case edits a copy of tests/roots/test-publications."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import REPO, build_site

ROOT = Path(__file__).parent / "roots" / "test-publications"


def output_files(outdir: Path) -> dict[str, bytes]:
    """Every file a visitor could fetch; Sphinx's own caches are not output."""
    files = {
        path.relative_to(outdir).as_posix(): path.read_bytes()
        for path in sorted(outdir.rglob("*"))
        if path.is_file() and ".doctrees" not in path.parts
    }
    if "searchindex.js" in files:
        files["searchindex.js"] = search_index_meaning(files["searchindex.js"])
    return files


def search_index_meaning(script: bytes) -> bytes:
    """The search index without the empty term lists Sphinx leaves after pruning a removed page
    (its IndexBuilder.prune keeps words that no page contains any more): the same searches, the same
    results, and the only way the incremental index may differ from a clean one."""
    text = script.decode("utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    for section in ("terms", "titleterms"):
        index[section] = {word: pages for word, pages in index[section].items() if pages != []}
    return json.dumps(index, sort_keys=True, ensure_ascii=False).encode("utf-8")


def assert_same_output(incremental: Path, clean: Path) -> None:
    left, right = output_files(incremental), output_files(clean)
    assert left.keys() == right.keys()
    differing = [name for name in left if left[name] != right[name]]
    assert differing == []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns("_build"))
    return source


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def retitle_a_cited_entry(src: Path) -> None:
    edit(src / "refs.bib", "JiuZhang3.0: Efficiently Improving", "JiuZhang3.1: Efficiently Improving")
    edit(src / "refs.bib", "venue_short   = {NeurIPS 2024}", "venue_short   = {NeurIPS 2024 Oral}")


def add_an_entry_and_cite_it(src: Path) -> None:
    with (src / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write(
            "\n@inproceedings{new2025paper,\n  title = {A New Paper},\n  author = {Kun Zhou},\n"
            "  booktitle = {Proceedings of Tests},\n  year = {2025},\n  venue_short = {ICLR 2025},\n}\n"
        )
    edit(src / "research.md", "## Again", "- A new one {cite:p}`new2025paper`\n\n## Again")


def remove_an_uncited_entry(src: Path) -> None:
    text = (src / "refs.bib").read_text(encoding="utf-8")
    start = text.index("@inproceedings{zhou2024diffusion,")
    end = text.index("\n}\n", start) + 3
    (src / "refs.bib").write_text(text[:start] + text[end:], encoding="utf-8")


def stop_citing_an_entry(src: Path) -> None:
    edit(src / "research.md", "and {cite:t}`mueller2019noise`", "and a paper by Müller")


def retitle_a_citing_page(src: Path) -> None:
    edit(src / "research.md", "# Research", "# Research Interests")


@pytest.mark.parametrize(
    "change",
    [
        retitle_a_cited_entry,
        add_an_entry_and_cite_it,
        remove_an_uncited_entry,
        stop_citing_an_entry,
        retitle_a_citing_page,
    ],
)
def test_incremental_build_equals_clean_build(
    project: Path, tmp_path: Path, change: Callable[[Path], None]
) -> None:
    assert_edit_rebuilds_like_a_clean_build(project, tmp_path, change)


def assert_edit_rebuilds_like_a_clean_build(
    src: Path, tmp_path: Path, change: Callable[[Path], None]
) -> None:
    """Build, apply ``change`` to the sources, build again: the output changed and equals a clean build."""
    incremental = tmp_path / "incremental"
    first = build_site(src, incremental)
    assert first.returncode == 0, first.stderr
    before = output_files(incremental)

    change(src)
    again = build_site(src, incremental)
    clean = build_site(src, tmp_path / "clean", "-E")

    assert again.returncode == 0, again.stderr
    assert clean.returncode == 0, clean.stderr
    assert output_files(incremental) != before, "the change should show in the output"
    assert_same_output(incremental, tmp_path / "clean")


def test_a_change_to_our_style_code_rebuilds_what_it_rendered(project: Path, tmp_path: Path) -> None:
    ext_dir = tmp_path / "ext"
    shutil.copytree(REPO / "_ext", ext_dir, ignore=shutil.ignore_patterns("__pycache__"))
    incremental = tmp_path / "incremental"
    assert build_site(project, incremental, ext_dir=ext_dir).returncode == 0

    edit(ext_dir / "portfolio" / "bib" / "style.py", 'PREVIEW_SEPARATOR = " — "', 'PREVIEW_SEPARATOR = " | "')
    again = build_site(project, incremental, ext_dir=ext_dir)
    clean = build_site(project, tmp_path / "clean", "-E", ext_dir=ext_dir)

    assert again.returncode == 0, again.stderr
    assert clean.returncode == 0, clean.stderr
    assert "Noise Is All You Need | arXiv preprint" in (incremental / "research.html").read_text(
        encoding="utf-8"
    )
    assert_same_output(incremental, tmp_path / "clean")


def test_a_retitled_entry_updates_every_page_that_shows_it(project: Path, tmp_path: Path) -> None:
    outdir = tmp_path / "out"
    assert build_site(project, outdir).returncode == 0
    retitle_a_cited_entry(project)
    assert build_site(project, outdir).returncode == 0
    for page in (
        "research.html",
        "index.html",
        "publications/index.html",
        "publications/zhou2024jiuzhang3.html",
    ):
        text = (outdir / page).read_text(encoding="utf-8")
        assert "JiuZhang3.1: Efficiently" in text, page
        assert "JiuZhang3.0: Efficiently" not in text, page


def test_parallel_build_equals_serial_build(project: Path, tmp_path: Path) -> None:
    serial = build_site(project, tmp_path / "serial", "-j", "1")
    parallel = build_site(project, tmp_path / "parallel", "-j", "4")
    assert serial.returncode == 0, serial.stderr
    assert parallel.returncode == 0, parallel.stderr
    assert_same_output(tmp_path / "parallel", tmp_path / "serial")


@pytest.mark.site
def test_the_real_site_builds_in_parallel_without_warnings(site_copy: Path, tmp_path: Path) -> None:
    result = build_site(site_copy, tmp_path / "out", "-j", "auto")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    papers = (REPO / "refs.bib").read_text(encoding="utf-8").count("\n@")
    # Every paper's page, and the list.
    assert len(list((tmp_path / "out" / "publications").glob("*.html"))) == papers + 1


def test_list_items_and_paper_pages_rendered_by_forked_workers_equal_a_serial_build(
    project: Path, tmp_path: Path, monkeypatch
) -> None:
    """With -j, list items and paper pages are rendered in forked workers once there are enough of them
    (200): lowered to one here, so the test project's few entries take that path."""
    from helpers import build_in_process

    from portfolio.papers import listing as publications
    from portfolio.papers import pages as paperpages

    serial = build_in_process(project, builddir=tmp_path / "serial")
    monkeypatch.setattr(publications, "PARALLEL_MINIMUM", 1)
    monkeypatch.setattr(paperpages, "PARALLEL_MINIMUM", 1)
    forked: list[int] = []
    add_task = publications.ParallelTasks.add_task

    def counting(self, *args, **kwargs):
        forked.append(1)
        return add_task(self, *args, **kwargs)

    monkeypatch.setattr(publications.ParallelTasks, "add_task", counting)
    parallel = build_in_process(project, builddir=tmp_path / "parallel", parallel=2)
    assert len(forked) >= 4  # two shares of list items (two lists) and two of paper pages
    assert_same_output(Path(parallel.outdir), Path(serial.outdir))
