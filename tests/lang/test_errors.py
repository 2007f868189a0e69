"""Every malformed program: source → line:column and the message's key words."""

from __future__ import annotations

import re

import pytest

from chainrule.lang import Limits, ParseError, parse

ERRORS = [
    # source, "line:column", words in the message, kind
    ("", "1:1", "empty program", "empty"),
    ("   \n  ", "1:1", "empty program", "empty"),
    ("(a+b", "1:5", "never closed", "paren"),
    ("a+b)", "1:4", "expected an operator", "syntax"),
    (")", "1:1", "unmatched ')'", "paren"),
    ("a +", "1:4", "expected an expression, found end of input", "syntax"),
    ("a + * b", "1:5", "expected an expression, found '*'", "syntax"),
    ("a b", "1:3", "expected an operator", "syntax"),
    ("()", "1:2", "empty parentheses", "syntax"),
    ("expp(x)", "1:1", "did you mean 'exp'", "unknown"),
    ("sigmod(x)", "1:1", "did you mean 'sigmoid'", "unknown"),
    ("foo(x)", "1:1", "unknown function 'foo'", "unknown"),
    ("sin(a, b)", "1:1", "sin() takes 1 argument, got 2", "arity"),
    ("max(a)", "1:1", "max() takes 2 arguments, got 1", "arity"),
    ("def f(x, y) = x\nf(1)", "2:1", "f() takes 2 arguments, got 1", "arity"),
    ("a $ b", "1:3", "unexpected character '$'", "character"),
    ("a\x00b", "1:2", "NUL", "character"),
    ("x\u200f+1", "1:2", "U+200F", "character"),
    ("a × b", "1:3", "use ** or ^", "character"),
    ("c = d + 1\nd = 2\nc", "1:5", "'d' is used here before it is assigned", "name"),
    ("c = 1\nc = 2\nc", "2:1", "'c' is already assigned (line 1)", "name"),
    ("exp = 2\nexp", "1:1", "built-in function", "name"),
    ("exp + 1", "1:1", "'exp' is a function", "name"),
    ("def f(x) = f(x)\nf(1)", "1:12", "recursion is not allowed", "recursion"),
    ("def f(x) = x + y\nf(1)", "1:16", "'y' is not a parameter of f", "name"),
    ("def f(x) = x\ndef f(x) = x\nf(1)", "2:5", "already defined", "name"),
    ("def f(x, x) = x\nf(1, 2)", "1:10", "appears twice", "syntax"),
    ("def f(x) = x grad 1, 2\nf(1)", "1:14", "1 parameter(s) but 2 derivative(s)", "arity"),
    ("def f(x) = x", "1:1", "no output", "output"),
    ("a + 1\nb", "1:1", "never used", "syntax"),
    ("2x", "1:1", "write 2*x", "syntax"),
    ("a + 1 = b", "1:7", "only a plain name can be assigned", "syntax"),
    ("9^9^9", "1:3", "constant exponent", "limit"),
    ("x^1001", "1:3", "constant exponent 1001 exceeds the limit of 1000", "limit"),
    ("x^-(2000)", "1:3", "exceeds the limit", "limit"),
    ("2^(10*200)", "1:3", "constant exponent 2000", "limit"),  # its parentheses too
    ("1e309", "1:1", "too large", "limit"),
    ("a +\n  b", "1:4", "expected an expression, found end of line", "syntax"),
    ("y = (a +\n  (b * ", "2:8", "expected an expression, found end of input", "syntax"),
    ("a = 1\n\n  b = a +\n", "3:10", "found end of line", "syntax"),
    ("def = 3", "1:5", "expected a function name", "syntax"),
    # keywords are tokens of their own: never a name
    ("grad = 3", "1:1", "'grad' is a keyword and cannot be used as a name", "name"),
    ("x = def + 1", "1:5", "'def' is a keyword", "name"),
    ("def grad(x) = x\n1", "1:5", "function name after 'def', found the keyword 'grad'", "syntax"),
    ("def f(def) = 1\nf(1)", "1:7", "parameter name, found the keyword 'def'", "syntax"),
    ("def f(x) = x grad 1 grad 2\nf(1)", "1:21", "found the keyword 'grad'", "syntax"),
]


