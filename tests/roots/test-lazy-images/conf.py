extensions = ["myst_parser", "portfolio.lazyimages"]
exclude_patterns = ["_build"]
project = "Images"
