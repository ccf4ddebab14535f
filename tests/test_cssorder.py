"""portfolio.cssorder, the pure core: a page's CSS cut into what its first paint needs and a sheet appended
after it that keeps the whole CSS's cascade (the later rules, and a copy of each first rule that may
compete with one of them after it); property families and what a selector styles."""

from __future__ import annotations

import pytest
import tinycss2

from portfolio.builtpages import page_tokens
from portfolio.cssorder import EVERY, declares_on_root, families, split, targets
from portfolio.cssrules import compile_rules


def compiled(css: str) -> list:
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return compile_rules(rules, "_static", lambda url: None)


def tokens_for(markup: str, script_words: set[str] = frozenset()):
    tokens = page_tokens(markup)
    tokens.script_words.update(script_words)
    return tokens


def cut_of(css: str, markup: str, deferred_words: set[str] = frozenset(), unmatched_preludes=()):
    rules = compiled(css)
    full, first = tokens_for(markup, deferred_words), tokens_for(markup)
    unmatched = frozenset(id(rule) for rule in rules if getattr(rule, "prelude", None) in unmatched_preludes)
    return split(rules, full, first, unmatched=unmatched)


MARKUP = '<p class="a"></p><p class="b"></p><p class="c d"></p><h2 class="e"></h2>'


def test_the_later_rules_are_appended_in_order_with_the_first_ones_that_compete_after_them() -> None:
    css = ".a{color:red}.s{color:blue}.b{color:black}.a{margin:0}.gone{color:red}"
    cut = cut_of(css, MARKUP, {"s"})
    assert cut.first == [".a{color:red}", ".b{color:black}", ".a{margin:0}"]
    # .b may carry .s (a script may add it to any element), and both set color at one specificity.
    assert cut.later == [".s{color:blue}", ".b{color:black}"]
    assert cut.whole == [".a{color:red}", ".s{color:blue}", ".b{color:black}", ".a{margin:0}"]


@pytest.mark.parametrize(
    ("css", "copied"),
    [
        (".c{color:red}.d{color:blue}", True),  # one element carries both classes
        (".c{color:red}.b{color:blue}", False),  # no element carries .c and .b, and no script adds one
        (".c{color:red}.b{margin:0}", False),  # another property
        (".c{color:red}.b.b{color:blue}", False),  # another specificity
        ("h2.c{color:red}p.c{color:blue}", False),  # another element
        (".c::before{color:red}.d{color:blue}", False),  # another box
        (".c{margin-left:0}.d{margin-inline-start:1px}", True),  # a logical property and its physical one
        (".c{inset:0}.d{top:1px}", True),  # a shorthand and its longhand
        (".c{color:red}.d{color:blue!important}", False),  # an important one wins in either order
        (".c{color:red!important}.d{color:blue}", False),
        (".c{color:red!important}.d{color:blue!important}", True),
    ],
)
def test_a_first_rule_is_repeated_only_where_it_may_set_a_value_a_later_one_set(
    css: str, copied: bool
) -> None:
    later_prelude = css.split("{")[0]
    cut = cut_of(css, MARKUP, unmatched_preludes={later_prelude})
    first_rule = css[css.index("}") + 1 :]
    assert cut.first == [first_rule]
    assert cut.later == ([css[: css.index("}") + 1], first_rule] if copied else [css[: css.index("}") + 1]])


def test_a_first_rule_is_repeated_with_only_the_declarations_that_compete() -> None:
    css = ".s{margin:0}.b{margin:1px;color:red}.b{color:green}.b{padding:0}"
    cut = cut_of(css, MARKUP, {"s"})
    assert cut.first == [".b{margin:1px;color:red}", ".b{color:green}", ".b{padding:0}"]
    assert cut.later == [".s{margin:0}", ".b{margin:1px}"]


def test_a_repeated_first_rule_takes_along_the_first_rules_after_it_that_compete_with_it() -> None:
    # .e competes with the copy of .d (an element carries both) but not with .c (none carries both).
    css = ".c{color:red}.d{color:blue;margin:0}.e{color:green}.e{margin:1px}"
    cut = cut_of(css, '<p class="c d"></p><p class="d e"></p>', unmatched_preludes={".c"})
    assert cut.first == [".d{color:blue;margin:0}", ".e{color:green}", ".e{margin:1px}"]
    assert cut.later == [".c{color:red}", ".d{color:blue}", ".e{color:green}"]


