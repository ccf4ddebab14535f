extensions = ["myst_parser", "portfolio.csssubset", "portfolio.inlinecss", "portfolio.htmlspace"]
exclude_patterns = ["_build"]
html_theme = "pydata_sphinx_theme"
html_static_path = ["_static"]
html_css_files = ["spaces.css"]
html_js_files = [("later.js", {"defer": "defer"})]
myst_enable_extensions = ["attrs_inline"]
