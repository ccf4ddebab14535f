"""The real site, built once with the README's strict command, checked against the owner's homepage."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest
from bs4 import BeautifulSoup
from helpers import REPO, SiteBuild
from pybtex.database import parse_file

from portfolio.bib.text import entry_month, entry_year, latex_to_plain

pytestmark = pytest.mark.site

HOMEPAGE = Path(__file__).parent / "data" / "homepage.md"
OLD_PUBLICATIONS_PAGE = "https://lancelot39.github.io/publications/"
TOP_LEVEL_PAGES = {
    "Research": "research/index.html",
    "Publications": "publications/index.html",
    "Projects": "projects/index.html",
    "News": "news.html",
    "CV": "cv.html",
    "Posts": "posts.html",
}
PROJECT_PAGES = [
    "projects/jiuzhang3.html",
    "projects/yulan-chat.html",
    "projects/llmbook.html",
    "projects/llmsurvey.html",
]


@pytest.fixture(scope="module")
def built(site: SiteBuild) -> Path:
    assert site.returncode == 0, site.stderr
    return site.outdir


@cache
def _parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page(outdir: Path, name: str) -> BeautifulSoup:
    return _parse(outdir / name)


def html_pages(outdir: Path) -> list[str]:
    return sorted(
        path.relative_to(outdir).as_posix()
        for path in outdir.rglob("*.html")
        if path.name not in {"genindex.html", "search.html"} and "_static" not in path.parts
    )


def normalise(url: str) -> str:
    """One spelling per target: arXiv PDF and abstract pages are the same paper; trailing slashes vary."""
    if match := re.match(r"https?://arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?/?$", url):
        return f"arxiv:{match.group(1)}"
    return url.rstrip("/")


def homepage_links() -> list[str]:
    return re.findall(r"\]\((https?://[^)\s]+)\)", HOMEPAGE.read_text(encoding="utf-8"))


def test_the_strict_build_has_no_warnings(site: SiteBuild) -> None:
    assert site.returncode == 0
    assert site.stderr == ""
    # -q leaves Sphinx's own progress out: what is left was printed past its logging (sphinxext-opengraph
    # printed "matplotlib is not installed, social cards will not be generated" on every build).
    assert site.stdout == ""


def test_a_clean_build_says_nothing_but_its_progress(tmp_path: Path) -> None:
    """Without -q: no extension of the site logs its configuration or a notice of its own."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO / "_ext")}
    env.pop("FORCE_COLOR", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-nW",
            "--keep-going",
            "--no-color",
            str(REPO),
            str(tmp_path / "html"),
            "-d",
            str(tmp_path / "doctrees"),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    said = [line for line in result.stdout.splitlines() if line.strip() and not SPHINX_PROGRESS.match(line)]
    assert said == []


#: The lines of a build Sphinx itself writes (and the progress lines of sphinxcontrib-bibtex and
#: sphinx-last-updated-by-git, which report like Sphinx's own steps).
SPHINX_PROGRESS = re.compile(
    r"(Running Sphinx v|loading translations|making output directory|checking bibtex cache|building \[|"
    r"updating environment:|reading sources\.\.\.|getting Git timestamps|looking for now-outdated|"
    r"pickling environment|checking consistency|preparing documents|Writing evaluated template|"
    r"writing output\.\.\.|generating indices|writing additional pages|copying |dumping |build succeeded|"
    r"The HTML pages are in )"
)


def test_every_link_of_the_homepage_is_on_the_site(built: Path) -> None:
    site_links = {
        normalise(a["href"])
        for name in html_pages(built)
        for a in page(built, name).select("article a[href], .profile-card a[href]")
    }
    wanted = [link for link in homepage_links() if link != OLD_PUBLICATIONS_PAGE]
    assert len(wanted) >= 50, "the homepage fixture should hold all of the owner's links"
    missing = [link for link in wanted if normalise(link) not in site_links]
    assert missing == []


def test_the_old_publication_list_link_points_to_our_publications_page(built: Path) -> None:
    research = page(built, "research/index.html")
    link = research.find("a", string="Publication")
    assert link is not None
    assert urljoin("research/index.html", link["href"]) == "publications/index.html"


@cache
def site_prefix(outdir: Path) -> str:
    """The path the site is served under ("/en/latest/"), from the home page's canonical link."""
    canonical = page(outdir, "index.html").select_one('link[rel="canonical"]')["href"]
    return urlparse(canonical).path.removesuffix("index.html")


def resolve(outdir: Path, from_page: str, href: str) -> tuple[Path, str]:
    target, fragment = urldefrag(urljoin(from_page, href))
    if target.startswith("/"):  # site-absolute, as on the 404 page: under the site's prefix
        prefix = site_prefix(outdir)
        assert target.startswith(prefix), f"{from_page}: {href} is outside the site ({prefix})"
        target = target.removeprefix(prefix)
    return outdir / unquote(target), fragment


def assert_resolves(outdir: Path, from_page: str, href: str) -> None:
    target, fragment = resolve(outdir, from_page, href)
    assert target.is_file(), f"{from_page}: {href} points to a missing file"
    if fragment:
        assert page(outdir, target.relative_to(outdir).as_posix()).find(id=fragment) is not None, (
            f"{from_page}: {href} points to a missing anchor"
        )


def test_every_research_outline_item_cites_a_resolvable_entry(built: Path) -> None:
    research = page(built, "research/index.html")
    items = [li for li in research.select("article li") if li.select_one("strong em, em strong")]
    # The owner's outline items are the bullets with a bold-italic label ("* ***Training:*** ...").
    assert len(items) == len(re.findall(r"^\s+\* \*\*\*", HOMEPAGE.read_text(encoding="utf-8"), re.MULTILINE))
    for item in items:
        citations = item.select("span.bibtex-citation a.reference.internal")
        assert citations, f"no citation in: {item.get_text(' ', strip=True)}"
        for link in citations:
            assert link["href"].startswith("../publications/index.html#")
            assert_resolves(built, "research/index.html", link["href"])


def listed_keys(built: Path) -> list[str]:
    return [entry["id"] for entry in page(built, "publications/index.html").select("li.pub-entry")]


def test_every_bib_entry_is_on_the_publications_page_exactly_once(built: Path) -> None:
    keys = set(parse_file(REPO / "refs.bib").entries.keys())
    listed = listed_keys(built)
    assert len(listed) == len(set(listed))
    assert set(listed) == keys


def test_publications_are_newest_first_under_year_headings(built: Path) -> None:
    entries = parse_file(REPO / "refs.bib").entries
    listed = listed_keys(built)
    dates = [(entry_year(entries[key]), entry_month(entries[key])) for key in listed]
    assert dates == sorted(dates, reverse=True)
    years = page(built, "publications/index.html").select("section.pub-year")
    assert len(years) >= 5
    for section in years:
        heading = int(section.select_one("h2").get_text(strip=True).rstrip("#"))
        assert {entry_year(entries[item["id"]]) for item in section.select("li.pub-entry")} == {heading}


def test_every_paper_has_its_page_with_scholar_meta_tags(built: Path) -> None:
    entries = parse_file(REPO / "refs.bib").entries
    for key, entry in entries.items():
        paper = page(built, f"publications/{key}.html")
        meta = {}
        for tag in paper.select("meta[name^=citation_]"):
            meta.setdefault(tag["name"], []).append(tag["content"])
        assert meta["citation_title"] == [paper.select_one("article h1").get_text(strip=True).rstrip("#")], (
            key
        )
        assert len(meta["citation_author"]) == len(
            [person for person in entry.persons["author"] if str(person) != "others"]
        ), key
        assert meta["citation_publication_date"][0].startswith(entry.fields["year"]), key
        venue_tags = {"citation_conference_title", "citation_journal_title", "citation_publisher"}
        # A preprint's venue is arXiv, which Scholar reads from citation_arxiv_id (test_scholar.py).
        assert meta.keys() & (venue_tags | {"citation_arxiv_id"}), key


def test_every_inline_citation_links_to_an_entry_whose_paper_page_cites_back(built: Path) -> None:
    pages = ["research/index.html", *PROJECT_PAGES, "cv.html"]
    cited = 0
    for name in pages:
        for link in page(built, name).select("span.bibtex-citation a.reference.internal"):
            target, key = resolve(built, name, link["href"])
            assert target == built / "publications" / "index.html", (name, link["href"])
            assert_resolves(built, name, link["href"])
            back_links = {
                urldefrag(a["href"])[0]
                for a in page(built, f"publications/{key}.html").select("#cited-on a.reference")
            }
            assert f"../{name}" in back_links, (name, key)
            cited += 1
    assert cited >= 30


def test_selected_publications_on_the_home_page_are_the_marked_entries(built: Path) -> None:
    entries = parse_file(REPO / "refs.bib").entries
    marked = {key for key, entry in entries.items() if entry.fields.get("selected") == "true"}
    home = page(built, "index.html")
    titles = {
        item.select_one(".pub-title").get_text(strip=True) for item in home.select("ul.pub-selected li")
    }
    assert marked
    assert titles == {latex_to_plain(entries[key].fields["title"]) for key in marked}


def test_every_internal_link_and_image_resolves(built: Path) -> None:
    for name in html_pages(built):
        soup = page(built, name)
        for element, attribute in [
            *((a, "href") for a in soup.select("a[href]")),
            *((i, "src") for i in soup.select("img[src]")),
        ]:
            url = element[attribute]
            if urlparse(url).scheme or url.startswith(("//", "mailto:")):
                continue
            assert_resolves(built, name, url)


def test_navbar_reaches_every_top_level_page_from_every_page(built: Path) -> None:
    for name in html_pages(built):
        navbar = page(built, name).select_one("nav.navbar-nav, .navbar-header-items .navbar-nav")
        assert navbar is not None, name
        links = {
            a.get_text(strip=True): resolve(built, name, a["href"])[0].relative_to(built).as_posix()
            for a in navbar.select("a.nav-link")
        }
        assert links == TOP_LEVEL_PAGES, name


def test_titles(built: Path) -> None:
    assert page(built, "index.html").title.get_text() == "Kun Zhou (周昆)"
    assert page(built, "publications/index.html").title.get_text() == "Publications — Kun Zhou"
    assert page(built, "projects/yulan-chat.html").title.get_text() == "YuLan-Chat — Kun Zhou"


def test_home_has_bio_call_out_news_and_paths_onward(built: Path) -> None:
    home = page(built, "index.html")
    article = home.select_one("article")
    text = article.get_text(" ", strip=True)
    assert "Kun Zhou is a postdoctoral researcher at UC San Diego" in text
    assert "<font" not in str(article)
    callout = article.select_one("div.admonition.research-opportunities")
    assert callout.select_one(".admonition-title").get_text() == "Research Opportunities"
    assert callout.select_one('a[href^="mailto:kuzhou"]') is not None
    news = [li.get_text(" ", strip=True) for li in article.select("ul.news-list > li")]
    assert len(news) == 3
    assert all(re.match(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} — ", item) for item in news)
    onward = {urljoin("index.html", a["href"]) for a in article.select(".sd-card a.sd-stretched-link")}
    assert onward == {"research/index.html", "publications/index.html", "projects/index.html"}


def test_profile_links_are_in_the_card_and_the_navbar(built: Path) -> None:
    home = page(built, "index.html")
    card = {a.get_text(strip=True): a["href"] for a in home.select(".profile-card a")}
    assert card["Email"] in {"mailto:kuzhou@ucsd.edu", "mailto:kuzhou%40ucsd.edu"}
    assert card["GitHub"] == "https://github.com/Lancelot39"
    assert card["Google Scholar"].startswith("https://scholar.google.com/")
    navbar_icons = {a["href"] for a in home.select(".navbar-icon-links a")}
    assert {"https://github.com/Lancelot39", card["Google Scholar"]} <= navbar_icons


def test_each_project_has_a_page_with_its_links_and_papers(built: Path) -> None:
    cards = {
        urljoin("projects/index.html", a["href"])
        for a in page(built, "projects/index.html").select(".sd-card a")
    }
    assert cards == set(PROJECT_PAGES)
    for name in PROJECT_PAGES:
        article = page(built, name).select_one("article")
        assert article.select("a.reference.external"), name
        citations = article.select("span.bibtex-citation a.reference.internal")
        assert citations, name
        for link in citations:
            assert_resolves(built, name, link["href"])
    yulan = page(built, "projects/yulan-chat.html")
    assert [h.get_text(strip=True).rstrip("#") for h in yulan.select("article h2")] == [
        "YuLan-Chat-3",
        "YuLan-Chat-2",
        "YuLan-Chat",
    ]


def test_cv_sections(built: Path) -> None:
    cv = page(built, "cv.html")
    for section_id in ("education", "experience", "honors", "service"):
        assert cv.find(id=section_id) is not None, section_id
    experiences = cv.select("#experience section")
    assert len(experiences) == 4
    for experience in experiences:
        assert re.search(r"\d{4}\.\d{1,2} – \d{4}\.\d{1,2}", experience.get_text()), experience.get_text()
        assert "Mentor:" in experience.get_text()
    text = cv.get_text(" ", strip=True)
    for typo in ("2st", "4rd", "Datathen"):
        assert typo not in text


def test_zhihu_posts_page(built: Path) -> None:
    links = page(built, "posts.html").select("article a.reference.external")
    assert [a["href"] for a in links] == [
        "https://zhuanlan.zhihu.com/p/270009212",
        "https://zhuanlan.zhihu.com/p/356415715",
    ]
    assert {a.get("lang") for a in links} == {"zh"}


def test_pages_link_their_source_for_editing_and_show_the_last_commit_date(built: Path) -> None:
    import datetime as dt
    import subprocess

    cv = page(built, "cv.html")
    assert (
        cv.select_one(".editthispage a")["href"]
        == "https://github.com/Lancelot39/kunzhou-site/edit/main/cv.md"
    )
    stamp = subprocess.run(
        # The page is made of cv.md and cv.yaml: its date is the newer one's.
        ["git", "log", "-1", "--format=%ct", "--", "cv.md", "cv.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if stamp:  # a checkout with history; without it the date is left out and the build still succeeds
        date = dt.datetime.fromtimestamp(int(stamp), dt.UTC).strftime("%b %d, %Y")
        assert cv.select_one(".last-updated").get_text(strip=True) == f"Last updated on {date}."
    # A paper page's source is generated: its edit link opens its entry in refs.bib, at its line.
    text = (REPO / "refs.bib").read_text(encoding="utf-8")
    line = text[: text.index("@inproceedings{zhou2024jiuzhang3,")].count("\n") + 1
    paper = page(built, "publications/zhou2024jiuzhang3.html")
    assert paper.select_one(".editthispage a")["href"] == (
        f"https://github.com/Lancelot39/kunzhou-site/blob/main/refs.bib#L{line}"
    )


def test_the_cv_and_the_publication_list_as_pdf(built: Path) -> None:
    """Both PDFs of the real site: every fact of cv.yaml and every paper of refs.bib, linked from the
    profile card, the CV page and the publications page."""
    from helpers import pdf_reader, pdf_text, title_text

    from portfolio.cv.data import read_cv
    from portfolio.cv.inline import plain_parts

    cv, problems = read_cv((REPO / "cv.yaml").read_text(encoding="utf-8"))
    assert problems == []
    cv_pdf, list_pdf = built / "kun-zhou-cv.pdf", built / "publications" / "kun-zhou-publications.pdf"
    text = pdf_text(cv_pdf)
    page_text = " ".join(page(built, "cv.html").select_one("article").get_text().split())
    assert text.startswith("Kun Zhou 周昆 Postdoctoral Researcher, University of California, San Diego")
    for section in cv.sections:
        for entry in section.entries:
            for value in [
                *entry.values.values(),
                *(item for items in entry.lists.values() for item in items),
            ]:
                for fact in plain_parts(value) if value != entry.get("id") else ():
                    assert fact in text, fact
                    assert fact in page_text, fact
    entries = parse_file(REPO / "refs.bib").entries
    listed = pdf_text(list_pdf)
    assert all(title_text(entry) in listed for entry in entries.values())
    assert f"{len(entries)} papers, newest first" in listed
    assert len(pdf_reader(cv_pdf).pages) <= 3
    card = {a.get_text(strip=True): a["href"] for a in page(built, "index.html").select(".profile-links a")}
    assert card["CV (PDF)"] == "kun-zhou-cv.pdf"
    assert "kun-zhou-cv.pdf" in {a["href"] for a in page(built, "cv.html").select("article a")}
    downloads = {
        a.get_text(): a["href"] for a in page(built, "publications/index.html").select("a.pub-download")
    }
    assert downloads["PDF"] == "kun-zhou-publications.pdf"
