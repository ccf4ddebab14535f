extensions = ["myst_parser", "sphinxcontrib.bibtex", "portfolio.publications"]
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
suppress_warnings = ["bibtex.duplicate_label"]
