"""Random points: near the given values, reproducible, defined, on the same side of kinks."""

from __future__ import annotations

from chainrule.grading import Answer, Grader, Options, Problem
from tests.support.budget import default_budget


def test_points_are_near_the_given_values_and_never_the_given_point() -> None:
    problem = Problem(
        "y = a * b", {"a": 2.0, "b": -10.0}, Options(samples=20, seed=3), budget=default_budget()
    )
    points = problem.points()
    assert len(points) == 20
    for p in points:
        assert 0.2 * 0.5 * 1 <= abs(p["a"] - 2.0) <= 0.5 * 2.0 + 1e-3
        assert 0.2 * 0.5 * 10 <= abs(p["b"] + 10.0) <= 0.5 * 10.0 + 1e-2
        assert p["y"] == p["a"] * p["b"]


def test_points_where_the_problem_is_undefined_are_redrawn() -> None:
    # log(x - 0.9) at x = 1 is undefined for about 40% of first draws.
    problem = Problem(
        "y = log(x - 0.9)", {"x": 1.0}, Options(samples=30, seed=0), budget=default_budget()
    )
    points = problem.points()
    assert len(points) == 30
    assert all(p["x"] > 0.9 for p in points)


def test_points_stay_on_the_same_side_of_relu_abs_max_and_min() -> None:
    program = "y = relu(x) + abs(x - 0.2) + max(x, 0.1) + min(x, 0.15)"
    problem = Problem(program, {"x": 0.3}, Options(samples=25, seed=5), budget=default_budget())
    assert len(problem.points()) == 25
    assert all(p["x"] > 0.2 for p in problem.points())
    # So the piece's derivative is the right formula: relu' + abs' + max' + min' = 3.
    grader = Grader(problem)
    assert grader.grade([Answer("dy/dx", "3", None, "x")])["tests"][0]["status"] == "passed"


def test_zero_samples_checks_the_given_values_only() -> None:
    grader = Grader(
        Problem(
            "c = a + b\nd = b + 1\ne = c * d",
            {"a": 2, "b": 1},
            Options(samples=0),
            budget=default_budget(),
        )
    )
    test = grader.grade([Answer("de/dc", "2*b", None, "c")])["tests"][0]
    assert test["status"] == "passed"
    assert "checked at the given values only: random points are off" in test["output"]
    assert "0 random points" not in test["output"]


def test_a_program_without_inputs_has_constant_points() -> None:
    problem = Problem("y = 2 * 3", {}, Options(samples=3), budget=default_budget())
    assert [p["y"] for p in problem.points()] == [6.0, 6.0, 6.0]
