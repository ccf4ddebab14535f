"""Rebuilds that follow ``refs.bib``, and the work kept between builds.

Sphinx re-reads a page when its own source changes, not when a bib entry it renders or cites does.
Entries are fingerprinted; pages that render a changed entry are re-read and pages that cite one are
rewritten. Which pages cite which entry (a paper page's "Cited on") is collected once per build. The
formatted entries (``bib.cache``) live in the environment's state between builds.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import pybtex
from docutils import nodes
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from ..bib import cache
from ..bib.cache import entry_fingerprint
from . import seam
from .fingerprint import package_fingerprint
from .listing import is_our_bibliography
from .nodes import export_link, link_placeholder, paper_link
from .state import ALL_ENTRIES, state

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)


def outdated_by_bib_changes(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Re-read pages rendering an entry that changed; remember pages citing one, to rewrite them."""
    ours = state(env)
    # sphinxcontrib-bibtex parses a bib file again only when its mtime changed: same files, same entries.
    bib_state = seam.bib_file_state(env)
    if bib_state == ours.bib_state and ours.fingerprints is not None:
        # A PDF hosted or replaced, or a new citation count, changes its entry's item.
        ours.changed_keys = ours.hosting_changed | ours.counts_changed
        return rendering(env, ours.changed_keys)
    ours.bib_state = bib_state
    current = {key: entry_fingerprint(entry) for key, entry in seam.bib_data(env).entries.items()}
    previous = ours.fingerprints or {}
    ours.fingerprints = current
    changed_keys = {key for key in current.keys() | previous.keys() if current.get(key) != previous.get(key)}
    ours.changed_keys = changed_keys | ours.hosting_changed | ours.counts_changed
    if not previous:
        return []
    return rendering(env, ours.changed_keys)


def rendering(env: BuildEnvironment, keys: set[str]) -> list[str]:
    """The pages that render one of ``keys``."""
    if not keys:
        return []
    return sorted(
        docname
        for docname, rendered in state(env).rendered.items()
        if docname in env.found_docs and (ALL_ENTRIES in rendered or rendered & keys)
    )


def load_format_cache(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Before reading: the formatted entries of the last build, unless our code or pybtex changed."""
    stored = state(env).format_cache
    version = (package_fingerprint(), pybtex.__version__)
    if stored.get("version") != version:
        stored.clear()
        stored.update({"version": version, "items": {}})
    cache.start(stored["items"])


def drop_removed_entries(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The cache holds the entries still in the bib files only (when they changed, and only then)."""
    ours = state(env)
    if ours.fingerprints is not None and not ours.changed_keys:
        return []
    current = set((ours.fingerprints or {}).values()) or {
        entry_fingerprint(entry) for entry in seam.bib_data(env).entries.values()
    }
    items = ours.format_cache["items"]
    for key in [key for key in items if key[1] not in current]:
        del items[key]
    return []


def unload_format_cache(app: Sphinx, exception: BaseException | None) -> None:
    cache.stop()


def offer_only_cited_entries(app: Sphinx, env: BuildEnvironment) -> list[str]:
    state(env).bibliographies = seam.offer_only_cited_entries(env, is_our_bibliography)
    return []


def restore_bibliographies(app: Sphinx, env: BuildEnvironment) -> list[str]:
    ours = state(env)
    seam.restore_bibliographies(env, ours.bibliographies)
    ours.bibliographies = {}
    return []


def citing_pages(env: BuildEnvironment) -> dict[str, dict[str, str]]:
    """key -> {docname: id of the page's first citation of it}."""
    pages: dict[str, dict[str, str]] = defaultdict(dict)
    for ref in sorted(seam.citation_refs(env), key=lambda ref: (ref.docname, ref.line or 0)):
        for target in ref.targets:
            pages[target.key].setdefault(ref.docname, ref.citation_ref_id)
    return pages


def rewrite_dependents(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages to write again though they were not re-read: citers of changed entries. Also collects, once
    per build, the pages citing each entry (a paper page's "Cited on")."""
    ours = state(env)
    to_write = {
        ref.docname
        for ref in seam.citation_refs(env)
        if any(target.key in ours.changed_keys for target in ref.targets)
    }
    ours.citing = {
        key: tuple(sorted((docname, ref_id, title_text(env, docname)) for docname, ref_id in pages.items()))
        for key, pages in citing_pages(env).items()
    }
    return sorted(docname for docname in to_write if docname in env.found_docs)


def title_text(env: BuildEnvironment, docname: str) -> str:
    title = env.titles.get(docname)
    return title.astext() if title is not None else docname


def resolve_placeholders(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Fill in the links to paper pages and downloads: they need the output layout of the builder."""
    builder = app.builder
    env = app.env
    pages = set(state(env).pages.values())
    for placeholder in list(doctree.findall(paper_link)):
        target = placeholder["docname"]
        if target not in env.all_docs and target not in pages:
            logger.warning(
                "no page %r to link to", target, location=placeholder, type="portfolio", subtype="paper_page"
            )
            placeholder.replace_self(placeholder.children)
            continue
        link_placeholder(placeholder, builder.get_relative_uri(docname, target))
    for placeholder in list(doctree.findall(export_link)):
        uri = relative_uri(builder.get_target_uri(docname), placeholder["path"])
        classes = ["pub-download", *placeholder.get("classes", ())]
        placeholder.replace_self(nodes.reference("", "", *placeholder.children, refuri=uri, classes=classes))
