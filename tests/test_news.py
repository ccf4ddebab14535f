"""News as data (tests/roots/test-news, 'today' is 2025-12-15): order, the future-date rule, warnings with
lines, the home page's latest items, the News page by year, and an Atom feed that a feed reader accepts."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from helpers import build_site, soup, warnings_of

from portfolio.news import published, read_news

ROOT = Path(__file__).parent / "roots" / "test-news"

pytestmark = pytest.mark.sphinx("html", testroot="news", freshenv=True)


def item_texts(page: BeautifulSoup, selector: str = "ul.news-list li") -> list[str]:
    return [" ".join(item.get_text(" ", strip=True).split()) for item in page.select(selector)]


def test_malformed_items_are_warnings_naming_file_and_line(built) -> None:
    def line_of(warning: str) -> int:
        return int(re.search(r"news\.yaml:(\d+):", warning).group(1))

    warnings = sorted(warnings_of(built), key=line_of)
    assert [line_of(warning) for warning in warnings] == [5, 5, 12, 19], warnings
    assert (
        "WARNING: raw HTML '<b onclick=\"x()\">' in a news item is shown as text: write it in MyST"
        in warnings[0]
    )
    assert "WARNING: raw HTML '</b>' in a news item is shown as text" in warnings[1]
    assert (
        "WARNING: date '2024-13' is not a date: write 2025-11 or 2025-11-12 [portfolio.news]" in warnings[2]
    )
    assert (
        "WARNING: id 'older-news' is used by the item at line 15: set 'id:' [portfolio.news]" in warnings[3]
    )


def test_the_news_page_lists_published_items_newest_first_by_year(built) -> None:
    page = soup(built, "news")
    assert [
        section.select_one("h2").get_text().rstrip("¶#") for section in page.select("section[id^=news-2]")
    ] == [
        "2025",
        "2024",
    ]
    assert item_texts(page) == [
        '1 Dec 2025 — We release PAN & a <b onclick="x()"> demo </b> . (paper)',
        "Sep 2025 — Three papers accepted by NeurIPS 2025 .",
        "2 May 2024 — Older news with a relative link .",
    ]
    # Stable anchors: the given id, or the date and the first words.
    assert [item["id"] for item in page.select("ul.news-list li")] == [
        "news-2025-12-01-we-release-pan-a-b-onclick-x-demo-b",
        "news-2025-09-three-papers-accepted-by-neurips-2025",
        "news-older-news",
    ]


def test_the_future_item_waits_for_its_date(built) -> None:
    assert "has not happened yet" not in (built.outdir / "news.html").read_text(encoding="utf-8")
    assert "has not happened yet" not in (built.outdir / "news.xml").read_text(encoding="utf-8")


def test_the_home_page_shows_the_latest_items_and_the_ways_onward(built) -> None:
    home = soup(built, "index")
    assert not home.select("ul.news-list b")  # the raw HTML is text
    assert item_texts(home) == [
        '1 Dec 2025 — We release PAN & a <b onclick="x()"> demo </b> . (paper)',
        "Sep 2025 — Three papers accepted by NeurIPS 2025 .",
    ]
    links = {a.get_text(): a["href"] for a in home.select("p.news-links a")}
    assert links == {"All news": "news.html", "Atom feed": "news.xml"}
    assert (
        home.select_one("ul.news-list a[href='publications/zhou2024jiuzhang3.html']").get_text() == "(paper)"
    )


def test_every_page_links_the_feed_in_its_head(built) -> None:
    for name in ("index", "news", "publications", "publications/zhou2024jiuzhang3"):
        link = soup(built, name).select_one('head link[rel="alternate"][type="application/atom+xml"]')
        assert link is not None, name
        assert (built.outdir / Path(name).parent / link["href"]).resolve() == (
            built.outdir / "news.xml"
        ).resolve()


def test_the_feed_is_valid_atom_with_absolute_links_and_stable_ids(built) -> None:
    feed = feedparser.parse((built.outdir / "news.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Test Owner: news"
    assert feed.feed.id == "https://owner.example.org/site/news.html"
    assert {link.rel: link.href for link in feed.feed.links} == {
        "self": "https://owner.example.org/site/news.xml",
        "alternate": "https://owner.example.org/site/news.html",
    }
    assert feed.feed.updated == "2025-12-01T00:00:00Z"
    assert [entry.title for entry in feed.entries] == [
        "We release PAN & a demo.",
        "Three papers accepted by NeurIPS 2025.",
        "Older news with a relative link.",
    ]
    assert [entry.id for entry in feed.entries] == [
        "tag:owner.example.org,2025-12-01:news/2025-12-01-we-release-pan-a-b-onclick-x-demo-b",
        "tag:owner.example.org,2025-09-01:news/2025-09-three-papers-accepted-by-neurips-2025",
        "tag:owner.example.org,2024-05-02:news/older-news",
    ]
    for entry in feed.entries:
        assert entry.link.startswith("https://owner.example.org/site/news.html#news-")
    first = feed.entries[0].content[0].value
    assert '<a href="https://example.org/pan">PAN</a>' in first
    assert "<b onclick" not in first  # raw HTML in the text reaches the feed as text
    assert '<a href="https://owner.example.org/site/publications.html">relative link</a>' in (
        feed.entries[2].content[0].value
    )


def test_items_of_one_date_keep_their_order_and_the_rule_is_inclusive() -> None:
    items, problems = read_news(
        "- date: 2025-11\n  text: first\n- date: 2025-11\n  text: second\n- date: 2025-11-30\n  text: today\n"
    )
    assert problems == []
    assert [item.text for item in published(items, dt.date(2025, 11, 30))] == ["today", "first", "second"]
    assert [item.text for item in published(items, dt.date(2025, 11, 29))] == ["first", "second"]


def test_a_file_that_is_not_a_list_is_one_clear_problem() -> None:
    items, problems = read_news("date: 2025-11\ntext: not in a list\n")
    assert items == []
    assert [(problem.line, problem.message) for problem in problems] == [
        (1, "the file must be a list of items (each starting with '- ')")
    ]
    _, problems = read_news("- date: 2025-11\n  text: [unclosed\n  - : :\n")
    assert problems
    assert problems[0].message.startswith("not valid YAML")


def test_an_item_appears_on_its_date_in_an_incremental_build(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source)
    (source / "news.yaml").write_text(
        "- date: 2025-09\n  text: Published long ago.\n"
        "- date: 2026-01-10\n  text: A talk that has not happened yet.\n",
        encoding="utf-8",
    )
    outdir = tmp_path / "out"
    assert build_site(source, outdir, "-D", "portfolio_news_today=2025-12-15").returncode == 0
    assert "has not happened yet" not in (outdir / "news.html").read_text(encoding="utf-8")
    # Nothing changed but the calendar: the pages that list news are rebuilt, the others are not.
    result = build_site(source, outdir, "-D", "portfolio_news_today=2026-01-10")
    assert result.returncode == 0, result.stderr
    assert "has not happened yet" in (outdir / "news.html").read_text(encoding="utf-8")
    assert "has not happened yet" in (outdir / "index.html").read_text(encoding="utf-8")
    assert "has not happened yet" in (outdir / "news.xml").read_text(encoding="utf-8")


def test_a_control_character_or_script_in_news_yaml_is_caught_or_escaped() -> None:
    _, problems = read_news("- date: 2025-11\n  text: bell \x07 here\n")
    assert [problem.line for problem in problems] == [2]
    assert problems[0].message.startswith("not valid YAML")
    from portfolio.news import inline_html, plain_text

    hostile = "A </script><script>alert(1)</script> and [x](javascript:alert(1))"
    html = inline_html(hostile, "https://owner.example.org/")
    assert "<script>" not in html
    assert "&lt;/script&gt;&lt;script&gt;" in html
    assert 'href="javascript:' not in html  # markdown-it refuses the link: it stays text
    assert "<" not in plain_text(hostile)


def test_an_item_may_name_several_papers_and_a_bad_paper_value_is_a_problem() -> None:
    items, problems = read_news(
        "- date: 2025-09\n  text: Three papers.\n  paper: [a2025x, b2025y]\n"
        "- date: 2025-10\n  text: One paper.\n  paper: c2025z\n"
        "- date: 2025-11\n  text: Broken.\n  paper: [{key: d2025w}]\n"
    )
    assert [item.papers for item in items] == [("a2025x", "b2025y"), ("c2025z",), ()]
    assert [(problem.line, problem.message) for problem in problems] == [
        (9, "paper: write a bib key, or a list of bib keys")
    ]
