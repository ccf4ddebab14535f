"""Which rules a style sheet appended after the first paint must hold for the cascade to stay that of the
whole CSS (pure, no Sphinx).

The rules only the deferred scripts can use came later by being put back into the page's ``<style>``, each
in its place (through the CSSOM). But Chromium restyles every element after any change to a sheet, and on
the list that was 1,627 elements (21-25 ms on this machine, four times that on Lighthouse's phone); a new
``<style>`` after it costs only the elements its own rules may match (5.6 ms). A rule of a sheet after it
wins over an earlier one of the same specificity, though, where in the whole CSS it came first and lost. So
the appended sheet holds, in their order, the later rules and a copy of each first rule that may decide a
property of some element against a rule already in it: they share a property (a shorthand and its
longhands, a logical property and its physical one: :func:`families`) with the same importance, their
subjects the pseudo-element and the specificity, and one element may match both: no two element names
differ, and the classes both require are carried together by an element of the page or are ones a script
may add (:meth:`portfolio.builtpages.Tokens.may_share`). The copies are taken in one pass: a first rule
left out conflicts with no rule of the sheet before it, and follows all of those after it in both orders,
and a copy holds only the declarations that compete. On the list that is 554 rules (392 later ones, 10.9
KB compressed), appended and laid out in 19 ms where putting them in place took 39 (unthrottled, median of
15; home 10 against 17, a paper page 13 against 18).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from .builtpages import Tokens
from .cssrules import Block, Rule, choose, flat, live_properties, serialize, top_level_selectors

#: Stands for every property: ``all``, and a rule kept as written (nested rules, ``@page``, ...).
EVERY = "*"
#: Properties that set others whose names do not begin with theirs; each group is one family.
GROUPS = (
    {"inset", "top", "right", "bottom", "left"},
    {"width", "height", "inline", "block", "min", "max", "aspect", "contain"},  # width, inline-size, ...
    {"gap", "row", "column", "columns", "grid"},
    {"place", "align", "justify"},
    {"font", "line"},
    {"white", "text", "word", "overflow", "hyphens", "tab"},
    {"break", "page"},
    {"border", "outline"},
    {"mask", "clip"},
)
AT_KEYWORD = re.compile(r"@[\w-]+")
FAMILY_OF = {word: min(group) for group in GROUPS for word in group}
VENDOR_PREFIXES = ("-webkit-", "-moz-", "-ms-", "-o-")


def families(property_name: str) -> str:
    """The family of a property: properties in different families never set the same value."""
    if property_name.startswith("--"):
        return property_name  # a custom property is its own (and its name is case-sensitive)
    name = property_name.lower()
    for prefix in VENDOR_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
    if name == "all":
        return EVERY
    word = name.split("-")[0]
    return FAMILY_OF.get(word, word)


#: What a selector may style: its pseudo-element (None: the element itself), the element name its subject
#: requires (None: any), its specificity, and the classes its subject requires. Two selectors compete for
#: a value only where all of these allow one element: the same pseudo-element and specificity, no two
#: element names, and classes one element may carry at once (:meth:`Tokens.may_share`).
Target = tuple[str | None, str | None, tuple[int, int, int], frozenset[str]]


class Conflicts:
    """What each rule may compete for, worked out once (the paper pages share their rules)."""

    def __init__(self) -> None:
        self.known: dict[tuple[int, str], tuple[frozenset[str], frozenset[Target] | None]] = {}

    def of(self, rule: Rule, text: str) -> tuple[frozenset[str], frozenset[Target] | None]:
        """What ``rule`` as written in ``text`` (its custom properties cut to a page's) may decide: the
        families of its properties, and what its selectors style (None: anything)."""
        key = (id(rule), text)
        if key not in self.known:
            if rule.keyframes is not None:
                self.known[key] = (frozenset({f"@keyframes {rule.keyframes}"}), None)
            elif rule.declarations is None:
                # An at-rule competes only with its kind (of two @font-face for a family, the later wins);
                # nested style rules kept as written may set anything.
                at_rule = AT_KEYWORD.match(text)
                self.known[key] = (frozenset({at_rule[0].lower() if at_rule else EVERY}), None)
            else:
                names = {competing_name(*each) for each in declared(text[text.index("{") + 1 : -1])}
                self.known[key] = (frozenset(names), targets(rule.prelude))
        return self.known[key]

    def appended(self, pieces: list[Piece], tokens: Tokens) -> list[Piece]:
        """The pieces the sheet appended after the first paint holds, in order: the later ones, and the
        first ones that may decide a property against one of them before it, on a page of ``tokens``."""
        held: list[Piece] = []
        held_families: set[str] = set()
        #: The families some held piece may set on anything.
        held_anywhere: set[str] = set()
        #: (family, pseudo-element, specificity): the element names and classes held pieces require.
        held_targets: dict[tuple, set[tuple[str | None, frozenset[str]]]] = {}
        sharing: dict[frozenset[str], bool] = {}

        def competes(target: Target, name: str) -> bool:
            pseudo, element, specificity, classes = target
            for other_element, other_classes in held_targets.get((name, pseudo, specificity), ()):
                if element and other_element and element != other_element:
                    continue
                both = classes | other_classes
                if both not in sharing:
                    sharing[both] = tokens.may_share(both)
                if sharing[both]:
                    return True
            return False

        for piece in pieces:
            names, styled = self.of(piece.rule, piece.text)
            if piece.first:
                rivals = held_families if EVERY in names else (names | {EVERY}) & held_families
                competing = {
                    name
                    for name in rivals
                    if name in held_anywhere or styled is None or any(competes(each, name) for each in styled)
                }
                if not competing:
                    continue
                if EVERY not in names and EVERY not in competing and competing != names:
                    piece = replace(piece, text=only_families(piece.rule, piece.text, competing))
                    names, styled = self.of(piece.rule, piece.text)
            held.append(piece)
            held_families.update(names)
            if styled is None:
                held_anywhere.update(names)
                continue
            for name in names:
                for pseudo, element, specificity, classes in styled:
                    held_targets.setdefault((name, pseudo, specificity), set()).add((element, classes))
        return held


def only_families(rule: Rule, text: str, kept: set[str]) -> str:
    """``rule`` as written in ``text`` with only the declarations of the ``kept`` families: a copy needs
    no other (and so takes along no first rule that competes with only those)."""
    # ``text`` may lack some of the rule's declarations (custom properties the page does not use).
    written = ";" + text[text.index("{") + 1 : -1] + ";"
    declarations = [
        declaration.text
        for declaration in rule.declarations or ()
        if f";{declaration.text};" in written
        and competing_name(*next(iter(declared(declaration.text)))) in kept
    ]
    return f"{rule.prelude}{{{';'.join(declarations)}}}"


def declared(block: str) -> Iterable[tuple[str, bool]]:
    """The names of the properties a rule's block declares, each with its importance ("all" for nested
    rules: they may set any)."""
    import tinycss2

    for declaration in tinycss2.parse_blocks_contents(block, skip_comments=True, skip_whitespace=True):
        if declaration.type == "declaration":
            yield declaration.name, declaration.important
        else:
            yield "all", False


def competing_name(property_name: str, important: bool) -> str:
    """What a declaration competes for: its property's family and its importance (an ``!important``
    declaration wins over a normal one in either order, so the two never compete on order)."""
    family = families(property_name)
    return f"{family}!important" if important and family != EVERY else family


def targets(prelude: str) -> frozenset[Target] | None:
    """What a rule's selectors style, or None when one cannot be read."""
    import tinycss2

    found = set()
    for tokens in top_level_selectors(tinycss2.parse_component_value_list(prelude)):
        target = selector_target(tokens)
        if target is None:
            return None
        found.add(target)
    return frozenset(found)


