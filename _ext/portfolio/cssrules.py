"""Stylesheets as rules that can be chosen per page: the pure core of :mod:`portfolio.inlinecss` (and the
selector reading :mod:`portfolio.csssubset` shares).

A stylesheet is parsed once (tinycss2) into :class:`Rule` and :class:`Block` objects. Each rule knows what
its selectors name (classes, ids, elements, attributes: :func:`requirement`; pseudo-classes and
pseudo-elements, with their arguments, are not held against a selector) and its declarations, each with
the custom properties its value uses. ``@import`` is followed in place, ``url()`` references are rebased to
the site's root (marked with :data:`ROOT`). For a page, :func:`choose` keeps the rules that may match its
tokens; :func:`live_properties` finds the custom properties those rules can use (``var(--x)``, followed
through other custom properties, plus those the page's markup or scripts name); :func:`serialize` writes
the kept rules without the other custom properties: the theme and Bootstrap declare some 450 of them and a
page uses about 130. Cutting a page's rules into those its first paint needs
and those that come after it is :mod:`portfolio.cssorder`'s.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .builtpages import SCHEME, Tokens

#: Marks a ``url()`` that is relative to the site's root; the page's prefix replaces it.
ROOT = "\x00"
VAR_REFERENCE = re.compile(r"var\(\s*(--[\w-]+)")
Requirement = tuple[tuple[str, str], ...]


@dataclass
class Declaration:
    text: str
    #: The custom property it declares (``--pst-color-primary``), or None.
    custom: str | None = None
    uses: frozenset[str] = frozenset()


@dataclass
class Rule:
    """A style rule (``declarations`` set) or a rule kept as written (``text``: ``@font-face``, ...)."""

    prelude: str = ""
    declarations: list[Declaration] | None = None
    #: One requirement per top-level selector; None keeps the rule on every page.
    selectors: list[Requirement] | None = None
    text: str = ""
    uses: frozenset[str] = frozenset()
    #: The name a ``@keyframes`` rule defines: it is kept only where a kept rule or a script names it.
    keyframes: str | None = None


@dataclass
class Block:
    """A ``@media`` (or ``@supports``, ...) rule whose content is chosen rule by rule."""

    prelude: str
    children: list[Rule | Block] = field(default_factory=list)


NESTING_AT_RULES = frozenset({"media", "supports", "layer", "container"})

# -- Compiling ------------------------------------------------------------------------------------------


def top_level_selectors(prelude) -> list[list]:
    """A rule's prelude split at its top-level commas (``:is(a, b)`` is one function token)."""
    selectors: list[list] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return selectors


def requirement(selector: list) -> Requirement:
    names: list[tuple[str, str]] = []
    previous = None
    for token in selector:
        if token.type == "ident":
            mark = previous.value if previous is not None and previous.type == "literal" else None
            if mark == ".":
                names.append(("class", token.value))
            elif mark != ":":  # ":" (or "::") names a pseudo-class or pseudo-element
                names.append(("element", token.value.lower()))
        elif token.type == "hash":
            names.append(("id", token.value))
        elif token.type == "[] block":
            idents = [part for part in token.content if part.type == "ident"]
            if idents:
                names.append(("attribute", idents[0].value.lower()))
        previous = token
    return tuple(names)


def rebase(url: str, base: str) -> str:
    """``url`` as written in a stylesheet in folder ``base``, relative to the site root (marked)."""
    if not url or url.startswith(("data:", "#", "/")) or SCHEME.match(url):
        return url
    path, _, query = url.partition("?")
    return ROOT + posixpath.normpath(posixpath.join(base, path)) + (f"?{query}" if query else "")


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def rebase_urls(tokens: list, base: str) -> None:
    """Rewrite every relative ``url()`` in ``tokens`` (nested blocks and functions too) from ``base``."""
    import tinycss2.ast

    for index, token in enumerate(tokens):
        target = None
        if token.type == "url":
            target = token.value
        elif token.type == "function" and token.lower_name == "url":
            strings = [part for part in token.arguments if part.type == "string"]
            target = strings[0].value if strings else None
        if target is not None:
            rebased = rebase(target, base)
            if rebased != target:
                tokens[index] = tinycss2.ast.URLToken(
                    token.source_line, token.source_column, rebased, f"url({css_string(rebased)})"
                )
        elif token.type == "function":
            rebase_urls(token.arguments, base)
        elif isinstance(getattr(token, "content", None), list):
            rebase_urls(token.content, base)


