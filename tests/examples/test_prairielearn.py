"""examples/prairielearn: grade.sh grades /grade/student against /grade/tests with params.

Run here with `chainrule` from this checkout and PL_GRADE_DIR for /grade; the real layout,
the wheel on PYTHONPATH and a clean container are tests/deploy/test_autograders.py.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.examples.test_gradescope import chainrule_command
from tests.grading.results_specs import prairielearn_errors

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "prairielearn"
QUESTION = EXAMPLE / "questions" / "chainruleSeed"
GRADE = EXAMPLE / "serverFilesCourse" / "chainrule" / "grade.sh"


def run_grader(tmp_path: Path, answers: Any, params: dict[str, Any]) -> dict[str, Any]:
    root = tmp_path / "grade"
    for folder in ("student", "tests", "data"):
        (root / folder).mkdir(parents=True)
    (root / "tests" / "problem.json").write_text((QUESTION / "tests" / "problem.json").read_text())
    (root / "data" / "data.json").write_text(json.dumps({"params": params}))
    text = answers if isinstance(answers, str) else json.dumps({"answers": answers})
    (root / "student" / "answers.json").write_text(text)
    env = {**os.environ, "PL_GRADE_DIR": str(root), "CHAINRULE": chainrule_command(tmp_path)}
    done = subprocess.run([str(GRADE)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads((root / "results" / "results.json").read_text())
    assert prairielearn_errors(result) == []
    return result


def test_each_student_is_graded_on_their_own_params(tmp_path: Path) -> None:
    # a = 3, b = 2: c = 5, d = 3, e = 15; ∂e/∂b = c + d = 8; ∂e/∂a = d = 3.
    answers = [
        {"name": "de/dc (formula)", "answer": "d"},
        {"name": "de/db", "answer": "8"},
        {"name": "de/da", "answer": 2},  # right at the problem's default values only
        {"name": "e", "answer": 15},
    ]
    result = run_grader(tmp_path, answers, {"a": 3, "b": 2})
    points = {t["name"]: t["points"] for t in result["tests"]}
    assert points == {
        "de/dc (formula)": 2.0,
        "de/dd (formula)": 0.0,
        "de/db (formula)": 0.0,
        "dc/da": 0.0,
        "de/da": 0.0,
        "de/db": 1.0,
        "e": 0.5,
    }
    assert result["gradable"] is True
    assert result["score"] == pytest.approx(3.5 / 9.5)


def test_an_unreadable_submission_is_not_gradable(tmp_path: Path) -> None:
    result = run_grader(tmp_path, "{not json", {"a": 3, "b": 2})
    assert (result["gradable"], result["score"]) == (False, 0.0)


def test_a_malformed_problem_leaves_a_not_gradable_result_for_staff(tmp_path: Path) -> None:
    result = run_grader(tmp_path, [], {"a": "three", "b": 2})
    assert result["gradable"] is False
    assert "tell course staff" in result["message"]


def test_the_question_declares_external_grading_with_the_entrypoint() -> None:
    info = json.loads((QUESTION / "info.json").read_text())
    options = info["externalGradingOptions"]
    assert info["gradingMethod"] == "External" and options["enabled"] is True
    assert options["entrypoint"] == "/grade/serverFilesCourse/chainrule/grade.sh"
    assert options["serverFilesCourse"] == ["chainrule/"]
    html = (QUESTION / "question.html").read_text()
    assert 'file-name="answers.json"' in html and "<pl-external-grader-results>" in html
    names = [
        q["name"]
        for q in json.loads((QUESTION / "tests" / "problem.json").read_text())["questions"]
    ]
    assert all(f'"name": "{n}"' in html for n in names)


@pytest.mark.parametrize(
    "script",
    [
        "build-wheel.sh",
        "gradescope/setup.sh",
        "gradescope/run_autograder",
        "gradescope/make_zip.sh",
        "prairielearn/install.sh",
        "prairielearn/serverFilesCourse/chainrule/grade.sh",
    ],
)
def test_the_autograder_scripts_are_shellcheck_clean(script: str) -> None:
    from tests.deploy.conftest import find_tool

    shellcheck = find_tool("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    path = ROOT / "examples" / script
    assert os.access(path, os.X_OK), f"{script} is not executable"
    done = subprocess.run([shellcheck, str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout
