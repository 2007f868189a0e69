"""Grade answers against a problem: per-answer tests in Gradescope's results shape."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.grading.formulas import Mismatch, Tolerance, compile_formula, first_mismatch
from app.grading.problem import GradingError, Problem, label
from app.lang import ParseError

Result = dict[str, Any]
FORMULA_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Answer:
    """One answer: its test name, the question (of, wrt) and the number or formula given."""

    name: str
    answer: float | str
    of: str | None = None
    wrt: str | None = None
    points: float = 1.0


@dataclass(frozen=True)
class _Verdict:
    passed: bool
    output: str
    gradable: bool = True
    error: Mapping[str, Any] | None = None


def fmt(x: float) -> str:
    """Return a number as a short, exact-enough string (12 significant digits)."""
    return f"{x:.12g}"


def where(point: Mapping[str, float], inputs: Iterable[str]) -> str:
    """Return 'a = 2, b = 1' for the inputs of a point."""
    return ", ".join(f"{n} = {fmt(point[n])}" for n in inputs) or "the given values"


class Grader:
    """Grades answer lists against one Problem; formula verdicts are cached across lists."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.tol = Tolerance(problem.options.rtol, problem.options.atol)
        self._questions: dict[tuple[str | None, str | None], str] = {}
        self._formulas: dict[tuple[str, str | None, str], _Verdict] = {}

    def check(self, answers: Sequence[Answer]) -> list[str]:
        """Validate the questions (names unique, of/wrt known, wrt upstream); return each of."""
        seen: set[str] = set()
        ofs: list[str] = []
        for a in answers:
            if a.name in seen:
                raise GradingError(f"duplicate answer name '{a.name}'", "duplicate-answer")
            seen.add(a.name)
            key = (a.of, a.wrt)
            of = self._questions.get(key)
            if of is None:
                of = self._questions[key] = self.problem.check(a.of, a.wrt)
            ofs.append(of)
        return ofs

    def grade(self, answers: Sequence[Answer]) -> Result:
        """Return {"score", "max_score", "gradable", "tests"} for one list of answers."""
        tests = [self.test(a, of) for a, of in zip(answers, self.check(answers), strict=True)]
        return {
            "score": round(sum(t["score"] for t in tests), 9),
            "max_score": round(sum(t["max_score"] for t in tests), 9),
            "gradable": all(t["gradable"] for t in tests),
            "tests": tests,
        }

    def test(self, answer: Answer, of: str) -> Result:
        """Grade one answer whose question was checked; of is the resolved node name."""
        if isinstance(answer.answer, str):
            verdict = self._formula(of, answer.wrt, answer.answer)
        else:
            verdict = self._number(of, answer.wrt, float(answer.answer))
        test: Result = {
            "name": answer.name,
            "score": answer.points if verdict.passed else 0.0,
            "max_score": answer.points,
            "status": "passed" if verdict.passed else "failed",
            "output": verdict.output,
            "gradable": verdict.gradable,
        }
        if verdict.error is not None:
            test["extra_data"] = dict(verdict.error)
        return test

    def _number(self, of: str, wrt: str | None, got: float) -> _Verdict:
        want = self.problem.truth(of, wrt)
        what = label(of, wrt)
        if self.tol(got, want):
            shown = f" ({what} = {fmt(want)})" if self.problem.options.reveal else ""
            return _Verdict(True, f"correct{shown}")
        if not self.problem.options.reveal:
            return _Verdict(False, f"{fmt(got)} is not {what} at the given values")
        allowed = self.tol.tolerance(want)
        return _Verdict(
            False,
            f"expected {what} = {fmt(want)} (within {allowed:.3g}), got {fmt(got)}",
        )

    def _formula(self, of: str, wrt: str | None, text: str) -> _Verdict:
        key = (of, wrt, text)
        verdict = self._formulas.get(key)
        if verdict is None:
            verdict = self._grade_formula(of, wrt, text)
            if len(self._formulas) < FORMULA_CACHE_SIZE:
                self._formulas[key] = verdict
        return verdict

    def _grade_formula(self, of: str, wrt: str | None, text: str) -> _Verdict:
        p = self.problem
        what = label(of, wrt)
        try:
            formula = compile_formula(text, list(p.names), p.limits)
        except ParseError as exc:
            error = {
                "message": exc.message,
                "line": exc.line,
                "column": exc.column,
                "length": exc.length,
                "snippet": exc.snippet,
            }
            output = (
                f"the answer for {what} is not a formula chainrule can read:\n"
                f"{exc.line}:{exc.column}: {exc.message}\n{exc.snippet}"
            )
            return _Verdict(False, output, gradable=False, error=error)
        points = [p.given, *p.points()]
        truths = [p.truth(of, wrt), *p.truth_at(of, wrt)]
        miss = first_mismatch(formula, points, truths, self.tol)
        if miss is None:
            checked = sum(t is not None for t in truths) - 1
            return _Verdict(
                True,
                f"correct: {text} is {what} (checked at the given values "
                f"and at {checked} random points near them)",
            )
        return _Verdict(False, self._explain(what, text, miss, miss.point is p.given))

    def _explain(self, what: str, text: str, miss: Mismatch, given: bool) -> str:
        at = "at the given values" if given else f"at {where(miss.point, self.problem.inputs)}"
        if miss.got is None:
            return f"{text} cannot be computed {at}: {miss.error}"
        if not self.problem.options.reveal:
            return f"{text} is not {what}: {at} it gives {fmt(miss.got)}, which is wrong"
        return f"{text} is not {what}: {at} it gives {fmt(miss.got)}, expected {fmt(miss.want)}"
