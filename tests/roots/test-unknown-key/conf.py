extensions = ["myst_parser", "sphinxcontrib.bibtex", "portfolio.bibstyle"]
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
bibtex_cite_id = "{key}"
