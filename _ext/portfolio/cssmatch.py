"""Which style rules can match a page before its deferred scripts run (pure, no Sphinx).

:func:`portfolio.cssrules.choose` keeps a rule when every class, id, element and attribute it names occurs
somewhere in the page; on the home page 40 of the 363 rules it keeps for the first paint match no
element (``.navbar > .container``, ``.bd-header ul.navbar-nav > li.nav-item.dropdown``, the ``sd-`` grid's
breakpoint variants of a class the page does not carry). Here the page is parsed as a browser parses it
(tinyhtml5, with ``<noscript>`` read as markup, as a browser without JavaScript reads it) and each rule's
selectors are matched against it (cssselect2), so those rules can wait for the later-rules script.

A rule must stay whenever it may match some state the page reaches with no deferred script: the markup,
what the scripts that run before the first paint change, and what a visitor changes without any script.
So before matching, each selector is weakened (:func:`weakened`): a simple selector whose truth may change
is dropped from its compound (``a:hover`` is matched as ``a``), and so is a ``:not()`` around one. That
covers every pseudo-class but the structural ones (``:hover``, ``:focus-visible``, ``:target``,
``:checked``, ...), the ``open`` attribute a visitor toggles on ``<details>``, and every class, id,
attribute and element a script run before the first paint names (the colour theme's ``data-theme``).
Pseudo-elements are matched on their element. A page whose early scripts may build markup is not matched
at all, and neither is a selector cssselect2 cannot read: their rules stay.
"""

from __future__ import annotations

from collections.abc import Iterable, Set

from .builtpages import CLOSED_DIALOG
from .cssrules import Rule, flat, top_level_selectors

#: Pseudo-classes that hold or not by the markup alone, which no visitor changes.
STRUCTURAL = frozenset(
    {
        "root",
        "first-child",
        "last-child",
        "only-child",
        "first-of-type",
        "last-of-type",
        "only-of-type",
        "nth-child",
        "nth-last-child",
        "nth-of-type",
        "nth-last-of-type",
    }
)
#: Pseudo-classes that hold when one of their arguments does: weakening an argument weakens them.
ANY_OF = frozenset({"is", "where", "matches", "-webkit-any", "has"})
#: Attributes a visitor changes without a script: a ``<details>`` opens and closes.
VISITOR_ATTRIBUTES = frozenset({"open"})
#: Words of a script that may put elements or text into the page: what it builds cannot be read here.
BUILDS_MARKUP = frozenset(
    {
        "createElement",
        "createElementNS",
        "createTextNode",
        "createContextualFragment",
        "innerHTML",
        "outerHTML",
        "innerText",
        "outerText",
        "textContent",
        "insertAdjacentHTML",
        "insertAdjacentElement",
        "insertAdjacentText",
        "appendChild",
        "insertBefore",
        "replaceChild",
        "replaceChildren",
        "replaceWith",
        "append",
        "prepend",
        "before",
        "after",
        "cloneNode",
        "importNode",
        "adoptNode",
        "write",
        "writeln",
        "DOMParser",
        "setHTMLUnsafe",
        "attachShadow",
    }
)
#: Words of a script that may take an attribute away.
REMOVES_ATTRIBUTES = frozenset(
    {"removeAttribute", "removeAttributeNS", "removeNamedItem", "toggleAttribute", "delete"}
)


def weakened(tokens: list, unknown: Set[str], negated: bool = False) -> tuple[str, bool]:
    """A selector list (tinycss2 tokens) as CSS that matches wherever it may match in any state: the
    simple selectors that may change dropped (those naming a word in ``unknown`` too), with whether any
    was. ``negated``: the list stands inside a ``:not()``."""
    written: list[str] = []
    changed = False
    for selector in top_level_selectors(tokens):
        text, dropped = weakened_selector(selector, unknown, negated)
        written.append(text)
        changed = changed or dropped
    return ",".join(written), changed


