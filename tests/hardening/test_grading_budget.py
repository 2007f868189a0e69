"""Grading has a work budget (issue 10, item 3) and no int/float overflow (item 7).

Every build and backward pass of a grading request is charged to one Budget: the attacks
below are refused with a 422 naming the budget instead of running for minutes; re-draws of
random points are bounded and the feedback says when too few points were usable.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from chainrule.budget import NODES, REBUILDS, Budget, BudgetExceeded, BudgetLimits
from chainrule.grading import Answer, Grader, Options, Problem
from chainrule.grading.sampling import ATTEMPTS_PER_SAMPLE
from tests.support.budget import default_budget

SEED: dict[str, Any] = {"expression": "c = a + b\nd = b + 1\ne = c * d", "values": {"a": 2, "b": 1}}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(), raise_server_exceptions=False)


def big_program(named: int = 100) -> str:
    """~7 KB: user functions that expand to tens of thousands of nodes, many named nodes."""
    lines = [
        "def f(x) = x*x + x*x + x*x + x*x",
        "def g(x) = f(f(f(x)))",
        "def h(x) = g(g(g(x)))",
    ]
    lines += [f"n{i} = h(a * {i + 1} / 1000) + b" for i in range(named)]
    lines.append("y = " + " + ".join(f"n{i}" for i in range(named)))
    return "\n".join(lines)


def assert_budget_422(response: Any, resource: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["type"].endswith("/budget"), body
    assert body["budget"] == resource, body


def test_many_questions_about_a_big_program_at_many_points_are_refused(
    client: TestClient,
) -> None:
    answers = [
        {"name": f"q{i}", "of": f"n{i}", "wrt": "a", "answer": f"{i} * a"} for i in range(100)
    ]
    body = {
        "expression": big_program(),
        "values": {"a": 0.5, "b": 1},
        "samples": 100,
        "answers": answers,
    }
    assert len(json.dumps(body)) < 10_000
    assert_budget_422(client.post("/api/grade", json=body), "nodes")


def test_a_batch_of_long_distinct_formulas_is_refused(client: TestClient) -> None:
    def formula(k: int) -> str:
        return " + ".join(f"{k + j}*a*b/(b+{j})" for j in range(80))[:1_900]

    submissions = [
        {
            "id": s,
            "answers": [
                {"name": f"q{i}", "wrt": "b", "answer": formula(s * 100 + i)} for i in range(100)
            ],
        }
        for s in range(3)
    ]
    body = {"problem": {**SEED, "samples": 100}, "submissions": submissions}
    assert_budget_422(client.post("/api/grade/batch", json=body), "nodes")


def test_sampling_that_keeps_failing_is_bounded_and_says_so() -> None:
    # y is defined at x = 1 only: every random point fails to build.
    budget = Budget()
    problem = Problem("y = sqrt(-(x - 1)^2)", {"x": 1.0}, Options(samples=100), budget=budget)
    test = Grader(problem).grade([Answer("y", "x - x", "y")])["tests"][0]
    assert problem.points() == []
    assert budget.used["rebuilds"] <= 1 + ATTEMPTS_PER_SAMPLE * 100
    assert test["status"] == "passed"
    assert "no random point near them was usable" in test["output"]
    assert "0 random points" not in test["output"]


def test_too_few_usable_points_are_counted_in_the_feedback() -> None:
    # y is defined only where x > 1 - 1e-9 and z > 1 - 1e-9: about 1 draw in 4 is usable,
    # and re-draws are bounded, so fewer than the 100 points asked for are found.
    program = "y = log(x - 1 + 1e-9) + log(z - 1 + 1e-9)"
    problem = Problem(
        program, {"x": 1.0, "z": 1.0}, Options(samples=100, seed=1), budget=default_budget()
    )
    test = Grader(problem).grade([Answer("dy/dx", "1/(x - 1 + 1e-9)", None, "x")])["tests"][0]
    usable = len(problem.points())
    assert 0 < usable < 100
    assert f"at only {usable} of the 100 random points asked for" in test["output"]


def test_derivative_questions_share_one_rebuild_per_point() -> None:
    budget = Budget()
    problem = Problem(SEED["expression"], {"a": 2, "b": 1}, Options(samples=10), budget=budget)
    answers = [
        Answer("de/db", "c + d", None, "b"),
        Answer("dc/da", "1", "c", "a", expect="formula"),
        Answer("dd/db", "1", "d", "b", expect="formula"),
    ]
    result = Grader(problem).grade(answers)
    assert [t["status"] for t in result["tests"]] == ["passed"] * 3
    # one build at the given values, the draws, then one rebuild per point for all three
    assert budget.used["rebuilds"] == 1 + 10 + 10


def test_a_small_budget_is_enforced_in_the_grader() -> None:
    budget = Budget(BudgetLimits(rebuilds=5))
    problem = Problem(SEED["expression"], {"a": 2, "b": 1}, Options(samples=50), budget=budget)
    with pytest.raises(BudgetExceeded) as info:
        Grader(problem).grade([Answer("x", "d", None, "c")])
    assert info.value.resource == REBUILDS
    assert "50 random points" in str(info.value)


def test_formulas_have_their_own_node_limit() -> None:
    # Each level of nesting triples the expansion: five levels pass 2,000 nodes.
    formula = (
        "def f(x) = x*x + x*x + x*x + x*x\ndef g(x) = f(f(f(x)))\ndef h(x) = g(g(g(x)))\n"
        "def k(x) = h(h(h(x)))\ndef m(x) = k(k(k(x)))\nm(b) * 0 + d"
    )
    budget = Budget()
    grader = Grader(Problem(SEED["expression"], {"a": 2, "b": 1}, budget=budget))
    test = grader.grade([Answer("x", formula, None, "c")])["tests"][0]
    assert test["status"] == "failed" and test["gradable"] is False
    assert "not a formula chainrule can read" in test["output"]
    assert budget.used.get(NODES.key, 0) < 10_000


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (10**400, "the answer is too large: about 10^400"),
        (-(10**400), "the answer is too large: about 10^400"),
        ("1" * 400, "the answer must be a finite number"),
        ("1e400", "the answer must be a finite number"),
    ],
)
def test_a_400_digit_number_answer_is_that_answers_failure(
    client: TestClient, answer: Any, says: str
) -> None:
    body = {**SEED, "answers": [{"name": "x", "wrt": "b", "answer": answer}]}
    response = client.post("/api/grade", json=body)
    assert response.status_code == 200, response.text
    test = response.json()["tests"][0]
    assert (test["status"], test["gradable"]) == ("failed", False)
    assert says in test["output"]


@pytest.mark.parametrize("answer", ["5", " 5.0 ", "5e0", "+5"])
def test_numbers_sent_as_text_are_numbers(client: TestClient, answer: str) -> None:
    body = {**SEED, "answers": [{"name": "x", "wrt": "b", "answer": answer}]}
    test = client.post("/api/grade", json=body).json()["tests"][0]
    assert test["status"] == "passed" and test["output"] == "correct (∂e/∂b = 5)"


def test_the_feedback_echoing_student_text_is_marked_as_text(client: TestClient) -> None:
    answer = "<img src=x onerror=alert(1)>"
    answers = [{"name": "x", "wrt": "b", "answer": answer}]
    body = {**SEED, "format": "gradescope", "answers": answers}
    result = client.post("/api/grade", json=body).json()
    assert result["output_format"] == "text"
    assert all(t["output_format"] == "text" for t in result["tests"])


@pytest.mark.parametrize(
    "change",
    [
        {"values": {"a": 10**400, "b": 1}},
        {"rtol": 10**400},
        {"atol": -(10**400)},
        {"samples": 10**400},
        {"seed": 10**400},
        {"answers": [{"name": "x", "wrt": "b", "answer": 5, "points": 10**400}]},
        {"answers": [{"name": "x", "wrt": "b", "answer": 5, "rtol": 10**400}]},
    ],
)
def test_a_400_digit_number_anywhere_else_is_a_422(client: TestClient, change: Any) -> None:
    body = {**SEED, "answers": [{"name": "x", "wrt": "b", "answer": 5}], **change}
    response = client.post("/api/grade", json=body)
    assert response.status_code == 422, response.text
