"""What the papers layer keeps with the Sphinx environment: one object, purged and merged in one place."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Bumped when the stored state changes shape: Sphinx then starts from a fresh environment.
ENV_VERSION = 5
#: The page with the full publication list depends on every entry.
ALL_ENTRIES = "*"
#: Marks the page holding the full list: the paper pages' parent.
FULL_LIST = "*list"


@dataclass
class State:
    #: Names this environment: what we keep beside it (list items, paper pages) is valid for it only,
    #: so a fresh one (``-E``, a new doctree folder) starts from nothing.
    env_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    #: docname -> keys of the entries the page renders (ALL_ENTRIES, FULL_LIST).
    rendered: dict[str, set[str]] = field(default_factory=dict)
    #: bib key -> docname of its paper page (entries that get one).
    pages: dict[str, str] = field(default_factory=dict)
    #: bib key -> entry fingerprint, and the bib files' state they were taken at.
    fingerprints: dict[str, str] | None = None
    bib_state: tuple | None = None
    #: Keys whose entry changed in this build.
    changed_keys: set[str] = field(default_factory=set)
    #: bib key -> ((docname, id of its first citation, page title), ...).
    citing: dict[str, tuple] = field(default_factory=dict)
    #: The last parse's entries by the digest of their text (only changed entries are parsed again).
    reusable_entries: dict = field(default_factory=dict)
    #: Results of checks that depend on file contents only: name -> (inputs, result).
    memo: dict[str, tuple] = field(default_factory=dict)
    #: Formatted pieces of entries, kept between builds: {"version": ..., "items": {...}}.
    format_cache: dict = field(default_factory=lambda: {"version": None, "items": {}})
    #: bib key -> the PDF hosted beside its page (``bib.pdfs``); keys whose hosting changed in this
    #: build, and file names of PDFs hosted by the last build but no longer.
    hosted: dict = field(default_factory=dict)
    hosting_changed: set[str] = field(default_factory=set)
    unhosted: set[str] = field(default_factory=set)
    #: bib key -> its citation count (``citations.yaml``); keys whose count changed in this build.
    counts: dict = field(default_factory=dict)
    counts_changed: set[str] = field(default_factory=set)
    #: Our lists' bibliographies while sphinxcontrib-bibtex formats labels (see seam); never stored.
    bibliographies: dict = field(default_factory=dict)


def state(env: BuildEnvironment) -> State:
    found = env.__dict__.get("portfolio")
    if not isinstance(found, State):
        found = env.portfolio = State()
    return found


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    state(env).rendered.pop(docname, None)


def merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    mine, theirs = state(env), state(other)
    for docname, keys in theirs.rendered.items():
        if docname in docnames:
            mine.rendered[docname] = keys
    if theirs.format_cache.get("version") == mine.format_cache.get("version"):
        mine.format_cache["items"].update(theirs.format_cache["items"])


def changed_keys(previous: dict, current: dict) -> set[str]:
    """Keys whose value differs between two builds' mappings (added and removed ones too)."""
    return {key for key in previous.keys() | current.keys() if previous.get(key) != current.get(key)}


def remembered(env: BuildEnvironment, name: str, key: object, compute):
    """``compute()``, or its result from the last build when ``key`` (digests of its inputs) is the same:
    a rebuild that changed nothing does not check ``refs.bib`` again. Warnings are results too: a step
    that found problems reports them again from the stored result."""
    memo = state(env).memo
    found = memo.get(name)
    if found is not None and found[0] == key:
        return found[1]
    value = compute()
    memo[name] = (key, value)
    return value
