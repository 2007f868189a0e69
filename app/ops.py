"""The one table of operations; the language, builder, engine, tape, grading and picture read it.

Each `Op` says how an operation is written (a function's name in the language), how the
picture shows it, its forward value and local derivatives on floats (the engine's) and on
arrays (the tape's), where it has a kink (grading's random points stay on one side of it), and
whether a local derivative can be infinite at the edge of its domain. Standard library only
and no imports from `app`, so `app.lang` and `app.engine` may both read it; the tape passes
NumPy in as `np`. To add an operation, add an `Op` to `OPS` (and its tests: see
tests/engine/test_ops.py, which fails until the new op has a row).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

Scalar = Callable[..., tuple[float, ...]]  # (x[, y]) -> (out, d out/dx[, d out/dy])
Array = Callable[..., Any]  # (np, *arrays) -> array


class Undefined(ArithmeticError):
    """A scalar rule has no finite real result here; the engine adds the op and operands."""


class Slope(NamedTuple):
    """One local derivative on the tape: a constant, or f(np, *values) of the values it reads."""

    value: float | Array
    reads: tuple[str, ...] = ()  # which of "a" (first input), "b" (second), "out" f takes


class Op(NamedTuple):
    """One operation: name (a node's .op), arity, the language's name, picture, rules."""

    name: str
    arity: int
    symbol: str  # how an op node of the picture shows it
    call: str | None  # the language's function name (None: an operator of the grammar)
    scalar: Scalar | None  # forward and local derivatives on floats (None: Value's operator)
    array: Array  # forward on arrays: array(np, a[, b])
    slopes: tuple[Slope, ...]  # the tape's local derivative with respect to each input
    example: tuple[float, ...]  # a point where it is defined and smooth (for the tests)
    kink: Callable[..., float] | None = None  # its sign says the piece the inputs are on
    singular: bool = False  # a local derivative may be inf or nan where the op is defined
    infix: bool = False  # the grammar writes it between its two operands (a + b)


def _exp(x: float) -> tuple[float, float]:
    try:
        out = math.exp(x)
    except OverflowError:
        raise Undefined("result overflows a float") from None
    return out, out


def _log(x: float) -> tuple[float, float]:
    if x <= 0.0:
        raise Undefined("operand must be > 0")
    return math.log(x), 1.0 / x


def _sqrt(x: float) -> tuple[float, float]:
    if x < 0.0:
        raise Undefined("operand must be >= 0")
    out = math.sqrt(x)
    return out, (0.5 / out if out else math.inf)  # the slope at 0 is inf


def _tanh(x: float) -> tuple[float, float]:
    t = math.tanh(x)
    return t, 1.0 - t * t


def _sigmoid(x: float) -> tuple[float, float]:
    if x >= 0.0:  # computed without overflow on either side
        s = 1.0 / (1.0 + math.exp(-x))
    else:
        e = math.exp(x)
        s = e / (1.0 + e)
    return s, s * (1.0 - s)


def _relu(x: float) -> tuple[float, float]:
    return (x, 1.0) if x > 0.0 else (0.0, 0.0)  # the slope at 0 is 0, as in PyTorch


def _abs(x: float) -> tuple[float, float]:
    return abs(x), (1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0))  # sign(0) = 0


def _extreme(larger: bool) -> Scalar:
    def rule(x: float, y: float) -> tuple[float, float, float]:
        if x == y:  # a tie: each input receives half the gradient
            return x, 0.5, 0.5
        return (x, 1.0, 0.0) if (x > y) == larger else (y, 0.0, 1.0)

    return rule


def _np_sigmoid(np: Any, x: Any) -> Any:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def np_dsqrt(np: Any, root: Any) -> Any:
    """Return 0.5 / sqrt(x) from root = sqrt(x), +inf at 0 as the engine has it."""
    return np.where(root == 0.0, np.inf, 0.5 / root)


def _np_dpower_base(np: Any, x: Any, k: Any) -> Any:
    d = k * np.power(x, k - 1.0)
    return np.where(k == 0.0, 0.0, np.where((x == 0.0) & (k < 1.0), np.inf, d))


def _np_dpower_exp(np: Any, x: Any, out: Any) -> Any:
    safe = np.where(x > 0.0, x, 1.0)
    return np.where(x > 0.0, out * np.log(safe), np.where(x == 0, 0.0, np.nan))


def _np_tie(larger: bool, first: bool) -> Array:
    def slope(np: Any, a: Any, b: Any) -> Any:
        x, y = (a, b) if first else (b, a)
        wins = np.greater(x, y) if larger else np.less(x, y)
        return np.where(wins, 1.0, np.where(x == y, 0.5, 0.0))

    return slope


_A, _B, _OUT, _AB = ("a",), ("b",), ("out",), ("a", "b")

# fmt: off
_TABLE = (
    # The grammar's operators (scalar None: Value's own operators + - * / ** and unary -).
    Op("+", 2, "+", call=None, scalar=None,
       array=lambda np, a, b: np.add(a, b),
       slopes=(Slope(1.0), Slope(1.0)), example=(2.0, 3.0), infix=True),
    Op("-", 2, "−", call=None, scalar=None,
       array=lambda np, a, b: np.subtract(a, b),
       slopes=(Slope(1.0), Slope(-1.0)), example=(2.0, 3.0), infix=True),
    Op("*", 2, "×", call=None, scalar=None,
       array=lambda np, a, b: np.multiply(a, b),
       slopes=(Slope(lambda np, b: b, _B), Slope(lambda np, a: a, _A)), example=(2.0, 3.0),
       infix=True),
    Op("/", 2, "÷", call=None, scalar=None,
       array=lambda np, a, b: np.divide(a, b),
       slopes=(Slope(lambda np, b: 1.0 / b, _B), Slope(lambda np, out, b: -out / b, ("out", "b"))),
       example=(3.0, 4.0), singular=True, infix=True),
    Op("^", 2, "^", call="pow", scalar=None,
       array=lambda np, a, b: np.power(a, b),
       slopes=(Slope(_np_dpower_base, _AB), Slope(_np_dpower_exp, ("a", "out"))),
       example=(1.5, 2.5), singular=True, infix=True),
    Op("neg", 1, "−x", call=None, scalar=None,
       array=lambda np, a: np.negative(a),
       slopes=(Slope(-1.0),), example=(1.5,)),
    # Functions: the engine applies their scalar rule (Value.exp(), ..., maximum, minimum).
    Op("exp", 1, "exp", call="exp", scalar=_exp,
       array=lambda np, a: np.exp(a),
       slopes=(Slope(lambda np, out: out, _OUT),), example=(0.7,)),
    Op("log", 1, "log", call="log", scalar=_log,
       array=lambda np, a: np.log(a),
       slopes=(Slope(lambda np, a: 1.0 / a, _A),), example=(2.5,), singular=True),
    Op("sqrt", 1, "sqrt", call="sqrt", scalar=_sqrt,
       array=lambda np, a: np.sqrt(a),
       slopes=(Slope(np_dsqrt, _OUT),), example=(2.25,), singular=True),
    Op("tanh", 1, "tanh", call="tanh", scalar=_tanh,
       array=lambda np, a: np.tanh(a),
       slopes=(Slope(lambda np, out: 1.0 - out * out, _OUT),), example=(0.3,)),
    Op("sigmoid", 1, "sigmoid", call="sigmoid", scalar=_sigmoid,
       array=_np_sigmoid,
       slopes=(Slope(lambda np, out: out * (1.0 - out), _OUT),), example=(-0.4,)),
    Op("relu", 1, "relu", call="relu", scalar=_relu,
       array=lambda np, a: np.where(a > 0.0, a, 0.0),
       slopes=(Slope(lambda np, a: np.where(a > 0.0, 1.0, 0.0), _A),), example=(1.25,),
       kink=lambda a: a),
    Op("abs", 1, "abs", call="abs", scalar=_abs,
       array=lambda np, a: np.abs(a),
       slopes=(Slope(lambda np, a: np.sign(a), _A),), example=(-2.0,),
       kink=lambda a: a),
    Op("sin", 1, "sin", call="sin", scalar=lambda x: (math.sin(x), math.cos(x)),
       array=lambda np, a: np.sin(a),
       slopes=(Slope(lambda np, a: np.cos(a), _A),), example=(0.9,)),
    Op("cos", 1, "cos", call="cos", scalar=lambda x: (math.cos(x), -math.sin(x)),
       array=lambda np, a: np.cos(a),
       slopes=(Slope(lambda np, a: -np.sin(a), _A),), example=(0.9,)),
    Op("max", 2, "max", call="max", scalar=_extreme(True),
       array=lambda np, a, b: np.maximum(a, b),
       slopes=(Slope(_np_tie(True, True), _AB), Slope(_np_tie(True, False), _AB)),
       example=(2.0, 3.0), kink=lambda a, b: a - b),
    Op("min", 2, "min", call="min", scalar=_extreme(False),
       array=lambda np, a, b: np.minimum(a, b),
       slopes=(Slope(_np_tie(False, True), _AB), Slope(_np_tie(False, False), _AB)),
       example=(2.0, 3.0), kink=lambda a, b: a - b),
)
# fmt: on

OPS: dict[str, Op] = {op.name: op for op in _TABLE}
"""Every operation by its name (the `.op` of the nodes it makes)."""

CALLS: dict[str, Op] = {op.call: op for op in OPS.values() if op.call}
"""The language's built-in functions by name (pow(a, b) is the op '^')."""
