extensions = ["myst_parser", "sphinxcontrib.bibtex", "portfolio.bibstyle", "portfolio.bibcheck"]
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
