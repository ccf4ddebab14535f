"""Digests of files, the one fingerprint of our own code and static files, and the record of what a build
wrote from which inputs (so a rebuild skips work whose outputs are still current).

Whatever we keep between builds (formatted entries, list items, paper pages, check results, downloads)
is valid only for the code that made it: the package fingerprint covers every module and static file of
``portfolio``, so a new module is covered the day it is added, with no list to keep.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
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


def outputs_current(record: Path, inputs: str, targets: list[Path]) -> bool:
    """Whether ``record`` says ``targets`` were written from ``inputs``, and they are still what was written:
    untouched since (same mtime and size), or else the same bytes. The record lives beside the doctrees, so
    a clean build (no doctrees) writes them afresh."""
    try:
        kept = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return kept.get("inputs") == inputs and (
        kept.get("versions") == [list(version) for version in file_versions(targets)]
        or kept.get("outputs") == digest_of_files(targets)
    )


def remember_outputs(record: Path, inputs: str, targets: list[Path]) -> None:
    record.parent.mkdir(parents=True, exist_ok=True)
    versions = [list(version) for version in file_versions(targets)]
    record.write_text(
        json.dumps({"inputs": inputs, "outputs": digest_of_files(targets), "versions": versions}),
        encoding="utf-8",
    )


def write_whole(target: Path, data: bytes) -> None:
    """Write ``data`` at ``target`` in one step (a reader never sees half a file). Unchanged bytes keep the
    file as it is, with its mtime: a no-op build touches nothing a deploy would upload."""
    if target.is_file() and target.read_bytes() == data:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, target)
