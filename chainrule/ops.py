"""The one table of operations; the language, builder, engine, tape, grading and picture read it.

Each `Op` says how an operation is written (a function's name in the language), how the
picture shows it, its forward value and local derivatives on floats (the engine's) and on
arrays (the tape's), where it has a kink (grading's random points stay on one side of it), and
whether a local derivative can be infinite at the edge of its domain. Standard library only
and no imports of chainrule, so `chainrule.lang` and `chainrule.engine` may both read it; the
tape passes NumPy in as `np`. To add an operation, add an `Op` to `OPS` (and its tests: see
tests/engine/test_ops.py, which fails until the new op has a row).

Each row's `scalar` rule is the engine's forward and local derivatives (the grammar's operators
too: `Value`'s operators are made from their rows), and its `array`/`slopes` are the tape's,
written as the same formulas, so that rounding, underflow and overflow happen alike in both
(tests/train/test_tape_ops.py checks every op at the edges of the floats).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

Scalar = Callable[..., tuple[float, ...]]  # (x[, y]) -> (out, d out/dx[, d out/dy])
Array = Callable[..., Any]  # (np, *arrays) -> array
# (k, texts, terms) -> the local derivative d out/d input k written as a formula of the
# operands' texts (terms: the same texts, parenthesised unless a single name or number),
# or "" where it is not simple enough to be worth writing
SlopeText = Callable[[int, tuple[str, ...], tuple[str, ...]], str]

MINUS = "\u2212"  # the minus sign of the texts (numbers and formulas alike)


# The nodes that are not operations of the table, by the `.op` they carry.
INPUT = ""  # an input leaf: a name the program reads (its value given by the caller)
CONSTANT = "const"  # a number written in the program (a leaf that is never varied)
ALIAS = "="  # a named line that is another node under a new name (b = a)
CALL = "call"  # a call of a user function (def f(x) = ...): one node, expandable
ROOTS = "roots"  # a node that only joins several nodes so one walk reaches them all (no
# derivative flows through it: its local derivatives are 0)


def is_input(op: str) -> bool:
    """True for the op of an input leaf."""
    return op == INPUT


def is_constant(op: str) -> bool:
    """True for the op of a written number."""
    return op == CONSTANT


def is_leaf(op: str) -> bool:
    """True for the op of a node made from no other node (an input or a constant)."""
    return op in (INPUT, CONSTANT)


def is_alias(op: str) -> bool:
    """True for the op of a named line that only renames another node."""
    return op == ALIAS


def is_call(op: str) -> bool:
    """True for the op of a user function call."""
    return op == CALL


class Undefined(ArithmeticError):
    """A scalar rule has no finite real result here; the engine adds the op and operands."""


class Overflow(Undefined):
    """The result is real but too large for a float (constant folding takes it as inf)."""


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
    scalar: Scalar  # forward and local derivatives on floats (the engine's)
    array: Array  # forward on arrays: array(np, a[, b])
    slopes: tuple[Slope, ...]  # the tape's local derivative with respect to each input
    example: tuple[float, ...]  # a point where it is defined and smooth (for the tests)
    kink: Callable[..., float] | None = None  # its sign says the piece the inputs are on
    singular: bool = False  # a local derivative may be inf or nan where the op is defined
    underflows: bool = False  # its result can round to 0 from operands that are not 0
    activation: bool = False  # a network's neurons may use it (chainrule.train.network)
    infix: bool = False  # the grammar writes it between its two operands (a + b)
    precedence: int = 0  # binding power of an operator of the grammar (higher binds tighter)
    right_assoc: bool = False  # a ^ b ^ c is a ^ (b ^ c)
    inline: str | None = None  # the operator inside a formula of the step text (c · d)
    slope_text: SlopeText | None = None  # the step text's local derivative, by input
    commutative: bool = False  # op(a, b) == op(b, a): an engine may keep the operands unordered


def _add(x: float, y: float) -> tuple[float, float, float]:
    return x + y, 1.0, 1.0


def _sub(x: float, y: float) -> tuple[float, float, float]:
    return x - y, 1.0, -1.0


def _mul(x: float, y: float) -> tuple[float, float, float]:
    return x * y, y, x


def _div(x: float, y: float) -> tuple[float, float, float]:
    if y == 0.0:
        raise Undefined("division by zero")
    out = x / y
    return out, 1.0 / y, -out / y


def _neg(x: float) -> tuple[float, float]:
    return -x, -1.0


def _pow_or_inf(x: float, k: float) -> float:
    """Return x**k, or the signed inf it overflows to (x**k is real here: see power_rule)."""
    try:
        out: float = x**k
    except OverflowError:
        return math.inf if x > 0.0 or k % 2.0 == 0.0 else -math.inf
    return out


def power_rule(x: float, k: float, constant_exponent: bool = False) -> tuple[float, float, float]:
    """Return (x**k, d/dx, d/dk): every edge case of power, for the engine and the tape.

    d/dx is k * x**(k-1), computed as such (not as k * x**k / x, whose x**k may underflow to
    0 where the slope does not), an IEEE inf where it overflows; at x = 0 it is 0 for k = 0,
    inf for k < 1, 1 for k = 1 and 0 above. d/dk is x**k * ln x, 0 at x = 0, and NaN at a
    negative base (x**k is not real around k) unless the exponent is a written constant,
    which is never varied: 0 then.
    """
    if x == 0.0 and k < 0.0:
        raise Undefined("zero cannot be raised to a negative power")
    if x < 0.0 and not k.is_integer():
        raise Undefined("a negative base needs an integer exponent")
    try:
        out = x**k
    except OverflowError:
        raise Overflow("result overflows a float") from None
    if k == 0.0:
        d_base = 0.0
    elif x == 0.0:
        d_base = math.inf if k < 1.0 else (1.0 if k == 1.0 else 0.0)
    else:
        d_base = k * _pow_or_inf(x, k - 1.0)
    if x > 0.0:
        d_exp = out * math.log(x)
    elif x == 0.0 or constant_exponent:
        d_exp = 0.0
    else:
        d_exp = math.nan
    return out, d_base, d_exp


def _power(x: float, k: float) -> tuple[float, float, float]:
    return power_rule(x, k)


def _exp(x: float) -> tuple[float, float]:
    try:
        out = math.exp(x)
    except OverflowError:
        raise Overflow("result overflows a float") from None
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


_A, _B, _OUT, _AB = ("a",), ("b",), ("out",), ("a", "b")


def _np_sigmoid(np: Any, x: Any) -> Any:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def np_dsqrt(np: Any, root: Any) -> Any:
    """Return 0.5 / sqrt(x) from root = sqrt(x), +inf at 0 as the engine has it."""
    return np.where(root == 0.0, np.inf, 0.5 / root)


def _np_dpower_base(np: Any, x: Any, k: Any) -> Any:
    d = k * np.power(x, k - 1.0)  # as power_rule: 0 for k = 0; at x = 0 inf, 1 or 0
    at_zero = np.where(k < 1.0, np.inf, np.where(k == 1.0, 1.0, 0.0))
    return np.where(k == 0.0, 0.0, np.where(x == 0.0, at_zero, d))


def _np_dpower_exp(np: Any, x: Any, out: Any) -> Any:
    safe = np.where(x > 0.0, x, 1.0)
    return np.where(x > 0.0, out * np.log(safe), np.where(x == 0, 0.0, np.nan))


def constant_power(k: float) -> tuple[Array, Slope]:
    """Return x**k on arrays for a written constant k and its slope, as `power_rule` has them.

    The usual exponents take the short ways (x*x, 1/x, sqrt: NumPy's general power is slow);
    each slope is the scalar rule's k * x**(k-1) written for that k.
    """
    forms: dict[float, tuple[Array, Slope]] = {
        0.0: (lambda np, x: np.ones_like(x), Slope(0.0)),
        1.0: (lambda np, x: x, Slope(1.0)),
        2.0: (lambda np, x: x * x, Slope(lambda np, x: 2.0 * x, _A)),
        3.0: (lambda np, x: x * x * x, Slope(lambda np, x: 3.0 * (x * x), _A)),
        -1.0: (lambda np, x: 1.0 / x, Slope(lambda np, x: -1.0 / (x * x), _A)),
        -2.0: (lambda np, x: 1.0 / (x * x), Slope(lambda np, x: _np_dpower_base(np, x, -2.0), _A)),
        0.5: (lambda np, x: np.sqrt(x), Slope(np_dsqrt, _OUT)),
    }
    if k in forms:
        return forms[k]
    return (lambda np, x: np.power(x, k)), Slope(lambda np, x: _np_dpower_base(np, x, k), _A)


def _np_tie(larger: bool, first: bool) -> Array:
    def slope(np: Any, a: Any, b: Any) -> Any:
        x, y = (a, b) if first else (b, a)
        wins = np.greater(x, y) if larger else np.less(x, y)
        return np.where(wins, 1.0, np.where(x == y, 0.5, 0.0))

    return slope


# fmt: off
_TABLE = (
    # The grammar's operators (Value's + - * / ** and unary - are made from these rows).
    Op("+", 2, "+", call=None, scalar=_add,
       array=lambda np, a, b: np.add(a, b),
       slopes=(Slope(1.0), Slope(1.0)), example=(2.0, 3.0), infix=True,
       precedence=10, inline="+", slope_text=lambda k, t, p: "1", commutative=True),
    Op("-", 2, "−", call=None, scalar=_sub,
       array=lambda np, a, b: np.subtract(a, b),
       slopes=(Slope(1.0), Slope(-1.0)), example=(2.0, 3.0), infix=True,
       precedence=10, inline=MINUS, slope_text=lambda k, t, p: "1" if k == 0 else MINUS + "1"),
    Op("*", 2, "×", call=None, scalar=_mul, underflows=True,
       array=lambda np, a, b: np.multiply(a, b),
       slopes=(Slope(lambda np, b: b, _B), Slope(lambda np, a: a, _A)), example=(2.0, 3.0),
       infix=True, precedence=20, inline="·", slope_text=lambda k, t, p: t[1 - k],
       commutative=True),
    Op("/", 2, "÷", call=None, scalar=_div,
       array=lambda np, a, b: np.divide(a, b),
       slopes=(Slope(lambda np, b: 1.0 / b, _B), Slope(lambda np, out, b: -out / b, ("out", "b"))),
       example=(3.0, 4.0), singular=True, underflows=True, infix=True,
       precedence=20, inline="/", slope_text=lambda k, t, p: f"1/{p[1]}" if k == 0 else ""),
    Op("^", 2, "^", call="pow", scalar=_power,
       array=lambda np, a, b: np.power(a, b),
       slopes=(Slope(_np_dpower_base, _AB), Slope(_np_dpower_exp, ("a", "out"))),
       example=(1.5, 2.5), singular=True, underflows=True, infix=True,
       precedence=40, right_assoc=True, inline="^"),
    Op("neg", 1, "−x", call=None, scalar=_neg,
       array=lambda np, a: np.negative(a),
       slopes=(Slope(-1.0),), example=(1.5,),
       precedence=30, inline=MINUS, slope_text=lambda k, t, p: MINUS + "1"),
    # Functions: Value.exp(), ..., maximum, minimum and apply() call their scalar rule.
    Op("exp", 1, "exp", call="exp", scalar=_exp,
       array=lambda np, a: np.exp(a),
       slopes=(Slope(lambda np, out: out, _OUT),), example=(0.7,), underflows=True,
       slope_text=lambda k, t, p: f"exp({t[0]})"),
    Op("log", 1, "log", call="log", scalar=_log,
       array=lambda np, a: np.log(a),
       slopes=(Slope(lambda np, a: 1.0 / a, _A),), example=(2.5,), singular=True,
       slope_text=lambda k, t, p: f"1/{p[0]}"),
    Op("sqrt", 1, "sqrt", call="sqrt", scalar=_sqrt,
       array=lambda np, a: np.sqrt(a),
       slopes=(Slope(np_dsqrt, _OUT),), example=(2.25,), singular=True),
    Op("tanh", 1, "tanh", call="tanh", scalar=_tanh,
       array=lambda np, a: np.tanh(a),
       slopes=(Slope(lambda np, out: 1.0 - out * out, _OUT),), example=(0.3,),
       activation=True),
    Op("sigmoid", 1, "sigmoid", call="sigmoid", scalar=_sigmoid,
       array=_np_sigmoid,
       slopes=(Slope(lambda np, out: out * (1.0 - out), _OUT),), example=(-0.4,),
       underflows=True, activation=True),
    Op("relu", 1, "relu", call="relu", scalar=_relu,
       array=lambda np, a: np.where(a > 0.0, a, 0.0),
       slopes=(Slope(lambda np, a: np.where(a > 0.0, 1.0, 0.0), _A),), example=(1.25,),
       kink=lambda a: a, activation=True),
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
       example=(2.0, 3.0), kink=lambda a, b: a - b, commutative=True),
    Op("min", 2, "min", call="min", scalar=_extreme(False),
       array=lambda np, a, b: np.minimum(a, b),
       slopes=(Slope(_np_tie(False, True), _AB), Slope(_np_tie(False, False), _AB)),
       example=(2.0, 3.0), kink=lambda a, b: a - b, commutative=True),
)
# fmt: on

OPS: dict[str, Op] = {op.name: op for op in _TABLE}
"""Every operation by its name (the `.op` of the nodes it makes)."""

CALLS: dict[str, Op] = {op.call: op for op in OPS.values() if op.call}
"""The language's built-in functions by name (pow(a, b) is the op '^')."""

ACTIVATIONS: tuple[str, ...] = tuple(op.name for op in _TABLE if op.activation)
"""The operations a network's neurons may use, in the table's order (tanh first: the default)."""


def can_underflow(op: str) -> bool:
    """True if a node of op can be 0 from operands that are not (a user call: its body's)."""
    row = OPS.get(op)
    return is_call(op) or (row is not None and row.underflows)


SPELLINGS: dict[str, str] = {"**": "^"}
"""Other spellings of the grammar's operators, by the op they write."""

INFIX: dict[str, Op] = {op.name: op for op in OPS.values() if op.infix} | {
    other: OPS[name] for other, name in SPELLINGS.items()
}
"""The grammar's infix operators by every way they are written."""