def test_later_rules_in_blocks_are_appended_in_one_copy_of_their_block() -> None:
    css = "@media print{.s{color:red}.t{color:blue}.a{margin:0}}@media screen{.t{color:red}}"
    cut = cut_of(css, MARKUP, {"s", "t"})
    assert cut.first == ["@media print{.a{margin:0}}"]
    assert cut.later == ["@media print{.s{color:red}.t{color:blue}}", "@media screen{.t{color:red}}"]


def test_custom_properties_only_later_rules_use_stay_first_on_the_root_and_come_later_elsewhere() -> None:
    css = ":root{--a:1px;--s:2px;--s2:var(--s3);--s3:0}.a{margin:var(--a)}.b{--t:3px}.s{margin:var(--s)}"
    css += ".s{padding:var(--s2);border-width:var(--t)}"
    cut = cut_of(css, MARKUP, {"s"})
    assert cut.first == [":root{--a:1px;--s:2px;--s2:var(--s3);--s3:0}", ".a{margin:var(--a)}"]
    assert cut.later[0] == ".b{--t:3px}"
    assert ".s{margin:var(--s)}" in cut.later


def test_a_later_rule_on_the_root_stays_first_so_that_no_palette_is_copied_after_it() -> None:
    css = "html:not([data-theme]){--c:red}html[data-theme=light]{--c:blue}.a{color:var(--c)}.s{color:green}"
    markup = '<html data-theme="light"><p class="a"></p></html>'
    cut = cut_of(css, markup, {"s"}, unmatched_preludes={"html:not([data-theme])"})
    assert cut.first == cut.whole[:-1]
    assert cut.later == [".s{color:green}"]


def test_a_css_with_layers_is_not_split() -> None:
    cut = cut_of("@layer base{.a{color:red}}.s{color:blue}", MARKUP, {"s"})
    assert cut.later == []
    assert cut.first == cut.whole == ["@layer base{.a{color:red}}", ".s{color:blue}"]


def test_keyframes_only_later_rules_name_come_later() -> None:
    css = "@keyframes spin{to{opacity:0}}@keyframes pulse{to{opacity:0}}.a{animation:spin 1s}"
    css += ".s{animation-name:pulse}"
    cut = cut_of(css, MARKUP, {"s"})
    assert [text.split("{")[0] for text in cut.first] == ["@keyframes spin", ".a"]
    assert [text.split("{")[0] for text in cut.later] == ["@keyframes pulse", ".s"]


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("margin", "margin-inline-start", True),
        ("inset", "left", True),
        ("width", "inline-size", True),
        ("font", "line-height", True),
        ("white-space", "text-wrap", True),
        ("gap", "row-gap", True),
        ("-webkit-appearance", "appearance", True),
        ("color", "background-color", False),
        ("--x", "--X", False),
        ("margin", "padding", False),
    ],
)
def test_properties_that_may_set_one_value_are_one_family(one: str, other: str, same: bool) -> None:
    assert (families(one) == families(other)) is same


def test_all_is_every_family() -> None:
    assert families("all") == EVERY


def test_what_a_selector_styles_even_where_cssselect2_knows_no_such_pseudo_class() -> None:
    assert targets(".a.b > .c.d:hover") == {(None, None, (0, 5, 0), frozenset({"c", "d"}))}
    assert targets("button::-moz-focus-inner, a:-webkit-any-link") == {
        ("-moz-focus-inner", "button", (0, 0, 2), frozenset()),
        (None, "a", (0, 1, 1), frozenset()),
    }
    assert targets(":is(.q) .r:before") == {("before", None, (0, 2, 1), frozenset({"r"}))}


@pytest.mark.parametrize(
    ("prelude", "on_root"),
    [
        (":root", True),
        ("html", True),
        ('html[data-theme="dark"]', True),
        (":root,[data-bs-theme=light]", True),
        ("html .x", False),
        (".x:root", True),
        ("body", False),
        ("html > body", False),
    ],
)
def test_rules_that_declare_on_the_root_are_told(prelude: str, on_root: bool) -> None:
    assert declares_on_root(prelude) is on_root
