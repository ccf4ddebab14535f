"""pytest plugin for sphinxcontrib-bibtex's own test suite (``make bibtex-suite``): every test project of
it that loads sphinxcontrib-bibtex also loads each ``portfolio.*`` extension of the site's ``conf.py``,
with the site's own policy checks off (``portfolio_bib_checks = False``), as a good citizen must allow.

The extensions are added through ``confoverrides`` of ``SphinxTestApp``, so each project's own
``conf.py`` stays as its authors wrote it.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import sphinx.testing.util

SITE_CONF = Path(os.environ.get("PORTFOLIO_SITE_CONF", Path(__file__).resolve().parents[2] / "conf.py"))


def site_extensions() -> list[str]:
    """The ``portfolio.*`` entries of the site's ``extensions`` list, read without running conf.py."""
    for node in ast.parse(SITE_CONF.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            getattr(target, "id", "") == "extensions" for target in node.targets
        ):
            return [name for name in ast.literal_eval(node.value) if name.startswith("portfolio.")]
    return []


OURS = site_extensions()
_original_init = sphinx.testing.util.SphinxTestApp.__init__


def project_extensions(srcdir: Path, overrides: dict) -> list[str]:
    if "extensions" in overrides:
        extensions = overrides["extensions"]
        return extensions.split(",") if isinstance(extensions, str) else list(extensions)
    namespace: dict = {"__file__": str(srcdir / "conf.py")}
    exec(
        compile((srcdir / "conf.py").read_text(encoding="utf-8"), str(srcdir / "conf.py"), "exec"), namespace
    )
    return list(namespace.get("extensions", []))


def __init__(self, *args, srcdir=None, confoverrides=None, **kwargs):
    overrides = dict(confoverrides or {})
    extensions = project_extensions(Path(srcdir), overrides)
    if "sphinxcontrib.bibtex" in extensions:
        overrides["extensions"] = [*extensions, *(name for name in OURS if name not in extensions)]
        overrides.setdefault("portfolio_bib_checks", False)
    _original_init(self, *args, srcdir=srcdir, confoverrides=overrides, **kwargs)


sphinx.testing.util.SphinxTestApp.__init__ = __init__


def pytest_report_header(config) -> str:
    return f"portfolio extensions loaded into every sphinxcontrib-bibtex project: {', '.join(OURS)}"
