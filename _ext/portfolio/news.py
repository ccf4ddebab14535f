"""News as data: ``news.yaml`` feeds the home page, the News page and an Atom feed.

Each item is a date (``2025-11`` or ``2025-11-12``), a line of MyST text (links and bold allowed) and,
optionally, ``paper:`` (a bib key, or a list of them: the item links to their pages) and a stable ``id``.
``{news}`` lists the items newest first (``:limit: 3`` for the home page, ``:by-year:`` for the News page);
items dated after the build date are kept back until then. The feed (``portfolio_news_feed``, Atom 1.0,
absolute URLs from ``html_baseurl``) is written at the end of an HTML build and linked from every page's
``<head>``. A malformed item is a warning naming ``news.yaml`` and the line.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urljoin, urlparse
from xml.sax.saxutils import escape, quoteattr

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from markdown_it import MarkdownIt
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import options
from .bib.model import paper_of
from .papers.listing import paper_docname
from .papers.nodes import doc_link, export_link
from .papers.seam import bib_data
from .yamlsource import compose

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata, OptionSpec

logger = logging.getLogger(__name__)

DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
KNOWN_FIELDS = frozenset({"date", "text", "paper", "id"})


@dataclass(frozen=True)
class NewsItem:
    date: dt.date
    precision: str  # "month" or "day"
    text: str
    papers: tuple[str, ...]  # bib keys of the papers it announces
    item_id: str
    line: int

    @property
    def label(self) -> str:
        month_year = self.date.strftime("%b %Y")
        return month_year if self.precision == "month" else f"{self.date.day} {month_year}"

    @property
    def iso(self) -> str:
        return self.date.strftime("%Y-%m") if self.precision == "month" else self.date.isoformat()


@dataclass(frozen=True)
class NewsProblem:
    line: int
    message: str


def slug(text: str, length: int = 48) -> str:
    plain = re.sub(r"\]\([^)]*\)|[\[\]*_`]", " ", text)
    ascii_text = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:length].rstrip("-") or "item"


def read_news(text: str) -> tuple[list[NewsItem], list[NewsProblem]]:
    """The items of a news file, in file order, and what is wrong with the others (by line)."""
    root, failure = compose(text)
    if failure is not None:
        return [], [NewsProblem(*failure)]
    if root is None:
        return [], []
    if not isinstance(root, yaml.SequenceNode):
        return [], [
            NewsProblem(
                root.start_mark.line + 1, "the file must be a list of items (each starting with '- ')"
            )
        ]
    items, problems = [], []
    seen_ids: dict[str, int] = {}
    for node in root.value:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            problems.append(NewsProblem(line, "an item must have 'date:' and 'text:'"))
            continue
        fields = {key.value: (value.value, value.start_mark.line + 1) for key, value in node.value}
        papers, paper_line = fields.get("paper", ([], line))
        if isinstance(papers, str):
            papers = [papers]
        elif not all(isinstance(paper, yaml.ScalarNode) for paper in papers):
            problems.append(NewsProblem(paper_line, "paper: write a bib key, or a list of bib keys"))
            papers = []
        else:
            papers = [paper.value for paper in papers]
        unknown = sorted(set(fields) - KNOWN_FIELDS)
        if unknown:
            problems.append(
                NewsProblem(line, f"unknown field(s) {', '.join(unknown)}: use date, text, paper, id")
            )
        raw_date, date_line = fields.get("date", ("", line))
        match = DATE.fullmatch(str(raw_date).strip())
        date = None
        if match:
            try:
                date = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1))
            except ValueError:
                date = None
        if date is None:
            problems.append(
                NewsProblem(date_line, f"date {raw_date!r} is not a date: write 2025-11 or 2025-11-12")
            )
            continue
        text = " ".join(str(fields.get("text", ("", line))[0]).split())
        if not text:
            problems.append(NewsProblem(line, "the item has no text"))
            continue
        precision = "day" if match.group(3) else "month"
        iso = date.isoformat() if precision == "day" else date.strftime("%Y-%m")
        item_id = str(fields.get("id", (f"{iso}-{slug(text)}", line))[0])
        if item_id in seen_ids:
            problems.append(
                NewsProblem(
                    line, f"id {item_id!r} is used by the item at line {seen_ids[item_id]}: set 'id:'"
                )
            )
            continue
        seen_ids[item_id] = line
        items.append(
            NewsItem(
                date, precision, text, tuple(key.strip() for key in papers if key.strip()), item_id, line
            )
        )
    return items, problems


def published(items: list[NewsItem], today: dt.date) -> list[NewsItem]:
    """Items dated today or earlier, newest first; items of one date keep their order in the file."""
    return sorted((item for item in items if item.date <= today), key=lambda item: item.date, reverse=True)


def build_date(config) -> dt.date:
    """The date the build counts as today: ``portfolio_news_today`` (for tests) or the clock."""
    if config.portfolio_news_today:
        return dt.date.fromisoformat(config.portfolio_news_today)
    return dt.date.today()


def news_path(app_or_env) -> Path:
    return Path(app_or_env.srcdir, app_or_env.config.portfolio_news_file)


def load(env: BuildEnvironment, report: bool = False) -> list[NewsItem]:
    path = news_path(env)
    if not path.is_file():
        if report:
            logger.warning("%s does not exist", path, type="portfolio", subtype="news")
        return []
    items, problems = read_news(path.read_text(encoding="utf-8"))
    if report:
        for problem in problems:
            logger.warning(
                problem.message, location=f"{path}:{problem.line}", type="portfolio", subtype="news"
            )
    return published(items, build_date(env.config))


# -- The directive ----------------------------------------------------------------------------------


class News(SphinxDirective):
    """The news, newest first: all of it, the latest ``:limit:`` items, or grouped ``:by-year:``."""

    has_content = False
    option_spec: ClassVar[OptionSpec] = {"limit": directives.positive_int, "by-year": directives.flag}

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(news_path(self.env)))
        news_pages(self.env).add(self.env.docname)
        # Problems are reported once, by the page that lists everything (or the first to ask).
        items = load(self.env, report="limit" not in self.options)
        if limit := self.options.get("limit"):
            items = items[:limit]
        if "by-year" not in self.options:
            return [self.item_list(items), self.links(more="limit" in self.options)]
        sections: list[nodes.Node] = [self.links(more=False)]
        for year in sorted({item.date.year for item in items}, reverse=True):
            section = nodes.section(ids=[f"news-{year}"], names=[f"news-{year}"])
            section += nodes.title("", str(year))
            section += self.item_list([item for item in items if item.date.year == year])
            sections.append(section)
        return sections

    def escape_raw_html(self, paragraph: nodes.paragraph, item: NewsItem) -> None:
        """news.yaml is data: HTML in it is shown as text, never passed to the page (and reported)."""
        for raw in list(paragraph.findall(nodes.raw)):
            raw.replace_self(nodes.literal(raw.astext(), raw.astext()))
            if "limit" not in self.options:
                logger.warning(
                    "raw HTML %r in a news item is shown as text: write it in MyST",
                    raw.astext(),
                    location=f"{news_path(self.env)}:{item.line}",
                    type="portfolio",
                    subtype="news",
                )

    def links(self, more: bool) -> nodes.paragraph:
        """ "All news" (from a shortened list) and the feed, for readers who follow it elsewhere."""
        line = nodes.paragraph(classes=["news-links"])
        if more:
            line += doc_link(self.config.portfolio_news_page, [nodes.Text("All news")])
            line += nodes.Text(" · ")
        if self.config.portfolio_news_feed:
            line += export_link("", "Atom feed", path=self.config.portfolio_news_feed)
        return line

    def item_list(self, items: list[NewsItem]) -> nodes.bullet_list:
        listing = nodes.bullet_list(classes=["news-list"])
        for item in items:
            entry = nodes.list_item(ids=[f"news-{item.item_id}"] if "by-year" in self.options else [])
            paragraph = nodes.paragraph()
            paragraph += nodes.strong("", item.label, classes=["news-date"])
            paragraph += nodes.Text(" — ")
            for parsed in self.parse_text_to_nodes(item.text):
                paragraph.extend(parsed.children if isinstance(parsed, nodes.paragraph) else [parsed])
            self.escape_raw_html(paragraph, item)
            links = self.paper_links(item)
            if len(links) == 1:
                paragraph += nodes.Text(" ")
                paragraph += doc_link(links[0][0], [nodes.Text("(paper)")])
            elif links:  # several: each by its title
                paragraph += nodes.Text(" (papers: ")
                for index, (docname, title) in enumerate(links):
                    if index:
                        paragraph += nodes.Text("; ")
                    paragraph += doc_link(docname, [nodes.Text(title)])
                paragraph += nodes.Text(")")
            entry += paragraph
            listing += entry
        return listing

    def paper_links(self, item: NewsItem) -> list[tuple[str, str]]:
        """(docname, title) of each paper page the item links to; a key without a page is a warning."""
        links = []
        for key in item.papers:
            docname = paper_docname(self.env, key)
            if docname is None:
                logger.warning(
                    "news item links to the paper %r, which has no page (is the key in refs.bib?)",
                    key,
                    location=f"{news_path(self.env)}:{item.line}",
                    type="portfolio",
                    subtype="news",
                )
            else:
                links.append((docname, paper_title(self.env, key)))
        if len(links) > 1:  # the titles are shown: a retitled entry must re-read this page
            for path in self.config.bibtex_bibfiles:
                self.env.note_dependency(path)
        return links


def paper_title(env: BuildEnvironment, key: str) -> str:
    entry = bib_data(env).entries.get(key)
    return (paper_of(entry).title if entry is not None else "") or key


def news_pages(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, "portfolio_news_pages"):
        env.portfolio_news_pages = set()
    return env.portfolio_news_pages


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    news_pages(env).discard(docname)


def merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    news_pages(env).update(news_pages(other) & docnames)


def outdated_by_the_calendar(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    """An item whose date has come is published though no file changed: re-read the pages that list news."""
    current = [item.item_id for item in load(env)]
    previous = getattr(env, "portfolio_published_news", None)
    env.portfolio_published_news = current
    return sorted(news_pages(env)) if previous is not None and previous != current else []


# -- The feed ---------------------------------------------------------------------------------------


def site_url(config) -> str:
    return options.site_base(config) or "https://example.org/"


def inline_html(text: str, base: str) -> str:
    """The item's MyST text as HTML with absolute links; raw HTML in it is escaped, not passed on."""
    renderer = MarkdownIt("commonmark", {"html": False})
    html = renderer.renderInline(text)

    def absolute(match: re.Match) -> str:
        target = match.group(1)
        if not urlparse(target).scheme:  # a page of the site, written as MyST links it: page.md#anchor
            target = re.sub(r"\.md(?=$|#)", ".html", target)
        return f'href="{urljoin(base, target)}"'

    return re.sub(r'href="([^"]*)"', absolute, html)


