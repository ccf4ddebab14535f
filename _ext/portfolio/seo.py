"""What search engines and link previews read: Open Graph descriptions, schema.org JSON-LD, robots.txt.

* Each page's ``description`` meta (front matter ``html_meta``, or a paper's own) also becomes its
  ``og:description`` (``portfolio.opengraph``), which would otherwise be the page's first paragraph.
* JSON-LD: on the home page a ``ProfilePage`` whose ``mainEntity`` is the owner's ``Person``
  (``portfolio_person``), and a ``ScholarlyArticle`` on each paper page (``bib.meta``, which
  ``papers.pages`` writes with :func:`json_ld_script`).
  The JSON is escaped so that a title containing ``</script>`` cannot end the script element.
* ``sitemap.xml`` of every page, and ``robots.txt`` naming it, written at the end of an HTML build.
  sphinx-sitemap was tried first: it lists only the pages written by the current build, so an incremental
  build replaced the full sitemap with a partial one; ours is made from every document of the environment.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin
from xml.sax.saxutils import escape

from docutils import nodes

from . import options
from .options import site_base
from .papers import seam
from .papers.hosting import entry_dates
from .papers.state import state

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def description_to_open_graph(app: Sphinx, doctree: nodes.document) -> None:
    for meta in doctree.findall(nodes.meta):
        if meta.get("name") == "description" and meta.get("content"):
            app.env.metadata[app.env.docname]["og:description"] = meta["content"]
            return


def json_ld_script(data: dict[str, Any]) -> str:
    """A JSON-LD script element whose content cannot close it early or be read as HTML."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"), sort_keys=True)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return f'<script type="application/ld+json">{text}</script>\n'


def profile_page(config, date_modified: str = "") -> dict[str, Any]:
    """The home page as Google's profile page: a ``ProfilePage`` whose ``mainEntity`` is the owner."""
    owner = person(config)
    del owner["@context"]
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "ProfilePage", "mainEntity": owner}
    if base := site_base(config):
        data["url"] = base
    if date_modified:
        data["dateModified"] = date_modified
    return data


def person(config) -> dict[str, Any]:
    data = {"@context": "https://schema.org", "@type": "Person", **config.portfolio_person}
    profile_links = getattr(config, "portfolio_profile_links", [])
    links = [link["url"] for link in profile_links if link["url"].startswith("https://")]
    if links:
        data.setdefault("sameAs", links)
    if base := site_base(config):
        data.setdefault("url", base)
    return data


def add_json_ld(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    config = app.config
    scripts = []
    if pagename == config.root_doc and config.portfolio_person:
        stamp = seam.git_date(app.env, pagename)
        modified = "" if stamp is None else dt.datetime.fromtimestamp(int(stamp), dt.UTC).date().isoformat()
        scripts.append(json_ld_script(profile_page(config, modified)))
    if scripts:
        context["metatags"] = context.get("metatags", "") + "".join(scripts)


def sitemap(app: Sphinx, base: str) -> str:
    """Every page's absolute URL, with the date of its last commit when git knows it."""
    excluded = set(app.config.portfolio_sitemap_excludes)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    # Paper pages (portfolio.papers.pages) are pages of the site, though not documents of Sphinx's; each
    # changed when its entry last did.
    papers = {docname: key for key, docname in state(app.env).pages.items()}
    dates = entry_dates(app) if papers else {}
    for docname in sorted(app.env.found_docs | papers.keys()):
        if docname in excluded:
            continue
        url = urljoin(base, app.builder.get_target_uri(docname))
        entry = f"  <url><loc>{escape(url)}</loc>"
        stamp = dates.get(papers[docname]) if docname in papers else seam.git_date(app.env, docname)
        if stamp is not None:
            entry += f"<lastmod>{dt.datetime.fromtimestamp(int(stamp), dt.UTC).date().isoformat()}</lastmod>"
        lines.append(entry + "</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def write_sitemap_and_robots(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    lines = ["User-agent: *", "Allow: /"]
    if base := site_base(app.config):
        write_if_changed(Path(app.outdir, "sitemap.xml"), sitemap(app, base))
        lines.append(f"Sitemap: {urljoin(base, 'sitemap.xml')}")
    write_if_changed(Path(app.outdir, "robots.txt"), "\n".join(lines) + "\n")


def setup(app: Sphinx) -> ExtensionMetadata:
    options.add(app, "portfolio_person", "portfolio_sitemap_excludes")
    app.connect("doctree-read", description_to_open_graph)
    app.connect("html-page-context", add_json_ld)
    app.connect("build-finished", write_sitemap_and_robots)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
