extensions = ["myst_parser", "sphinxcontrib.bibtex", "portfolio.cvbuild", "portfolio.profile"]
html_baseurl = "https://owner.example.org/site/"
exclude_patterns = ["_build"]
html_static_path = ["_static"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
bibtex_reference_style = "label"
bibtex_cite_id = "{key}"
suppress_warnings = ["bibtex.duplicate_label"]
# The bib file carries hostile entries on purpose (HTML in a title); the PDFs must show them as text.
portfolio_bib_checks = False
portfolio_owner_names = ["Kun Zhou", "Zhou, K."]
portfolio_export_path = "publications/all"
portfolio_cv_data = "cv.yaml"
portfolio_cv_pdf = "cv.pdf"
portfolio_publications_pdf = True
portfolio_cv_section_ids = {"Rewards and Honors": "honors"}
portfolio_photo_placeholder = "_static/placeholder.svg"
portfolio_profile_links = [
    {"name": "GitHub", "url": "https://github.com/example", "icon": "fa-brands fa-github"}
]
