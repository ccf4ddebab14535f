extensions = ["myst_parser", "sphinxcontrib.bibtex", "portfolio.bibstyle"]
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
bibtex_reference_style = "label"
bibtex_cite_id = "{key}"
suppress_warnings = ["bibtex.duplicate_label"]
portfolio_owner_names = ["Kun Zhou", "Zhou, K."]
