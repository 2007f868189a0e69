"""Grade answers against a problem: one test per answer, scored Gradescope-style."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol

from chainrule.grading.answers import Expect, Reading, Unreadable, read
from chainrule.grading.checks import NO_ANSWER, Checker, Verdict
from chainrule.grading.formulas import Tolerance
from chainrule.grading.problem import GradingError, Problem, label
from chainrule.lang.text import visible

Result = dict[str, Any]


class Answer(NamedTuple):
    """One answer: its test name, the question (of, wrt), what it is worth and how checked.

    answer is the raw value as sent (a number, text, None or anything else): it is read
    by chainrule.grading.answers.read, so "2" is a number and true is an unreadable answer.
    """

    name: str
    answer: object
    of: str | None = None
    wrt: str | None = None
    points: float = 1.0
    expect: Expect = "either"
    rtol: float | None = None
    atol: float | None = None


class QuestionLike(Protocol):
    """A question: the answer's name, what is asked (of, wrt), its points and its checking."""

    @property
    def name(self) -> str: ...
    @property
    def of(self) -> str | None: ...
    @property
    def wrt(self) -> str | None: ...
    @property
    def points(self) -> float: ...
    @property
    def expect(self) -> Expect: ...
    @property
    def rtol(self) -> float | None: ...
    @property
    def atol(self) -> float | None: ...


class AnswerLike(QuestionLike, Protocol):
    """A question with its answer (the web layer passes its request models as is)."""

    @property
    def answer(self) -> object: ...


class Grader:
    """Grades answer lists against one Problem; verdicts are cached across lists.

    All the work is charged to the problem's budget (`problem.budget`).
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.budget = problem.budget
        self._questions: dict[tuple[str | None, str | None], str] = {}
        self._checkers: dict[tuple[float, float], Checker] = {}

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
        ofs = self.check(answers)
        readings = [read(a.answer) for a in answers]
        # Formula answers about derivatives need the program rebuilt at the random points;
        # every node they ask about is differentiated in the same rebuilds.
        derived = {
            of
            for a, of, r in zip(answers, ofs, readings, strict=True)
            if a.wrt is not None and _as_formula(a.expect, r)
        }
        self.budget.check_time("grading")
        tests = [
            self._test(a, of, r, derived) for a, of, r in zip(answers, ofs, readings, strict=True)
        ]
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

    def _test(self, answer: AnswerLike, of: str, reading: Reading, also: set[str]) -> Result:
        verdict = self.verdict(answer, of, reading, also)
        points = answer.points
        passed = verdict.passed
        test: Result = {
            "name": answer.name,
            "score": points if passed else 0.0,
            "max_score": points,
            "status": "passed" if passed else "failed",
            "output": visible(verdict.output),  # never a bidi control or odd line break raw
            "gradable": verdict.readable,
        }
        if verdict.error is not None:
            test["extra_data"] = dict(verdict.error)
        return test

    def verdict(self, answer: AnswerLike, of: str, reading: Reading, also: set[str]) -> Verdict:
        """Check an answer (as read) as the question expects: number, formula or either."""
        if reading is None:
            return NO_ANSWER
        if isinstance(reading, Unreadable):
            what = label(of, answer.wrt)
            return Verdict(False, f"the answer for {what} cannot be read: {reading.message}", False)
        checker = self._checker(answer)
        if isinstance(reading, float):
            if _as_formula(answer.expect, reading):
                return checker.formula(of, answer.wrt, _as_text(answer.answer, reading), also)
            return checker.number(of, answer.wrt, reading)
        if answer.expect == "number":
            return checker.constant(of, answer.wrt, reading)
        return checker.formula(of, answer.wrt, reading, also)

    def _checker(self, answer: QuestionLike) -> Checker:
        options = self.problem.options
        rtol = options.rtol if answer.rtol is None else answer.rtol
        atol = options.atol if answer.atol is None else answer.atol
        checker = self._checkers.get((rtol, atol))
        if checker is None:
            checker = self._checkers[rtol, atol] = Checker(self.problem, Tolerance(rtol, atol))
        return checker


def _as_text(raw: object, reading: float) -> str:
    """Return a number answer as the formula text the student wrote ("2", not "2.0")."""
    if isinstance(raw, str):
        return raw.strip()
    return str(raw) if isinstance(raw, int) else repr(reading)


def _as_formula(expect: Expect, reading: Reading) -> bool:
    """True when an answer is checked as a formula (at the random points too)."""
    if isinstance(reading, float):
        return expect == "formula"
    return isinstance(reading, str) and expect != "number"
