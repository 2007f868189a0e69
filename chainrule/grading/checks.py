"""One question's check: a number at the given values, a formula there and at random points."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from chainrule.budget import NODES
from chainrule.errors import to_reply
from chainrule.grading.answers import MAX_FORMULA
from chainrule.grading.formulas import (
    Mismatch,
    Tolerance,
    compile_formula,
    first_mismatch,
    value_at,
)
from chainrule.grading.problem import Problem, label
from chainrule.lang import Limits, ParseError, Program

FORMULA_MAX_NODES = 2_000  # one formula answer, its user functions expanded
FORMULA_CACHE_SIZE = 4096


class Verdict(NamedTuple):
    """Whether an answer passed, the feedback, and whether it could be read at all."""

    passed: bool
    output: str
    readable: bool = True
    error: Mapping[str, Any] | None = None


NO_ANSWER = Verdict(False, "no answer given")


def feedback_number(x: float) -> str:
    """A number as grading's feedback writes it: 12 significant digits (not a round trip;
    the page's fields use app.playground.round_trip_text)."""
    return f"{x:.12g}"


def where(point: Mapping[str, float], inputs: Iterable[str]) -> str:
    """Return 'a = 2, b = 1' for the inputs of a point."""
    return ", ".join(f"{n} = {feedback_number(point[n])}" for n in inputs) or "the given values"


def formula_limits(limits: Limits) -> Limits:
    """Return the language limits for one formula answer (its own, smaller node limit)."""
    return replace(
        limits,
        max_length=min(limits.max_length, MAX_FORMULA),
        max_nodes=min(limits.max_nodes, FORMULA_MAX_NODES),
    )


@dataclass(frozen=True)
class _Numeric:
    """What every numeric answer to one question is compared with, formatted once."""

    what: str
    want: float
    allowed: float
    correct: Verdict
    expected: str


