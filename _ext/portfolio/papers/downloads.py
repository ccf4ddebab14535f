"""The downloads of the whole bibliography: ``<portfolio_export_path>.bib`` (clean BibTeX) and ``.json``
(CSL-JSON), written at the end of an HTML build, newest first as on the publications page."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pybtex.database import Entry

from ..bib.cache import entry_fingerprint
from ..bib.export import csl_item, format_bibtex
from ..bib.style import NewestFirstSortingStyle
from . import seam
from .fingerprint import digest_of_files, outputs_current, package_fingerprint, remember_outputs, write_whole

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def write_exports(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html" or not app.config.portfolio_export_path:
        return
    base = Path(app.outdir, app.config.portfolio_export_path)
    targets = [base.with_name(base.name + suffix) for suffix in (".bib", ".json")]
    # The downloads depend on the bib files and this code only: when neither changed and the files are
    # still what was written, a rebuild does not format every entry again.
    bibfiles = seam.bib_paths(app)
    inputs = digest_of_files(bibfiles) + app.config.portfolio_export_path
    record = Path(app.doctreedir, "portfolio-exports.json")
    if outputs_current(record, inputs, targets):
        return
    entries = NewestFirstSortingStyle().sort(seam.bib_data(app.env).entries.values())
    bibtex_texts, csl_items = exported_entries(entries, Path(app.doctreedir, "portfolio-exports.pickle"))
    texts = ("\n\n".join(bibtex_texts) + "\n", json.dumps(csl_items, ensure_ascii=False, indent=2) + "\n")
    for target, text in zip(targets, texts, strict=True):
        write_whole(target, text.encode("utf-8"))
    remember_outputs(record, inputs, targets)


def exported_entries(entries: list[Entry], store: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Each entry's BibTeX and CSL-JSON item, reused from ``store`` for entries whose content and whose
    exporting code did not change since it was written: after an edit to one entry, one is converted."""
    version = package_fingerprint()
    try:
        kept = pickle.loads(store.read_bytes())
        known = kept["entries"] if kept.get("version") == version else {}
    except (OSError, pickle.UnpicklingError, EOFError, KeyError, AttributeError, TypeError):
        known = {}
    current = {}
    for entry in entries:
        fingerprint = entry_fingerprint(entry)
        current[fingerprint] = known.get(fingerprint) or (format_bibtex(entry), csl_item(entry))
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_bytes(pickle.dumps({"version": version, "entries": current}, pickle.HIGHEST_PROTOCOL))
    parts = [current[entry_fingerprint(entry)] for entry in entries]
    return [bibtex for bibtex, _ in parts], [item for _, item in parts]
