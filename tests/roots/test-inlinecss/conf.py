extensions = ["myst_parser", "portfolio.csssubset", "portfolio.inlinecss"]
exclude_patterns = ["_build"]
html_static_path = ["_static"]
html_css_files = ["site.css", ("print.css", {"media": "print"}), "https://cdn.example.org/remote.css"]
html_js_files = ["site.js", ("later.js", {"defer": "defer"})]
myst_enable_extensions = ["attrs_inline"]


def only_deferred_scripts(app, pagename, templatename, context, doctree):
    # A page like the real site's, whose scripts all wait for the first paint (portfolio.paintfirst).
    if pagename == "deferred":
        scripts = context["script_files"]
        context["script_files"] = [script for script in scripts if "defer" in script.attributes]


def setup(app):
    app.connect("html-page-context", only_deferred_scripts)
