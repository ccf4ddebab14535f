"""The inline text of the CV data: Markdown's **bold**, *italics* and [links](url), plus citations of
``refs.bib`` entries written ``[@key]`` (or ``[@a; @b]``, Pandoc's form). One reading for both outputs:
MyST text for the CV page, and spans (text, bold, italic, link) for the PDF. Pure: no Sphinx.

The data is not trusted more than ``refs.bib``: raw HTML is shown as text, links must be http(s) or
mailto, and a citation of a key ``refs.bib`` lacks is dropped; each is reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from markdown_it import MarkdownIt

from ..bib.vocabulary import is_safe_url

CITATION = re.compile(r"\[(@[^\[\]@\s;]+(?:\s*;\s*@[^\[\]@\s;]+)*)\]")
MARKDOWN_LINK = re.compile(r"\]\(\s*([^)\s]*)")
RAW_HTML = re.compile(r"</?[A-Za-z][^<>]*>")
PARSER = MarkdownIt("commonmark")
MAILTO = re.compile(r"mailto:[^\s@<>\"]+@[^\s@<>\"]+")


def is_link(url: str) -> bool:
    return is_safe_url(url) or MAILTO.fullmatch(url) is not None


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    url: str = ""
    cite: tuple[str, ...] = ()  # the bib keys of a citation (its text is filled in by the caller)

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {"text": self.text}
        for name in ("bold", "italic", "url"):
            if value := getattr(self, name):
                data[name] = value
        return data


def cited_keys(text: str) -> Iterator[str]:
    for match in CITATION.finditer(text):
        yield from (key.strip().lstrip("@") for key in match.group(1).split(";"))


def problems_of(text: str, known: Callable[[str], bool]) -> list[str]:
    """What is wrong in one text: unknown citations, raw HTML, unsafe links."""
    problems = [f"[@{key}] cites no entry of refs.bib" for key in cited_keys(text) if not known(key)]
    problems += [f"raw HTML {tag!r} is shown as text" for tag in RAW_HTML.findall(text)]
    problems += [
        f"link {url!r} is left out: only http(s) and mailto links"
        for url in MARKDOWN_LINK.findall(text)
        if url and not is_link(url)
    ]
    return problems


def to_myst(text: str, known: Callable[[str], bool]) -> str:
    """The text as MyST Markdown: citations as ``{cite:p}`` roles, HTML escaped, unsafe links unlinked."""

    def citation(match: re.Match[str]) -> str:
        keys = [key.strip().lstrip("@") for key in match.group(1).split(";")]
        keys = [key for key in keys if known(key)]
        return "{cite:p}`" + ",".join(keys) + "`" if keys else "\x00"

    text = RAW_HTML.sub(lambda match: match.group(0).replace("<", "\\<"), text)
    text = re.sub(
        r"\[([^\[\]]*)\]\(\s*([^)\s]*)\s*\)",
        lambda match: match.group(0) if is_link(match.group(2)) else match.group(1),
        text,
    )
    # A dropped citation takes the space before it along.
    return re.sub(r"\s*\x00", "", CITATION.sub(citation, text))


def to_spans(text: str, known: Callable[[str], bool]) -> list[Span]:
    """The text as a flat list of spans; a citation is a span of its keys, with no text yet."""
    spans: list[Span] = []
    position = 0
    for match in CITATION.finditer(text):
        spans.extend(markdown_spans(text[position : match.start()]))
        keys = tuple(
            key for key in (part.strip().lstrip("@") for part in match.group(1).split(";")) if known(key)
        )
        if keys:
            spans.append(Span("", cite=keys))
        position = match.end()
    spans.extend(markdown_spans(text[position:]))
    return merge(spans)


def markdown_spans(text: str) -> list[Span]:
    if not text:
        return []
    spans: list[Span] = []
    bold = italic = 0
    url = ""
    for block in PARSER.parseInline(text):
        for token in block.children or ():
            if token.type == "strong_open":
                bold += 1
            elif token.type == "strong_close":
                bold -= 1
            elif token.type == "em_open":
                italic += 1
            elif token.type == "em_close":
                italic -= 1
            elif token.type == "link_open":
                href = str(token.attrs.get("href", ""))
                url = href if is_link(href) else ""
            elif token.type == "link_close":
                url = ""
            elif token.type in {"softbreak", "hardbreak"}:
                spans.append(Span(" ", bold > 0, italic > 0, url))
            elif token.type in {"text", "code_inline", "html_inline"} or token.type == "image":
                spans.append(Span(token.content, bold > 0, italic > 0, url))
    # Markdown drops the white space that starts the text; the text around a citation needs it.
    if text[:1].isspace() and not (spans and spans[0].text[:1].isspace()):
        spans.insert(0, Span(" "))
    if text[-1:].isspace() and not (spans and spans[-1].text[-1:].isspace()):
        spans.append(Span(" "))
    return spans


def merge(spans: list[Span]) -> list[Span]:
    """Neighbouring spans of one style made one (the PDF's text then extracts as written)."""
    merged: list[Span] = []
    for span in spans:
        last = merged[-1] if merged else None
        if (
            last
            and not span.cite
            and not last.cite
            and (last.bold, last.italic, last.url)
            == (
                span.bold,
                span.italic,
                span.url,
            )
        ):
            merged[-1] = Span(last.text + span.text, last.bold, last.italic, last.url)
        else:
            merged.append(span)
    return merged


def plain(text: str) -> str:
    """The text as a reader sees it, markup and citations removed (for comparisons and metadata)."""
    return "".join(span.text for span in to_spans(text, lambda key: False)).strip()


def plain_parts(text: str) -> list[str]:
    """The text between its citations, each part as a reader sees it (white space made single)."""
    return [
        part
        for piece in CITATION.sub("\x00", text).split("\x00")
        if (part := " ".join(plain(piece).split()).strip(" ,"))
    ]
