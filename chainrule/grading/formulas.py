"""Formula answers: parsed by the chainrule parser, checked at the given and random points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chainrule.budget import Budget
from chainrule.build import build
from chainrule.engine import EngineError
from chainrule.grading.sampling import Point
from chainrule.lang import Limits, ParseError, Program, SourceError, parse
from chainrule.lang.ast import Assign, ExprStmt, Name, postorder


@dataclass(frozen=True)
class Mismatch:
    """Where a formula first disagrees with the truth (or cannot be computed)."""

    point: Point
    want: float
    got: float | None
    error: str | None = None


class Tolerance:
    """|got - want| <= atol + rtol·|want|."""

    def __init__(self, rtol: float, atol: float) -> None:
        self.rtol = rtol
        self.atol = atol

    def tolerance(self, want: float) -> float:
        """Return the allowed absolute difference from want."""
        return self.atol + self.rtol * abs(want)

    def __call__(self, got: float, want: float) -> bool:
        return abs(got - want) <= self.atol + self.rtol * abs(want)


def compile_formula(text: str, known: Sequence[str], limits: Limits) -> Program:
    """Parse a formula over the known names; raise ParseError (with a position) otherwise."""
    program = parse(text, limits)
    unknown = [name for name in program.inputs if name not in known]
    if unknown:
        name = unknown[0]
        start, end = _first_use(program, name)
        shown = ", ".join(known)
        raise ParseError(
            f"unknown name '{name}'; an answer may use {shown}", text, start, end, kind="name"
        )
    return program


def _first_use(program: Program, name: str) -> tuple[int, int]:
    for stmt in program.statements:
        if isinstance(stmt, Assign | ExprStmt):
            for node in postorder(stmt.expr):
                if isinstance(node, Name) and node.id == name:
                    return node.start, node.end
    return 0, 1


def value_at(formula: Program, point: Mapping[str, float], budget: Budget) -> float:
    """Return the formula's value with each name taking its value at point.

    Built within the request's budget, whose NODES the caller has charged for this build
    (a check charges its every point before the first: checks.py); its wall clock is checked.
    """
    values = {name: point[name] for name in formula.inputs}
    return build(formula, values, budget, charged=True).output.data


def first_mismatch(
    formula: Program,
    points: Sequence[Point],
    truths: Sequence[float | None],
    close: Tolerance,
    budget: Budget,
) -> Mismatch | None:
    """Return the first point where the formula differs from the truth, or None (its
    builds charged to budget beforehand: see value_at)."""
    for point, want in zip(points, truths, strict=True):
        if want is None:
            continue
        try:
            got = value_at(formula, point, budget)
        except (EngineError, SourceError, ValueError, ArithmeticError) as exc:
            message = exc.message if isinstance(exc, SourceError) else str(exc)
            return Mismatch(point, want, None, message)
        if not close(got, want):
            return Mismatch(point, want, got)
    return None
