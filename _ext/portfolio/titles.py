"""Rewrite the pages that show another page's title when that title changes.

Sphinx re-reads a page whose source changed, but the pages that print its title elsewhere (the
``<link rel="prev">``/``rel="next"`` of its neighbours, the breadcrumbs of its children) keep the old
title until something else rebuilds them. Paper pages make this common: their titles come from
``refs.bib``, so fixing a typo in a title would otherwise leave stale text beside it. An incremental
build must produce what a clean build does.

Where a title shows on every page, every page is rewritten: a sidebar with the global table of
contents (``html_sidebars`` unset, as in most themes' defaults, or naming a global-navigation template),
or a page just under the root, which the navbar of most themes lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata


def title_snapshot(env: BuildEnvironment) -> dict[str, str]:
    return {docname: title.astext() for docname, title in env.titles.items()}


GLOBAL_NAV_TEMPLATES = frozenset({"globaltoc.html", "navigation.html", "sidebar-nav-bs.html"})


def sidebars_show_global_nav(sidebars: dict[str, str | list[str]]) -> bool:
    if not sidebars:
        return True
    for templates in sidebars.values():
        names = [templates] if isinstance(templates, str) else templates
        if GLOBAL_NAV_TEMPLATES.intersection(names):
            return True
    return False


def rewrite_title_neighbours(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages showing a title that changed, appeared or went away (a page added to or removed from the
    site changes its neighbours' prev/next links and the navigation)."""
    current = title_snapshot(env)
    previous: dict[str, str] = getattr(env, "portfolio_titles", {})
    relations = env.collect_relations()
    previous_relations: dict[str, list] = getattr(env, "portfolio_relations", {})
    env.portfolio_titles = current
    env.portfolio_relations = {docname: list(relation) for docname, relation in relations.items()}
    if not previous:
        return []
    affected = {
        docname
        for docname in current.keys() | previous.keys()
        if current.get(docname) != previous.get(docname)
    }
    if not affected:
        return []
    on_every_page = sidebars_show_global_nav(getattr(app.config, "html_sidebars", {})) or any(
        relation[0] == app.config.root_doc
        for docname in affected
        for relation in (relations.get(docname), previous_relations.get(docname))
        if relation
    )
    if on_every_page:
        return sorted(env.found_docs)
    children: dict[str, set[str]] = {}
    for docname, (parent, _previous, _next) in relations.items():
        if parent:
            children.setdefault(parent, set()).add(docname)
    to_write: set[str] = set()
    for docname in affected:
        for relation in (relations.get(docname), previous_relations.get(docname)):
            if relation:
                to_write.update(name for name in relation if name)
        stack = list(children.get(docname, ()))
        while stack:
            child = stack.pop()
            if child not in to_write:
                to_write.add(child)
                stack.extend(children.get(child, ()))
    return sorted(to_write & env.found_docs)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("env-updated", rewrite_title_neighbours)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
