"""Rewrite ``refs.bib`` canonically, and turn a pasted entry into one of ours.

``python -m portfolio.bib tidy refs.bib`` (``make tidy``) sorts the entries newest first, writes every
entry the same way (fields in one order, names aligned, values in braces, months as macros) and
normalises what Google Scholar, the ACL Anthology, arXiv and DBLP paste:

* the arXiv id from ``eprint``, an ``arXiv preprint arXiv:…`` journal, DBLP's ``CoRR``/``abs/…`` or an
  arxiv.org URL becomes ``eprint`` + ``archiveprefix = {arXiv}``;
* a DOI written as a URL becomes the bare DOI; an ACL Anthology or OpenReview URL gives ``anthology`` /
  ``openreview``; ``http://`` becomes ``https://`` for hosts that serve it;
* ``venue_short`` (the badge) and the Findings track are derived from the venue and year when missing;
* DBLP's bookkeeping fields (``timestamp``, ``biburl``, ``bibsource``) are dropped;
* a key that breaks the naming rule (surname + year + first significant title word) is renamed when no
  page cites it, and reported otherwise.

Nothing else changes: a tidied file parses to the same entries (types, fields, names) as the original,
and tidying a tidy file changes nothing. ``--check`` only reports, for CI and pre-commit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import Parser
from pybtex.scanner import PybtexError

from .export import write_entry
from .style import NewestFirstSortingStyle
from .text import latex_to_plain
from .vocabulary import HTTPS_HOSTS, KEY_RULE, URL_FIELDS

STANDARD_ORDER = (
    "title",
    "author",
    "editor",
    "booktitle",
    "journal",
    "howpublished",
    "series",
    "volume",
    "number",
    "pages",
    "publisher",
    "organization",
    "institution",
    "school",
    "address",
    "year",
    "month",
    "date",
    "doi",
    "isbn",
    "issn",
    "eprint",
    "archiveprefix",
    "primaryclass",
    "url",
    "note",
)
OUR_ORDER = (
    "venue_short",
    "track",
    "award",
    "anthology",
    "openreview",
    "pdf",
    "code",
    "project",
    "slides",
    "poster",
    "video",
    "blog",
    "abstract",
    "equal_contribution",
    "corresponding",
    "selected",
)
DBLP_BOOKKEEPING = ("timestamp", "biburl", "bibsource")
NAME_WIDTH = 18
# (pattern over the venue, short name): the first match names the badge, followed by the year.
VENUES = (
    (r"Findings of the Association for Computational Linguistics:?\s*(EMNLP|ACL|NAACL|EACL)", r"\1"),
    (r"Neural Information Processing Systems|\bNeurIPS\b", "NeurIPS"),
    (r"International Conference on Learning Representations|\bICLR\b", "ICLR"),
    (r"International Conference on Machine Learning|\bICML\b", "ICML"),
    (r"Empirical Methods in Natural Language Processing|\bEMNLP\b", "EMNLP"),
    (r"North American Chapter of the Association for Computational Linguistics|\bNAACL\b", "NAACL"),
    (r"European Chapter of the Association for Computational Linguistics|\bEACL\b", "EACL"),
    (r"Annual Meeting of the Association for Computational Linguistics|\bACL\b", "ACL"),
    (r"International Conference on Computational Linguistics|\bCOLING\b", "COLING"),
    (r"Knowledge Discovery and Data Mining|\bKDD\b", "KDD"),
    (r"Research and Development in Information Retrieval|\bSIGIR\b", "SIGIR"),
    (r"Information and Knowledge Management|\bCIKM\b", "CIKM"),
    (r"Web Search and Data Mining|\bWSDM\b", "WSDM"),
    (r"The Web Conference|World Wide Web Conference|\bWWW\b", "WWW"),
    (r"AAAI Conference on Artificial Intelligence|\bAAAI\b", "AAAI"),
    (r"International Joint Conference on Artificial Intelligence|\bIJCAI\b", "IJCAI"),
    (r"Computer Vision and Pattern Recognition|\bCVPR\b", "CVPR"),
    (r"European Conference on Computer Vision|\bECCV\b", "ECCV"),
    (r"International Conference on Computer Vision|\bICCV\b", "ICCV"),
    (r"ACM International Conference on Multimedia|\bACM MM\b", "ACM MM"),
    (r"Transactions on Information Systems|\bTOIS\b", "TOIS"),
    (r"Transactions on Knowledge and Data Engineering|\bTKDE\b", "TKDE"),
    (r"\barXiv\b|\bCoRR\b", "arXiv"),
)
STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "on",
        "of",
        "in",
        "for",
        "and",
        "to",
        "with",
        "via",
        "from",
        "by",
        "at",
        "is",
        "are",
        "towards",
        "toward",
        "how",
        "what",
        "when",
        "why",
        "do",
        "does",
    }
)


class TidyError(Exception):
    """Input the tidier cannot rewrite without losing something; the message says what to do."""


@dataclass
class Tidied:
    text: str
    changes: list[str] = field(default_factory=list)


# -- Reading --------------------------------------------------------------------------------------


@dataclass
class Block:
    """An entry with the comment lines written just above it, which travel with it."""

    key: str
    comments: list[str]


def split_source(text: str) -> tuple[str, list[Block], str]:
    """The header (everything before the first entry), each entry's own comments, and the trailer."""
    if re.search(r"^\s*@\s*(string|preamble)\b", text, re.IGNORECASE | re.MULTILINE):
        raise TidyError(
            "@string and @preamble cannot be kept when entries are rewritten: expand them by hand"
        )
    starts = [match for match in re.finditer(r"^\s*@\s*(\w+)\s*[{(]\s*([^,\s]+)", text, re.MULTILINE)]
    if not starts:
        return text, [], ""
    header_end = starts[0].start()
    header_lines = text[:header_end].splitlines()
    # Comment lines right above the first entry belong to it, unless they are all the header there is.
    own = (
        _trailing_comments(header_lines) if len(header_lines) > len(_trailing_comments(header_lines)) else []
    )
    header = "\n".join(header_lines[: len(header_lines) - len(own)]).strip("\n")
    blocks = []
    for index, match in enumerate(starts):
        if match.group(1).lower() == "comment":
            raise TidyError(
                f"@comment at line {text.count(chr(10), 0, match.start()) + 1}: write a % comment"
            )
        comments = (
            own
            if index == 0
            else _trailing_comments(text[starts[index - 1].end() : match.start()].splitlines())
        )
        blocks.append(Block(match.group(2), comments))
    last_end = _entry_end(text, starts[-1].end())
    trailer = text[last_end:].strip("\n")
    return header, blocks, trailer


