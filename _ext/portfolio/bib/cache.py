"""Work done once per entry content: fingerprints, and the formatting caches the Sphinx layer gives a home.

LaTeX decoding makes formatting an entry cost milliseconds, and a build asks for the same entry several
times: the publication list, its paper page, and sphinxcontrib-bibtex's entry, preview, label and sort
key of every entry on every build, even when nothing changed. Each piece is computed once per entry
content and kept in ``FORMAT_CACHE``, which the Sphinx layer loads from the environment before reading and
stores with it, so a rebuild formats only the entries that changed, and a clean build (a new environment)
starts empty. Outside Sphinx (unit tests, the command-line tools) there is no cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from pybtex.database import Entry

T = TypeVar("T")

#: (piece, entry fingerprint, style settings) -> formatted piece; None: compute every time.
FORMAT_CACHE: dict[tuple, object] | None = None
#: Pieces of the publication list and the paper pages, and the paper model (``paper:<selected field>``):
#: the list and the pages keep their own HTML between builds, so these are kept for one build only (the
#: list and the paper pages share them), not stored with the environment, which every build loads.
PAGE_PIECES = frozenset({"title", "authors", "venue", "abstract", "paper"})
PAGE_CACHE: dict[tuple, object] | None = None
#: The style settings every cached piece depends on: (owner names, author limit); set by the style.
SETTINGS: list[tuple] = [(("Kun Zhou",), 8)]

_fingerprints: dict[int, tuple[Entry, str]] = {}


def entry_fingerprint(entry: Entry) -> str:
    """A digest of everything in the entry: its key, type, fields and names (memoised per entry object)."""
    known = _fingerprints.get(id(entry))
    if known is not None and known[0] is entry:
        return known[1]
    persons = sorted(
        (role, tuple(str(person) for person in people)) for role, people in entry.persons.items()
    )
    content = (entry.key, entry.type, sorted(entry.fields.items()), persons)
    digest = hashlib.sha256(repr(content).encode()).hexdigest()
    _fingerprints[id(entry)] = (entry, digest)
    return digest


def cached(piece: str, entry: Entry, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for an entry with the same content and the same style settings."""
    store = PAGE_CACHE if piece.partition(":")[0] in PAGE_PIECES else FORMAT_CACHE
    if store is None:
        return compute()
    key = (piece, entry_fingerprint(entry), *SETTINGS[0])
    try:
        return store[key]  # type: ignore[return-value]
    except KeyError:
        value = store[key] = compute()
        return value


def start(stored: dict[tuple, object]) -> None:
    """Use ``stored`` as the cache kept between builds, and a new per-build cache."""
    global FORMAT_CACHE, PAGE_CACHE
    FORMAT_CACHE, PAGE_CACHE = stored, {}


def stop() -> None:
    """The next build in this process (tests build many) must not see this one's caches."""
    global FORMAT_CACHE, PAGE_CACHE
    FORMAT_CACHE = PAGE_CACHE = None
