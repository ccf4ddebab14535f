"""Formatted bibliography entries kept with the Sphinx environment, so each is formatted once.

``portfolio.bibstyle`` memoises every piece it formats (an entry for sphinxcontrib-bibtex, its preview,
label and sort key; the title, authors and venue of the publication list and the paper pages) in
``bibstyle.FORMAT_CACHE``, keyed by the entry's content. This module gives that dictionary a home:

* before reading, it takes the cache from the environment (``env.portfolio_format_cache``), or starts an
  empty one in a clean build or when our style's code or pybtex changed (``portfolio_code_fingerprint``
  covers ``bibstyle.py``: a change to the style makes every entry be formatted again);
* parallel readers (``-j``) fork with it and send back what they formatted (``env-merge-info``);
* after reading, entries no longer in the bib files leave it, so it never grows past the bibliography;
* Sphinx stores it when it stores the environment (whenever a page was read), and the next build starts
  from there: a rebuild formats only what changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pybtex

from . import bibstyle

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

ATTRIBUTE = "portfolio_format_cache"


def cache_version(app: Sphinx) -> tuple[str, str]:
    return app.config.portfolio_code_fingerprint, pybtex.__version__


def load_cache(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    stored = getattr(env, ATTRIBUTE, None)
    version = cache_version(app)
    if not isinstance(stored, dict) or stored.get("version") != version:
        stored = {"version": version, "items": {}}
        setattr(env, ATTRIBUTE, stored)
    bibstyle.FORMAT_CACHE = stored["items"]
    bibstyle.PAGE_CACHE = {}


def merge_cache(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    theirs = getattr(other, ATTRIBUTE, None)
    ours = getattr(env, ATTRIBUTE, None)
    if isinstance(theirs, dict) and isinstance(ours, dict) and theirs.get("version") == ours.get("version"):
        ours["items"].update(theirs["items"])


def drop_removed_entries(app: Sphinx, env: BuildEnvironment) -> list[str]:
    stored = getattr(env, ATTRIBUTE, None)
    if not isinstance(stored, dict):
        return []
    # portfolio.publications fingerprints every entry when a bib file changed, and only then.
    fingerprints: dict[str, str] | None = getattr(env, "portfolio_fingerprints", None)
    if fingerprints is not None:
        if not getattr(env, "portfolio_changed_keys", True):
            return []
        current = set(fingerprints.values())
    else:
        entries = env.get_domain("cite").bibdata.data.entries.values()  # type: ignore[attr-defined]
        current = {bibstyle.entry_fingerprint(entry) for entry in entries}
    items = stored["items"]
    for key in [key for key in items if key[1] not in current]:
        del items[key]
    return []


def unload_cache(app: Sphinx, exception: BaseException | None) -> None:
    """The next Sphinx application in this process (tests build many) must not see this one's cache."""
    bibstyle.FORMAT_CACHE = None
    bibstyle.PAGE_CACHE = None


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.bibtex")
    app.setup_extension("portfolio.bibstyle")
    app.connect("env-before-read-docs", load_cache)
    app.connect("env-merge-info", merge_cache)
    # After sphinxcontrib-bibtex has formatted every entry in its env-updated handler (priority 500).
    app.connect("env-updated", drop_removed_entries, priority=900)
    # Last: the exports (build-finished) still sort with the cache.
    app.connect("build-finished", unload_cache, priority=990)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
