# Hosted PDFs: one dropped into the PDF folder, one named by a pdf field, one elsewhere (a URL).
# The tests write the PDFs into a copy of this folder, and the faults (a missing file, a PDF too large, one no
# entry claims, one that is no PDF) too.
extensions = ["myst_parser", "sphinxcontrib.bibtex", "portfolio.papers", "portfolio.seo"]
html_baseurl = "https://owner.example.org/site/"
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
bibtex_reference_style = "label"
bibtex_cite_id = "{key}"
suppress_warnings = ["bibtex.duplicate_label"]
portfolio_owner_names = ["Kun Zhou"]
portfolio_export_path = ""
portfolio_pdf_max_mb = 0.01
