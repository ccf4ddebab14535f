extensions = ["myst_parser", "sphinxcontrib.bibtex", "portfolio.papers"]
portfolio_bib_checks = False
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
bibtex_cite_id = "{key}"
