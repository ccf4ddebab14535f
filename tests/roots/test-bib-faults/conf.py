# Bad BibTeX input, fed through the strict build (tests/test_bib_faults.py writes refs.bib per case).
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
