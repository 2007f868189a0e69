"""How other engines name their operations, mapped onto chainrule's op table (chainrule.ops).

micrograd writes `_op` as a symbol or word ("+", "*", "**2", "ReLU", "tanh", "exp"); a
closure-style engine is known by the method that made the closure ("__mul__", "tanh",
"__rsub__"); a context-object engine by its class ("Mul"). A name is read as text only:
"**2" is the power 2 by float("2"), never eval. An op with no name is inferred from the
numbers (the one op of the table whose forward gives the node's value), and a plain number
an engine did not keep (`x + 0.5` keeping only x) is solved for from the same numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations

from chainrule.ops import OPS, Undefined

# Reflected methods compute `other OP self`: their operands are swapped.
REFLECTED = frozenset({"__radd__", "__rsub__", "__rmul__", "__rtruediv__", "__rdiv__", "__rpow__"})
# Methods that are the binary op whatever the engine kept ("__sub__" is never negation).
_BINARY = frozenset({"add", "sub", "mul", "truediv", "div", "pow"})

_ALIASES = {
    "add": "+",
    "plus": "+",
    "sum": "+",
    "sub": "-",
    "minus": "-",
    "mul": "*",
    "times": "*",
    "prod": "*",
    "truediv": "/",
    "div": "/",
    "**": "^",
    "pow": "^",
    "power": "^",
    "neg": "neg",
    "negate": "neg",
    "ln": "log",
    "relu": "relu",
    "maximum": "max",
    "minimum": "min",
}


@dataclass(frozen=True)
class Const:
    """A number an engine keeps inside a node (the 2 of `x**2`): one leaf per use."""

    value: float


def _dunder(text: str) -> str | None:
    """Return the op word of a dunder method ("__rsub__" -> "sub"), else None."""
    if text.startswith("__") and text.endswith("__") and len(text) > 4:
        word = text[2:-2]
        return word[1:] if f"__{word}__" in REFLECTED else word
    return None


def normal(written: str) -> str:
    """Return the op name of the table a written name means, or "" if none."""
    text = written.strip()
    key = (_dunder(text) or text).lower()
    if key in OPS:
        return key
    return _ALIASES.get(key, "")


def binary(written: str) -> bool:
    """True when the written name is a two-operand method ("__sub__", "__radd__")."""
    return (_dunder(written.strip()) or "") in _BINARY


@lru_cache(maxsize=1024)
def _parsed(written: str, operands: int) -> tuple[str, float | None]:
    """Return (op name, the exponent written in it or None); see op_of."""
    if operands == 0:
        return "", None
    text = written.strip()
    for prefix in ("**", "^"):
        rest = text[len(prefix) :]
        if text.startswith(prefix) and rest and operands == 1:
            try:
                return "^", float(rest)
            except ValueError:
                break
    name = normal(text)
    if name == "-" and operands == 1 and not binary(text):
        return "neg", None
    return (name or text), None


def op_of(written: str, operands: int) -> tuple[str, list[object]]:
    """Return (chainrule op name, extra constant operands) for an engine's written op.

    A node with no operands is a leaf: "". A power written with its exponent ("**2", "^3")
    is "^" with the exponent as an extra constant operand. Anything unknown is kept as
    written (check says it cannot check it; draw shows it as the engine names it); ""
    when the engine names no op (then it is inferred from the numbers).
    """
    name, exponent = _parsed(written, operands)
    return name, ([] if exponent is None else [Const(exponent)])


def close(a: float, b: float, rtol: float = 1e-9, atol: float = 1e-12) -> bool:
    """True when two forward values agree (the tolerance of a rounding, not of a check)."""
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol) or (a != a and b != b)


def forward(op: str, args: list[float]) -> float | None:
    """Return op's forward value on args, or None where it is undefined."""
    try:
        out = OPS[op].scalar(*args)[0]
    except (Undefined, ValueError, OverflowError, ZeroDivisionError):
        return None
    return float(out)


def guess_ops(args: list[float], value: float, unordered: bool) -> list[str]:
    """Return every op of the table whose forward gives value from args (in some order when
    the engine kept them unordered)."""
    orders = list(permutations(args)) if unordered else [tuple(args)]
    found = []
    for name, op in OPS.items():
        if op.arity != len(args):
            continue
        outs = [forward(name, list(o)) for o in orders]
        if any(out is not None and close(out, value) for out in outs):
            found.append(name)
    return found


def _solve(op: str, x: float, v: float, first: bool) -> float | None:
    """Return c with op(c, x) == v (first) or op(x, c) == v, where it is one number."""
    if op == "+":
        return v - x
    if op == "-":
        return v + x if first else x - v
    if op == "*":
        return v / x if x != 0.0 else None
    if op == "/":
        return v * x if first else (x / v if v != 0.0 else None)
    if op == "^" and not first and x > 0.0 and x != 1.0 and v > 0.0:
        return math.log(v) / math.log(x)
    if op == "^" and first and x != 0.0 and v > 0.0:
        return float(v ** (1.0 / x))
    return None


def missing_constant(op: str, x: float, value: float, first: bool) -> Const | None:
    """Return the constant an engine used but did not keep (`x + 0.5` keeping only x), solved
    from the numbers and verified by recomputing; None when it cannot be told."""
    c = _solve(op, x, value, first)
    if c is None or not math.isfinite(c):
        return None
    args = [c, x] if first else [x, c]
    out = forward(op, args)
    if out is None or not close(out, value, 1e-9, 1e-12):
        return None
    return Const(c)
