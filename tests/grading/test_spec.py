"""problem.json and answers.json, read with the standard library: every bad field named."""

from __future__ import annotations

from typing import Any

import pytest

from chainrule.grading import spec

GOOD = {"expression": "e = a * b", "values": {"a": 2, "b": 3}}


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"expression": ""}, "expression: must be text of 1 to 100,000 characters"),
        ({"values": {"a": "2"}}, "values.a: must be a number"),
        ({"values": {"a": 10**400}}, "values.a is too large: about 10^400"),
        ({"values": [1, 2]}, "values: must be an object"),
        ({"rtol": 2}, "rtol: must be a number from 0 to 1"),
        ({"samples": -1}, "samples: must be a whole number from 0 to 100"),
        ({"samples": True}, "samples: must be a whole number"),
        ({"seed": 1.5}, "seed: must be a whole number"),
        ({"reveal": "no"}, "reveal: must be true or false"),
        ({"visibility": "later"}, "visibility: must be one of visible, hidden"),
        ({"questions": []}, "questions: must be a list of 1 to 100 questions"),
        ({"questions": [{"wrt": "a"}]}, "questions.0.name: required"),
        ({"questions": [{"name": "x", "pts": 1}]}, "questions.0.pts: unknown key"),
        ({"questions": [{"name": "x", "points": -1}]}, "questions.0.points: must be a number"),
        ({"questions": [{"name": "x", "tags": "t"}]}, "questions.0.tags: must be a list"),
        ({"questions": [{"name": "x", "number": [1]}]}, "questions.0.number: must be text"),
        ({"questions": [{"name": "x", "atol": -1}]}, "questions.0.atol: must be a number"),
    ],
)
def test_a_bad_field_is_named(change: dict[str, Any], says: str) -> None:
    with pytest.raises(ValueError) as info:
        spec.problem({**GOOD, **change})
    assert says in str(info.value)


def test_params_override_the_values_they_name_and_nothing_else() -> None:
    read = spec.problem(GOOD, {"a": 5, "title": "x", "c": 1})
    assert read.values == {"a": 5.0, "b": 3.0}
    with pytest.raises(ValueError, match=r"params\.a: must be a number"):
        spec.problem(GOOD, {"a": "five"})


def test_question_fields_are_kept() -> None:
    q = {"name": "x", "wrt": "a", "number": 1.5, "tags": ["t"], "visibility": "hidden"}
    (question,) = spec.problem({**GOOD, "questions": [q]}).questions or []
    assert spec.meta(question, "e") == {
        "description": "∂e/∂a",
        "number": "1.5",
        "tags": ["t"],
        "visibility": "hidden",
    }
    assert (question.expect, question.rtol, question.points) == ("either", None, 1.0)


def test_submission_entries_without_a_name_are_reported() -> None:
    entries = spec.submission({"answers": [{"name": "x", "answer": 1}, 7, {"answer": 2}]})
    named, errors = spec.submitted(entries)
    assert [(s.name, s.answer) for s in named] == [("x", 1)]
    assert errors == [
        "answers.1: an entry must be an object with a 'name' (text)",
        "answers.2: an entry must be an object with a 'name' (text)",
    ]
    with pytest.raises(ValueError, match="at most 100 answers"):
        spec.submission([{}] * 101)
