"""Each operation: its value and its local derivative, checked against finite differences."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from chainrule.engine import EngineError, Value, apply, maximum, minimum, power
from chainrule.ops import OPS

UnaryOp = Callable[[Value], Value]

# op, point, expected value
UNARY: list[tuple[str, UnaryOp, float, float]] = [
    ("neg", lambda v: -v, 1.5, -1.5),
    ("exp", Value.exp, 0.7, math.exp(0.7)),
    ("log", Value.log, 2.5, math.log(2.5)),
    ("sqrt", Value.sqrt, 2.25, 1.5),
    ("tanh", Value.tanh, 0.3, math.tanh(0.3)),
    ("sigmoid", Value.sigmoid, -0.4, 1 / (1 + math.exp(0.4))),
    ("relu+", Value.relu, 1.25, 1.25),
    ("relu-", Value.relu, -1.25, 0.0),
    ("abs+", Value.abs, 2.0, 2.0),
    ("abs-", Value.abs, -2.0, 2.0),
    ("sin", Value.sin, 0.9, math.sin(0.9)),
    ("cos", Value.cos, 0.9, math.cos(0.9)),
    ("square", lambda v: v**2, -3.0, 9.0),
    ("cube", lambda v: v**3, 1.5, 3.375),
    ("reciprocal", lambda v: 1 / v, 4.0, 0.25),
    ("rpow", lambda v: 2**v, 3.0, 8.0),
    ("const-left-sub", lambda v: 10 - v, 4.0, 6.0),
]


def central_difference(f: Callable[[float], float], x: float, h: float = 1e-6) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


@pytest.mark.parametrize(("name", "op", "x", "want"), UNARY, ids=[u[0] for u in UNARY])
def test_unary_value_and_slope(name: str, op: UnaryOp, x: float, want: float) -> None:
    v = Value(x)
    out = op(v)
    out.backward()
    assert out.data == pytest.approx(want, rel=1e-12, abs=1e-15)
    numeric = central_difference(lambda t: op(Value(t)).data, x)
    assert v.grad == pytest.approx(numeric, rel=1e-6, abs=1e-8)


BinaryOp = Callable[[Value, Value], Value]
BINARY: list[tuple[str, BinaryOp, float, float, float]] = [
    ("add", lambda a, b: a + b, 2.0, 3.0, 5.0),
    ("sub", lambda a, b: a - b, 2.0, 3.0, -1.0),
    ("mul", lambda a, b: a * b, 2.0, 3.0, 6.0),
    ("div", lambda a, b: a / b, 3.0, 4.0, 0.75),
    ("pow", lambda a, b: a**b, 1.5, 2.5, 1.5**2.5),
    ("pow-fn", power, 2.0, 0.5, math.sqrt(2.0)),
    ("max", maximum, 2.0, 3.0, 3.0),
    ("min", minimum, 2.0, 3.0, 2.0),
]


@pytest.mark.parametrize(("name", "op", "x", "y", "want"), BINARY, ids=[b[0] for b in BINARY])
def test_binary_value_and_slopes(name: str, op: BinaryOp, x: float, y: float, want: float) -> None:
    a, b = Value(x), Value(y)
    out = op(a, b)
    out.backward()
    assert out.data == pytest.approx(want, rel=1e-12)
    assert a.grad == pytest.approx(
        central_difference(lambda t: op(Value(t), Value(y)).data, x), rel=1e-6, abs=1e-8
    )
    assert b.grad == pytest.approx(
        central_difference(lambda t: op(Value(x), Value(t)).data, y), rel=1e-6, abs=1e-8
    )


def test_value_exponent_slope_is_a_to_the_b_times_ln_a() -> None:
    a, b = Value(3.0), Value(2.0)
    (a**b).backward()
    assert b.grad == pytest.approx(9.0 * math.log(3.0))
    assert a.grad == pytest.approx(6.0)


def test_numbers_on_either_side_become_constant_nodes() -> None:
    x = Value(2.0)
    out = 3 * x + 1
    assert out.data == 7.0
    assert [v.op for v in out.inputs] == ["*", "const"]
    assert out.inputs[0].inputs[0].op == "const"


def test_repr_is_readable() -> None:
    e = Value(2.0, name="a") * 3
    assert repr(Value(2.0, name="a")) == "Value(data=2.0, grad=0.0, name='a')"
    assert repr(e) == "Value(data=6.0, grad=0.0, op='*')"


# Documented choices at kinks.
@pytest.mark.parametrize(
    ("op", "want"),
    [(Value.relu, 0.0), (Value.abs, 0.0)],
    ids=["relu'(0) = 0", "abs'(0) = 0"],
)
def test_slope_at_zero_is_zero(op: UnaryOp, want: float) -> None:
    x = Value(0.0)
    op(x).backward()
    assert x.grad == want


def test_relu_gradients_at_minus_10_and_100() -> None:  # the PyTorch seed's ReLU example
    lo, hi = Value(-10.0), Value(100.0)
    (lo.relu() + hi.relu()).backward()
    assert (lo.grad, hi.grad) == (0.0, 1.0)


def test_max_and_min_ties_split_the_gradient() -> None:
    a, b = Value(1.0), Value(1.0)
    (maximum(a, b) + minimum(a, b)).backward()
    assert (a.grad, b.grad) == (1.0, 1.0)


def test_sqrt_slope_at_zero_is_inf() -> None:
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == math.inf


# Domain errors: one rule — any forward result that is not a finite real number raises
# EngineError naming the operation and its operands.
DOMAIN: list[tuple[str, Callable[[], Value], str]] = [
    ("log(-1)", lambda: Value(-1.0).log(), "log(-1.0)"),
    ("log(0)", lambda: Value(0.0).log(), "log(0.0)"),
    ("sqrt(-1)", lambda: Value(-1.0).sqrt(), "sqrt(-1.0)"),
    ("1/0", lambda: Value(1.0) / 0, "/(1.0, 0.0)"),
    ("exp(1000)", lambda: Value(1000.0).exp(), "exp(1000.0)"),
    ("0^-1", lambda: Value(0.0) ** -1, "^(0.0, -1.0)"),
    ("(-8)^(1/3)", lambda: Value(-8.0) ** (1 / 3), "^(-8.0,"),
    ("10^400", lambda: Value(10.0) ** 400, "^(10.0, 400.0)"),
    ("1e308*10", lambda: Value(1e308) * 10, "*(1e+308, 10.0)"),
    ("1e308+1e308", lambda: Value(1e308) + 1e308, "+(1e+308, 1e+308)"),
]


@pytest.mark.parametrize(("case", "make", "named"), DOMAIN, ids=[d[0] for d in DOMAIN])
def test_domain_errors_name_operation_and_operand(
    case: str, make: Callable[[], Value], named: str
) -> None:
    with pytest.raises(EngineError) as info:
        make()
    assert str(info.value).startswith(named)


def test_sigmoid_of_large_negative_does_not_overflow() -> None:
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0


def test_custom_node_needs_one_local_derivative_per_input() -> None:
    x = Value(1.0)
    with pytest.raises(ValueError, match="one local derivative per input"):
        Value.node(1.0, "f", (x,), (1.0, 2.0))


def test_power_slope_may_be_infinite_where_the_value_is_not() -> None:
    # 1e-200 ** -1 = 1e200 is a float, but its slope -1e400 is not: IEEE -inf, no error.
    x = Value(1e-200)
    y = x**-1
    y.backward()
    assert y.data == pytest.approx(1e200)
    assert x.grad == -math.inf


@pytest.mark.parametrize(("b", "slope"), [(0.5, math.inf), (1.0, 1.0), (2.0, 0.0), (3.0, 0.0)])
def test_power_slope_at_zero(b: float, slope: float) -> None:
    x = Value(0.0)
    (x**b).backward()
    assert x.grad == slope


# The op table (chainrule/ops.py): every operation in it is built by the engine, named as the
# table names it, and has a row in the tables above (a new op fails here until it has one).
@pytest.mark.parametrize("name", sorted(OPS))
def test_every_op_of_the_table_has_a_value_and_slopes_matching_finite_differences(
    name: str,
) -> None:
    op = OPS[name]
    args = [Value(x) for x in op.example]
    out = apply(name, *args)
    assert out.op == name and out.inputs == tuple(args)
    if op.scalar is not None:
        assert (out.data, *out.local_grads) == op.scalar(*op.example)
    out.backward()
    for k, arg in enumerate(args):

        def at(t: float, k: int = k) -> float:
            xs = [Value(x) for x in op.example]
            xs[k] = Value(t)
            return apply(name, *xs).data

        numeric = central_difference(at, op.example[k])
        assert arg.grad == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_every_op_of_the_table_has_a_row_in_the_specification_tables() -> None:
    made = {make(Value(x)).op for _, make, x, _ in UNARY}
    made |= {make(Value(x), Value(y)).op for _, make, x, y, _ in BINARY}
    assert set(OPS) <= made


def test_apply_names_what_it_cannot_do() -> None:
    with pytest.raises(ValueError, match="no operation 'nope'"):
        apply("nope", Value(1.0))
    with pytest.raises(TypeError, match="exp takes 1 operand"):
        apply("exp", Value(1.0), Value(2.0))
