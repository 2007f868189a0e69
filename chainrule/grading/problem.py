"""A problem built once: the truth for the value or derivative of any node at any point."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from chainrule.budget import NODES, REBUILDS, Budget
from chainrule.build import Built, build
from chainrule.engine import Value, backward, topological_order, zero_grad
from chainrule.grading.sampling import Point, draw_points
from chainrule.lang import DEFAULT_LIMITS, Limits, Program, parse

DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-9
DEFAULT_SAMPLES = 5
DEFAULT_SEED = 0


class GradingError(ValueError):
    """The problem or an answer's question is malformed (unknown node, wrt not upstream...)."""

    def __init__(self, message: str, slug: str = "grading", **extra: object) -> None:
        super().__init__(message)
        self.message = message
        self.slug = slug
        self.extra = extra


@dataclass(frozen=True)
class Options:
    """How answers are compared: tolerances, random points, and whether to reveal truth."""

    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    samples: int = DEFAULT_SAMPLES
    seed: int | None = None
    reveal: bool = True


def label(of: str, wrt: str | None) -> str:
    """Return '∂of/∂wrt', or the node's name for a value question."""
    return of if wrt is None else f"∂{of}/∂{wrt}"


def gradients(built: Built, of: Value, names: Mapping[str, Value]) -> dict[str, float]:
    """Return d(of)/d(node) for every named node upstream of of (itself included)."""
    zero_grad(of)
    upstream = set(backward(of))
    return {name: v.grad for name, v in names.items() if v in upstream}


def node_names(built: Built) -> dict[str, Value]:
    """Return every nameable node: inputs, named intermediates and the output."""
    names = {**built.inputs, **built.named}
    names.setdefault(built.output_name, built.output)
    return names


class Problem:
    """An expression at given values, differentiated once; truth per (of, wrt) is cached.

    Every build and backward pass it makes is charged to its budget: the random points
    (NODES and REBUILDS, bounded re-draws) and one backward pass per node asked about.
    """

    def __init__(
        self,
        expression: str,
        values: Mapping[str, float],
        options: Options = Options(),
        limits: Limits = DEFAULT_LIMITS,
        *,
        budget: Budget,
    ) -> None:
        self.options = options
        self.limits = limits
        self.budget = budget
        self.program: Program = parse(expression, limits)
        for name, x in values.items():
            if not math.isfinite(x):
                raise GradingError(f"value of '{name}' must be a finite number", "values")
        self.built = build(self.program, values, self.budget)
        self.size = max(1, self.program.node_count)
        self.names = node_names(self.built)
        self.output = self.built.output_name
        self.given: Point = {n: v.data for n, v in self.names.items()}
        self._grads: dict[str, dict[str, float]] = {}
        self._points: list[Point] | None = None
        self._grads_at: dict[str, list[dict[str, float] | None]] = {}
        self._computed_from: dict[tuple[str, str], bool] = {}

    @property
    def inputs(self) -> tuple[str, ...]:
        """The input names, in first-use order."""
        return self.program.inputs

    def node(self, name: str, role: str) -> Value:
        """Return the node called name, or raise GradingError naming the known nodes."""
        if name == self.output:
            return self.built.output
        found = self.names.get(name)
        if found is None:
            known = ", ".join(self.names)
            raise GradingError(
                f"unknown node '{name}' in '{role}'; the problem's nodes are {known}",
                "unknown-node",
            )
        return found

    def check(self, of: str | None, wrt: str | None) -> str:
        """Validate a question; return of (defaulting to the output)."""
        of = self.output if of is None else of
        node = self.node(of, "of")
        if wrt is not None:
            target = self.node(wrt, "wrt")
            if target not in set(topological_order(node)):
                raise GradingError(
                    f"'{of}' does not depend on '{wrt}', so ∂{of}/∂{wrt} is not asked for",
                    "not-upstream",
                )
            truth = self.truth(of, wrt)
            if not math.isfinite(truth):
                raise GradingError(
                    f"∂{of}/∂{wrt} is not a finite number at the given values", "undefined"
                )
        return of

    def truth(self, of: str, wrt: str | None) -> float:
        """Return the value of of, or ∂of/∂wrt, at the given values."""
        if wrt is None:
            return self.given[of]
        grads = self._grads.get(of)
        if grads is None:
            self.budget.charge(NODES, self.size, f"differentiating {of}")
            grads = self._grads[of] = gradients(self.built, self.node(of, "of"), self.names)
        return grads[wrt]

    def computed_from(self, name: str, of: str) -> bool:
        """True when the node called name is of or is computed from it (an answer about of
        may not use it: that would be the question's own answer)."""
        if name == of:
            return True
        if name not in self.names:
            return False
        key = (name, of)
        found = self._computed_from.get(key)
        if found is None:
            self.budget.charge(NODES, self.size, f"checking what {name} is computed from")
            target = self.node(of, "of")
            found = self._computed_from[key] = target in set(topological_order(self.names[name]))
        return found

    def points(self) -> list[Point]:
        """Return the seeded random points near the given values (drawn once)."""
        if self._points is None:
            seed = DEFAULT_SEED if self.options.seed is None else self.options.seed
            self._points = draw_points(
                self.program, self.built, self.options.samples, seed, self.budget
            )
        return self._points

    def truth_at(self, of: str, wrt: str | None, also: Iterable[str] = ()) -> list[float | None]:
        """Return the truth at each random point; None where it is not a finite number.

        Derivatives need the program rebuilt at every point; the nodes in also (other
        questions' `of`) are differentiated in the same builds, so a list of questions costs
        one rebuild per point, not one per question and point.
        """
        points = self.points()
        if wrt is None:
            return [p[of] for p in points]
        if of not in self._grads_at:
            wanted = [of, *sorted({o for o in also if o != of and o not in self._grads_at})]
            self._differentiate_at(points, wanted)
        out: list[float | None] = []
        for g in self._grads_at[of]:
            x = None if g is None else g.get(wrt)
            out.append(x if x is not None and math.isfinite(x) else None)
        return out

    def _differentiate_at(self, points: list[Point], ofs: list[str]) -> None:
        context = f"derivatives of {', '.join(ofs)} at {len(points)} random points"
        self.budget.need(REBUILDS, len(points), context)
        self.budget.need(NODES, len(points) * self.size * (1 + len(ofs)), context)
        found: dict[str, list[dict[str, float] | None]] = {of: [] for of in ofs}
        for point in points:
            self.budget.check_time(context)
            built = build(self.program, {n: point[n] for n in self.inputs}, self.budget)
            names = node_names(built)
            for of in ofs:
                self.budget.charge(NODES, self.size, context)
                root = built.output if of == self.output else names[of]
                found[of].append(gradients(built, root, names))
        self._grads_at.update(found)