LEGACY_PSEUDO_ELEMENTS = frozenset({"before", "after", "first-line", "first-letter"})
#: Pseudo-classes whose specificity is that of their arguments.
BY_ARGUMENTS = frozenset({"is", "where", "not", "has", "matches", "nth-child", "nth-last-child"})


def selector_target(tokens: list) -> Target | None:
    """What one selector styles. A pseudo-element or pseudo-class cssselect2 does not know
    (``::-moz-focus-inner``, ``:-moz-focusring``) is read as a known one of the same specificity."""
    import cssselect2
    import tinycss2

    classes = subject_classes(tokens)
    try:
        (compiled,) = cssselect2.compile_selector_list(tokens)
        return (compiled.pseudo_element, compiled.lower_local_name, compiled.specificity, classes)
    except (cssselect2.SelectorError, NotImplementedError, SyntaxError, ValueError):
        pass
    stand_in: list = []
    pseudo_element = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token == ":" and following == ":" and index + 2 < len(tokens):
            name = tokens[index + 2]
            pseudo_element = getattr(name, "lower_value", None) or getattr(name, "lower_name", "")
            index += 3
            continue
        if token == ":" and following is not None and following.type in ("ident", "function"):
            name = getattr(following, "lower_value", None) or following.lower_name
            if name in LEGACY_PSEUDO_ELEMENTS:
                pseudo_element = name
                index += 2
                continue
            if name not in BY_ARGUMENTS:
                stand_in.append(tinycss2.ast.SquareBracketsBlock(0, 0, [tinycss2.ast.IdentToken(0, 0, "p")]))
                index += 2
                continue
        stand_in.append(token)
        index += 1
    try:
        (compiled,) = cssselect2.compile_selector_list(tinycss2.serialize(stand_in) or "*")
    except (cssselect2.SelectorError, NotImplementedError, SyntaxError, ValueError):
        return None
    specificity = compiled.specificity
    if pseudo_element is not None:
        specificity = (specificity[0], specificity[1], specificity[2] + 1)
    return (pseudo_element, compiled.lower_local_name, specificity, classes)


