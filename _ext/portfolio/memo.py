"""Results that depend only on file contents, kept with the Sphinx environment between builds.

Checking ``refs.bib`` (syntax and the linter's checks) and writing the downloads cost time in proportion to
the bibliography on every build, though their inputs rarely change. ``remembered`` keeps the last result
of each such step with the key it was computed for (file digests, settings, the code's own digest);
the next build reuses it when the key is the same, so a rebuild that changed nothing does not redo them.
A clean build has a new environment and computes everything. Warnings are results too: a step that found
problems reports them again from the stored result, so a cached build fails exactly as the first did.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

T = TypeVar("T")
ATTRIBUTE = "portfolio_memo"


def remembered(env: BuildEnvironment, name: str, key: object, compute: Callable[[], T]) -> T:
    store: dict[str, tuple[object, object]] = env.__dict__.setdefault(ATTRIBUTE, {})
    found = store.get(name)
    if found is not None and found[0] == key:
        return found[1]  # type: ignore[return-value]
    value = compute()
    store[name] = (key, value)
    return value


def digest_of_files(paths: Iterable[Path]) -> str:
    """One digest of the files' names and bytes (a missing file counts as missing)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode() + b"\0")
        digest.update(file_digest(path))
    return digest.hexdigest()


_file_digests: dict[str, tuple[tuple[int, int, int], bytes]] = {}


def file_digest(path: Path) -> bytes:
    """The digest of one file's bytes, read once per version of the file in a process (several steps
    of a build check ``refs.bib``, which is megabytes long for thousands of papers)."""
    try:
        stat = path.stat()
    except OSError:
        return b"\0missing\0"
    version = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    known = _file_digests.get(str(path))
    if known is not None and known[0] == version:
        return known[1]
    digest = hashlib.sha256(path.read_bytes()).digest()
    _file_digests[str(path)] = (version, digest)
    return digest


def file_versions(paths: Iterable[Path]) -> list[tuple[int, int]]:
    """(mtime, size) of each file, -1 when missing: whether a file we wrote was touched since."""
    versions = []
    for path in paths:
        try:
            stat = path.stat()
            versions.append((stat.st_mtime_ns, stat.st_size))
        except OSError:
            versions.append((-1, -1))
    return versions
