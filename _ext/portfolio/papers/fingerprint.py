"""Digests of files, and the one fingerprint of our own code and static files.

Whatever we keep between builds (formatted entries, list items, paper pages, check results, downloads)
is valid only for the code that made it: the package fingerprint covers every module and static file of
``portfolio``, so a new module is covered the day it is added, with no list to keep.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent

_file_digests: dict[str, tuple[tuple[int, int, int], bytes]] = {}


@functools.cache
def package_fingerprint() -> str:
    """A digest of every source and static file of the ``portfolio`` package."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and (path.suffix == ".py" or "static" in path.relative_to(PACKAGE).parts):
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def file_digest(path: Path) -> bytes:
    """The digest of one file's bytes, read once per version of the file in a process (several steps of
    a build check ``refs.bib``, which is megabytes long for thousands of papers)."""
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


def digest_of_files(paths: Iterable[Path]) -> str:
    """One digest of the files' names and bytes (a missing file counts as missing) and of our code."""
    digest = hashlib.sha256(package_fingerprint().encode())
    for path in paths:
        digest.update(str(path).encode() + b"\0")
        digest.update(file_digest(path))
    return digest.hexdigest()


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
