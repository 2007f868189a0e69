"""Numeric answers pass when |got - want| <= atol + rtol·|want|, boundary included."""

from __future__ import annotations

import pytest

from chainrule.grading import Answer, Grader, Options, Problem
from tests.support.budget import default_budget

# want = 4 (d(x^2)/dx at x = 2); rtol·|want| + atol = 0.25·4 + 0.5 = 1.5, exact in binary.
PROGRAM, AT = "y = x^2", {"x": 2.0}


def status(got: float, rtol: float = 0.25, atol: float = 0.5) -> str:
    grader = Grader(Problem(PROGRAM, AT, Options(rtol=rtol, atol=atol), budget=default_budget()))
    return str(grader.grade([Answer("dy/dx", got, None, "x")])["tests"][0]["status"])


@pytest.mark.parametrize("got", [4.0, 5.5, 2.5])
def test_exactly_at_the_tolerance_passes(got: float) -> None:
    assert status(got) == "passed"


@pytest.mark.parametrize("got", [5.5000001, 2.4999999, 100.0, float("nan"), float("inf")])
def test_just_beyond_the_tolerance_fails(got: float) -> None:
    assert status(got) == "failed"


def test_atol_alone_and_rtol_alone() -> None:
    assert status(4.5, rtol=0, atol=0.5) == "passed"
    assert status(4.5000001, rtol=0, atol=0.5) == "failed"
    assert status(5.0, rtol=0.25, atol=0) == "passed"
    assert status(5.0000001, rtol=0.25, atol=0) == "failed"


def test_defaults_are_rtol_1e_6_and_atol_1e_9() -> None:
    grader = Grader(Problem(PROGRAM, AT, budget=default_budget()))
    near = 4 + 4e-6 + 1e-9  # at the default tolerance, give or take rounding
    assert grader.grade([Answer("a", 4 + 3.9e-6, None, "x")])["tests"][0]["status"] == "passed"
    assert grader.grade([Answer("b", near + 1e-7, None, "x")])["tests"][0]["status"] == "failed"


def test_formulas_use_the_same_tolerance() -> None:
    loose = Grader(Problem(PROGRAM, AT, Options(rtol=0.5), budget=default_budget()))
    strict = Grader(Problem(PROGRAM, AT, budget=default_budget()))
    answer = [Answer("dy/dx", "2*x + 0.01", None, "x")]
    assert loose.grade(answer)["tests"][0]["status"] == "passed"
    assert strict.grade(answer)["tests"][0]["status"] == "failed"