def uses_of(text: str) -> frozenset[str]:
    return frozenset(VAR_REFERENCE.findall(text))


def style_rule(rule, base: str) -> Rule:
    import tinycss2

    rebase_urls(rule.content, base)
    prelude = compact(rule.prelude, around=SELECTOR_PUNCTUATION)
    selectors = [requirement(part) for part in top_level_selectors(rule.prelude)]
    items = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
    if any(item.type != "declaration" for item in items):  # nested rules: kept as written
        text = rule.serialize()
        return Rule(selectors=selectors, text=text, uses=uses_of(text))
    declarations = []
    for item in items:
        custom = item.name if item.name.startswith("--") else None
        value = compact(item.value) or (" " if custom else "")  # "--x: ;" is Bootstrap's empty value
        text = f"{item.name}:{value}{'!important' if item.important else ''}"
        declarations.append(Declaration(text, custom, uses_of(tinycss2.serialize(item.value))))
    return Rule(prelude, declarations, selectors)


SELECTOR_PUNCTUATION = frozenset({",", ">", "+", "~"})


def compact(tokens: list, around: frozenset[str] = frozenset()) -> str:
    """``tokens`` as CSS without the whitespace that means nothing: none at the ends or next to a literal
    in ``around``, one space for any other run. Strings and blocks are written as they were."""
    parts: list[str] = []
    pending_space = False
    for token in tokens:
        if token.type == "whitespace":
            pending_space = bool(parts)
            continue
        if token.type == "comment":
            continue
        is_punctuation = token.type == "literal" and token.value in around
        if pending_space and not is_punctuation and not (parts and parts[-1] in around):
            parts.append(" ")
        pending_space = False
        parts.append(token.serialize())
    return "".join(parts)


def import_target(rule) -> tuple[str | None, str]:
    import tinycss2

    parts = [token for token in rule.prelude if token.type not in ("whitespace", "comment")]
    if not parts:
        return None, ""
    first = parts[0]
    if first.type in ("string", "url"):
        target = first.value
    elif first.type == "function" and first.lower_name == "url":
        strings = [token for token in first.arguments if token.type == "string"]
        target = strings[0].value if strings else None
    else:
        return None, ""
    return target, tinycss2.serialize(parts[1:]).strip()


def compile_rules(rules: Iterable, base: str, load: Callable[[str], list | None]) -> list[Rule | Block]:
    """tinycss2 ``rules`` of a stylesheet in folder ``base``; ``load(url)`` gives the compiled rules of
    an imported stylesheet (its URL rebased), or None to keep the ``@import``."""
    import tinycss2

    compiled: list[Rule | Block] = []
    for rule in rules:
        if rule.type == "qualified-rule":
            compiled.append(style_rule(rule, base))
        elif rule.type != "at-rule" or rule.lower_at_keyword == "charset":
            continue
        elif rule.lower_at_keyword == "import":
            target, media = import_target(rule)
            imported = load(rebase(target, base)) if target else None
            if imported is None:
                rebase_urls(rule.prelude, base)
                compiled.append(Rule(text=rule.serialize()))
            elif media:
                compiled.append(Block(f"@media {media}", imported))
            else:
                compiled.extend(imported)
        elif rule.lower_at_keyword in NESTING_AT_RULES and rule.content is not None:
            inner = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
            prelude = tinycss2.serialize(rule.prelude).strip()
            compiled.append(Block(f"@{rule.at_keyword} {prelude}", compile_rules(inner, base, load)))
        else:
            rebase_urls(rule.prelude, base)
            if rule.content is not None:
                rebase_urls(rule.content, base)
            text = rule.serialize()
            keyframes = None
            if rule.lower_at_keyword.endswith("keyframes"):
                keyframes = tinycss2.serialize(rule.prelude).strip().strip("\"'")
            compiled.append(Rule(text=text, uses=uses_of(text), keyframes=keyframes))
    return compiled


