# Citation counts from citations.yaml (written by make sync): a count on the list and the paper page, no
# count where citations.yaml has none; the tests edit a copy (a new count, a malformed item).
extensions = ["myst_parser", "sphinxcontrib.bibtex", "portfolio.papers"]
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
bibtex_reference_style = "label"
bibtex_cite_id = "{key}"
suppress_warnings = ["bibtex.duplicate_label"]
portfolio_owner_names = ["Kun Zhou"]
portfolio_export_path = ""
