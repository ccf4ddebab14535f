# The paper pages in the site's theme, with Open Graph tags and an edit link to the entry.
extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "portfolio.papers",
    "portfolio.seo",
    "portfolio.opengraph",
]
html_theme = "pydata_sphinx_theme"
html_theme_options = {"use_edit_page_button": True, "show_toc_level": 2}
html_context = {"github_user": "owner", "github_repo": "site", "github_version": "main", "doc_path": ""}
html_sidebars = {"**": []}
html_baseurl = "https://owner.example.org/site/"
portfolio_card_image = "_static/card.png"
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
bibtex_reference_style = "label"
bibtex_cite_id = "{key}"
suppress_warnings = ["bibtex.duplicate_label"]
portfolio_owner_names = ["Kun Zhou"]
portfolio_export_path = ""
portfolio_bib_checks = False
