"""Seeded random points near the given values, in the same piece of any piecewise node."""

from __future__ import annotations

import random

from chainrule.budget import NODES, REBUILDS, Budget
from chainrule.build import Built, build
from chainrule.engine import EngineError, Value, topological_order
from chainrule.lang import ParseError, Program
from chainrule.ops import OPS, ROOTS

Point = dict[str, float]

# A point moves each input by a fraction in [MIN_STEP, 1] of its spread (both signs), so
# a sample is never the given point itself: "2*b" and "b + 1" agree at b = 1 only.
SPREAD = 0.5
MIN_STEP = 0.2
# Re-draws are bounded: at most this many builds per requested sample, in all.
ATTEMPTS_PER_SAMPLE = 3
SHRINK = 0.8
MIN_SCALE = 0.01  # smaller steps would round (to 4 digits) back to the given values


def _sign(x: float) -> int | None:
    return None if x == 0.0 else (1 if x > 0.0 else -1)


def pieces(built: Built) -> list[int | None]:
    """Return which side of its kink each node with one is on (None: on it); see chainrule.ops."""
    roots = (built.output, *built.named.values())
    top = Value(0.0, ROOTS, roots, tuple(0.0 for _ in roots))
    out: list[int | None] = []
    for node in topological_order(top):
        op = OPS.get(node.op)
        if op is not None and op.kink is not None:
            out.append(_sign(op.kink(*(x.data for x in node.inputs))))
    return out


def _same_piece(base: list[int | None], other: list[int | None]) -> bool:
    return all(b is None or b == o for b, o in zip(base, other, strict=True))


def draw_points(
    program: Program, built: Built, samples: int, seed: int, budget: Budget
) -> list[Point]:
    """Return up to samples points near built's inputs where the program is defined.

    A point where the program cannot be computed, or where a relu/abs/max/min node is on
    the other side of its kink than at the given values, is skipped and re-drawn closer,
    at most ATTEMPTS_PER_SAMPLE × samples builds in all (each charged to the budget), so
    fewer points than asked may come back. Each point maps every input, named node and the
    output to its value there.
    """
    if samples > 0:
        context = f"{samples} random points"
        budget.need(REBUILDS, samples, context)
        budget.need(NODES, samples * max(1, program.node_count), context)
    rng = random.Random(seed)
    given = {name: v.data for name, v in built.inputs.items()}
    base = pieces(built)
    points: list[Point] = []
    scale = 1.0
    for _ in range(samples * ATTEMPTS_PER_SAMPLE):
        if len(points) >= samples:
            break
        budget.check_time("drawing random points")
        values = {name: _near(rng, x, scale) for name, x in given.items()}
        if values == given and given:
            continue
        try:
            at = build(program, values, budget)
        except (EngineError, ParseError, ValueError, ArithmeticError):
            scale = max(MIN_SCALE, scale * SHRINK)
            continue
        if not _same_piece(base, pieces(at)):
            scale = max(MIN_SCALE, scale * SHRINK)
            continue
        point = {name: v.data for name, v in {**at.inputs, **at.named}.items()}
        point.setdefault(at.output_name, at.output.data)
        points.append(point)
    return points


def _near(rng: random.Random, x: float, scale: float) -> float:
    step = rng.uniform(MIN_STEP, 1.0) * rng.choice((-1.0, 1.0))
    # Four significant digits keep the feedback readable ("at a = 2.876, b = 1.116").
    return float(f"{x + step * scale * SPREAD * max(1.0, abs(x)):.4g}")