class Checker:
    """Checks numbers and formulas against one Problem with one tolerance; caches verdicts."""

    def __init__(self, problem: Problem, tol: Tolerance) -> None:
        self.problem = problem
        self.tol = tol
        self.limits = formula_limits(problem.limits)
        self._formulas: dict[tuple[str, str | None, str], Verdict] = {}
        self._numeric: dict[tuple[str, str | None], _Numeric] = {}

    def number(self, of: str, wrt: str | None, got: float) -> Verdict:
        """Check a number against the truth at the given values."""
        q = self._numeric.get((of, wrt))
        if q is None:
            q = self._numeric[of, wrt] = self._numeric_question(of, wrt)
        if abs(got - q.want) <= q.allowed:
            return q.correct
        if not self.problem.options.reveal:
            return Verdict(False, f"{feedback_number(got)} is not {q.what} at the given values")
        return Verdict(False, f"{q.expected}, got {feedback_number(got)}")

    def _numeric_question(self, of: str, wrt: str | None) -> _Numeric:
        want = self.problem.truth(of, wrt)
        what = label(of, wrt)
        shown = f" ({what} = {feedback_number(want)})" if self.problem.options.reveal else ""
        allowed = self.tol.tolerance(want)
        expected = f"expected {what} = {feedback_number(want)} (within {allowed:.3g})"
        return _Numeric(what, want, allowed, Verdict(True, f"correct{shown}"), expected)

    def constant(self, of: str, wrt: str | None, text: str) -> Verdict:
        """Check a formula given where a number is asked: only a constant one is read."""
        try:
            formula = compile_formula(text, list(self.problem.names), self.limits)
        except ParseError as exc:
            return _unreadable(label(of, wrt), exc)
        refused = self._mentions(of, wrt, formula)
        if refused is not None:
            return refused
        if formula.inputs:
            return Verdict(
                False,
                f"this question asks for the number {label(of, wrt)} at the given values; "
                f"the answer is a formula in {', '.join(formula.inputs)}",
            )
        size = max(1, formula.node_count)
        self.problem.budget.charge(NODES, size, f"computing the answer for {label(of, wrt)}")
        try:
            got = value_at(formula, {}, self.problem.budget)
        except (ValueError, ArithmeticError) as exc:
            return Verdict(False, f"the answer cannot be computed: {exc}")
        return self.number(of, wrt, got)

    def formula(self, of: str, wrt: str | None, text: str, also: Iterable[str] = ()) -> Verdict:
        """Check a formula at the given values and at the random points (cached by text)."""
        key = (of, wrt, text)
        verdict = self._formulas.get(key)
        if verdict is None:
            verdict = self._grade_formula(of, wrt, text, also)
            if len(self._formulas) < FORMULA_CACHE_SIZE:
                self._formulas[key] = verdict
        return verdict

    def _grade_formula(self, of: str, wrt: str | None, text: str, also: Iterable[str]) -> Verdict:
        p = self.problem
        what = label(of, wrt)
        try:
            formula = compile_formula(text, list(p.names), self.limits)
        except ParseError as exc:
            return _unreadable(what, exc)
        refused = self._mentions(of, wrt, formula)
        if refused is not None:
            return refused
        points = [p.given, *p.points()]
        truths = [p.truth(of, wrt), *p.truth_at(of, wrt, also)]
        cost = max(1, formula.node_count) * len(points)
        p.budget.charge(NODES, cost, f"checking the formula for {what}")
        miss = first_mismatch(formula, points, truths, self.tol, p.budget)
        if miss is None:
            return Verdict(True, f"correct: {text} is {what} ({self._checked(truths[1:])})")
        return Verdict(False, self._explain(what, text, miss, miss.point is p.given))

    def _mentions(self, of: str, wrt: str | None, formula: Program) -> Verdict | None:
        """The failing verdict for a formula that uses the node asked about, or a node
        computed from it (its answer would be the question itself), else None."""
        for name in formula.inputs:
            if self.problem.computed_from(name, of):
                why = "the node asked about" if name == of else f"computed from {of}"
                inputs = [n for n in self.problem.inputs if n != of]
                hint = f" such as {', '.join(inputs[:8])}" if inputs else ""
                return Verdict(
                    False,
                    f"the answer for {label(of, wrt)} may not use {name} ({why}): write it "
                    f"with the nodes {of} is computed from{hint}",
                )
        return None

    def _checked(self, truths: list[float | None]) -> str:
        asked = self.problem.options.samples
        usable = sum(t is not None for t in truths)
        if asked == 0:
            return "checked at the given values only: random points are off (samples = 0)"
        if usable == 0:
            return (
                "checked at the given values only: no random point near them was usable, "
                "as the problem is undefined or changes piece there"
            )
        if usable < asked:
            return (
                f"checked at the given values and at only {usable} of the {asked} random "
                "points asked for: near the others the problem is undefined or changes piece"
            )
        return f"checked at the given values and at {usable} random points near them"

    def _explain(self, what: str, text: str, miss: Mismatch, given: bool) -> str:
        at = "at the given values" if given else f"at {where(miss.point, self.problem.inputs)}"
        if miss.got is None:
            return f"{text} cannot be computed {at}: {miss.error}"
        if not self.problem.options.reveal:
            got = feedback_number(miss.got)
            return f"{text} is not {what}: {at} it gives {got}, which is wrong"
        got, want = feedback_number(miss.got), feedback_number(miss.want)
        return f"{text} is not {what}: {at} it gives {got}, expected {want}"


def _unreadable(what: str, exc: ParseError) -> Verdict:
    """The verdict on a formula that does not parse: the API's words for the error
    (chainrule/errors.py) and its place in the formula."""
    reply = to_reply(exc)
    where = {k: reply.fields[k] for k in ("line", "column", "length", "snippet")}
    output = f"the answer for {what} is not a formula chainrule can read:\n{reply.text()}"
    return Verdict(False, output, readable=False, error={"message": reply.detail, **where})
