"""The seed problem end to end: c = a + b; d = b + 1; e = c * d at a = 2, b = 1."""

from __future__ import annotations

from typing import Any

import pytest

from chainrule.grading import Answer, Grader, Options, Problem, Result
from tests.support.budget import default_budget

SEED = "c = a + b\nd = b + 1\ne = c * d"
AT = {"a": 2.0, "b": 1.0}


def grade(*answers: Answer, **options: Any) -> Result:
    problem = Problem(SEED, AT, Options(**options), budget=default_budget())
    return Grader(problem).grade(list(answers))


def only(result: Result) -> dict[str, object]:
    (test,) = result["tests"]
    assert isinstance(test, dict)
    return test


@pytest.mark.parametrize(
    ("of", "wrt", "want"),
    [
        (None, None, 6.0),
        ("c", None, 3.0),
        ("d", None, 2.0),
        (None, "c", 2.0),
        (None, "d", 3.0),
        ("c", "a", 1.0),
        ("c", "b", 1.0),
        ("d", "b", 1.0),
        (None, "a", 2.0),
        (None, "b", 5.0),
        ("e", "e", 1.0),
    ],
)
def test_the_truth_for_every_question(of: str | None, wrt: str | None, want: float) -> None:
    problem = Problem(SEED, AT, budget=default_budget())
    assert problem.truth(problem.check(of, wrt), wrt) == want


@pytest.mark.parametrize(
    ("of", "wrt", "formula"),
    [
        (None, "c", "d"),
        (None, "c", "b + 1"),
        (None, "d", "c"),
        (None, "d", "a + b"),
        (None, "b", "c + d"),
        (None, "b", "a + 2*b + 1"),
        (None, "a", "d"),
        ("c", "a", "1"),
        ("d", "b", "1"),
        (None, None, "(a + b) * (b + 1)"),
    ],
)
def test_right_formulas_pass(of: str | None, wrt: str | None, formula: str) -> None:
    test = only(grade(Answer("q", formula, of, wrt)))
    assert (test["status"], test["score"], test["gradable"]) == ("passed", 1.0, True)


def test_a_formula_right_only_at_the_given_values_fails() -> None:
    # 2*b equals b + 1 = ∂e/∂c at b = 1 only: graded as a formula, it is wrong.
    test = only(grade(Answer("de/dc", "2*b", None, "c")))
    assert (test["status"], test["score"], test["gradable"]) == ("failed", 0.0, True)
    output = str(test["output"])
    assert "2*b is not ∂e/∂c" in output
    assert "at a = " in output and "b = " in output and "expected" in output


@pytest.mark.parametrize("number", [2.0, 2, "2", " 2.0 ", "2e0"])
def test_a_number_sent_as_text_is_a_number(number: object) -> None:
    # ∂e/∂c = d = 2 at the given values: "2" means the number 2, not a formula.
    assert only(grade(Answer("x", number, None, "c")))["status"] == "passed"


def test_a_constant_where_a_formula_is_expected_is_checked_as_a_formula() -> None:
    # ∂e/∂c = b + 1 is not constant, so 2 is wrong as a formula; ∂e/∂d = c = a + b is not
    # either, but ∂c/∂a = 1 is, so 1 is a right formula.
    test = only(grade(Answer("x", "2", None, "c", expect="formula")))
    assert test["status"] == "failed" and "2 is not ∂e/∂c" in str(test["output"])
    assert only(grade(Answer("x", 1, "c", "a", expect="formula")))["status"] == "passed"


@pytest.mark.parametrize(("wrt", "right", "wrong"), [("c", 2, 3), ("d", 3, 2), ("b", 5, 4.99)])
def test_numbers_right_and_wrong(wrt: str, right: float, wrong: float) -> None:
    assert only(grade(Answer("x", right, None, wrt)))["status"] == "passed"
    test = only(grade(Answer("x", wrong, None, wrt)))
    assert test["status"] == "failed"
    assert f"expected ∂e/∂{wrt} = {right:g}" in str(test["output"])
    assert f"got {wrong:g}" in str(test["output"])


def test_reveal_false_hides_the_expected_values() -> None:
    wrong_number = only(grade(Answer("x", 4, None, "b"), reveal=False))
    wrong_formula = only(grade(Answer("y", "2*b", None, "c"), reveal=False))
    right_number = only(grade(Answer("z", 5, None, "b"), reveal=False))
    assert wrong_number["output"] == "4 is not ∂e/∂b at the given values"
    assert "expected" not in str(wrong_formula["output"])
    assert "5" not in str(right_number["output"])


def test_partial_credit_with_points_per_answer() -> None:
    result = grade(
        Answer("de/dc", "d", None, "c", 2.0),
        Answer("de/dd", 4, None, "d", 3.0),
        Answer("de/db", 5, None, "b", 0.5),
    )
    assert (result["score"], result["max_score"], result["gradable"]) == (2.5, 5.5, True)
    assert [t["score"] for t in result["tests"]] == [2.0, 0.0, 0.5]
    assert [t["max_score"] for t in result["tests"]] == [2.0, 3.0, 0.5]


def test_a_fixed_seed_gives_the_same_output_twice() -> None:
    first = grade(Answer("x", "2*b", None, "c"), seed=42)
    assert grade(Answer("x", "2*b", None, "c"), seed=42) == first
    assert (
        Problem(SEED, AT, Options(seed=42), budget=default_budget()).points()
        == Problem(SEED, AT, Options(seed=42), budget=default_budget()).points()
    )
    assert (
        Problem(SEED, AT, Options(seed=1), budget=default_budget()).points()
        != Problem(SEED, AT, Options(seed=2), budget=default_budget()).points()
    )
