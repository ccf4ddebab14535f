"""Build times of our publication machinery next to stock sphinxcontrib-bibtex, on synthetic sites.

    make bench                      # N = 50, 500, 2000, 5000; 3 runs; then the real site
    .venv/bin/python benchmarks/build_speed.py --sizes 50 500 --runs 3 [--jobs auto] [--json out.json]
    .venv/bin/python benchmarks/build_speed.py --sizes 50 2000 --baseline 068f822   # ours next to a commit

For each N it writes one synthetic site in three variants that share their pages (pydata-sphinx-theme,
MyST, ten pages citing about ten papers each, a publications page):

* ``ours``: our extensions, the ``{publications}`` list and one page per paper, as on the real site;
* ``stock``: sphinxcontrib-bibtex's ``plain`` style and one ``{bibliography}`` with ``:all:``;
* ``floor``: the same pages without any bibliography, to measure what Sphinx itself costs;
* ``baseline`` (with ``--baseline REF``): ``ours`` with the code of another commit (its ``_ext`` and the
  bibliography extensions its ``conf.py`` loads), to compare a change with what it replaces; the real
  site is then timed at that commit too.

and times, alternating ours and stock (A B A B ...), a clean build, a no-op rebuild, a rebuild after an
edit to one page and a rebuild after an edit to one bib entry (a cited one). Each build runs in its own
process, which reports its peak memory (its own and its workers'). It prints medians of the runs, the
ratio ours/stock per scenario and the no-op rebuild against the floor. A benchmark, not a test: numbers
depend on the machine, so compare ratios from one run.
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = ("clean", "no-op", "edit page", "edit entry")
PAGES = 10
CITES_PER_PAGE = 10
OWNER = "Kun Zhou"

# Realistic BibTeX: accents and escapes as Scholar, DBLP and the ACL Anthology write them.
FIRST = [
    "Kun",
    "Wayne Xin",
    "Ji-Rong",
    "Jos{\\'e}",
    "Fran{\\c{c}}ois",
    'J{\\"u}rgen',
    "Zhiting",
    "Biwei",
    "Ana",
    "S{\\o}ren",
    "Yuki",
    "Ming-Wei",
    "Chlo{\\'e}",
    'Bj{\\"o}rn',
    "Li",
    "Ramakrishnan",
    "Ond{\\v{r}}ej",
    "Mar{\\'\\i}a",
    "Hao",
    "Yifan",
    "Tianyu",
    "Beichen",
    "Junyi",
    "Zhipeng",
    "Ruiyang",
    "Jinhao",
    "Yupeng",
]
LAST = [
    "Zhou",
    "Zhao",
    "Wen",
    "Hu",
    "Huang",
    'M{\\"u}ller',
    "Garc{\\'\\i}a",
    "Dupr{\\'e}",
    "Nakamura",
    "Chen",
    "{van der} Berg",
    "Ngu{\\~{e}}n",
    "Kowalczyk",
    "{\\O}stergaard",
    "Li",
    "Wang",
    "Zhang",
    "Liu",
    "Tang",
    "Jiang",
    "Sun",
    "Yang",
    "Xu",
    "Dong",
    "Ren",
    "Cheng",
    "Gao",
    "Ma",
]
WORDS = [
    "efficient",
    "reasoning",
    "retrieval",
    "augmented",
    "multimodal",
    "instruction",
    "tuning",
    "alignment",
    "benchmark",
    "evaluation",
    "world",
    "models",
    "agents",
    "planning",
    "mathematical",
    "knowledge",
    "graphs",
    "contrastive",
    "representation",
    "learning",
    "pre-training",
    "dialogue",
    "recommendation",
    "hallucination",
    "long-context",
    "distillation",
    "curriculum",
    "synthetic",
    "data",
    "scaling",
]
BRACED = ["{BERT}", "{LLM}s", "{GPT}-4", "{C}hinese", "{S}$^3$-{Rec}", "{JiuZhang}3.0", "{ChatGPT}", "{RL}"]
VENUES = [
    (
        "inproceedings",
        "booktitle",
        "Proceedings of the 62nd Annual Meeting of the Association for "
        "Computational Linguistics (Volume 1: Long Papers)",
        "ACL",
    ),
    ("inproceedings", "booktitle", "Advances in Neural Information Processing Systems", "NeurIPS"),
    (
        "inproceedings",
        "booktitle",
        "The Twelfth International Conference on Learning Representations",
        "ICLR",
    ),
    (
        "inproceedings",
        "booktitle",
        "Findings of the Association for Computational Linguistics: {EMNLP} 2023",
        "EMNLP Findings",
    ),
    (
        "inproceedings",
        "booktitle",
        "Proceedings of the 29th {ACM} {SIGKDD} Conference on Knowledge Discovery \\& Data Mining",
        "KDD",
    ),
    ("article", "journal", "{IEEE} Transactions on Knowledge and Data Engineering", "TKDE"),
    ("article", "journal", "Transactions of the Association for Computational Linguistics", "TACL"),
    ("article", "journal", "arXiv preprint", "arXiv"),
]
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def bib_entries(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """(key, BibTeX) of ``count`` distinct, valid entries, each with the owner among its authors."""
    rng = random.Random(seed)
    entries = []
    for index in range(count):
        year = rng.randint(2012, 2025)
        n_authors = rng.randint(5, 25)
        authors = [f"{rng.choice(LAST)}, {rng.choice(FIRST)}" for _ in range(n_authors - 1)]
        authors.insert(rng.randrange(n_authors), "Zhou, Kun")
        words = rng.sample(WORDS, rng.randint(4, 9))
        words.insert(rng.randrange(len(words)), rng.choice(BRACED))
        title = " ".join(words).capitalize() + f": Study {index}"
        entry_type, venue_field, venue, short = rng.choice(VENUES)
        key = f"{LAST[index % 10].strip('{}').split()[0].lower()}{year}w{index}"
        key = "".join(char for char in key if char.isalnum())
        arxiv = f"{year % 100:02d}{rng.randint(1, 12):02d}.{rng.randint(10000, 99999)}"
        fields = [
            ("title", "{" + title + "}"),
            ("author", "{" + " and ".join(authors) + "}"),
            (venue_field, "{" + venue + "}"),
            ("year", "{" + str(year) + "}"),
            ("month", rng.choice(MONTHS)),
            ("pages", "{" + f"{rng.randint(1, 900)}--{rng.randint(901, 999)}" + "}"),
            ("doi", "{" + f"10.{rng.randint(1000, 9999)}/bench.{index}" + "}"),
            ("eprint", "{" + arxiv + "}"),
            ("archiveprefix", "{arXiv}"),
            ("url", "{" + f"https://arxiv.org/abs/{arxiv}" + "}"),
            ("venue_short", "{" + f"{short} {year}" + "}"),
        ]
        if rng.random() < 0.3:
            fields.append(("code", "{" + f"https://github.com/bench/repo{index}" + "}"))
        if rng.random() < 0.4:
            abstract = " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 160)))
            fields.append(("abstract", "{" + abstract.capitalize() + ".}"))
        body = ",\n".join(f"  {name:<13} = {value}" for name, value in fields)
        entries.append((key, f"@{entry_type}{{{key},\n{body}\n}}\n"))
    return entries


CONF_COMMON = """\
project = "Bench"
author = "Kun Zhou"
exclude_patterns = ["_build"]
html_theme = "pydata_sphinx_theme"
html_theme_options = {"navigation_with_keys": False}
myst_enable_extensions = ["colon_fence"]
# As on the real site: no sidebar navigation (with one, each paper page would list every paper).
html_sidebars = {"**": []}
suppress_warnings = ["git"]
"""

CONF = {
    "ours": CONF_COMMON
    + """\
