"""``python -m portfolio.bib check|tidy``: the bib checks and the tidier, without Sphinx (``make check``,
``make tidy``, ``make tidy-check``, pre-commit)."""

from __future__ import annotations

import argparse
import difflib
import runpy
import sys
from pathlib import Path

from .check import check_files
from .parse import read_text
from .scan import scan
from .tidy import TidyError, cited_keys, tidy_text


def owner_names_from_conf(confdir: Path) -> list[str]:
    """``portfolio_owner_names`` of ``conf.py`` (which is plain Python: run as Sphinx runs it)."""
    conf = confdir / "conf.py"
    if not conf.is_file():
        return []
    namespace = runpy.run_path(str(conf.resolve()), run_name="conf")
    return list(namespace.get("portfolio_owner_names", []))


def check(options: argparse.Namespace) -> int:
    owner_names = options.owner if options.owner else owner_names_from_conf(options.conf)
    problems = check_files(options.bibfiles, owner_names)
    for problem in problems:
        print(problem, file=sys.stderr)
    count = sum(len(scan(read_text(path)[0])) for path in options.bibfiles if path.is_file())
    verdict = f"{len(problems)} problem(s)" if problems else "no problems"
    print(f"{count} entries checked in {len(options.bibfiles)} file(s): {verdict}", file=sys.stderr)
    return 1 if problems else 0


def tidy(options: argparse.Namespace) -> int:
    path: Path = options.bibfile
    original, reason = read_text(path)
    if reason:
        print(f"{path}: {reason}", file=sys.stderr)
        return 2
    try:
        result = tidy_text(original, cited_keys(path.resolve().parent))
    except TidyError as error:
        print(f"{path}: {error}", file=sys.stderr)
        return 2
    if result.text == original:
        print(f"{path} is tidy", file=sys.stderr)
        return 0
    if options.check:
        diff = difflib.unified_diff(
            original.splitlines(),
            result.text.splitlines(),
            f"{path} (now)",
            f"{path} (tidy)",
            lineterm="",
            n=1,
        )
        print("\n".join(list(diff)[:40]), file=sys.stderr)
        print(f"{path} is not tidy: run `make tidy` and commit the result", file=sys.stderr)
        return 1
    path.write_text(result.text, encoding="utf-8")
    for change in result.changes:
        print(f"{path}: {change}", file=sys.stderr)
    print(f"{path} rewritten tidily ({len(result.changes)} normalisation(s))", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portfolio.bib", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    checking = commands.add_parser("check", help="report every problem of the bib files, with its line")
    checking.add_argument("bibfiles", nargs="*", type=Path, default=[Path("refs.bib")])
    checking.add_argument(
        "--owner", action="append", help="a spelling of the owner's name (default: conf.py)"
    )
    checking.add_argument("--conf", type=Path, default=Path("."), help="folder of conf.py (default: .)")
    checking.set_defaults(run=check)
    tidying = commands.add_parser("tidy", help="rewrite a bib file canonically and normalise pasted entries")
    tidying.add_argument("bibfile", nargs="?", type=Path, default=Path("refs.bib"))
    tidying.add_argument("--check", action="store_true", help="report, do not rewrite; exit 1 if untidy")
    tidying.set_defaults(run=tidy)
    options = parser.parse_args(argv)
    return options.run(options)
