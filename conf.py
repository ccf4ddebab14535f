"""Sphinx configuration of Kun Zhou's academic site (https://www.sphinx-doc.org/en/master/usage/configuration.html)."""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

# -- Project -----------------------------------------------------------------
project = "Kun Zhou"
author = "Kun Zhou"
copyright = "%Y, Kun Zhou (周昆)"
language = "en"
# The site's address: Read the Docs sets the canonical URL of the version it builds; other builds
# (a laptop, CI) use the production address, so canonical links, the sitemap and the feed agree.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "https://kunzhou.readthedocs.io/en/latest/")

# -- General -----------------------------------------------------------------
extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinx_copybutton",
    "sphinx_last_updated_by_git",
    "notfound.extension",
    "sphinxcontrib.bibtex",
    # The bibliography: style, {publications}, paper pages, downloads, bib checks (see its docstring).
    "portfolio.papers",
    "portfolio.news",
    # The CV page and the PDFs of the CV and the publication list, from cv.yaml and refs.bib.
    "portfolio.cvbuild",
    "portfolio.profile",
    "portfolio.reproducible",
    "portfolio.assets",
    "portfolio.iconfont",
    "portfolio.csssubset",
    "portfolio.inlinecss",
    "portfolio.fontpreload",
    "portfolio.pagescripts",
    "portfolio.paintfirst",
    "portfolio.deferscripts",
    "portfolio.htmlspace",
    "portfolio.lazyimages",
    "portfolio.mathml",
    "portfolio.rawhtml",
    "portfolio.seo",
    "portfolio.opengraph",
]
# Only the site's pages are sources: not the repository's own documents, tests or tool caches.
exclude_patterns = [
    ".*",
    "_build",
    "README.md",
    "CONTRIBUTING.md",
    "tests",
    "benchmarks",
    "node_modules",
]
templates_path = ["_templates"]
nitpicky = True
suppress_warnings = [
    # Citation labels are venue badges ("ACL 2024"), shared by papers of one venue on purpose;
    # links and anchors use the unique bib key, so a shared label is never ambiguous to follow.
    "bibtex.duplicate_label",
    # "Last updated" dates come from git; a copy without history (a tarball, a shallow clone) builds
    # the same site without them instead of failing.
    "git.subprocess_error",
    "git.command_not_found",
    "git.too_shallow",
    # A missing dependency (an image) is reported by Sphinx itself, with the page and line.
    "git.dependency_not_found",
]

# -- MyST --------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "attrs_inline", "attrs_block", "deflist"]
myst_heading_anchors = 3

# -- Bibliography ------------------------------------------------------------
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
bibtex_reference_style = "label"
# Anchors come from the bib key, so they never move when a paper is added.
bibtex_cite_id = "{key}"
bibtex_bibliography_id = "bibliography-{bibliography_count}"
# Hovering or focusing an inline citation previews the paper's title, venue and year.
bibtex_tooltips_style = "portfolio_preview"

# -- Publications ------------------------------------------------------------
# One generated page per bib entry: publications/<key>.html.
portfolio_paper_dir = "publications"
# Downloads of the whole bibliography: <path>.bib and <path>.json (CSL-JSON).
portfolio_export_path = "publications/kun-zhou-publications"
# Long author lists show this many names (and the owner) before "+N more".
portfolio_author_limit = 8
# Entries with `selected = {true}` are listed on the home page.
portfolio_selected_field = "selected"

# -- CV and PDFs --------------------------------------------------------------
# cv.yaml is the CV as data (RenderCV's layout): cv.md shows it, and the build typesets it as a PDF.
portfolio_cv_data = "cv.yaml"
# Anchors of the CV page's sections that links already use (other sections get their title's slug).
portfolio_cv_section_ids = {"Experiences": "experience", "Rewards and Honors": "honors"}
portfolio_cv_pdf = "kun-zhou-cv.pdf"
# "selected" lists the papers marked selected in the CV PDF and links the full list; "all" lists every one.
portfolio_cv_papers = "selected"
# The publication list as PDF too, beside the BibTeX and CSL-JSON downloads.
portfolio_publications_pdf = True
portfolio_pdf_page_size = "a4"

# -- Owner -------------------------------------------------------------------
portfolio_owner_names = ["Kun Zhou", "K. Zhou", "Zhou, Kun"]
portfolio_photo_candidates = [
    "_static/profile.jpg",
    "_static/profile.jpeg",
    "_static/profile.png",
    "_static/profile.webp",
]
portfolio_photo_placeholder = "_static/profile-placeholder.svg"
portfolio_profile_links = [
    {"name": "Email", "url": "mailto:kuzhou@ucsd.edu", "icon": "fa-solid fa-envelope"},
    {
        "name": "Google Scholar",
        # A search for the profile with a verified ucsd.edu e-mail: the profile's own id is not on record
        # yet. Replace with https://scholar.google.com/citations?user=<id> when it is.
        "url": "https://scholar.google.com/citations?view_op=search_authors&mauthors=Kun+Zhou+ucsd.edu",
        "icon": "fa-brands fa-google-scholar",
    },
    {"name": "GitHub", "url": "https://github.com/Lancelot39", "icon": "fa-brands fa-github"},
]