def subject_classes(tokens: list) -> frozenset[str]:
    """The classes the last compound of a selector (tinycss2 tokens) requires, outside any function."""
    classes: set[str] = set()
    after_dot = separated = False
    for token in tokens:
        if token.type in ("whitespace", "comment") or token in COMBINATORS:
            separated = separated or token.type != "comment"
            after_dot = False
            continue
        if separated:
            classes, separated = set(), False
        if after_dot and token.type == "ident":
            classes.add(token.value)
        after_dot = token == "."
    return frozenset(classes)


# -- Splitting for the first paint ----------------------------------------------------------------------


@dataclass
class Piece:
    """One rule of a page's whole CSS as written for that page, in the order of the whole CSS."""

    text: str
    #: The preludes of the blocks (``@media ...``) it stands in, the outermost first.
    blocks: tuple[str, ...]
    #: The first paint needs it; the others come in the sheet appended after it.
    first: bool
    rule: Rule


@dataclass
class Split:
    """A page's CSS as what its first paint needs and the sheet appended after it."""

    first: list[str] = field(default_factory=list)
    #: The appended sheet: the later rules and the first ones it must repeat (:mod:`portfolio.cssorder`).
    later: list[str] = field(default_factory=list)
    #: The whole CSS in its order, which the two together must draw as.
    whole: list[str] = field(default_factory=list)


def _nothing_named(name: str) -> bool:
    return False


def split(
    rules: list[Rule | Block],
    full: Tokens,
    first: Tokens,
    named_full: Callable[[str], bool] = _nothing_named,
    named_first: Callable[[str], bool] = _nothing_named,
    unmatched: frozenset[int] = frozenset(),
    conflicts: Conflicts | None = None,
) -> Split:
    """``rules`` chosen for ``full`` (markup and every script), cut in two: the rules chosen for ``first``
    (the markup drawn first and the scripts that run before the first paint), with the custom properties
    they use or ``named_first`` names; and the sheet appended after the first paint. The rules whose ids
    are in ``unmatched`` (no element matches them before the deferred scripts run:
    :mod:`portfolio.cssmatch`) come later too. A CSS with ``@layer`` is not split: its layers' order is
    that in which they first appear."""
    pieces = page_pieces(rules, full, first, named_full, named_first, unmatched)
    whole = grouped(pieces)
    if all(piece.first for piece in pieces) or any(map(layered, pieces)):
        return Split(whole, [], whole)
    later = (conflicts or Conflicts()).appended(pieces, full)
    return Split(grouped([piece for piece in pieces if piece.first]), grouped(later), whole)