import sys
sys.path.insert(0, %(ext)r)
extensions = ["myst_parser", "sphinxcontrib.bibtex", "portfolio.papers"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
bibtex_reference_style = "label"
bibtex_tooltips_style = "portfolio_preview"
bibtex_cite_id = "{key}"
bibtex_bibliography_id = "bibliography-{bibliography_count}"
# Venue badges ("ACL 2024") are the labels: several papers share one by design, as on the real site.
suppress_warnings = ["git", "bibtex.duplicate_label"]
portfolio_owner_names = ["Kun Zhou"]
portfolio_export_path = "publications/all"
""",
    "stock": CONF_COMMON
    + """\
extensions = ["myst_parser", "sphinxcontrib.bibtex"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "plain"
""",
    "floor": CONF_COMMON + 'extensions = ["myst_parser"]\n',
}

PUBLICATIONS = {
    "ours": "# Publications\n\n```{publications}\n```\n",
    "stock": "# Publications\n\n```{bibliography}\n:all:\n```\n",
    "floor": "# Publications\n\nThe list would be here.\n",
}


# Our flat one-feature extensions: the baseline loads the others of its conf.py (its bibliography code).
FLAT = "news profile reproducible assets iconfont deferscripts lazyimages mathml rawhtml seo quickload titles"
FLAT_EXTENSIONS = frozenset(f"portfolio.{name}" for name in FLAT.split())


def baseline_tree(ref: str, workdir: Path) -> Path:
    """The repository at ``ref`` (``git archive``), beside the synthetic sites."""
    tree = workdir / f"baseline-{ref}"
    if not tree.is_dir():
        tree.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", ref], cwd=REPO, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def bibliography_extensions(conf: Path) -> list[str]:
    for node in ast.parse(conf.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            getattr(target, "id", "") == "extensions" for target in node.targets
        ):
            names = ast.literal_eval(node.value)
            return [name for name in names if name.startswith("portfolio.") and name not in FLAT_EXTENSIONS]
    raise SystemExit(f"{conf}: no extensions list")


def conf_text(variant: str, baseline: Path | None) -> str:
    if variant != "baseline":
        return CONF[variant] % {"ext": str(REPO / "_ext")}
    extensions = ["myst_parser", "sphinxcontrib.bibtex", *bibliography_extensions(baseline / "conf.py")]
    ours = CONF["ours"] % {"ext": str(baseline / "_ext")}
    return ours.replace('["myst_parser", "sphinxcontrib.bibtex", "portfolio.papers"]', repr(extensions))


def write_site(
    root: Path, variant: str, entries: list[tuple[str, str]], seed: int = 11, baseline: Path | None = None
) -> None:
    rng = random.Random(seed)
    root.mkdir(parents=True)
    (root / "conf.py").write_text(conf_text(variant, baseline), encoding="utf-8")
    if variant != "floor":
        (root / "refs.bib").write_text("\n".join(text for _, text in entries), encoding="utf-8")
    keys = [key for key, _ in entries]
    toc = "\n".join(f"page{number}" for number in range(PAGES))
    (root / "index.md").write_text(f"# Bench\n\n```{{toctree}}\n{toc}\npublications\n```\n", encoding="utf-8")
    (root / "publications.md").write_text(PUBLICATIONS.get(variant, PUBLICATIONS["ours"]), encoding="utf-8")
    for number in range(PAGES):
        paragraphs = []
        for cited in rng.sample(keys, min(CITES_PER_PAGE, len(keys))):
            prose = " ".join(rng.choice(WORDS) for _ in range(40))
            citation = f"{{cite:p}}`{cited}`" if variant != "floor" else f"({cited})"
            paragraphs.append(f"{prose.capitalize()} {citation}.")
        body = "\n\n".join(paragraphs)
        (root / f"page{number}.md").write_text(f"# Page {number}\n\n## Outline\n\n{body}\n", encoding="utf-8")


# A build in its own process, reporting wall time and the peak resident memory of it and its workers.
RUNNER = textwrap.dedent(
    """
    import resource, sys, time
    from sphinx.cmd.build import main
    start = time.perf_counter()
    code = main(sys.argv[1:])
    elapsed = time.perf_counter() - start
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = max(own.ru_maxrss, children.ru_maxrss)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    print(f"BENCH {code} {elapsed:.4f} {peak} {cpu:.4f}", file=sys.stderr)
    """
)


@dataclass
class Measure:
    seconds: float
    peak_mb: float
    #: CPU seconds (user + system, with workers): less disturbed than wall time by other tenants.
    cpu: float


def build(source: Path, jobs: str | None) -> Measure:
    out = source / "_build"
    command = [sys.executable, "-c", RUNNER, "-b", "html", "-q", "-n", "-W", "--keep-going", "--no-color"]
    if jobs:
        command += ["-j", jobs]
    result = subprocess.run(
        [*command, str(source), str(out / "html"), "-d", str(out / "doctrees")],
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((line for line in result.stderr.splitlines() if line.startswith("BENCH ")), None)
    if line is None or line.split()[1] != "0":
        raise SystemExit(f"build of {source} failed:\n{result.stderr[-3000:]}")
    _, _, seconds, peak_kb, cpu = line.split()
    return Measure(float(seconds), int(peak_kb) / 1024, float(cpu))


def edit_page(source: Path, run: int) -> None:
    page = source / "page3.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\nAn edit, run {run}.\n", encoding="utf-8")


def edit_entry(source: Path, key: str, run: int) -> None:
    bib = source / "refs.bib"
    text = bib.read_text(encoding="utf-8")
    start = text.index(f"{{{key},")
    title_at = text.index(": Study", start)
    bib.write_text(text[:title_at] + f" (rev {run})" + text[title_at:], encoding="utf-8")


def scenarios(source: Path, variant: str, cited_key: str, run: int, jobs: str | None) -> dict[str, Measure]:
    shutil.rmtree(source / "_build", ignore_errors=True)
    results = {"clean": build(source, jobs), "no-op": build(source, jobs)}
    edit_page(source, run)
    results["edit page"] = build(source, jobs)
    if variant != "floor":
        edit_entry(source, cited_key, run)
        results["edit entry"] = build(source, jobs)
    return results


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench_size(
    size: int,
    runs: int,
    jobs: str | None,
    workdir: Path,
    baseline: Path | None = None,
    skip_stock: bool = False,
) -> dict:
    entries = bib_entries(size)
    cited_key = next(key for key, _ in entries)
    sites = {}
    variants = ("ours", "baseline") if baseline else ("ours",)
    variants += () if skip_stock else ("stock", "floor")
    for variant in variants:
        sites[variant] = workdir / f"n{size}-{variant}"
        write_site(sites[variant], variant, entries, baseline=baseline)
    # The first page cites a random sample: make sure the edited entry is one of the cited ones.
    for variant in (name for name in variants if name != "floor"):
        page = sites[variant] / "page0.md"
        page.write_text(page.read_text(encoding="utf-8") + f"\nEdited later {{cite:p}}`{cited_key}`.\n")
    times: dict[str, dict[str, list[float]]] = {v: {s: [] for s in SCENARIOS} for v in sites}
    cpu: dict[str, dict[str, list[float]]] = {v: {s: [] for s in SCENARIOS} for v in sites}
    peaks: dict[str, list[float]] = {v: [] for v in sites}
    for run in range(runs):
        for variant in variants:
            measured = scenarios(sites[variant], variant, cited_key, run, jobs)
            for scenario, measure in measured.items():
                times[variant][scenario].append(measure.seconds)
                cpu[variant][scenario].append(measure.cpu)
            peaks[variant].append(measured["clean"].peak_mb)
            print(
                f"  N={size} run {run + 1} {variant:8} "
                + "  ".join(f"{name} {measure.seconds:6.2f}s" for name, measure in measured.items()),
                flush=True,
            )
    return {
        "size": size,
        "median_seconds": {
            variant: {scenario: median(values) for scenario, values in by_scenario.items() if values}
            for variant, by_scenario in times.items()
        },
        "median_cpu_seconds": {
            variant: {scenario: median(values) for scenario, values in by_scenario.items() if values}
            for variant, by_scenario in cpu.items()
        },
        "peak_mb": {variant: median(values) for variant, values in peaks.items()},
    }


def real_site(runs: int, workdir: Path, baseline: Path | None = None) -> dict[str, dict[str, float]]:
    """Clean, no-op and one-page rebuild of the real site (a copy, so the checkout is untouched), and of
    the baseline's, alternating."""
    trees = {"ours": REPO, **({"baseline": baseline} if baseline else {})}
    copies = {}
    for name, tree in trees.items():
        copies[name] = workdir / f"real-site-{name}"
        shutil.copytree(
            tree,
            copies[name],
            ignore=shutil.ignore_patterns("_build", ".venv", ".git", "tests", "__pycache__"),
        )
    times = {name: {"clean": [], "no-op": [], "edit page": []} for name in copies}
    for run in range(runs):
        for name, copy in copies.items():
            shutil.rmtree(copy / "_build", ignore_errors=True)
            times[name]["clean"].append(build(copy, None).seconds)
            times[name]["no-op"].append(build(copy, None).seconds)
            research = copy / "research" / "index.md"
            research.write_text(research.read_text(encoding="utf-8") + f"\n% edit {run}\n", encoding="utf-8")
            times[name]["edit page"].append(build(copy, None).seconds)
    return {name: {scenario: median(values) for scenario, values in by.items()} for name, by in times.items()}


def print_table(results: list[dict]) -> None:
    if all("stock" in result["median_seconds"] for result in results):
        print_stock_tables(results)
    if all("baseline" in result["median_seconds"] for result in results):
        print("\n| entries | scenario | ours (s) | baseline (s) | ours/baseline | ours/baseline, CPU time |")
        print("|---|---|---|---|---|---|")
        for result in results:
            ours, base = result["median_seconds"]["ours"], result["median_seconds"]["baseline"]
            ours_cpu, base_cpu = (
                result["median_cpu_seconds"]["ours"],
                result["median_cpu_seconds"]["baseline"],
            )
            for scenario in SCENARIOS:
                print(
                    f"| {result['size']} | {scenario} | {ours[scenario]:.2f} | {base[scenario]:.2f} | "
                    f"{ours[scenario] / base[scenario]:.2f} | {ours_cpu[scenario] / base_cpu[scenario]:.2f} |"
                )


def print_stock_tables(results: list[dict]) -> None:
    print()
    header = "| entries | scenario | ours (s) | stock (s) | ours/stock |"
    print(header)
    print("|---|---|---|---|---|")
    for result in results:
        ours, stock = result["median_seconds"]["ours"], result["median_seconds"]["stock"]
        for scenario in SCENARIOS:
            ratio = ours[scenario] / stock[scenario]
            row = [
                str(result["size"]),
                scenario,
                f"{ours[scenario]:.2f}",
                f"{stock[scenario]:.2f}",
                f"{ratio:.2f}",
            ]
            print("| " + " | ".join(row) + " |")
    print()
    columns = ["entries", "floor no-op (s)", "ours no-op / floor", "stock no-op / floor", "peak MB ours"]
    print("| " + " | ".join([*columns, "peak MB stock"]) + " |")
    print("|---|---|---|---|---|---|")
    for result in results:
        seconds, peak = result["median_seconds"], result["peak_mb"]
        floor = seconds["floor"]["no-op"]
        print(
            f"| {result['size']} | {floor:.2f} | {seconds['ours']['no-op'] / floor:.2f} | "
            f"{seconds['stock']['no-op'] / floor:.2f} | {peak['ours']:.0f} | {peak['stock']:.0f} |"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        for variant in ("ours", "stock"):
            growth = last["median_seconds"][variant]["clean"] / first["median_seconds"][variant]["clean"]
            print(
                f"\n{variant}: clean build grows {growth:.1f}x from N={first['size']} to N={last['size']} "
                f"({last['size'] / first['size']:.0f}x the entries)",
                end="",
            )
        print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[50, 500, 2000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default=None, help="passed to sphinx-build -j (for example: auto)")
    parser.add_argument("--no-real-site", action="store_true", help="skip the real site's timings")
    parser.add_argument("--json", type=Path, default=REPO / "_build" / "build_speed.json")
    parser.add_argument(
        "--keep", type=Path, default=None, help="write the synthetic sites here and keep them"
    )
    parser.add_argument("--baseline", default=None, help="a git ref whose code to time next to ours")
    parser.add_argument("--skip-stock", action="store_true", help="time neither stock nor floor")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-") as temporary:
        workdir = args.keep or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        baseline = baseline_tree(args.baseline, workdir) if args.baseline else None
        results = []
        for size in args.sizes:
            print(f"N = {size}", flush=True)
            results.append(bench_size(size, args.runs, args.jobs, workdir, baseline, args.skip_stock))
        if results:
            print_table(results)
        report: dict = {"jobs": args.jobs, "runs": args.runs, "sizes": results}
        if not args.no_real_site:
            report["real_site"] = real_site(args.runs, workdir, baseline)
            for name, timings in report["real_site"].items():
                print(
                    f"\nreal site ({name}): "
                    + ", ".join(f"{scenario} {seconds:.2f} s" for scenario, seconds in timings.items())
                )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