# -- Importers (make add, make sync: network tools, never run by the build) ----
# Sent with every request to a scholarly API (Crossref's and OpenAlex's polite pools ask for a contact).
portfolio_contact = "kuzhou@ucsd.edu"
# The owner's author ids. None is on record yet: until they are filled in, make sync finds the owner by name
# and keeps only papers that share co-authors with refs.bib (and says where to look each id up).
portfolio_dblp_pid = ""  # https://dblp.org/pid/<pid>.html, e.g. "75/1234-2"
portfolio_semantic_scholar_id = ""  # https://www.semanticscholar.org/author/<name>/<id>
portfolio_openalex_id = ""  # https://openalex.org/authors/A5012345678
portfolio_orcid = ""  # 0000-0002-1825-0097

# -- Link check (make linkcheck; weekly in .github/workflows/linkcheck.yml) ----
linkcheck_timeout = 30
linkcheck_retries = 2
linkcheck_workers = 4
linkcheck_ignore = [
    # These answer robots with 403/429 or a login wall, whatever the link's health.
    r"https://scholar\.google\.com/.*",
    r"https://www\.zhihu\.com/.*",
    r"https://zhuanlan\.zhihu\.com/.*",
    r"https://dl\.acm\.org/.*",
    r"https://www\.linkedin\.com/.*",
    r"mailto:.*",
]
# GitHub renders README anchors with JavaScript; the page exists, the anchor cannot be seen by a robot.
linkcheck_anchors_ignore_for_url = [r"https://github\.com/.*"]

# -- Search engines and link previews ------------------------------------------
portfolio_card_image = "_static/og-card.png"
portfolio_card_image_alt = "Kun Zhou: postdoctoral researcher at UC San Diego"
# The 404 page links its styles and scripts absolutely, so it works at any depth.
notfound_urls_prefix = urlparse(html_baseurl).path
# schema.org Person on the home page (JSON-LD); sameAs also takes the https profile links.
portfolio_person = {
    "name": "Kun Zhou",
    "alternateName": "周昆",
    "jobTitle": "Postdoctoral Researcher",
    "affiliation": {"@type": "CollegeOrUniversity", "name": "University of California, San Diego"},
    "alumniOf": [
        {"@type": "CollegeOrUniversity", "name": "Renmin University of China"},
        {"@type": "CollegeOrUniversity", "name": "Peking University"},
        {"@type": "CollegeOrUniversity", "name": "Hohai University"},
    ],
    "email": "mailto:kuzhou@ucsd.edu",
    "knowsAbout": ["Large language models", "World models", "Multimodal foundation models"],
}

# -- Copy buttons (sphinx-copybutton) ---------------------------------------------
# The publication list's BibTeX blocks are divs styled as pres (portfolio.papers.nodes): publications.js
# gives them the same button, so that a page without a real code block loads neither copybutton script.
copybutton_selector = "div.highlight pre"

# -- Page speed ----------------------------------------------------------------
# Each script only on the pages whose markup it works on (portfolio.pagescripts): the copy buttons where
# there is a pre, the tabs where there is a tab set, publications.js where there is a list, "+N more"
# authors, a BibTeX toggle or a citation to preview.
portfolio_scripts_by_markup = {
    "clipboard.min.js": ["<pre>"],
    "copybutton.js": ["<pre>"],
    "design-tabs.js": ["sd-tab-set"],
    "publications.js": ["pub-controls", "pub-bibtex", "author-hidden", "bibtex-citation"],
}

# -- HTML output -------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = "Kun Zhou"
html_short_title = "Kun Zhou"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_favicon = "_static/favicon.svg"
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
# MathML written at build time (portfolio.mathml): Sphinx's default would fetch MathJax from a CDN.
html_math_renderer = "portfolio_mathml"
html_context = {
    "default_mode": "auto",
    # The repository of this site, for "Edit on GitHub" (change these if it moves).
    "github_user": "Lancelot39",
    "github_repo": "kunzhou-site",
    "github_version": "main",
    "doc_path": "",
}
# "Last updated" under each page: the date of the last commit that touched its source.
html_last_updated_fmt = "%b %d, %Y"
# Paper pages come from generated, untracked stubs: keep their edit button (it opens the refs.bib entry).
git_untracked_show_sourcelink = True
# Every page is one click from the navbar; a left column would only be empty space.
html_sidebars = {"**": []}
html_theme_options = {
    "logo": {"text": "Kun Zhou 周昆"},
    "navbar_align": "left",
    "navbar_center": ["navbar-nav"],
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "navbar_persistent": ["search-button"],
    "header_links_before_dropdown": 6,
    "icon_links": [
        {"name": link["name"], "url": link["url"], "icon": link["icon"], "type": "fontawesome"}
        for link in portfolio_profile_links
    ],
    "secondary_sidebar_items": {
        "**": ["page-toc"],
        "index": [],
        "projects/index": [],
    },
    "show_prev_next": False,
    "show_toc_level": 2,
    "use_edit_page_button": True,
    "article_footer_items": ["last-updated", "edit-this-page"],
    "footer_start": ["copyright"],
    "footer_center": [],
    "footer_end": [],
    # accessible-pygments' high-contrast styles: every token meets WCAG AA on the code background.
    "pygments_light_style": "a11y-high-contrast-light",
    "pygments_dark_style": "a11y-high-contrast-dark",
}
