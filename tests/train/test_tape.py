"""The tape computes what the Value engine computes, row by row, for values and gradients."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainrule.build import build, evaluate
from chainrule.engine import EngineError
from chainrule.lang import parse
from chainrule.ops import OPS, Op
from chainrule.train.compiler import compile_tape
from tests.support.budget import default_budget

INPUTS = ("a", "b", "x")
UNARY = tuple(op for op in OPS.values() if op.arity == 1)
BINARY = tuple(op for op in OPS.values() if op.arity == 2)


def written(op: Op, *args: str) -> str:
    """How the language writes op on args: a call, an infix operator, or unary minus."""
    if op.infix:
        return f"({args[0]} {op.name} {args[1]})"
    if op.call is None:  # neg
        return f"(-{args[0]})"
    return f"{op.call}({', '.join(args)})"


def expressions() -> st.SearchStrategy[str]:
    """Random programs over a, b, x with every op of the language."""
    leaves = st.one_of(
        st.sampled_from(INPUTS),
        st.sampled_from(["2", "0.5", "3", "1.5", "-1"]).map(lambda c: f"({c})"),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        unary = st.tuples(st.sampled_from(UNARY), inner).map(lambda t: written(*t))
        binary = st.tuples(st.sampled_from(BINARY), inner, inner).map(lambda t: written(*t))
        return st.one_of(unary, binary)

    return st.recursive(leaves, extend, max_leaves=8)


def reference(source: str, row: dict[str, float]) -> tuple[float, dict[str, float]] | None:
    """Value engine: output and gradients at one row, or None where it has no value."""
    try:
        built = evaluate(source, row, budget=default_budget())
    except (EngineError, ValueError, ArithmeticError):
        return None
    return built.output.data, {n: v.grad for n, v in built.inputs.items()}


def close(got: float, want: float) -> bool:
    if math.isnan(want) or math.isinf(want):
        return bool(got == want) or (math.isnan(want) and math.isnan(got))
    return math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12)


def tape_per_row(source: str, rows: dict[str, np.ndarray], at: dict[str, float]) -> Any:
    program = parse(source)
    tape = compile_tape(build(program, at, budget=default_budget()), params=program.inputs)
    bound = tape.bind({}, budget=default_budget())
    out = np.broadcast_to(bound.forward(rows), (len(rows["a"]),))
    grads = bound.gradients(np.ones(len(rows["a"])))
    return program, out, grads


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=expressions(),
    values=st.lists(
        st.tuples(*(st.floats(-3, 3, allow_nan=False) for _ in INPUTS)), min_size=2, max_size=6
    ),
)
def test_tape_matches_value_engine_row_by_row(source: str, values: list[tuple[float, ...]]) -> None:
    rows = [dict(zip(INPUTS, v, strict=True)) for v in values]
    refs = [reference(source, r) for r in rows]
    ok = [i for i, r in enumerate(refs) if r is not None]
    if not ok:
        return
    program = parse(source)
    cols = {n: np.array([r[n] for r in rows]) for n in INPUTS}
    # Every input varies per row here (params given as arrays): gradients stay per row.
    _, out, grads = tape_per_row(source, cols, rows[ok[0]])
    for i in ok:
        ref = refs[i]
        assert ref is not None
        want_out, want_grads = ref
        assert close(float(out[i]), want_out), (source, rows[i], out[i], want_out)
        for n in program.inputs:
            got = float(np.broadcast_to(grads[n], (len(rows),))[i])
            assert close(got, want_grads[n]), (source, rows[i], n, got, want_grads[n])


@pytest.mark.parametrize("name", sorted(OPS))
def test_every_op_of_the_table_runs_on_the_tape_as_in_the_engine(name: str) -> None:
    op = OPS[name]
    names = ("a", "b")[: op.arity]
    source = written(op, *names)
    at = dict(zip(names, op.example, strict=True))
    want = reference(source, at)
    assert want is not None
    tape = compile_tape(build(parse(source), at, budget=default_budget()), params=names)
    bound = tape.bind({}, budget=default_budget())
    assert close(float(bound.forward(at)), want[0])
    grads = bound.gradients(1.0)
    for n in names:
        assert close(float(grads[n]), want[1][n]), (n, grads[n], want[1][n])


def test_data_only_work_is_done_once_at_bind() -> None:
    program = parse("(a + b*x + c*x^2 + d*x^3 - y)^2")
    tape = compile_tape(
        build(program, dict(a=0, b=0, c=0, d=0, x=1, y=1), budget=default_budget()), "abcd"
    )
    # x^2 and x^3 depend on data only: computed in bind, not in each step.
    assert sorted(i.op for i in tape.static) == ["^", "^"]
    assert all(i.op != "^" or i.ins[0] not in tape.columns.values() for i in tape.varying)


def test_constants_are_folded() -> None:
    program = parse("w * (2 + 3) * exp(0)")
    tape = compile_tape(build(program, {"w": 1.0}, budget=default_budget()), ["w"])
    assert [i.op for i in tape.varying] == ["*", "*"]
    bound = tape.bind({}, budget=default_budget())
    assert float(bound.forward({"w": 2.0})) == 10.0


@pytest.mark.parametrize(
    ("source", "at", "want"),
    [
        ("relu(w)", 0.0, 0.0),  # relu'(0) = 0, as PyTorch
        ("abs(w)", 0.0, 0.0),
        ("max(w, 1)", 1.0, 0.5),  # a tie splits the gradient
        ("sqrt(w)", 0.0, math.inf),
        ("0 * sqrt(w)", 0.0, 0.0),  # a zero upstream gradient stays zero
    ],
)
def test_engine_conventions_at_kinks(source: str, at: float, want: float) -> None:
    tape = compile_tape(build(parse(source), {"w": at}, budget=default_budget()), ["w"])
    bound = tape.bind({}, budget=default_budget())
    bound.forward({"w": at})
    assert float(bound.gradients(1.0)["w"]) == want
    expected = reference(source, {"w": at})
    assert expected is not None
    value, gradients = expected
    assert value == pytest.approx(float(bound.forward({"w": at})))
    assert gradients == {"w": want}


def test_user_functions_inline_or_use_declared_derivatives() -> None:
    # A declared derivative is used as given, even when it disagrees with the body.
    src = "def f(t) = t^3 grad 5*t\ndef g(t) = t^3\nf(w*x) + g(w*x)"
    program = parse(src)
    tape = compile_tape(build(program, {"w": 1.0, "x": 2.0}, budget=default_budget()), ["w"])
    bound = tape.bind({"x": np.array([1.0, 2.0, -0.5])}, budget=default_budget())
    out = bound.forward({"w": 1.5})
    grad = float(bound.gradients(np.ones(3))["w"])
    want_grad = 0.0
    for i, x in enumerate([1.0, 2.0, -0.5]):
        built = evaluate(program, {"w": 1.5, "x": x}, budget=default_budget())
        assert out[i] == pytest.approx(built.output.data, rel=1e-12)
        want_grad += built.inputs["w"].grad
    assert grad == pytest.approx(want_grad, rel=1e-12)
    assert want_grad == pytest.approx(
        sum(5 * 1.5 * x * x + 3 * (1.5 * x) ** 2 * x for x in [1.0, 2.0, -0.5])
    )


def test_reduced_gradient_sums_rows_for_scalar_params() -> None:
    program = parse("(w*x - y)^2")
    tape = compile_tape(
        build(program, {"w": 0.0, "x": 1.0, "y": 1.0}, budget=default_budget()), ["w"]
    )
    bound = tape.bind({"x": [1.0, 2.0], "y": [1.0, 3.0]}, budget=default_budget())
    loss, grads = bound.loss_and_grad({"w": 1.0}, mean=True)
    assert loss == (0.0 + 1.0) / 2
    assert grads["w"] == (2 * 0.0 * 1.0 + 2 * (2.0 - 3.0) * 2.0) / 2


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=expressions(),
    values=st.lists(
        st.tuples(*(st.floats(-3, 3, allow_nan=False) for _ in INPUTS)), min_size=2, max_size=6
    ),
)
def test_with_a_data_column_freed_columns_change_nothing(
    source: str, values: list[tuple[float, ...]]
) -> None:
    # x is a data column, so the columns computed from it are freed after their last use;
    # a and b vary per row too (arrays), so every gradient stays per row, as the engine's.
    rows = [dict(zip(INPUTS, v, strict=True)) for v in values]
    refs = [reference(source, r) for r in rows]
    ok = [i for i, r in enumerate(refs) if r is not None]
    if not ok:
        return
    program = parse(source)
    tape = compile_tape(build(program, rows[ok[0]], budget=default_budget()), params=["a", "b"])
    bound = tape.bind({"x": np.array([r["x"] for r in rows])}, budget=default_budget())
    params = {p: np.array([r[p] for r in rows]) for p in tape.params}
    n = len(rows)
    out = np.broadcast_to(bound.forward(params), (n,))
    grads = bound.gradients(np.ones(n))
    for i in ok:
        ref = refs[i]
        assert ref is not None
        assert close(float(out[i]), ref[0]), (source, rows[i], out[i], ref[0])
        for p in tape.params:
            got = float(np.broadcast_to(grads[p], (n,))[i])
            assert close(got, ref[1][p]), (source, rows[i], p, got, ref[1][p])


def test_an_underflow_in_a_slope_gives_the_engine_and_the_tape_one_answer() -> None:
    # Found by hypothesis: at the smallest normal float a^2 underflows to 0, so sqrt(a^2) is
    # computed as sqrt(0) = 0 with slope inf (the true value is |a|, its slope 1). Both follow
    # the chain rule on the numbers computed: inf × (2a = 4.45e-308, which does not underflow)
    # = inf. Before, the engine took 2a as 2 * a^2 / a = 0 (inf × 0 = NaN) and the tape as 2a.
    a = 2.2250738585072014e-308
    source = "sqrt(a ^ 2)"
    built = evaluate(source, {"a": a}, budget=default_budget())
    assert (built.output.data, built.inputs["a"].grad) == (0.0, math.inf)
    _, out, grads = tape_per_row(source, {"a": np.array([a, a])}, {"a": a})
    assert list(out) == [0.0, 0.0] and list(grads["a"]) == [math.inf, math.inf]