def _trailing_comments(lines: list[str]) -> list[str]:
    comments: list[str] = []
    for line in reversed(lines):
        if line.strip().startswith("%"):
            comments.insert(0, line.strip())
        elif line.strip() or comments:
            break
    return comments


def _entry_end(text: str, position: int) -> int:
    """Just past the entry whose key ends at ``position``: its closing brace, or for ``@type(key, ...)``
    the first ``)`` outside braces (a parenthesis inside a value, as in "1) first", is text)."""
    opener = text.rfind("(", 0, position) > text.rfind("{", 0, position)
    depth = 1
    while position < len(text) and depth:
        char = text[position]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == ")" and opener and depth == 1:
            depth = 0
        position += 1
    return position


def parse(text: str) -> BibliographyData:
    try:
        return Parser().parse_string(text)
    except PybtexError as error:
        raise TidyError(f"cannot parse: {error}; fix it first (make check names the line)") from error


# -- Normalising -----------------------------------------------------------------------------------


def normalise(entry: Entry, cited: set[str], taken: set[str]) -> tuple[Entry, list[str]]:
    """The entry in our conventions, and a line per change made."""
    changes: list[str] = []
    fields = {name.lower(): value for name, value in entry.fields.items()}
    for name in DBLP_BOOKKEEPING:
        if fields.pop(name, None) is not None:
            changes.append(f"dropped DBLP's {name}")
    for name in URL_FIELDS:
        value = fields.get(name, "")
        if "\\_" in value:  # DBLP escapes underscores, which breaks the link
            fields[name] = value = value.replace("\\_", "_")
            changes.append(f"{name}: \\_ -> _")
        host = re.match(r"http://([^/:]+)", value)
        if host and host.group(1).lower() in HTTPS_HOSTS:
            fields[name] = "https://" + value[len("http://") :]
            changes.append(f"{name}: http:// -> https://")
    _normalise_arxiv(fields, changes)
    _normalise_doi(fields, changes)
    url = fields.get("url", "")
    if (
        match := re.match(r"https://aclanthology\.org/([\w.-]+?)(\.pdf)?/?$", url)
    ) and "anthology" not in fields:
        fields["anthology"] = match.group(1)
        fields["url"] = f"https://aclanthology.org/{match.group(1)}/"
        changes.append(f"anthology = {match.group(1)} (from url)")
    if (
        match := re.match(r"https://openreview\.net/(?:forum|pdf)\?id=([\w-]+)", url)
    ) and "openreview" not in fields:
        fields["openreview"] = match.group(1)
        changes.append(f"openreview = {match.group(1)} (from url)")
    if "archiveprefix" in fields and fields["archiveprefix"].casefold() == "arxiv":
        fields["archiveprefix"] = "arXiv"
    if "venue_short" not in fields and (badge := venue_badge(entry.type, fields)):
        fields["venue_short"] = badge
        changes.append(f"venue_short = {badge}")
    if "track" not in fields and re.match(r"\s*Findings of", fields.get("booktitle", "")):
        fields["track"] = "Findings"
        changes.append("track = Findings")
    result = Entry(entry.type.lower(), fields=fields, persons=entry.persons)
    result.key = entry.key
    if not KEY_RULE.fullmatch(entry.key):
        suggestion = unique_key(suggested_key(result), taken)
        if entry.key in cited:
            changes.append(
                f"key {entry.key!r} breaks the naming rule but is cited on a page: rename it to "
                f"{suggestion!r} here and in the pages"
            )
        else:
            changes.append(f"key {entry.key!r} renamed to {suggestion!r} (no page cites it)")
            result.key = suggestion
    return result, changes


