"""Random programs: the engine agrees with SymPy's symbolic derivative and with finite
differences. The expressions are generated as trees in this test, so the oracle never
sees the engine's or the parser's work."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from chainrule.build import EvalError, evaluate
from tests.support.budget import default_budget

NAMES = ("x", "y", "z")
SYMBOLS = {n: sp.Symbol(n, real=True) for n in NAMES}


@dataclass(frozen=True)
class Gen:
    """An expression as chainrule source text and as a SymPy expression."""

    text: str
    sym: sp.Expr


def leaves() -> st.SearchStrategy[Gen]:
    names = st.sampled_from(NAMES).map(lambda n: Gen(n, SYMBOLS[n]))
    consts = st.integers(1, 5).map(lambda k: Gen(str(k), sp.Integer(k)))
    return names | consts


def extend(children: st.SearchStrategy[Gen]) -> st.SearchStrategy[Gen]:
    binary = st.tuples(st.sampled_from(["+", "-", "*", "/"]), children, children).map(
        lambda t: Gen(
            f"({t[1].text} {t[0]} {t[2].text})",
            {"+": sp.Add, "-": lambda a, b: a - b, "*": sp.Mul, "/": lambda a, b: a / b}[t[0]](
                t[1].sym, t[2].sym
            ),
        )
    )
    powers = st.tuples(children, st.integers(2, 3)).map(
        lambda t: Gen(f"({t[0].text})^{t[1]}", t[0].sym ** t[1])
    )
    funcs = {
        "exp": sp.exp,
        "log": sp.log,
        "sqrt": sp.sqrt,
        "tanh": sp.tanh,
        "sin": sp.sin,
        "cos": sp.cos,
        "sigmoid": lambda e: 1 / (1 + sp.exp(-e)),
    }
    calls = st.tuples(st.sampled_from(sorted(funcs)), children).map(
        lambda t: Gen(f"{t[0]}({t[1].text})", funcs[t[0]](t[1].sym))
    )
    neg = children.map(lambda c: Gen(f"-{c.text}", -c.sym))
    return binary | powers | calls | neg


programs = st.recursive(leaves(), extend, max_leaves=12)
points = st.fixed_dictionaries({n: st.floats(0.3, 2.5) for n in NAMES})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs, points)
def test_gradients_match_sympy(gen: Gen, point: dict[str, float]) -> None:
    try:
        built = evaluate(gen.text, point, budget=default_budget())
    except EvalError:
        assume(False)
        raise
    assume(math.isfinite(built.output.data) and abs(built.output.data) < 1e8)
    subs = {SYMBOLS[n]: v for n, v in point.items()}
    want_value = float(gen.sym.evalf(subs=subs))
    assert built.output.data == pytest.approx(want_value, rel=1e-9, abs=1e-9)
    for name, leaf in built.inputs.items():
        # A kink such as sqrt at 0 gives an infinite slope, and inf - inf is NaN, while
        # SymPy may have simplified the kink away (sqrt(x - x) is 0 to SymPy).
        assume(math.isfinite(leaf.grad))
        want = complex(sp.diff(gen.sym, SYMBOLS[name]).evalf(subs=subs))
        assume(abs(want.imag) < 1e-12 and math.isfinite(want.real) and abs(want.real) < 1e8)
        assert leaf.grad == pytest.approx(want.real, rel=1e-7, abs=1e-7), name


@settings(max_examples=150, deadline=None)
@given(programs, points)
def test_gradients_match_central_differences(gen: Gen, point: dict[str, float]) -> None:
    h = 1e-6
    try:
        built = evaluate(gen.text, point, budget=default_budget())
        shifted = {}
        for name in built.inputs:
            up = evaluate(
                gen.text, {**point, name: point[name] + h}, budget=default_budget()
            ).output.data
            down = evaluate(
                gen.text, {**point, name: point[name] - h}, budget=default_budget()
            ).output.data
            shifted[name] = (up - down) / (2 * h)
    except EvalError:
        assume(False)
        return
    for name, numeric in shifted.items():
        grad = built.inputs[name].grad
        assume(abs(grad) < 1e4)  # steep spots make the numeric estimate meaningless
        assert grad == pytest.approx(numeric, rel=1e-4, abs=1e-4), name