@pytest.mark.parametrize(
    ("source", "where", "words", "kind"), ERRORS, ids=[repr(e[0])[:30] for e in ERRORS]
)
def test_error_position_and_message(source: str, where: str, words: str, kind: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(source)
    err = info.value
    assert f"{err.line}:{err.column}" == where
    assert words in err.message
    assert err.kind == kind


def test_snippet_puts_carets_under_the_span() -> None:
    with pytest.raises(ParseError) as info:
        parse("y = expp(x) + 1")
    assert info.value.snippet == "y = expp(x) + 1\n    ^^^^^^^"
    assert info.value.format().startswith("1:5: unknown function 'expp'")


LIMITS = [
    ("x" * 20_001, "program is 20,001 characters long"),
    ("(" * 100_000 + "x" + ")" * 100_000, "characters long"),
    ("(" * 201 + "x" + ")" * 201, "nested more than 200 levels"),
    ("-" * 300 + "x", "nested more than 200 levels"),
    ("x" + "^x" * 300, "nested more than 200 levels"),
    ("sin(" * 250 + "x" + ")" * 250, "nested more than 200 levels"),
    ("y" * 65 + " + 1", "name is 65 characters long; the limit is 64"),
]


@pytest.mark.parametrize(("source", "words"), LIMITS, ids=[w for _, w in LIMITS])
def test_limits_are_checked_before_computing(source: str, words: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(source)
    assert words in info.value.message
    assert info.value.kind == "limit"


def test_limits_are_configurable() -> None:
    small = Limits(max_length=50, max_depth=3, max_nodes=10, max_exponent=4)
    for source, words in [
        ("x" * 51, "limit is 50"),
        ("((((x))))", "3 levels"),
        ("x+x+x+x+x+x+x", "10 nodes"),
        ("x^5", "limit of 4"),
    ]:
        with pytest.raises(ParseError, match=words):
            parse(source, small)
    assert parse("((x))", small).inputs == ("x",)


def test_function_expansion_counts_against_the_node_limit() -> None:
    source = (
        "def f0(x) = x*x\n"
        + "".join(f"def f{i}(x) = f{i - 1}(x) + f{i - 1}(x)\n" for i in range(1, 30))
        + "f29(a)"
    )
    with pytest.raises(ParseError, match=r"nodes|levels deep") as info:
        parse(source)
    assert info.value.kind == "limit"


def test_depth_limit_cannot_exceed_what_the_parser_can_recurse() -> None:
    with pytest.raises(ValueError, match="max_depth"):
        Limits(max_depth=10_000)


def test_only_ascii_digits_and_letters_are_accepted() -> None:
    for source, char in [("x+\uff11", "U+FF11"), ("\u0663", "U+0663"), ("x\u00b2", "U+00B2")]:
        with pytest.raises(ParseError, match=re.escape(char)):
            parse(source)


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("x^(10^400)", "too large to show"),  # the table's ^ overflows: inf
        ("x^exp(7)", "1096.63"),  # a built-in function of constants is folded too
        ("x^(-(2000))", "-2000"),
        ("x^max(1001, 2)", "1001"),
    ],
)
def test_constant_exponents_are_folded_with_the_op_tables_forward(source: str, shown: str) -> None:
    with pytest.raises(ParseError, match=f"constant exponent {re.escape(shown)} exceeds"):
        parse(source)


@pytest.mark.parametrize("source", ["x^(0^-1)", "x^(1/0)", "x^((-8)^(1/3))", "x^sqrt(-1)"])
def test_a_constant_with_no_value_is_left_to_the_engine_to_refuse(source: str) -> None:
    parse(source)  # NaN is no exponent size; evaluating it names the operation at its place
