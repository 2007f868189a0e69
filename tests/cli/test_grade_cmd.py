"""`chainrule grade problem.json answers.json`: the API's JSON, offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from chainrule.cli import main
from tests.grading.results_specs import gradescope_errors, prairielearn_errors

ROOT = Path(__file__).resolve().parents[2]
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
        ({**SEED, "samples": 1000}, "samples: must be a whole number from 0 to 100"),
        ({**SEED, "questions": [{"name": "x", "wrt": "q"}]}, "unknown node 'q' in 'wrt'"),
        ({**SEED, "questions": [{"name": "x", "expect": "words"}]}, "questions.0.expect: must"),
        ({**SEED, "values": {"a": 10**400, "b": 1}}, "values.a is too large: about 10^400"),
        ({**SEED, "rtol": 10**400}, "rtol is too large"),
        ({**SEED, "extra": 1}, "extra: unknown key"),
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
        ({"answers": "everything"}, '{"answers": [{"name": ..., "answer": ...}, ...]}'),
        ([{"name": "x", "wrt": "nope", "answer": 1}], "unknown node 'nope'"),
        ([{"name": "x", "wrt": "b", "answer": 1, "points": -1}], "answers.0.points: must be"),
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


QUESTIONS = {
    **SEED,
    "questions": [
        {"name": "de/dc", "wrt": "c", "points": 2, "expect": "formula", "number": "1.1"},
        {"name": "de/db", "wrt": "b", "expect": "number", "visibility": "after_due_date"},
        {"name": "de/da", "wrt": "a", "tags": ["numbers"]},
        {"name": "e"},
    ],
}


def graded(tmp_path: Path, capsys: pytest.CaptureFixture[str], answers: Any, *args: str) -> Any:
    problem = write(tmp_path, "problem.json", QUESTIONS)
    status = main(["grade", *args, problem, write(tmp_path, "a.json", answers)])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    return json.loads(out)


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (True, "the answer is true/false, not a number or a formula"),
        ([1, 2], "the answer is a list, not a number or a formula"),
        ({"x": 1}, "the answer is an object, not a number or a formula"),
        (10**400, "the answer is too large: about 10^400"),
        ("1e999", "the answer must be a finite number"),
    ],
)
def test_a_malformed_answer_fails_its_own_question_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answer: Any, says: str
) -> None:
    answers = [{"name": "de/da", "answer": answer}, {"name": "de/db", "answer": 5}]
    result = graded(tmp_path, capsys, answers)
    tests = {t["name"]: t for t in result["tests"]}
    assert says in tests["de/da"]["output"]
    assert (tests["de/da"]["status"], tests["de/da"]["gradable"]) == ("failed", False)
    assert tests["de/db"]["status"] == "passed"
    assert result["score"] == 1.0


def test_an_entry_without_a_name_is_reported_and_the_rest_graded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = [{"answer": 3}, "5", {"name": "de/db", "answer": " 5.0 "}]
    result = graded(tmp_path, capsys, answers, "--format", "prairielearn")
    assert result["gradable"] is True
    assert result["score"] == pytest.approx(1 / 5)
    assert result["format_errors"][:2] == [
        "answers.0: an entry must be an object with a 'name' (text)",
        "answers.1: an entry must be an object with a 'name' (text)",
    ]


@pytest.mark.parametrize(
    ("expect_formula_answer", "status"), [("d", "passed"), ("2", "failed"), (2, "failed")]
)
def test_expect_formula_checks_a_number_as_a_constant_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], expect_formula_answer: Any, status: str
) -> None:
    # ∂e/∂c = d = 2 at the given values, but d is not constant: 2 is right only there.
    result = graded(tmp_path, capsys, [{"name": "de/dc", "answer": expect_formula_answer}])
    assert result["tests"][0]["status"] == status


@pytest.mark.parametrize(
    ("answer", "status", "says"),
    [
        ("5", "passed", "correct"),
        ("10/2", "passed", "correct"),
        ("c + d", "failed", "asks for the number ∂e/∂b at the given values"),
    ],
)
def test_expect_number_reads_constants_and_refuses_formulas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answer: str, status: str, says: str
) -> None:
    result = graded(tmp_path, capsys, [{"name": "de/db", "answer": answer}])
    assert (result["tests"][1]["status"], says in result["tests"][1]["output"]) == (status, True)


def test_gradescope_format_keeps_to_its_keys_and_passes_the_question_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = [{"name": "de/dc", "answer": "<b>d</b>"}, {"name": "de/db", "answer": 5}]
    result = graded(tmp_path, capsys, answers, "--format", "gradescope")
    assert gradescope_errors(result) == []
    assert set(result) == {"score", "output", "output_format", "tests", "extra_data"}
    assert result["output_format"] == "text" and result["score"] == 1.0
    assert result["extra_data"] == {"max_score": 5.0, "gradable": False}
    first, second, third, _ = result["tests"]
    assert first["number"] == "1.1" and first["output_format"] == "text"
    assert "<b>d</b>" in first["output"]  # shown as text: output_format says so
    assert second["visibility"] == "after_due_date" and third["tags"] == ["numbers"]


def test_prairielearn_format_scores_a_fraction(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = [{"name": "de/dc", "answer": "c + (d"}, {"name": "de/db", "answer": 5}]
    result = graded(tmp_path, capsys, answers, "--format", "prairielearn")
    assert prairielearn_errors(result) == []
    assert (result["gradable"], result["score"]) == (True, 0.2)
    first = result["tests"][0]
    assert (first["points"], first["max_points"], first["description"]) == (0.0, 2.0, "∂e/∂c")
    assert first["message"] == "the answer for ∂e/∂c is not a formula chainrule can read:"
    assert first["output"].endswith("c + (d\n      ^")
    assert result["format_errors"] == [f"de/dc: {first['message']}"]


def test_prairielearn_params_override_the_values_and_output_makes_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write(tmp_path, "data.json", {"params": {"a": 5, "b": 2, "title": "x"}})
    out = tmp_path / "results" / "results.json"
    # at a = 5, b = 2: ∂e/∂b = c + d = 7 + 3 = 10, ∂e/∂a = d = 3.
    answers = [{"name": "de/db", "answer": 10}, {"name": "de/da", "answer": 3}]
    status = main(
        [
            "grade",
            "--format",
            "prairielearn",
            "--params",
            data,
            "-o",
            str(out),
            write(tmp_path, "problem.json", QUESTIONS),
            write(tmp_path, "a.json", answers),
        ]
    )
    assert (status, capsys.readouterr().out) == (0, "")
    assert json.loads(out.read_text())["score"] == pytest.approx(2 / 5)


def test_an_unreadable_submission_on_prairielearn_is_not_gradable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = graded(tmp_path, capsys, "{oops", "--format", "prairielearn")
    assert prairielearn_errors(result) == []
    assert (result["gradable"], result["score"]) == (False, 0.0)
    assert result["format_errors"][0].startswith("the submission cannot be read")
    assert [t["points"] for t in result["tests"]] == [0.0] * 4


def test_grade_imports_neither_the_web_stack_nor_numpy(tmp_path: Path) -> None:
    problem = write(tmp_path, "problem.json", QUESTIONS)
    answers = write(tmp_path, "a.json", [{"name": "e", "answer": 6}])
    code = (
        "import sys; from chainrule.cli import main; main(['grade', sys.argv[1], sys.argv[2]]); "
        "heavy = {'fastapi', 'starlette', 'pydantic', 'numpy', 'graphviz', 'jinja2', 'uvicorn'}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in heavy "
        "or m.startswith(('app', 'chainrule.train', 'chainrule.render'))); print(bad)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, problem, answers],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


def test_a_problem_over_the_work_budget_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.hardening.test_grading_budget import big_program

    questions = [{"name": f"q{i}", "of": f"n{i}", "wrt": "a"} for i in range(100)]
    problem = {"expression": big_program(), "values": {"a": 0.5, "b": 1}, "questions": questions}
    status, out, err = grade(tmp_path, capsys, problem, [])
    assert (status, out) == (2, "")
    assert "over the nodes budget" in err and "CHAINRULE_BUDGET_NODES" in err
