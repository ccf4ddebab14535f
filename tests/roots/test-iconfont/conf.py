extensions = ["portfolio.iconfont"]
exclude_patterns = ["_build"]
project = "Icons"
html_theme = "pydata_sphinx_theme"
html_static_path = ["_static"]
# A script that draws an icon of its own: its glyph must survive the subsetting.
html_js_files = ["rocket.js"]
html_theme_options = {
    "icon_links": [{"name": "Code", "url": "https://example.org/code", "icon": "fa-brands fa-github"}],
    "navbar_end": ["navbar-icon-links"],
}