def _normalise_arxiv(fields: dict[str, str], changes: list[str]) -> None:
    eprint = fields.get("eprint", "").strip()
    found = ""
    if eprint:
        found = re.sub(r"^arxiv:\s*", "", eprint, flags=re.IGNORECASE)
    else:
        for source in (
            fields.get("journal", ""),
            fields.get("volume", ""),
            fields.get("url", ""),
            fields.get("howpublished", ""),
        ):
            match = re.search(
                r"(?:arXiv:|abs/|arxiv\.org/(?:abs|pdf)/)\s*(\d{4}\.\d{4,5})", source, re.IGNORECASE
            )
            if match:
                found = match.group(1)
                break
    if not found:
        return
    if found != eprint:
        fields["eprint"] = found
        changes.append(f"eprint = {found}")
    if "archiveprefix" not in fields:
        fields["archiveprefix"] = "arXiv"


def _normalise_doi(fields: dict[str, str], changes: list[str]) -> None:
    doi = fields.get("doi", "").strip()
    if doi:
        bare = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.IGNORECASE)
        if bare != doi:
            fields["doi"] = bare
            changes.append(f"doi = {bare} (was a URL)")
    elif match := re.match(r"https?://(?:dx\.)?doi\.org/(10\.\S+)", fields.get("url", "")):
        fields["doi"] = match.group(1)
        changes.append(f"doi = {match.group(1)} (from url)")


