"""The one vocabulary of ``refs.bib``: entry types, fields, marks, months, keys and URLs.

Every part of the site reads it from here: the style (which field is the venue), the checks (what an entry
must have), the exports (what a visitor's BibTeX leaves out), the paper model and the tidier. Written
once, so that an entry type the checks accept is one every output can show.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# -- Entry types -----------------------------------------------------------------------------------------

#: BibTeX's standard entry types, and for each the fields that name where it appeared, most specific first
#: (the first one present is the venue shown in the list, on the paper page and in every export).
VENUE_FIELDS: dict[str, tuple[str, ...]] = {
    "article": ("journal",),
    "book": ("publisher",),
    "booklet": ("howpublished", "organization"),
    "conference": ("booktitle",),
    "inbook": ("booktitle", "publisher"),
    "incollection": ("booktitle", "publisher"),
    "inproceedings": ("booktitle",),
    "manual": ("organization", "publisher"),
    "mastersthesis": ("school",),
    "misc": ("howpublished", "journal"),
    "phdthesis": ("school",),
    "proceedings": ("publisher", "organization"),
    "techreport": ("institution",),
    "unpublished": ("note",),
}
KNOWN_TYPES = frozenset(VENUE_FIELDS)
#: Field names that, besides the venue fields, let the checks accept an entry as placed: an arXiv
#: preprint written as ``@misc`` has its ``eprint`` and no ``howpublished``.
VENUE_SUBSTITUTES: dict[str, tuple[str, ...]] = {"misc": ("eprint",)}
REQUIRED_FIELDS = ("title", "author", "year")

#: What the list's type chips call each entry type (articles depend on their journal: see the model).
KIND_OF_TYPE = {
    "inproceedings": "conference",
    "conference": "conference",
    "proceedings": "conference",
    "misc": "preprint",
    "unpublished": "preprint",
    "techreport": "preprint",
}
#: CSL-JSON item type of each entry type (``article`` is decided by its journal).
CSL_TYPES = {
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "book": "book",
    "booklet": "pamphlet",
    "manual": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "techreport": "report",
}
#: The Google Scholar (Highwire) tag of the venue field.
HIGHWIRE_VENUE_TAGS = {
    "booktitle": "citation_conference_title",
    "journal": "citation_journal_title",
    "school": "citation_dissertation_institution",
    "institution": "citation_technical_report_institution",
}

# -- Fields ----------------------------------------------------------------------------------------------

#: Our presentation fields: they drive the page and are left out of every BibTeX a visitor copies.
PRESENTATION_FIELDS = frozenset(
    {
        "abstract",
        "anthology",
        "award",
        "blog",
        "code",
        "corresponding",
        "equal_contribution",
        "openreview",
        "pdf",
        "poster",
        "project",
        "selected",
        "slides",
        "track",
        "venue_short",
        "video",
    }
)
#: Fields holding a URL as written; (field, button label), in button order after the identifier links.
LINK_FIELDS = (
    ("code", "Code"),
    ("project", "Project"),
    ("slides", "Slides"),
    ("poster", "Poster"),
    ("video", "Video"),
    ("blog", "Blog"),
)
#: Every field whose value is a URL (a ``%`` there is part of a percent-encoding, not a comment).
URL_FIELDS = ("url", "pdf", *(name for name, _ in LINK_FIELDS))
#: Superscript marks after an author's name, and what they mean (the list's legend).
MARKS = (("equal_contribution", "*", "equal contribution"), ("corresponding", "†", "corresponding author"))
TRUE_VALUES = frozenset({"true", "yes", "1"})
TRUE_OR_FALSE = TRUE_VALUES | {"false", "no", "0"}

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
MONTH_MACROS = {number: name for name, number in MONTHS.items() if len(name) == 3}

#: Where the owner drops ``<key>.pdf`` to host a paper's PDF beside its page, and the size above which
#: Google Scholar does not index a PDF ("Documents larger than 5MB ... should be uploaded to Google Books").
PDF_FOLDER = "publications/pdf"
PDF_MAX_MB = 5


def names_a_file(value: str) -> bool:
    """A ``pdf`` field that names a file of the repository (``papers/x.pdf``) rather than a URL."""
    return bool(value) and not re.match(r"[a-z][a-z0-9+.-]*:", value, re.IGNORECASE)


# -- Identifiers, keys and URLs --------------------------------------------------------------------------

DOI = re.compile(r"10\.\d{4,9}/\S+")
ARXIV = re.compile(r"(\d{4}\.\d{4,5}|[a-z][a-z.-]+(\.[A-Z]{2})?/\d{7})(v\d+)?")
URL = re.compile(r"https?://[^\s/$.?#][^\s\"<>{}]*", re.IGNORECASE)
SAFE_URL = re.compile(r"https?://[^\s\"<>]+", re.IGNORECASE)
UNSAFE_SCHEME = re.compile(r"\s*(javascript|data|vbscript|file):", re.IGNORECASE)
# Hosts known to serve https: an http:// link to them is an old URL pasted again.
HTTPS_HOSTS = frozenset(
    {
        "aclanthology.org",
        "arxiv.org",
        "dl.acm.org",
        "doi.org",
        "github.com",
        "huggingface.co",
        "ieeexplore.ieee.org",
        "link.springer.com",
        "ojs.aaai.org",
        "openreview.net",
        "papers.nips.cc",
        "proceedings.mlr.press",
        "proceedings.neurips.cc",
        "www.aclweb.org",
        "www.ijcai.org",
    }
)
#: A key that is also safe as a file name, a URL and an anchor as it is.
SAFE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
#: The site's own key rule (surname + year + first significant title word), which ``make tidy`` applies.
KEY_RULE = re.compile(r"[a-z]+\d{4}[a-z0-9]+")
# C0 control characters (but tab and newline) and DEL: invisible in a bib file, invalid in HTML and XML.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_safe_url(url: str) -> bool:
    """Only ``http(s)`` links become buttons: a ``javascript:`` or ``data:`` URL is never a link."""
    return SAFE_URL.fullmatch(url) is not None


def without_controls(text: str) -> str:
    """The text minus control characters (the checks report them; the pages never carry them)."""
    return CONTROL_CHARACTERS.sub("", text)


def page_name(key: str) -> str:
    """The file name (without suffix) of the paper page of ``key``: the key itself when it is safe in a
    file name and a URL, else a readable ASCII form of it with a digest of the key, so that two keys
    never share a page and a key always gets the same one (``DBLP:conf/acl/ZhouZ24`` ->
    ``dblp-conf-acl-zhouz24-3f1c2a9b``)."""
    if SAFE_KEY.fullmatch(key) and len(key) <= 120:
        return key
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    readable = re.sub(r"[^a-z0-9]+", "-", ascii_key.lower()).strip("-")[:80] or "paper"
    return f"{readable}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def is_true(value: str) -> bool:
    return value.strip().casefold() in TRUE_VALUES
