"""Ship only the CSS the built pages can use.

pydata-sphinx-theme's stylesheet is 378 KB (65 KB compressed), and every page waits for it before its first
paint; most of it styles what this site never shows (notebooks, API signatures, version switchers, ...).
After the build, every stylesheet in ``_static`` is rewritten without the rules that cannot match: a rule
stays when one of its selectors may match, that is, when every class, id, element and attribute it names
occurs in some built page or in some script the site ships or a page holds (scripts add classes and
attributes: ``show``, ``data-theme``, the search dialog's). Pseudo-classes and pseudo-elements
(``:hover``, ``::before``, ``:not(...)``) are not held against a selector. At-rules other than
``@media``, ``@supports``, ``@layer`` and ``@container`` (whose rules are subset in turn) are kept whole:
``@font-face``, ``@keyframes``, ...

The decision is made from the pages of each build, so a page added tomorrow keeps what it uses; the theme's
sources are untouched. The subset of a stylesheet is kept beside the doctrees, keyed by its bytes and the
site's tokens, so a rebuild that changes neither writes the same file without parsing CSS again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from .builtpages import Tokens, page_tokens, words_of
from .cssrules import NESTING_AT_RULES, keeps, requirement, top_level_selectors
from .inlinecss import LATER_FOLDER
from .paintfirst import inline_code

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

CACHE_DIR_NAME = "portfolio-csssubset"
#: Part of the cache key: bump it when the subsetting rules change.
SUBSET_VERSION = b"1"
#: After the icon-font subsetting (default priority), which reads the full stylesheet's icon table.
PRIORITY = 700


def site_tokens(outdir: Path) -> Tokens:
    tokens = Tokens()
    for page in sorted(outdir.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        page_tokens(text, tokens)
        # A page's own script (raw HTML in its source, the theme's colour-mode one) adds classes too.
        for code in inline_code(text):
            tokens.script_words.update(words_of(code))
    for script in sorted(outdir.rglob("*.js")):
        # The index holds the site's words, not its markup; the later-rules scripts hold CSS, whose words
        # would keep, in the next build, every rule they hold.
        if script.name != "searchindex.js" and not script.is_relative_to(outdir / LATER_FOLDER):
            tokens.script_words.update(words_of(script.read_text(encoding="utf-8", errors="replace")))
    return tokens


def subset_rules(rules, tokens: Tokens) -> list:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            if keeps([requirement(selector) for selector in top_level_selectors(rule.prelude)], tokens):
                kept.append(rule)
        elif (
            rule.type == "at-rule" and rule.lower_at_keyword in NESTING_AT_RULES and rule.content is not None
        ):
            import tinycss2

            inner = subset_rules(tinycss2.parse_blocks_contents(rule.content), tokens)
            if any(child.type == "qualified-rule" or child.type == "at-rule" for child in inner):
                rule.content = inner
                kept.append(rule)
        elif rule.type != "whitespace" and rule.type != "comment":
            kept.append(rule)
    return kept


def subset_stylesheet(text: str, tokens: Tokens) -> str:
    import tinycss2

    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    return "\n".join(rule.serialize() for rule in subset_rules(rules, tokens)) + "\n"


def subset_site_css(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    static = outdir / "_static"
    stylesheets = sorted(path for path in static.rglob("*.css") if path.is_file())
    if not stylesheets:
        return
    tokens = site_tokens(outdir)
    key_of_tokens = hashlib.sha256(tokens.key()).digest()
    cache = Path(app.doctreedir, CACHE_DIR_NAME)
    for path in stylesheets:
        data = path.read_bytes()
        key = hashlib.sha256(SUBSET_VERSION + b"\0" + data + b"\0" + key_of_tokens).hexdigest()[:24]
        name = path.relative_to(static).as_posix().replace("/", "--")
        cached = cache / f"{name}-{key}.css"
        if not cached.is_file():
            cache.mkdir(parents=True, exist_ok=True)
            for stale in cache.glob(f"{name}-*.css"):
                stale.unlink()
            cached.write_text(subset_stylesheet(data.decode("utf-8"), tokens), encoding="utf-8")
        path.write_bytes(cached.read_bytes())


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("build-finished", subset_site_css, priority=PRIORITY)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
