"""Grading: an answer may not name what it is asked about
(item 4), every JSON file a grader reads is bounded and any failure is a "could not grade"
result (item 5), and the visible count of correct answers leaves hidden questions out (8)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from chainrule.cli import main
from chainrule.grading import Answer, Grader, Options, Problem
from chainrule.grading.formats import gradescope
from tests.support.budget import default_budget

ROOT = Path(__file__).resolve().parents[2]
SEED = "c = a + b\nd = b + 1\ne = c * d"
VALUES = {"a": 2.0, "b": 1.0}
PROBLEM: dict[str, Any] = {
    "expression": SEED,
    "values": VALUES,
    "questions": [{"name": "de/dc", "wrt": "c"}, {"name": "e"}],
}


@pytest.mark.parametrize("reveal", [True, False])
@pytest.mark.parametrize("expect", ["either", "formula", "number"])
@pytest.mark.parametrize(
    ("of", "wrt", "answer", "named"),
    [
        ("e", None, "e", "e"),  # the node asked about, as is
        ("e", None, "e + 0*a", "e"),
        ("e", "c", "e/c", "e"),  # a derivative: the node differentiated
        ("c", None, "e/d", "e"),  # a node computed from the asked one
        ("c", "a", "e/d - c + 1", "e"),
    ],
)
def test_an_answer_that_uses_the_asked_node_or_what_it_feeds_is_refused(
    reveal: bool, expect: str, of: str, wrt: str | None, answer: str, named: str
) -> None:
    grader = Grader(Problem(SEED, VALUES, Options(reveal=reveal), budget=default_budget()))
    test = grader.grade([Answer("q", answer, of, wrt, expect=expect)])["tests"][0]  # type: ignore[arg-type]
    assert test["status"] == "failed", test
    assert test["score"] == 0
    assert f"may not use {named}" in test["output"]


def test_answers_in_terms_of_upstream_nodes_still_pass() -> None:
    grader = Grader(Problem(SEED, VALUES, budget=default_budget()))
    answers = [Answer("v", "c*d", "e"), Answer("g", "d", "e", "c"), Answer("h", "a + b", "c")]
    assert [t["status"] for t in grader.grade(answers)["tests"]] == ["passed"] * 3


def test_the_api_refuses_it_too() -> None:
    client = TestClient(create_app())
    body = {"expression": SEED, "values": VALUES, "answers": [{"name": "x", "answer": "e"}]}
    r = client.post("/api/grade", json=body)
    assert r.status_code == 200
    assert r.json()["score"] == 0
    assert "may not use e" in r.json()["tests"][0]["output"]


def nested(depth: int) -> str:
    return '{"answers": [{"name": "e", "answer": ' + "[" * depth + "]" * depth + "}]}"


@pytest.mark.parametrize("fmt", ["chainrule", "gradescope", "prairielearn"])
@pytest.mark.parametrize("which", ["answers", "problem", "params"])
def test_a_deeply_nested_file_is_a_could_not_grade_result_with_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, which: str
) -> None:
    files = {
        "problem": json.dumps(PROBLEM),
        "answers": json.dumps({"answers": [{"name": "e", "answer": 6}]}),
        "params": json.dumps({"params": {"a": 2}}),
    }
    files[which] = nested(50_000) if which != "params" else '{"params": ' + nested(50_000) + "}"
    for name, text in files.items():
        (tmp_path / f"{name}.json").write_text(text)
    out = tmp_path / "results" / "results.json"
    args = ["grade", "--format", fmt, "-o", str(out), "--params", str(tmp_path / "params.json")]
    status = main([*args, str(tmp_path / "problem.json"), str(tmp_path / "answers.json")])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "RecursionError" not in err
    written = json.loads(out.read_text())
    if which == "answers":  # the student's file: graded, as not gradable
        assert status == 0
        assert "nested more than 32 levels deep" in json.dumps(written)
    else:  # the instructor's files: the platform's "could not grade", exit status 2
        assert status == 2 and "nested more than 32 levels deep" in err
        assert written["score"] == 0 and written["tests"] == []
    if fmt != "gradescope":
        assert written["gradable"] is False


def test_an_unexpected_failure_still_writes_the_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "problem.json").write_text(json.dumps(PROBLEM))
    (tmp_path / "answers.json").write_text(json.dumps([{"name": "e", "answer": 6}]))

    def broken(*_: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("chainrule.cli.grade_cmd.render", broken)
    out = tmp_path / "out.json"
    args = ["grade", "--format", "prairielearn", "-o", str(out)]
    status = main([*args, str(tmp_path / "problem.json"), str(tmp_path / "answers.json")])
    assert status == 1
    assert "Traceback" not in capsys.readouterr().err
    assert json.loads(out.read_text())["gradable"] is False


def test_run_autograder_writes_results_even_when_chainrule_cannot_start(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "GRADESCOPE_SUBMISSION_DIR": str(ROOT / "examples/gradescope/submission"),
        "GRADESCOPE_RESULTS_DIR": str(tmp_path / "results"),
        "CHAINRULE": str(tmp_path / "no-such-chainrule"),
    }
    script = ROOT / "examples/gradescope/run_autograder"
    done = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    written = json.loads((tmp_path / "results" / "results.json").read_text())
    assert written["score"] == 0 and "could not grade" in written["output"]


def test_the_visible_count_leaves_hidden_questions_out() -> None:
    result = {
        "score": 1.0,
        "max_score": 3.0,
        "gradable": True,
        "tests": [
            {"name": n, "score": s, "max_score": 1.0, "status": st, "output": "", "gradable": True}
            for n, s, st in [("a", 1.0, "passed"), ("b", 0.0, "failed"), ("h", 1.0, "passed")]
        ],
    }
    meta = [{}, {}, {"visibility": "hidden"}]
    assert "1 of 2 answers correct" in gradescope(result, meta)["output"]
    assert (
        "1 of 2 answers correct"
        in gradescope(result, [{}, {}, {"visibility": "after_due_date"}])["output"]
    )
    assert "2 of 3 answers correct" in gradescope(result, [{}, {}, {}])["output"]
