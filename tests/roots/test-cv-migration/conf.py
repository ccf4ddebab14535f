# The CV page as it was written by hand (tests/data/cv-handwritten.md) and as cv.yaml renders it.
extensions = ["myst_parser", "sphinxcontrib.bibtex", "portfolio.cvbuild"]
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "attrs_inline", "attrs_block", "deflist"]
myst_heading_anchors = 3
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
bibtex_reference_style = "label"
bibtex_cite_id = "{key}"
portfolio_bib_checks = False
portfolio_cv_section_ids = {"Experiences": "experience", "Rewards and Honors": "honors"}
portfolio_cv_data = "cv.yaml"
portfolio_cv_pdf = "kun-zhou-cv.pdf"
root_doc = "cv"
suppress_warnings = ["bibtex.duplicate_label"]
