extensions = ["myst_parser", "portfolio.deferscripts", "portfolio.paintfirst"]
exclude_patterns = ["_build"]
html_static_path = ["_static"]
html_js_files = ["first.js", ("second.js", {"data-flavour": "mint"})]


def add_page_scripts(app, pagename, templatename, context, doctree):
    if pagename == "waits":
        app.add_js_file("waits.js")
    if pagename in ("index", "collapse"):
        app.add_js_file("bootstrap.js")


def setup(app):
    # After html_js_files (priority 800), so that it finds window.order.
    app.add_js_file(None, body="window.order.push('inline');", priority=900)
    app.connect("html-page-context", add_page_scripts)
