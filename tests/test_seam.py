"""The seam (portfolio/papers/seam.py): the versions it guards are those pyproject.toml declares and the
pins satisfy; a version outside them stops the build with an error naming the seam, and leaves the
process as it was; every package our code imports is declared with a range."""

from __future__ import annotations

import ast
import gc
import re
import sys
import tomllib
from pathlib import Path

import pytest
from helpers import REPO
from packaging.requirements import Requirement
from packaging.version import Version
from sphinx.errors import ExtensionError
from sphinx.testing.util import SphinxTestApp

from portfolio.papers import seam


def declared() -> dict[str, Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = [text for group in project["optional-dependencies"].values() for text in group]
    requirements = project["dependencies"] + extras
    return {canonical(Requirement(text).name): Requirement(text) for text in requirements}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    lines = (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
    requirements = [Requirement(line) for line in lines if line and not line.startswith("#")]
    return {canonical(req.name): str(req.specifier).removeprefix("==") for req in requirements}


def test_the_guarded_ranges_are_the_declared_ones_and_the_pins_meet_them() -> None:
    requirements = declared()
    for distribution, tested in seam.TESTED.items():
        assert str(requirements[canonical(distribution)].specifier) == str(
            Requirement(f"x{tested}").specifier
        ), distribution
    for name, requirement in requirements.items():
        assert Version(pins()[name]) in requirement.specifier, (name, pins()[name], requirement)


def test_every_package_our_code_imports_is_declared() -> None:
    modules = {
        "sphinx": "sphinx", "docutils": "docutils", "pybtex": "pybtex", "pybtex_docutils": "pybtex-docutils",
        "sphinxcontrib": "sphinxcontrib-bibtex", "yaml": "pyyaml", "markdown_it": "markdown-it-py",
        "packaging": "packaging", "fontTools": "fonttools", "latex2mathml": "latex2mathml",
        "typst": "typst", "rendercv_fonts": "rendercv-fonts", "tinycss2": "tinycss2", "requests": "requests",
        "feedparser": "feedparser", "cssselect2": "cssselect2", "tinyhtml5": "tinyhtml5",
    }  # fmt: skip
    imported = set()
    for path in (REPO / "_ext" / "portfolio").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {name for name in imported if name not in sys.stdlib_module_names and name != "portfolio"}
    assert third_party <= modules.keys(), third_party - modules.keys()
    assert {modules[name] for name in third_party} <= declared().keys()


def test_a_version_outside_the_tested_range_stops_the_build_naming_the_seam(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setitem(seam.VERSION_OVERRIDES, "sphinxcontrib-bibtex", "2.6.5")
    source = Path(__file__).parent / "roots" / "test-bib-faults"
    with pytest.raises(ExtensionError, match=r"sphinxcontrib-bibtex 2\.6\.5 is installed, but seam\.py"):
        SphinxTestApp("html", srcdir=source, builddir=tmp_path / "build")


def test_a_failed_start_leaves_the_garbage_collector_running(tmp_path: Path) -> None:
    """portfolio.quickload pauses the collector while the environment loads: an extension that fails to
    load after ours must not leave it paused for the rest of the process."""
    source = Path(__file__).parent / "roots" / "test-bib-faults"
    extensions = ["myst_parser", "sphinxcontrib.bibtex", "portfolio.papers", "no_such_extension_here"]
    with pytest.raises(ExtensionError, match="no_such_extension_here"):
        SphinxTestApp(
            "html", srcdir=source, builddir=tmp_path / "build", confoverrides={"extensions": extensions}
        )
    assert gc.isenabled()


def test_the_installed_versions_pass_the_guard() -> None:
    seam.check_versions()


@pytest.mark.parametrize("package", ["bib", "cv", "sources"])
def test_the_core_imports_neither_sphinx_nor_docutils(package: str) -> None:
    """portfolio.bib is BibTeX as data, portfolio.cv the CV as data and the PDFs' content, portfolio.sources
    the network tools: every module of each loads without Sphinx or docutils."""
    import subprocess

    modules = sorted(path.stem for path in (REPO / "_ext" / "portfolio" / package).glob("*.py"))
    code = (
        "import importlib, sys\n"
        f"for name in {[name for name in modules if name not in ('__main__', '__init__')]!r}:\n"
        f"    importlib.import_module(f'portfolio.{package}.{{name}}')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith(('sphinx', 'docutils'))}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO / "_ext")},
    )
    assert result.stdout.strip() == "[]"
