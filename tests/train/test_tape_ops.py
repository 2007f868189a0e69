"""Each op of the table gives the tape the engine's value and slopes, at the edges of the floats.

The engine reads a row's `scalar` rule, the tape its `array` and `slopes` (and, for a written
constant exponent, `constant_power`); they are the same formulas, so where one underflows to
0, overflows to inf or has no value (NaN), so does the other. Points where the engine refuses
(a domain error, a result that is not finite) are skipped: the tape has no errors, it lets
training see the inf or NaN.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest

from chainrule.ops import OPS, Undefined, power_rule
from chainrule.train.tape_ops import Rule, backward_rule, forward_rule

TINY = 5e-324  # the smallest subnormal
NORMAL = 2.2250738585072014e-308  # the smallest normal float
BIG = 1.7976931348623157e308
EDGES = (
    *(0.0, -0.0, TINY, -TINY, NORMAL, -NORMAL, 1e-160, -1e-160, 1e-10, -1e-10),
    *(0.5, -0.5, 1.0, -1.0, 2.0, -3.0, 1e10, -1e10, 1e154, -1e154, 1e200, BIG, -BIG),
)
EXPONENTS = (0.0, 1.0, 2.0, 3.0, -1.0, -2.0, 0.5, 1.5, -0.5, 4.0)


def agree(x: float, y: float) -> bool:
    """Equal, both NaN, or the same nonzero finite number up to rounding (a few ulps)."""
    if x == y or (math.isnan(x) and math.isnan(y)):
        return True
    if not (math.isfinite(x) and math.isfinite(y)) or x == 0.0 or y == 0.0 or (x > 0) != (y > 0):
        return False
    big = max(abs(x), abs(y))
    return abs(x - y) <= 1e-12 * big + 4 * math.ulp(big)


def engine_rule(name: str, point: tuple[float, ...]) -> tuple[float, ...] | None:
    """The engine's (value, slopes...) at point, or None where the engine refuses."""
    try:
        got = OPS[name].scalar(*point)
    except (Undefined, ArithmeticError):
        return None
    return got if math.isfinite(got[0]) else None


def tape_rule(name: str, point: tuple[float, ...], consts: tuple[Any, ...]) -> tuple[float, ...]:
    """The tape's (value, slopes...) at point: its rules run on one-row columns."""
    ins = tuple(range(len(point)))
    values: list[Any] = [np.array([x]) for x in point]
    with np.errstate(all="ignore"):
        values.append(forward_rule(name, ins, consts)(values))
        rules: tuple[Rule, ...] = backward_rule(name, ins, consts, len(point))
        slopes = [r.local if isinstance(r.local, float) else r.local(values) for r in rules]
    return tuple(float(np.broadcast_to(x, (1,))[0]) for x in (values[-1], *slopes))


@pytest.mark.parametrize("name", sorted(OPS))
def test_every_op_agrees_with_the_engine_at_the_edges_of_the_floats(name: str) -> None:
    compared = 0
    for point in itertools.product(EDGES, repeat=OPS[name].arity):
        want = engine_rule(name, point)
        if want is None:
            continue
        got = tape_rule(name, point, (None,) * len(point))
        assert all(map(agree, got, want)), (name, point, "tape", got, "engine", want)
        compared += 1
    assert compared >= len(EDGES) // 2  # most points are in every op's domain


@pytest.mark.parametrize("k", EXPONENTS)
def test_a_written_constant_exponent_agrees_with_the_engine_at_the_edges(k: float) -> None:
    for x in EDGES:
        try:
            want = power_rule(x, k, constant_exponent=True)
        except (Undefined, ArithmeticError):
            continue
        if not math.isfinite(want[0]):
            continue
        got = tape_rule("^", (x, k), (None, k))
        # The tape never differentiates a constant (its slope is 0 there, unused).
        assert agree(got[0], want[0]) and agree(got[1], want[1]), (x, k, got, want)


def test_the_power_slope_does_not_underflow_where_the_value_does() -> None:
    # NORMAL**2 underflows to 0, but its slope 2 * NORMAL is a float: both keep it.
    value, slope, _ = power_rule(NORMAL, 2.0)
    assert (value, slope) == (0.0, 2 * NORMAL)
    assert tape_rule("^", (NORMAL, 2.0), (None, 2.0))[:2] == (0.0, 2 * NORMAL)
    assert tape_rule("^", (NORMAL, 2.0), (None, None))[:2] == (0.0, 2 * NORMAL)
