"""The tape's operations over NumPy arrays: forward rules and local derivatives per op.

Each rule mirrors the Value engine's op of the same name. Powers with a constant
exponent take fast paths (x*x, x*x*x, 1/x, sqrt) instead of NumPy's general power. A local
derivative says which slots it reads, so the tape can free every column backward does not need.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

Fwd = Callable[[list[Any]], Any]
Local = float | Fwd  # a constant local derivative, or one read from the slots


class Rule(NamedTuple):
    """One local derivative and the slots it reads (none for a constant)."""

    local: Local
    reads: tuple[int, ...] = ()


def _sigmoid(x: Any) -> Any:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def _relu(x: Any) -> Any:
    return np.where(x > 0.0, x, 0.0)


_UNARY: dict[str, Callable[[Any], Any]] = {
    "neg": np.negative,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "relu": _relu,
    "abs": np.abs,
    "sin": np.sin,
    "cos": np.cos,
}

_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
    "^": np.power,
    "max": np.maximum,
    "min": np.minimum,
}


def _power_const(a: int, k: float) -> Fwd:
    """Return x**k for a constant k, avoiding NumPy's slow general power path."""
    if k == 0.0:
        return lambda v: np.ones_like(v[a])
    if k == 1.0:
        return lambda v: v[a]
    if k == 2.0:
        return lambda v: v[a] * v[a]
    if k == 3.0:
        return lambda v: v[a] * v[a] * v[a]
    if k == -1.0:
        return lambda v: 1.0 / v[a]
    if k == -2.0:
        return lambda v: 1.0 / (v[a] * v[a])
    if k == 0.5:
        return lambda v: np.sqrt(v[a])
    return lambda v: np.power(v[a], k)


def _dpower_const(a: int, out: int, k: float) -> Rule:
    """Return d(x**k)/dx for a constant k (0 for k = 0, as the engine does)."""
    if k in (0.0, 1.0):
        return Rule(k)
    if k == 0.5:
        return Rule(lambda v: _dsqrt(v[out]), (out,))
    if k == 2.0:
        return Rule(lambda v: 2.0 * v[a], (a,))
    if k == 3.0:
        return Rule(lambda v: 3.0 * (v[a] * v[a]), (a,))
    if k == -1.0:
        return Rule(lambda v: -1.0 / (v[a] * v[a]), (a,))
    return Rule(lambda v: k * np.power(v[a], k - 1.0), (a,))


def _dsqrt(root: Any) -> Any:
    """Return 0.5 / sqrt(x), +inf at x = ±0 as the engine has it."""
    return np.where(root == 0.0, np.inf, 0.5 / root)


def _dpower_base(x: Any, k: Any) -> Any:
    d = k * np.power(x, k - 1.0)
    return np.where(k == 0.0, 0.0, np.where((x == 0.0) & (k < 1.0), np.inf, d))


def _dpower_exp(x: Any, out: Any) -> Any:
    return np.where(x > 0.0, out * np.log(np.where(x > 0.0, x, 1.0)), np.where(x == 0, 0.0, np.nan))


def _tie_split(first: Any, second: Any, wins: Callable[[Any, Any], Any]) -> Any:
    return np.where(wins(first, second), 1.0, np.where(first == second, 0.5, 0.0))


def forward_rule(op: str, ins: tuple[int, ...], consts: tuple[Any, ...]) -> Fwd:
    """Return the forward function of op reading its inputs from slots ins."""
    if op in _UNARY:
        (a,) = ins
        f = _UNARY[op]
        return lambda v: f(v[a])
    if op not in _BINARY:
        raise ValueError(f"the tape has no rule for op {op!r}")
    a, b = ins
    if op == "^" and consts[1] is not None:
        return _power_const(a, float(consts[1]))
    g = _BINARY[op]
    return lambda v: g(v[a], v[b])


def backward_rule(
    op: str, ins: tuple[int, ...], consts: tuple[Any, ...], out: int
) -> tuple[Rule, ...]:
    """Return op's local derivative with respect to each input (the output is slot out)."""
    if op in ("+", "-"):
        return (Rule(1.0), Rule(1.0 if op == "+" else -1.0))
    if op == "neg":
        return (Rule(-1.0),)
    if op == "*":
        a, b = ins
        ca, cb = consts
        la = Rule(float(cb)) if cb is not None else Rule(lambda v: v[b], (b,))
        lb = Rule(float(ca)) if ca is not None else Rule(lambda v: v[a], (a,))
        return (la, lb)
    if op == "/":
        a, b = ins
        return (Rule(lambda v: 1.0 / v[b], (b,)), Rule(lambda v: -v[out] / v[b], (out, b)))
    if op == "^":
        a, b = ins
        if consts[1] is not None:
            return (_dpower_const(a, out, float(consts[1])), Rule(0.0))
        return (
            Rule(lambda v: _dpower_base(v[a], v[b]), (a, b)),
            Rule(lambda v: _dpower_exp(v[a], v[out]), (a, out)),
        )
    if op in ("max", "min"):
        a, b = ins
        wins = np.greater if op == "max" else np.less
        return (
            Rule(lambda v: _tie_split(v[a], v[b], wins), (a, b)),
            Rule(lambda v: _tie_split(v[b], v[a], wins), (a, b)),
        )
    (a,) = ins
    of_out: dict[str, Fwd] = {
        "exp": lambda v: v[out],
        "sqrt": lambda v: _dsqrt(v[out]),
        "tanh": lambda v: 1.0 - v[out] * v[out],
        "sigmoid": lambda v: v[out] * (1.0 - v[out]),
    }
    of_in: dict[str, Fwd] = {
        "log": lambda v: 1.0 / v[a],
        "relu": lambda v: np.where(v[a] > 0.0, 1.0, 0.0),
        "abs": lambda v: np.sign(v[a]),
        "sin": lambda v: np.cos(v[a]),
        "cos": lambda v: -np.sin(v[a]),
    }
    if op in of_out:
        return (Rule(of_out[op], (out,)),)
    if op not in of_in:
        raise ValueError(f"the tape has no derivative for op {op!r}")
    return (Rule(of_in[op], (a,)),)
