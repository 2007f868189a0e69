"""The grammar as a table: source text → S-expression."""

from __future__ import annotations

import pytest

from chainrule.lang import parse, program_sexpr
from chainrule.lang.tokens import Tok, tokenize

TREES = [
    # numbers and names
    ("2", "2"),
    ("0.5", "0.5"),
    ("1e-3", "1e-3"),
    (".25", ".25"),
    ("w1", "w1"),
    ("x_2", "x_2"),
    # precedence and associativity
    ("a + b * c", "(+ a (* b c))"),
    ("a - b - c", "(- (- a b) c)"),
    ("a / b / c", "(/ (/ a b) c)"),
    ("(a + b) * (b + 1)", "(* (+ a b) (+ b 1))"),
    ("a ^ b ^ c", "(^ a (^ b c))"),
    ("a ** b ** c", "(^ a (^ b c))"),
    ("-x^2", "(neg (^ x 2))"),
    ("-x**2", "(neg (^ x 2))"),
    ("(-x)^2", "(^ (neg x) 2)"),
    ("2^-1", "(^ 2 (neg 1))"),
    ("-a * b", "(* (neg a) b)"),
    ("--a", "(neg (neg a))"),
    ("+a", "a"),
    ("a * -b", "(* a (neg b))"),
    ("2 * x ^ 3", "(* 2 (^ x 3))"),
    # calls
    ("exp(x)", "(exp x)"),
    ("max(a, b) + min(a, b)", "(+ (max a b) (min a b))"),
    ("pow(x, 3)", "(pow x 3)"),
    ("sigmoid(w1*x1 + w2*x2 + b)", "(sigmoid (+ (+ (* w1 x1) (* w2 x2)) b))"),
    (
        "relu(x) + abs(x) + sqrt(x) + log(x) + tanh(x) + sin(x) + cos(x)",
        "(+ (+ (+ (+ (+ (+ (relu x) (abs x)) (sqrt x)) (log x)) (tanh x)) (sin x)) (cos x))",
    ),
    # statements
    ("c = a + b\nd = b + 1\ne = c * d", "(= c (+ a b)); (= d (+ b 1)); (= e (* c d))"),
    ("c = a + b; d = b + 1; c * d", "(= c (+ a b)); (= d (+ b 1)); (* c d)"),
    ("\n\n  x  # a comment\n\n", "x"),
    ("y = x;", "(= y x)"),
    ("y = (a +\n     b)\ny * 2", "(= y (+ a b)); (* y 2)"),
    # user functions
    ("def sq(t) = t*t\nsq(x)", "(def sq (t) (* t t)); (sq x)"),
    ("def f(x, y) = x*y\ng = f(a, 2)", "(def f (x y) (* x y)); (= g (f a 2))"),
    (
        "def P3(x) = 0.5*(5*x^3 - 3*x) grad 1.5*(5*x^2 - 1)\nP3(t)",
        "(def P3 (x) (* 0.5 (- (* 5 (^ x 3)) (* 3 x))) (grad (* 1.5 (- (* 5 (^ x 2)) 1)))); (P3 t)",
    ),
    ("def h(x, y) = x*y grad y, x\nh(a, b)", "(def h (x y) (* x y) (grad y x)); (h a b)"),
    (
        "def f(x) = x+1\ndef g(x) = f(x)*2\ng(a)",
        "(def f (x) (+ x 1)); (def g (x) (* (f x) 2)); (g a)",
    ),
]


@pytest.mark.parametrize(("source", "tree"), TREES, ids=[t[0] for t in TREES])
def test_source_parses_to_tree(source: str, tree: str) -> None:
    assert program_sexpr(parse(source)) == tree


INPUTS = [
    ("(a+b)*(b+1)", ("a", "b"), None),
    ("c = a + b\nd = b + 1\ne = c * d", ("a", "b"), "e"),
    ("def f(t) = t*2\nf(x)", ("x",), None),
    ("y = x*x*x + x + x", ("x",), "y"),
]


@pytest.mark.parametrize(("source", "inputs", "output"), INPUTS)
def test_inputs_in_first_use_order_and_output_name(
    source: str, inputs: tuple[str, ...], output: str | None
) -> None:
    program = parse(source)
    assert program.inputs == inputs
    assert program.output == output


def test_deep_left_chain_parses_without_recursion() -> None:
    source = "+".join(["x"] * 10_000)
    program = parse(source)
    assert program.node_count == 19_999


TOKENS = [
    # source, the kind of each token before the end of input
    ("def f(x) = x grad 1", "keyword name ( name ) = name keyword number"),
    ("define = gradient", "name = name"),
    ("a\nb; c", "name sep name sep name"),
    ("(a\n+ b)", "( name + name )"),
]


@pytest.mark.parametrize(("source", "kinds"), TOKENS, ids=[t[0] for t in TOKENS])
def test_tokens_and_their_kinds(source: str, kinds: str) -> None:
    shown = {Tok.OP: None, Tok.SEP: "sep", Tok.NUM: "number", Tok.NAME: "name"}
    tokens = tokenize(source)
    assert tokens[-1].kind is Tok.EOF
    assert " ".join(shown.get(t.kind, t.kind.value) or t.text for t in tokens[:-1]) == kinds
