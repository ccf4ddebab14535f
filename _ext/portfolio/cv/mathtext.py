"""Inline ``$math$`` of a title as spans a PDF can set: letters in italics, ``^`` and ``_`` as super- and
subscripts, symbols as Unicode. latex2mathml (which writes the web pages' MathML) reads the LaTeX; the
MathML tree is then walked into spans. Pure: no Sphinx."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from latex2mathml.converter import convert

# $...$ not preceded by a backslash; the math itself holds no unescaped $.
INLINE_MATH = re.compile(r"(?<!\\)\$((?:\\.|[^$\\])+)\$")
BINARY_OPERATORS = frozenset("+-−=<>≤≥×·±≈")
SCRIPTS = {"msup": ("super",), "msub": ("sub",), "msubsup": ("sub", "super")}


def text_spans(text: str) -> list[dict[str, object]]:
    """``text`` with its inline math set as spans ({text, italic?, script?})."""
    spans: list[dict[str, object]] = []
    position = 0
    for match in INLINE_MATH.finditer(text):
        if match.start() > position:
            spans.append({"text": text[position : match.start()]})
        spans.extend(math_spans(match.group(1)))
        position = match.end()
    if position < len(text):
        spans.append({"text": text[position:]})
    return spans


def math_spans(latex: str) -> list[dict[str, object]]:
    try:
        root = ElementTree.fromstring(convert(latex))
    except Exception:  # latex2mathml's own exceptions: a formula it cannot read is shown as written
        return [{"text": latex}]
    spans: list[dict[str, object]] = []
    walk(root, spans, "")
    return spans or [{"text": latex}]


def walk(element: ElementTree.Element, spans: list[dict[str, object]], script: str) -> None:
    tag = element.tag.rsplit("}", 1)[-1]
    children = list(element)
    if tag in SCRIPTS and children:
        walk(children[0], spans, script)
        for child, kind in zip(children[1:], SCRIPTS[tag], strict=False):
            walk(child, spans, kind)
        return
    if tag == "mfrac" and len(children) == 2:
        walk(children[0], spans, script)
        add(spans, "/", False, script)
        walk(children[1], spans, script)
        return
    if tag == "msqrt":
        add(spans, "√(", False, script)
        for child in children:
            walk(child, spans, script)
        add(spans, ")", False, script)
        return
    if element.text and element.text.strip():
        # One-letter identifiers are variables, set in italics as in LaTeX; names (sin, log) upright.
        text = element.text.strip()
        if tag == "mo" and text in BINARY_OPERATORS:
            text = f" {text} "
        add(spans, text, tag == "mi" and len(text) == 1 and text.isalpha(), script)
    for child in children:
        walk(child, spans, script)


def add(spans: list[dict[str, object]], text: str, italic: bool, script: str) -> None:
    span: dict[str, object] = {"text": text}
    if italic:
        span["italic"] = True
    if script:
        span["script"] = script
    spans.append(span)
