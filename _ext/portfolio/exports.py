"""The bibliography as visitors take it away: clean BibTeX and CSL-JSON, made from ``refs.bib``.

"Clean" means our presentation fields (``venue_short``, ``code``, ``selected``, ...) are left out, so a
copied entry is what a reader would paste into their own paper. The same writer serves the BibTeX
toggle of each entry and the whole-bibliography download; CSL-JSON is the format of Zotero, Pandoc and
citeproc. Both are written at the end of an HTML build, at ``portfolio_export_path`` + ``.bib``/``.json``.
"""

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pybtex.database import Entry, Person
from sphinx.util import logging

from .bibstyle import (
    MONTHS,
    PRESENTATION_FIELDS,
    entry_fingerprint,
    entry_month,
    entry_year,
    is_safe_url,
    latex_to_plain,
    plain_field,
    publication_kind,
    venue_field_name,
    without_controls,
)
from .memo import digest_of_files, file_versions

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

MONTH_MACROS = {number: name for name, number in MONTHS.items() if len(name) == 3}

# Where a field sits in a written entry; fields not listed follow in their order in refs.bib.
FIELD_ORDER = (
    "title",
    "author",
    "editor",
    "booktitle",
    "journal",
    "volume",
    "number",
    "pages",
    "publisher",
    "address",
    "year",
    "month",
)


def person_bibtex(person: Person) -> str:
    """``von Last, Jr, First``: the one BibTeX name form that never splits a surname wrongly."""
    return str(person)


def clean_fields(entry: Entry) -> list[tuple[str, str]]:
    """The entry's (field, BibTeX value) pairs in a stable order, without our presentation fields."""
    values: dict[str, str] = {}
    for role, persons in entry.persons.items():
        values[role.lower()] = " and ".join(person_bibtex(person) for person in persons)
    for name, value in entry.fields.items():
        if name.lower() in PRESENTATION_FIELDS:
            continue
        if name.lower() == "url" and not is_safe_url(value.strip()):
            continue  # never hand a visitor a javascript: or data: link (the bib linter reports it)
        values[name.lower()] = value
    ordered = [name for name in FIELD_ORDER if name in values]
    ordered += [name for name in values if name not in FIELD_ORDER]
    return [(name, values[name]) for name in ordered]


def write_entry(entry: Entry, pairs: Iterable[tuple[str, str]], name_width: int = 0) -> str:
    """``@type{key, name = {value}, ...}``: values in braces, the month as its macro (``nov``), field names
    padded to ``name_width``; the one BibTeX writer of the site (downloads, toggles, ``make tidy``)."""
    lines = [f"@{entry.type}{{{entry.key},"]
    for name, value in pairs:
        padded = name.ljust(name_width)
        if name == "month" and (month := entry_month(entry)):
            lines.append(f"  {padded} = {MONTH_MACROS[month]},")
        else:
            lines.append(f"  {padded} = {{{' '.join(without_controls(value).split())}}},")
    lines.append("}")
    return "\n".join(lines)


def format_bibtex(entry: Entry) -> str:
    """One entry as a visitor copies it: standard fields only."""
    return write_entry(entry, clean_fields(entry))


def bibliography_bibtex(entries: Iterable[Entry]) -> str:
    return "\n\n".join(format_bibtex(entry) for entry in entries) + "\n"


CSL_TYPES = {
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "book": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "techreport": "report",
}


def csl_name(person: Person) -> dict[str, str]:
    def plain(parts: list[str]) -> str:
        return " ".join(latex_to_plain(part) for part in parts)

    name = {"family": plain(person.prelast_names + person.last_names)}
    if given := plain(person.first_names + person.middle_names):
        name["given"] = given
    if suffix := plain(person.lineage_names):
        name["suffix"] = suffix
    return name


def csl_type(entry: Entry) -> str:
    if entry.type == "article":
        return "article-journal" if publication_kind(entry) == "journal" else "article"
    return CSL_TYPES.get(entry.type, "article" if publication_kind(entry) == "preprint" else "document")


