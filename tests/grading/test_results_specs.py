"""The platform validators catch what each platform would reject, and pass our output."""

from __future__ import annotations

from typing import Any

import pytest

from chainrule.grading import Answer, Grader, Problem
from chainrule.grading.formats import gradescope, prairielearn
from tests.grading.results_specs import gradescope_errors, prairielearn_errors
from tests.support.budget import default_budget

SEED = "c = a + b\nd = b + 1\ne = c * d"


def result() -> dict[str, Any]:
    grader = Grader(Problem(SEED, {"a": 2, "b": 1}, budget=default_budget()))
    return grader.grade([Answer("x", "c + (d", None, "b"), Answer("y", 2, None, "c", 3)])


@pytest.mark.parametrize(
    ("doc", "says"),
    [
        ({"score": 4.0, "max_score": 9.5, "gradable": False, "tests": []}, "max_score"),
        ({"score": 1, "tests": [{"score": 1, "gradable": True}]}, "tests[0].gradable"),
        ({"tests": [{"name": "x"}]}, "a score is required"),
        ({"score": 1, "output_format": "rtf"}, "output_format"),
        ({"score": 1, "tests": [{"score": 1, "status": "ok"}]}, "tests[0].status"),
        ({"score": True}, "results.score"),
    ],
)
def test_gradescope_validator_rejects(doc: Any, says: str) -> None:
    assert any(says in e for e in gradescope_errors(doc)), gradescope_errors(doc)


@pytest.mark.parametrize(
    ("doc", "says"),
    [
        ({"score": 4.0, "gradable": True}, "not a number in [0, 1]"),
        ({"gradable": True}, "not a number in [0, 1]"),
        ({"score": 0.5, "tests": [{"name": "x", "score": 1}]}, "tests[0].score"),
        ({"score": 0.5, "tests": [{"points": 1}]}, "tests[0].name: required"),
        ({"score": 0.5, "tests": [{"name": "x", "points": 2, "max_points": 1}]}, "points"),
    ],
)
def test_prairielearn_validator_rejects(doc: Any, says: str) -> None:
    assert any(says in e for e in prairielearn_errors(doc)), prairielearn_errors(doc)


def test_our_output_passes_both() -> None:
    assert gradescope_errors(gradescope(result(), visibility="hidden")) == []
    assert prairielearn_errors(prairielearn(result())) == []
    assert prairielearn_errors({"gradable": False, "message": "unreadable"}) == []
