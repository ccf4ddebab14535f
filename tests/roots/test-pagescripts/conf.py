extensions = ["myst_parser", "sphinx_copybutton", "portfolio.pagescripts"]
exclude_patterns = ["_build"]
html_static_path = ["_static"]
html_js_files = ["only-here.js", "everywhere.js"]
myst_enable_extensions = ["attrs_inline"]
portfolio_scripts_by_markup = {
    "clipboard.min.js": ["<pre>"],
    "copybutton.js": ["<pre>"],
    "only-here.js": ["special", "also-special"],
}