def csl_item(entry: Entry) -> dict[str, Any]:
    """One entry as a CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html)."""
    item: dict[str, Any] = {"id": entry.key, "type": csl_type(entry), "title": plain_field(entry, "title")}
    for role, csl_role in (("author", "author"), ("editor", "editor")):
        persons = [person for person in entry.persons.get(role, []) if str(person) != "others"]
        if persons:
            item[csl_role] = [csl_name(person) for person in persons]
    if year := entry_year(entry):
        item["issued"] = {"date-parts": [[year, month] if (month := entry_month(entry)) else [year]]}
    if venue := venue_field_name(entry):
        item["container-title"] = plain_field(entry, venue)
    simple = {
        "volume": "volume",
        "number": "issue",
        "publisher": "publisher",
        "address": "publisher-place",
        "abstract": "abstract",
        "doi": "DOI",
        "url": "URL",
    }
    for field_name, csl_field in simple.items():
        if value := plain_field(entry, field_name).strip():
            item[csl_field] = value
    if pages := entry.fields.get("pages", "").strip():
        item["page"] = re.sub(r"\s*-+\s*", "-", pages)
    if (eprint := entry.fields.get("eprint", "").strip()) and entry.fields.get(
        "archiveprefix", "arXiv"
    ).casefold() == "arxiv":
        item["number" if csl_type(entry) == "article" else "note"] = f"arXiv:{eprint}"
        item.setdefault("URL", f"https://arxiv.org/abs/{eprint}")
    return item


def bibliography_csl_json(entries: Iterable[Entry]) -> str:
    return json.dumps([csl_item(entry) for entry in entries], ensure_ascii=False, indent=2) + "\n"


def export_entries(app: Sphinx) -> list[Entry]:
    """Every entry of the configured bib files, newest first, as on the publications page."""
    from .bibstyle import NewestFirstSortingStyle

    domain = app.env.get_domain("cite")
    return NewestFirstSortingStyle().sort(domain.bibdata.data.entries.values())


def write_exports(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html" or not app.config.portfolio_export_path:
        return
    base = Path(app.outdir, app.config.portfolio_export_path)
    targets = [base.with_name(base.name + suffix) for suffix in (".bib", ".json")]
    # The downloads depend on the bib files and this code only: when neither changed and the files are
    # still what was written, a rebuild does not format every entry again. The record lives beside the
    # doctrees, so a clean build (no doctrees) writes them afresh.
    bibfiles = [Path(app.srcdir, name) for name in app.config.bibtex_bibfiles]
    inputs = digest_of_files([*bibfiles, *CODE]) + app.config.portfolio_export_path
    record = Path(app.doctreedir, "portfolio-exports.json")
    if record.is_file():
        kept = json.loads(record.read_text(encoding="utf-8"))
        # Untouched since written (same mtime and size), or else the same bytes.
        if kept.get("inputs") == inputs and (
            kept.get("versions") == [list(version) for version in file_versions(targets)]
            or kept.get("outputs") == digest_of_files(targets)
        ):
            return
    entries = export_entries(app)
    bibtex_texts, csl_items = exported_entries(entries, Path(app.doctreedir, "portfolio-exports.pickle"))
    texts = ("\n\n".join(bibtex_texts) + "\n", json.dumps(csl_items, ensure_ascii=False, indent=2) + "\n")
    base.parent.mkdir(parents=True, exist_ok=True)
    for target, text in zip(targets, texts, strict=True):
        # Unchanged files keep their mtime, so a no-op build touches nothing a deploy would upload.
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(
        json.dumps(
            {
                "inputs": inputs,
                "outputs": digest_of_files(targets),
                "versions": [list(version) for version in file_versions(targets)],
            }
        ),
        encoding="utf-8",
    )


def exported_entries(entries: list[Entry], store: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Each entry's BibTeX and CSL-JSON item, reused from ``store`` for entries whose content and whose
    exporting code did not change since it was written: after an edit to one entry, one is converted."""
    version = digest_of_files(CODE)
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


#: The code the downloads depend on.
CODE = (Path(__file__), Path(__file__).with_name("bibstyle.py"))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.bibtex")
    app.setup_extension("portfolio.bibstyle")
    app.add_config_value("portfolio_export_path", "publications/publications", "html", types=frozenset({str}))
    app.connect("build-finished", write_exports)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
