"""The table of portfolio_* options (portfolio/options.py) is the only place one is declared, and
CONTRIBUTING.md documents each of them."""

from __future__ import annotations

import re

from helpers import REPO

from portfolio.options import OPTIONS


def test_every_option_is_declared_in_the_table_only() -> None:
    declared_elsewhere = {
        name
        for path in (REPO / "_ext" / "portfolio").rglob("*.py")
        if path.name != "options.py"
        for name in re.findall(r"add_config_value\(\s*\"(portfolio_\w+)\"", path.read_text(encoding="utf-8"))
    }
    # Not for conf.py: our code's fingerprint, so that new code re-reads every page.
    assert declared_elsewhere == {"portfolio_code_fingerprint"}


def test_contributing_documents_every_option() -> None:
    documented = set(
        re.findall(r"^\| `(portfolio_\w+)` \|", (REPO / "CONTRIBUTING.md").read_text("utf-8"), re.M)
    )
    assert documented == set(OPTIONS)
