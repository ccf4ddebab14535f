"""Rewrite every page when a static file changes.

Sphinx links each stylesheet and script with a checksum of its content (``custom.css?v=1a2b3c4d``),
computed when a page is written. After an edit to ``_static/custom.css`` an incremental build copies the
new file but rewrites no page, so every page still names the old checksum, and a browser that cached the
old file keeps it. A clean build would name the new one: the incremental build must too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata


def static_fingerprint(app: Sphinx) -> str:
    """A digest of every file the HTML builder copies from ``html_static_path``."""
    digest = hashlib.sha256()
    for index, entry in enumerate(app.config.html_static_path):
        root = Path(app.confdir, entry)
        files = sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else [root]
        for path in files:
            if path.is_file():
                name = f"{index}/{path.relative_to(root) if root.is_dir() else path.name}"
                digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def rewrite_all_when_assets_change(app: Sphinx, env: BuildEnvironment) -> list[str]:
    if app.builder.format != "html":
        return []
    current = static_fingerprint(app)
    previous = getattr(env, "portfolio_static_fingerprint", None)
    env.portfolio_static_fingerprint = current
    return sorted(env.found_docs) if previous is not None and previous != current else []


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("env-updated", rewrite_all_when_assets_change)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
