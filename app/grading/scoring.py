"""Grade answers against a problem: per-answer tests in Gradescope's results shape."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from app.grading.formulas import Mismatch, Tolerance, compile_formula, first_mismatch
from app.grading.problem import GradingError, Problem, label
from app.lang import ParseError

Result = dict[str, Any]
FORMULA_CACHE_SIZE = 4096


class Answer(NamedTuple):
    """One answer: its test name, the question (of, wrt) and the number or formula given."""

    name: str
    answer: float | str | None
    of: str | None = None
    wrt: str | None = None
    points: float = 1.0


class QuestionLike(Protocol):
    """A question: the answer's name, what is asked (of, wrt) and its points."""

    @property
    def name(self) -> str: ...
    @property
    def of(self) -> str | None: ...
    @property
    def wrt(self) -> str | None: ...
    @property
    def points(self) -> float: ...


class AnswerLike(QuestionLike, Protocol):
    """A question with its answer (the web layer passes its request models as is)."""

    @property
    def answer(self) -> float | int | str | None: ...


class _Verdict(NamedTuple):
    passed: bool
    output: str
    gradable: bool = True
    error: Mapping[str, Any] | None = None


_NO_ANSWER = _Verdict(False, "no answer given")


@dataclass(frozen=True)
class _Numeric:
    """What every numeric answer to one question is compared with, formatted once."""

    what: str
    want: float
    allowed: float
    correct: _Verdict
    expected: str


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
        self._numeric: dict[tuple[str, str | None], _Numeric] = {}

    def check(self, answers: Sequence[QuestionLike]) -> list[str]:
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

    def grade(self, answers: Sequence[AnswerLike]) -> Result:
        """Return {"score", "max_score", "gradable", "tests"} for one list of answers."""
        tests = [self.test(a, of) for a, of in zip(answers, self.check(answers), strict=True)]
        score = max_score = 0.0
        gradable = True
        for t in tests:
            score += t["score"]
            max_score += t["max_score"]
            gradable = gradable and t["gradable"]
        return {
            "score": round(score, 9),
            "max_score": round(max_score, 9),
            "gradable": gradable,
            "tests": tests,
        }

    def test(self, answer: AnswerLike, of: str) -> Result:
        """Grade one answer whose question was checked; of is the resolved node name."""
        given = answer.answer
        if isinstance(given, str):
            verdict = self._formula(of, answer.wrt, given)
        elif given is None:
            verdict = _NO_ANSWER
        else:
            verdict = self._number(of, answer.wrt, given)
        points = answer.points
        passed = verdict.passed
        test: Result = {
            "name": answer.name,
            "score": points if passed else 0.0,
            "max_score": points,
            "status": "passed" if passed else "failed",
            "output": verdict.output,
            "gradable": verdict.gradable,
        }
        if verdict.error is not None:
            test["extra_data"] = dict(verdict.error)
        return test

    def _number(self, of: str, wrt: str | None, got: float) -> _Verdict:
        q = self._numeric.get((of, wrt))
        if q is None:
            q = self._numeric[of, wrt] = self._numeric_question(of, wrt)
        if abs(got - q.want) <= q.allowed:
            return q.correct
        if not self.problem.options.reveal:
            return _Verdict(False, f"{fmt(got)} is not {q.what} at the given values")
        return _Verdict(False, f"{q.expected}, got {fmt(got)}")

    def _numeric_question(self, of: str, wrt: str | None) -> _Numeric:
        want = self.problem.truth(of, wrt)
        what = label(of, wrt)
        shown = f" ({what} = {fmt(want)})" if self.problem.options.reveal else ""
        allowed = self.tol.tolerance(want)
        expected = f"expected {what} = {fmt(want)} (within {allowed:.3g})"
        return _Numeric(what, want, allowed, _Verdict(True, f"correct{shown}"), expected)

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
