extensions = ["myst_parser", "sphinxcontrib.bibtex", "portfolio.news"]
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
project = "Test Owner"
author = "Test Owner"
portfolio_site_url = "https://owner.example.org/site/"
portfolio_news_today = "2025-12-15"
