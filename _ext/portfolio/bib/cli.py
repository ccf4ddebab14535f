"""``python -m portfolio.bib check|tidy``: the bib checks and the tidier, without Sphinx (``make check``,
``make tidy``, ``make tidy-check``, pre-commit)."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import runpy
import sys
from pathlib import Path

from . import citations
from .check import check_files
from .parse import lenient_parse, read_text
from .pdfs import PDF_FOLDER, PDF_MAX_MB, hosted_pdfs, scholar_summary
from .scan import entry_lines, scan
from .tidy import TidyError, cited_keys, tidy_text

CITATIONS_FILE = "citations.yaml"


def conf_values(confdir: Path) -> dict:
    """The settings of ``conf.py`` (which is plain Python: run as Sphinx runs it); {} without one."""
    conf = confdir / "conf.py"
    if not conf.is_file():
        return {}
    return runpy.run_path(str(conf.resolve()), run_name="conf")


def check(options: argparse.Namespace) -> int:
    conf = conf_values(options.conf)
    owner_names = options.owner if options.owner else list(conf.get("portfolio_owner_names", []))
    problems = [str(problem) for problem in check_files(options.bibfiles, owner_names)]
    entries, entries_at = {}, {}
    for path in options.bibfiles:
        text = read_text(path)[0] if path.is_file() else ""
        lines = entry_lines(text)
        for key, entry in lenient_parse(text)[0].entries.items():
            entries[key] = entry
            entries_at[key] = f"{path}:{lines.get(key, 0)}"
    hosted, pdf_problems = hosted_pdfs(
        entries,
        options.conf,
        conf.get("portfolio_pdf_folder", PDF_FOLDER),
        conf.get("portfolio_pdf_max_mb", PDF_MAX_MB),
    )
    for problem in pdf_problems:
        where = entries_at.get(problem.key) or f"{problem.path}:0"
        problems.append(f"{where}: {problem.message} [portfolio.{problem.subtype}]")
    problems += citation_problems(options.conf, conf.get("portfolio_citations_file", CITATIONS_FILE))
    for problem in problems:
        print(problem, file=sys.stderr)
    # Every entry written, also one that does not parse (its problem is reported above).
    count = sum(len(scan(read_text(path)[0])) for path in options.bibfiles if path.is_file())
    verdict = f"{len(problems)} problem(s)" if problems else "no problems"
    print(f"{count} entries checked in {len(options.bibfiles)} file(s): {verdict}", file=sys.stderr)
    print(
        scholar_summary(entries.values(), hosted, conf.get("portfolio_pdf_folder", PDF_FOLDER)),
        file=sys.stderr,
    )
    return 1 if problems else 0


def citation_problems(confdir: Path, name: str, today: dt.date | None = None) -> list[str]:
    """The problems of the citation counts file: malformed items, and counts older than 90 days (the weekly
    ``make sync`` has stopped, or fails)."""
    path = confdir / name if name else None
    if path is None or not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    counts, malformed = citations.parse(text)
    problems = []
    for problem in malformed:
        line, message = citations.split_problem(problem)
        problems.append(f"{path}:{line}: {message} [portfolio.citations]")
    for key in citations.stale(counts, today or dt.date.today()):
        problems.append(
            f"{path}:{citations.line_of(text, key)}: the count of {key} is from {counts[key].fetched}, "
            f"older than {citations.STALE_DAYS} days: run make sync (has the weekly workflow stopped?) "
            "[portfolio.citations_stale]"
        )
    return problems


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