LAYER = re.compile(r"@layer\b", re.IGNORECASE)


def layered(piece: Piece) -> bool:
    return any(LAYER.match(block) for block in piece.blocks) or bool(LAYER.match(piece.text))


def page_pieces(
    rules: list[Rule | Block],
    full: Tokens,
    first: Tokens,
    named_full: Callable[[str], bool],
    named_first: Callable[[str], bool],
    unmatched: frozenset[int],
) -> list[Piece]:
    """The page's whole CSS as pieces. A kept rule that also declares custom properties only the later
    rules use (or ``named_full`` names) is followed by a later piece holding just those; but those a rule
    declares on the root (``:root``, ``html``) stay in the first paint's: a change to the root's custom
    properties, inherited by every element, has Chromium restyle the whole page. So does a later rule on
    the root (``html:not([data-theme])``, which matches nothing drawn first): appended, it would take along
    a copy of every palette on the root after it (300-420 B a page, for 75-90 in the document)."""
    chosen_full, chosen_first = choose(rules, full), choose(rules, first)
    in_full = {id(rule) for rule in flat(chosen_full)}
    in_first = {id(rule) for rule in flat(chosen_first)} - unmatched
    in_first |= {
        id(rule) for rule in flat(chosen_full) if rule.declarations and declares_on_root(rule.prelude)
    }
    live_full = live_properties(chosen_full, named_full)
    on_root = {
        declaration.custom
        for rule in flat(chosen_first)
        if id(rule) in in_first and declares_on_root(rule.prelude)
        for declaration in rule.declarations or ()
        if declaration.custom in live_full
    }
    live_first = live_properties(chosen_first, lambda name: name in on_root or named_first(name))
    pieces: list[Piece] = []

    def walk(children: list[Rule | Block], blocks: tuple[str, ...]) -> None:
        for rule in children:
            if isinstance(rule, Block):
                walk(rule.children, (*blocks, rule.prelude))
            elif id(rule) not in in_full:
                continue
            elif id(rule) not in in_first:
                pieces.extend(Piece(text, blocks, False, rule) for text in serialize([rule], live_full))
            else:
                pieces.extend(Piece(text, blocks, True, rule) for text in serialize([rule], live_first))
                extra = [
                    declaration.text
                    for declaration in rule.declarations or ()
                    if declaration.custom in live_full and declaration.custom not in live_first
                ]
                if extra:
                    pieces.append(Piece(f"{rule.prelude}{{{';'.join(extra)}}}", blocks, False, rule))

    walk(rules, ())
    return pieces


def declares_on_root(prelude: str) -> bool:
    """Whether one of the selectors is the root element alone (``:root``, ``html[data-theme=dark]``)."""
    import tinycss2

    for selector in top_level_selectors(tinycss2.parse_component_value_list(prelude)):
        tokens = [token for token in selector if token.type != "comment"]
        while tokens and tokens[0].type == "whitespace":
            tokens.pop(0)
        while tokens and tokens[-1].type == "whitespace":
            tokens.pop()
        if any(token.type == "whitespace" or token in COMBINATORS for token in tokens):
            continue
        starts_html = bool(tokens) and tokens[0].type == "ident" and tokens[0].lower_value == "html"
        is_root = any(
            token == ":" and following.type == "ident" and following.lower_value == "root"
            for token, following in itertools.pairwise(tokens)
        )
        if starts_html or is_root:
            return True
    return False


COMBINATORS = (">", "+", "~")


def grouped(pieces: list[Piece]) -> list[str]:
    """The pieces' CSS, each run of pieces in the same block written in one copy of it."""
    written: list[str] = []
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        if not piece.blocks:
            written.append(piece.text)
            index += 1
            continue
        outer, inner = piece.blocks[0], []
        while index < len(pieces) and pieces[index].blocks[:1] == (outer,):
            each = pieces[index]
            inner.append(Piece(each.text, each.blocks[1:], each.first, each.rule))
            index += 1
        written.append(f"{outer}{{{''.join(grouped(inner))}}}")
    return written
