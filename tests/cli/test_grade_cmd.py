"""`chainrule grade problem.json answers.json`: the API's JSON, offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.cli import main
from app.web.main import create_app

SEED = {"expression": "c = a + b\nd = b + 1\ne = c * d", "values": {"a": 2, "b": 1}, "seed": 3}
ANSWERS = [
    {"name": "de/dc", "wrt": "c", "answer": "2*b"},
    {"name": "de/db", "wrt": "b", "answer": "c + d", "points": 2},
    {"name": "de/da", "wrt": "a", "answer": 3},
]


def write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def grade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], problem: Any, answers: Any
) -> tuple[int, str, str]:
    status = main(
        ["grade", write(tmp_path, "problem.json", problem), write(tmp_path, "a.json", answers)]
    )
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("answers", [{"answers": ANSWERS}, ANSWERS])
def test_prints_what_the_api_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answers: Any
) -> None:
    status, out, err = grade(tmp_path, capsys, SEED, answers)
    assert (status, err) == (0, "")
    api = TestClient(create_app()).post("/api/grade", json={**SEED, "answers": ANSWERS})
    assert json.loads(out) == api.json()
    assert json.loads(out)["score"] == 2.0


def test_a_low_score_still_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = grade(tmp_path, capsys, SEED, [{"name": "x", "wrt": "b", "answer": 0}])
    assert status == 0 and json.loads(out)["score"] == 0


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ({**SEED, "expression": "c = a +"}, "1:8: expected an expression"),
        ({**SEED, "values": {"a": 2}}, "missing input value for b"),
        ({**SEED, "samples": 1000}, "samples: Input should be less than or equal to 100"),
        ({**SEED, "questions": [{"name": "x", "wrt": "q"}]}, "unknown node 'q' in 'wrt'"),
        ("{oops", "error: "),
    ],
)
def test_a_malformed_problem_exits_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], problem: Any, message: str
) -> None:
    status, out, err = grade(tmp_path, capsys, problem, ANSWERS)
    assert (status, out) == (2, "")
    assert message in err


def test_a_missing_problem_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grade", "/nonexistent/problem.json", "/nonexistent/a.json"]) == 2
    assert "No such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("answers", "says"),
    [
        ("[1,", "the submission cannot be read"),
        ({"answers": [{"name": "x"}]}, "0.answer: Field required"),
        ([{"name": "x", "wrt": "nope", "answer": 1}], "unknown node 'nope'"),
    ],
)
def test_an_unreadable_submission_is_graded_as_not_gradable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answers: Any, says: str
) -> None:
    status, out, _ = grade(tmp_path, capsys, SEED, answers)
    result = json.loads(out)
    assert status == 0
    assert (result["score"], result["gradable"], result["tests"]) == (0.0, False, [])
    assert says in result["output"]


def test_questions_in_the_problem_fix_what_is_asked_and_its_worth(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = {**SEED, "questions": [{"name": "de/db", "wrt": "b", "points": 2}, {"name": "e"}]}
    answers = [
        {"name": "de/db", "answer": 5, "wrt": "a", "points": 50},
        {"name": "zz", "answer": 1},
    ]
    status, out, _ = grade(tmp_path, capsys, problem, answers)
    result = json.loads(out)
    assert status == 0
    assert (result["score"], result["max_score"]) == (2.0, 3.0)
    assert [t["output"] for t in result["tests"]][1] == "no answer given"
    assert result["output"] == "ignored answers to questions not asked: zz"