def venue_badge(entry_type: str, fields: dict[str, str]) -> str:
    """``NeurIPS 2024``, ``ACL 2024 Findings``, ``arXiv 2024``: the badge, or "" when the venue is unknown."""
    year = fields.get("year", "").strip()
    venue = latex_to_plain(
        fields.get("booktitle") or fields.get("journal") or fields.get("howpublished") or ""
    )
    if not venue and fields.get("eprint"):
        venue = "arXiv"
    for pattern, short in VENUES:
        match = re.search(pattern, venue)
        if match:
            name = match.expand(short)
            findings = " Findings" if venue.lstrip().startswith("Findings of") else ""
            return f"{name} {year}{findings}".strip()
    return ""


def suggested_key(entry: Entry) -> str:
    """First author's surname + year + first significant title word, ASCII lowercase."""
    authors = entry.persons.get("author", [])
    surname = " ".join(authors[0].last_names) if authors else "anonymous"
    words = re.findall(r"[A-Za-z0-9]+", ascii_fold(latex_to_plain(entry.fields.get("title", ""))))
    word = next((w for w in words if w.lower() not in STOP_WORDS), "paper")
    return (
        re.sub(r"[^a-z0-9]", "", ascii_fold(latex_to_plain(surname)).lower())
        + entry.fields.get("year", "").strip()
        + word.lower()
    )


def unique_key(key: str, taken: set[str]) -> str:
    candidate, suffix = key, ord("b")
    while candidate in taken:
        candidate, suffix = f"{key}{chr(suffix)}", suffix + 1
    return candidate


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


# -- Writing ---------------------------------------------------------------------------------------


def format_person(person: Person) -> str:
    """``First von Last`` when that reads back as the same name, else ``von Last, Jr, First``."""
    plain = " ".join(person.first_names + person.middle_names + person.prelast_names + person.last_names)
    if not person.lineage_names and _same_person(Person(plain), person):
        return plain
    return str(person)


def _same_person(left: Person, right: Person) -> bool:
    parts = ("first_names", "middle_names", "prelast_names", "last_names", "lineage_names")
    return all(getattr(left, part) == getattr(right, part) for part in parts)


def ordered_fields(entry: Entry) -> list[tuple[str, str]]:
    values: dict[str, str] = {}
    for role, persons in entry.persons.items():
        values[role.lower()] = " and ".join(format_person(person) for person in persons)
    for name, value in entry.fields.items():
        values[name.lower()] = value
    known = STANDARD_ORDER + OUR_ORDER
    head = [name for name in STANDARD_ORDER if name in values]
    others = [name for name in values if name not in known]
    tail = [name for name in OUR_ORDER if name in values]
    return [(name, values[name]) for name in head + others + tail]


def format_entry(entry: Entry) -> str:
    return write_entry(entry, ordered_fields(entry), NAME_WIDTH)


def cited_keys(site: Path) -> set[str]:
    """Every key cited by a page under ``site``."""
    keys: set[str] = set()
    for page in site.rglob("*.md"):
        if any(part.startswith((".", "_")) for part in page.relative_to(site).parts):
            continue
        for roles in re.findall(r"\{(?:foot)?cite(?::\w+)?\}`([^`]+)`", page.read_text(encoding="utf-8")):
            keys.update(key.strip() for key in roles.split(",") if key.strip())
    return keys


def tidy_text(text: str, cited: Iterable[str] = ()) -> Tidied:
    header, blocks, trailer = split_source(text)
    data = parse(text)
    cited = set(cited)
    comments = {block.key: block.comments for block in blocks}
    taken = set(data.entries.keys())
    entries, changes = [], []
    for key, entry in data.entries.items():
        tidy, entry_changes = normalise(entry, cited, taken - {key})
        taken.add(tidy.key)
        entries.append((tidy, comments.get(key, [])))
        changes.extend(f"{key}: {change}" for change in entry_changes)
    order = NewestFirstSortingStyle().sort([entry for entry, _ in entries])
    by_key = {entry.key: (entry, block_comments) for entry, block_comments in entries}
    parts = [header] if header else []
    for entry in order:
        _, block_comments = by_key[entry.key]
        parts.append("\n".join([*block_comments, format_entry(entry)]))
    if trailer:
        parts.append(trailer)
    return Tidied("\n\n".join(parts) + "\n", changes)