def plain_text(text: str) -> str:
    """The item as a feed title: link texts kept, emphasis marks and tags dropped."""
    without_links = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(re.sub(r"<[^>]*>", "", without_links).replace("**", "").replace("*", "").split())


def atom_feed(items: list[NewsItem], config, papers: dict[str, tuple[str, str]] | None = None) -> str:
    """The Atom feed; ``papers`` maps a bib key to its page's path and the paper's title."""
    papers = papers or {}
    base = site_url(config)
    page = urljoin(base, config.portfolio_news_page + ".html")
    feed_url = urljoin(base, config.portfolio_news_feed)
    host = urlparse(base).hostname or "localhost"
    updated = f"{items[0].date.isoformat()}T00:00:00Z" if items else "1970-01-01T00:00:00Z"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
        f"  <id>{escape(page)}</id>",
        f"  <title>{escape(config.project)}: news</title>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(feed_url)}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(page)}/>',
        f"  <updated>{updated}</updated>",
        f"  <author><name>{escape(config.author)}</name></author>",
    ]
    for item in items:
        stamp = f"{item.date.isoformat()}T00:00:00Z"
        content = inline_html(item.text, base) + feed_paper_links(item, papers, base)
        lines += [
            "  <entry>",
            f"    <id>tag:{host},{item.date.isoformat()}:news/{escape(item.item_id)}</id>",
            f"    <title>{escape(plain_text(item.text))}</title>",
            f"    <updated>{stamp}</updated>",
            f"    <published>{stamp}</published>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(page + "#news-" + item.item_id)}/>',
            f'    <content type="html">{escape(content)}</content>',
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def feed_paper_links(item: NewsItem, papers: dict[str, tuple[str, str]], base: str) -> str:
    links = [
        f"<a href={quoteattr(urljoin(base, papers[key][0]))}>{escape(papers[key][1])}</a>"
        for key in item.papers
        if key in papers
    ]
    return f" (paper{'s' if len(links) > 1 else ''}: {'; '.join(links)})" if links else ""


def write_feed(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html" or not app.config.portfolio_news_feed:
        return
    target = Path(app.outdir, app.config.portfolio_news_feed)
    items = load(app.env)
    papers = {
        key: (app.builder.get_target_uri(docname), paper_title(app.env, key))
        for item in items
        for key in item.papers
        if (docname := paper_docname(app.env, key)) is not None
    }
    text = atom_feed(items, app.config, papers)
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def link_feed(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if not app.config.portfolio_news_feed or "pathto" not in context:
        return
    href = context["pathto"](app.config.portfolio_news_feed, 1)
    title = escape(f"{app.config.project}: news", {'"': "&quot;"})
    link = f'<link rel="alternate" type="application/atom+xml" title="{title}" href="{href}">\n'
    context["metatags"] = context.get("metatags", "") + link


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("portfolio.papers")
    options.add(
        app, "portfolio_news_file", "portfolio_news_page", "portfolio_news_feed", "portfolio_news_today"
    )
    app.add_directive("news", News)
    app.connect("env-get-outdated", outdated_by_the_calendar)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("html-page-context", link_feed)
    app.connect("build-finished", write_feed)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