def weakened_selector(tokens: list, unknown: Set[str], negated: bool = False) -> tuple[str, bool]:
    compounds: list[str] = []  # compounds and the combinators between them
    compound: list[str] = []
    started = descendant = changed = False

    def close() -> None:
        nonlocal compound, started
        if started:
            compounds.append("".join(compound) or "*")
        compound, started = [], False

    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.type in ("whitespace", "comment"):
            descendant = descendant or (token.type == "whitespace" and started)
            continue
        if token.type == "literal" and token.value in (">", "+", "~"):
            close()
            compounds.append(token.value)
            descendant = False
            continue
        if descendant:
            close()
            compounds.append(" ")
            descendant = False
        started = True
        if token.type == "literal" and token.value == ":":
            element = index < len(tokens) and tokens[index].type == "literal" and tokens[index].value == ":"
            index += element
            name_token = tokens[index] if index < len(tokens) else None
            index += 1
            if name_token is None:
                continue
            name = getattr(name_token, "lower_name", None) or str(getattr(name_token, "value", "")).lower()
            if element:
                changed = True  # a pseudo-element is matched on its element
            elif name_token.type == "ident" and name in STRUCTURAL:
                compound.append(":" + name_token.serialize())
            elif name_token.type == "function" and name in ANY_OF:
                inner, dropped = weakened(name_token.arguments, unknown, negated)
                compound.append(f":{name_token.name}({inner})")
                changed = changed or dropped
            elif name_token.type == "function" and name == "not":
                inner, dropped = weakened(name_token.arguments, unknown, not negated)
                if dropped:
                    changed = True
                else:
                    compound.append(f":not({inner})")
            elif name_token.type == "function" and name in STRUCTURAL:
                compound.append(":" + name_token.serialize())
            else:
                changed = True
            continue
        if token.type == "literal" and token.value == "." and index < len(tokens):
            name_token = tokens[index]
            index += 1
            if name_token.value in unknown:
                changed = True
            else:
                compound.append("." + name_token.serialize())
            continue
        if token.type == "hash":
            if token.value in unknown:
                changed = True
            else:
                compound.append(token.serialize())
            continue
        if token.type == "[] block":
            idents = [part for part in token.content if part.type == "ident"]
            name = idents[0].value.lower() if idents else ""
            only_added = negated and name not in VISITOR_ATTRIBUTES and not REMOVES_ATTRIBUTES & unknown
            if only_added and [part.type for part in token.content if part.type != "whitespace"] == ["ident"]:
                # An early script may add the attribute, never take it away: where the markup has it,
                # ":not([name])" stays false, and elsewhere it is true as written.
                compound.append(token.serialize())
            elif name in unknown or name in VISITOR_ATTRIBUTES:
                changed = True
            else:
                compound.append(token.serialize())
            continue
        if token.type == "ident":
            if token.value.lower() in unknown:
                changed = True
                compound.append("*")
            else:
                compound.append(token.serialize())
            continue
        compound.append(token.serialize())  # "*", "&", anything else as written
    close()
    return "".join(compounds), changed


class PageMatcher:
    """The rules that may match a page, for the words of its early scripts; compiled selectors are kept
    for every page whose early scripts name the same words."""

    def __init__(self) -> None:
        self.compiled: dict[tuple[int, frozenset[str]], list | None] = {}

    def selectors(self, rule: Rule, unknown: frozenset[str]) -> list | None:
        """The weakened, compiled selectors of ``rule``, or None when cssselect2 cannot read them."""
        key = (id(rule), unknown)
        if key not in self.compiled:
            import cssselect2
            import tinycss2

            text, _ = weakened(tinycss2.parse_component_value_list(rule.prelude), unknown)
            try:
                self.compiled[key] = list(cssselect2.compile_selector_list(text))
            except (cssselect2.SelectorError, NotImplementedError, SyntaxError):
                self.compiled[key] = None
        return self.compiled[key]

    def unmatched(self, rules: Iterable[Rule], markup: str, early_words: Set[str]) -> frozenset[int]:
        """The ids of the style ``rules`` that match no element of ``markup`` (its closed dialogs left
        out: only a script opens one) in any state it reaches before its deferred scripts run."""
        if BUILDS_MARKUP & early_words:
            return frozenset()
        import cssselect2
        import tinyhtml5

        unknown = frozenset(early_words)
        candidates: dict[int, Rule] = {}
        matcher = cssselect2.Matcher()
        for rule in rules:
            if rule.declarations is None or not rule.prelude:
                continue  # an at-rule, or nested rules kept as written
            compiled = self.selectors(rule, unknown)
            if compiled is None:
                continue
            candidates[id(rule)] = rule
            for selector in compiled:
                matcher.add_selector(selector, id(rule))
        if not candidates:
            return frozenset()
        root = tinyhtml5.parse(CLOSED_DIALOG.sub("", markup), scripting=False)
        matched: set[int] = set()
        for element in cssselect2.ElementWrapper.from_html_root(root).iter_subtree():
            matched.update(payload for *_, payload in matcher.match(element))
        return frozenset(candidates.keys() - matched)


def style_rules(rules) -> Iterable[Rule]:
    return (rule for rule in flat(rules) if rule.declarations is not None)
