"""The tape's operations over NumPy arrays: forward rules and local derivatives per op.

The rules are the op table's (`chainrule.ops.OPS`: each op's `array` forward and `slopes`), bound
here to NumPy and to the tape's slots. A power with a constant exponent takes the table's
`constant_power` forms (x*x, 1/x, sqrt instead of NumPy's general power), and a product with
a constant factor has that constant as its local derivative. A local derivative says which
slots it reads, so the tape can free every column backward does not need.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from chainrule.ops import OPS, Slope, constant_power

Fwd = Callable[[list[Any]], Any]
Local = float | Fwd  # a constant local derivative, or one read from the slots


class Rule(NamedTuple):
    """One local derivative and the slots it reads (none for a constant)."""

    local: Local
    reads: tuple[int, ...] = ()


def _spec(op: str) -> Any:
    spec = OPS.get(op)
    if spec is None:
        raise ValueError(f"the tape has no rule for op {op!r}")
    return spec


def forward_rule(op: str, ins: tuple[int, ...], consts: tuple[Any, ...]) -> Fwd:
    """Return the forward function of op reading its inputs from slots ins."""
    f = _spec(op).array
    if op == "^" and consts[1] is not None:
        f = constant_power(float(consts[1]))[0]
        ins = ins[:1]
    if len(ins) == 1:
        (a,) = ins
        return lambda v: f(np, v[a])
    a, b = ins
    return lambda v: f(np, v[a], v[b])


def _rule(slope: Slope, slots: dict[str, int]) -> Rule:
    """Bind one of the table's slopes to the slots it reads."""
    f = slope.value
    if not callable(f):
        return Rule(float(f))
    reads = tuple(slots[name] for name in slope.reads)
    if len(reads) == 1:
        (i,) = reads
        return Rule(lambda v: f(np, v[i]), reads)
    i, j = reads
    return Rule(lambda v: f(np, v[i], v[j]), reads)


def backward_rule(
    op: str, ins: tuple[int, ...], consts: tuple[Any, ...], out: int
) -> tuple[Rule, ...]:
    """Return op's local derivative with respect to each input (the output is slot out)."""
    spec = _spec(op)
    if op == "*":
        ca, cb = consts
        if ca is not None or cb is not None:  # a constant factor is the other's slope
            a, b = ins
            la = Rule(float(cb)) if cb is not None else Rule(lambda v: v[b], (b,))
            lb = Rule(float(ca)) if ca is not None else Rule(lambda v: v[a], (a,))
            return (la, lb)
    slots = dict(zip(("a", "b"), ins, strict=False))
    slots["out"] = out
    if op == "^" and consts[1] is not None:  # the exponent is a constant: never varied
        return (_rule(constant_power(float(consts[1]))[1], slots), Rule(0.0))
    return tuple(_rule(s, slots) for s in spec.slopes)
