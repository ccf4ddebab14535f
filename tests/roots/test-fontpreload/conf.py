extensions = ["portfolio.iconfont", "portfolio.csssubset", "portfolio.inlinecss", "portfolio.fontpreload"]
exclude_patterns = ["_build"]
project = "Fonts"
html_theme = "pydata_sphinx_theme"