# -- Choosing for a page --------------------------------------------------------------------------------


def keeps(selectors: list[Requirement] | None, tokens: Tokens) -> bool:
    if selectors is None:
        return True
    checks = {
        "class": tokens.has_class,
        "id": tokens.has_id,
        "element": tokens.has_element,
        "attribute": tokens.has_attribute,
    }
    return any(all(checks[kind](name) for kind, name in selector) for selector in selectors)


def choose(rules: list[Rule | Block], tokens: Tokens | None) -> list[Rule | Block]:
    """The rules that may match ``tokens`` (all of them for None); blocks left empty go, and so do the
    ``@keyframes`` that no kept rule (nor a script) names."""
    if tokens is None:
        return kept_where(rules, lambda rule: True)
    kept = kept_where(rules, lambda rule: keeps(rule.selectors, tokens))
    named = set(tokens.script_words)
    for rule in flat(kept):
        for declaration in rule.declarations or ():
            if "animation" in declaration.text.partition(":")[0]:
                named.update(ANIMATION_WORD.findall(declaration.text.partition(":")[2]))
        if rule.declarations is None and rule.selectors is not None:  # nested rules, kept as written
            named.update(ANIMATION_WORD.findall(rule.text))
    return kept_where(kept, lambda rule: rule.keyframes is None or rule.keyframes in named)


ANIMATION_WORD = re.compile(r"[A-Za-z_-][\w-]*")


def kept_where(rules: list[Rule | Block], keep: Callable[[Rule], bool]) -> list[Rule | Block]:
    """The rules ``keep`` says yes to, in their blocks; blocks left empty go."""
    kept: list[Rule | Block] = []
    for rule in rules:
        if isinstance(rule, Block):
            inner = kept_where(rule.children, keep)
            if inner:
                kept.append(Block(rule.prelude, inner))
        elif keep(rule):
            kept.append(rule)
    return kept


def flat(rules: list[Rule | Block]) -> Iterable[Rule]:
    for rule in rules:
        if isinstance(rule, Block):
            yield from flat(rule.children)
        else:
            yield rule


def live_properties(rules: list[Rule | Block], named: Callable[[str], bool]) -> set[str]:
    """The custom properties the ``rules`` use, directly or through others, and those ``named(name)``
    says something else uses (the page's markup or a script)."""
    declared: dict[str, list[frozenset[str]]] = {}
    live: set[str] = set()
    for rule in flat(rules):
        live |= rule.uses
        for declaration in rule.declarations or ():
            if declaration.custom is None:
                live |= declaration.uses
            else:
                declared.setdefault(declaration.custom, []).append(declaration.uses)
    live |= {name for name in declared if named(name)}
    pending = list(live)
    while pending:
        for uses in declared.get(pending.pop(), ()):
            for name in uses - live:
                live.add(name)
                pending.append(name)
    return live


def serialize(rules: list[Rule | Block], live: set[str] | None = None) -> list[str]:
    """The rules as CSS text; with ``live``, only those custom properties are declared."""
    written: list[str] = []
    for rule in rules:
        if isinstance(rule, Block):
            written.append(f"{rule.prelude}{{{''.join(serialize(rule.children, live))}}}")
        elif rule.declarations is None:
            written.append(rule.text)
        else:
            kept = [
                declaration.text
                for declaration in rule.declarations
                if live is None or declaration.custom is None or declaration.custom in live
            ]
            if kept or not rule.declarations:
                written.append(f"{rule.prelude}{{{';'.join(kept)}}}")
    return written
