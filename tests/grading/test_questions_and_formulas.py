"""Malformed questions are errors; malformed formulas are that answer's failure only."""

from __future__ import annotations

import pytest

from chainrule.build import EvalError, MissingValuesError
from chainrule.grading import Answer, Grader, GradingError, Problem
from chainrule.grading.questions import merge
from chainrule.lang import ParseError
from tests.support.budget import default_budget

SEED = "c = a + b\nd = b + 1\ne = c * d"
AT = {"a": 2.0, "b": 1.0}


def grader() -> Grader:
    return Grader(Problem(SEED, AT, budget=default_budget()))


@pytest.mark.parametrize(
    ("answer", "slug", "says"),
    [
        (Answer("x", 1, "q", None), "unknown-node", "unknown node 'q' in 'of'"),
        (Answer("x", 1, None, "z"), "unknown-node", "unknown node 'z' in 'wrt'"),
        (Answer("x", 1, "d", "a"), "not-upstream", "'d' does not depend on 'a'"),
        (Answer("x", 1, "c", "e"), "not-upstream", "'c' does not depend on 'e'"),
    ],
)
def test_questions_about_unknown_or_unrelated_nodes_are_errors(
    answer: Answer, slug: str, says: str
) -> None:
    with pytest.raises(GradingError) as info:
        grader().grade([answer])
    assert info.value.slug == slug
    assert says in info.value.message


def test_duplicate_answer_names_are_an_error() -> None:
    with pytest.raises(GradingError, match="duplicate answer name 'x'"):
        grader().grade([Answer("x", 1, None, "a"), Answer("x", 2, None, "b")])


def test_a_problem_that_does_not_parse_or_compute_raises() -> None:
    with pytest.raises(ParseError):
        Problem("c = a +", {"a": 1}, budget=default_budget())
    with pytest.raises(EvalError):
        Problem("y = log(x)", {"x": -1}, budget=default_budget())
    with pytest.raises(MissingValuesError):
        Problem("y = x * z", {"x": 1}, budget=default_budget())


def test_a_derivative_that_is_not_finite_at_the_given_values_is_an_error() -> None:
    with pytest.raises(GradingError, match="not a finite number"):
        Grader(Problem("y = sqrt(x)", {"x": 0}, budget=default_budget())).grade(
            [Answer("d", 1, None, "x")]
        )


def test_a_formula_that_does_not_parse_is_not_gradable_with_its_position() -> None:
    test = grader().grade([Answer("de/db", "c +* d", None, "b")])["tests"][0]
    assert (test["status"], test["score"], test["gradable"]) == ("failed", 0.0, False)
    assert test["extra_data"]["line"] == 1 and test["extra_data"]["column"] == 4
    assert test["extra_data"]["snippet"] == "c +* d\n   ^"
    assert "1:4: expected an expression" in test["output"]
    assert "c +* d\n   ^" in test["output"]


def test_one_unreadable_formula_leaves_the_others_graded() -> None:
    result = grader().grade([Answer("a", "c + ", None, "b"), Answer("b", "c + d", None, "b")])
    assert result["gradable"] is False
    assert [t["status"] for t in result["tests"]] == ["failed", "passed"]
    assert (result["score"], result["max_score"]) == (1.0, 2.0)


def test_a_formula_with_an_unknown_name_says_which_names_it_may_use() -> None:
    test = grader().grade([Answer("x", "c + dd", None, "b")])["tests"][0]
    assert test["gradable"] is False
    assert "unknown name 'dd'; an answer may use a, b, c, d, e" in test["output"]
    assert test["extra_data"]["column"] == 5


def test_a_formula_that_cannot_be_computed_fails_with_the_reason() -> None:
    test = grader().grade([Answer("x", "log(b - 1)", None, "c")])["tests"][0]
    assert (test["status"], test["gradable"]) == ("failed", True)
    assert "cannot be computed at the given values: log(0.0)" in test["output"]


def test_named_nodes_in_a_formula_follow_the_inputs_at_each_point() -> None:
    # c + d and a + 2*b + 1 are the same function of the inputs; c + 3 is not.
    result = grader().grade([Answer("p", "c + d", None, "b"), Answer("q", "c + 3", None, "b")])
    assert [t["status"] for t in result["tests"]] == ["passed", "failed"]


def test_formulas_may_use_user_functions_and_builtins() -> None:
    problem = Problem("y = tanh(x) * 2", {"x": 0.3}, budget=default_budget())
    answer = Answer("dy/dx", "def s(u) = 1 - tanh(u)^2\n2 * s(x)", None, "x")
    assert Grader(problem).grade([answer])["tests"][0]["status"] == "passed"


def test_questions_decide_what_is_asked_and_the_points() -> None:
    questions = [Answer("de/dc", None, None, "c", 2.0), Answer("e", None, None, None, 1.0)]
    sneaky = [Answer("de/dc", "d", "c", "a", 100.0), Answer("extra", 1)]
    merged, ignored = merge(questions, sneaky)
    assert merged == [Answer("de/dc", "d", None, "c", 2.0), Answer("e", None, None, None, 1.0)]
    assert ignored == ["extra"]
    result = grader().grade(merged)
    assert (result["score"], result["max_score"]) == (2.0, 3.0)
    assert result["tests"][1]["output"] == "no answer given"
