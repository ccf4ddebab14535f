extensions = ["myst_parser", "portfolio.mathml"]
exclude_patterns = ["_build"]
project = "Math"
html_math_renderer = "portfolio_mathml"
myst_enable_extensions = ["dollarmath"]
