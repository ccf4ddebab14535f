# One entry of each BibTeX type: every output must agree on title, authors, year and venue.
extensions = ["myst_parser", "sphinxcontrib.bibtex", "portfolio.papers", "portfolio.seo"]
exclude_patterns = ["_build"]
html_baseurl = "https://owner.example.org/"
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
bibtex_reference_style = "label"
bibtex_cite_id = "{key}"
bibtex_tooltips_style = "portfolio_preview"
suppress_warnings = ["bibtex.duplicate_label"]
portfolio_owner_names = ["Kun Zhou"]
portfolio_export_path = "publications/all"
