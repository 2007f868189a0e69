"""examples/gradescope: run_autograder writes the expected results.json without a server.

These run the script where it sits, with `chainrule` from this checkout; the zip built by
make_zip.sh, installed by setup.sh and run as Gradescope lays it out, is
tests/deploy/test_autograders.py (Docker).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.grading.results_specs import gradescope_errors

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "gradescope"


def chainrule_command(tmp_path: Path) -> str:
    """A `chainrule` for this interpreter, whether or not the console script is on PATH."""
    wrapper = tmp_path / "chainrule"
    wrapper.write_text(
        f'#!/bin/sh\ncd "{ROOT}" && exec "{sys.executable}" -c '
        '"import sys; from chainrule.cli import main; sys.exit(main())" "$@"\n'
    )
    wrapper.chmod(0o755)
    return str(wrapper)


def run_autograder(
    tmp_path: Path, submission: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    results = tmp_path / "results"
    environ = {
        **os.environ,
        "GRADESCOPE_SUBMISSION_DIR": str(submission),
        "GRADESCOPE_RESULTS_DIR": str(results),
        "CHAINRULE": chainrule_command(tmp_path),
        **env,
    }
    return subprocess.run(
        [str(EXAMPLE / "run_autograder")], env=environ, capture_output=True, text=True, timeout=60
    )


def test_the_sample_submission_gives_the_expected_results(tmp_path: Path) -> None:
    done = run_autograder(tmp_path, EXAMPLE / "submission")
    assert done.returncode == 0, done.stderr
    written = json.loads((tmp_path / "results" / "results.json").read_text())
    assert written == json.loads((EXAMPLE / "results.json").read_text())
    assert gradescope_errors(written) == []
    assert (written["score"], written["extra_data"]["max_score"]) == (4.0, 9.5)
    scores = [t["score"] for t in written["tests"]]
    assert scores == [0.0, 2.0, 0.0, 1.0, 1.0, 0.0, 0.0]  # 2.0001 passes: rtol 1e-3


def test_a_submission_that_is_not_json_is_graded_as_not_gradable(tmp_path: Path) -> None:
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "answers.json").write_text("{not json")
    done = run_autograder(tmp_path, submission)
    assert done.returncode == 0, done.stderr
    written = json.loads((tmp_path / "results" / "results.json").read_text())
    assert gradescope_errors(written) == []
    assert (written["score"], written["extra_data"]) == (0.0, {"max_score": 9.5, "gradable": False})
    assert "the submission cannot be read" in written["output"]
    assert [t["max_score"] for t in written["tests"]] == [2, 2, 2, 1, 1, 1, 0.5]


def test_a_single_json_file_of_another_name_is_the_submission(tmp_path: Path) -> None:
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "my answers.json").write_text('{"answers": [{"name": "e", "answer": 6}]}')
    done = run_autograder(tmp_path, submission)
    assert done.returncode == 0, done.stderr
    written = json.loads((tmp_path / "results" / "results.json").read_text())
    assert written["score"] == 0.5


def test_a_malformed_problem_fails_the_autograder_visibly(tmp_path: Path) -> None:
    # As the README says: no results.json, so Gradescope shows the autograder as failed
    # instead of giving every student 0.
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps({"expression": "e = c *", "values": {}}))
    done = run_autograder(tmp_path, EXAMPLE / "submission", CHAINRULE_PROBLEM=str(problem))
    assert done.returncode == 2
    assert "1:8: expected an expression" in done.stderr
    assert "is malformed" in done.stderr
    assert not (tmp_path / "results" / "results.json").exists()


def test_two_json_files_are_a_message_for_the_student(tmp_path: Path) -> None:
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "a.json").write_text('{"answers": []}')
    (submission / "b.json").write_text('{"answers": []}')
    done = run_autograder(tmp_path, submission)
    assert done.returncode == 0, done.stderr
    written = json.loads((tmp_path / "results" / "results.json").read_text())
    assert gradescope_errors(written) == []
    assert "2 .json files were submitted (a.json, b.json)" in written["output"]
    assert "Errno" not in written["output"]
    assert written["extra_data"]["gradable"] is False


def test_a_lone_surrogate_fails_that_answer_and_the_rest_are_scored(tmp_path: Path) -> None:
    submission = tmp_path / "submission"
    submission.mkdir()
    entries = [{"name": "e", "answer": 6}, {"name": "de/dc (formula)", "answer": "d #\ud800"}]
    answers = json.dumps({"answers": entries})  # d is right, but for the half character
    (submission / "answers.json").write_text(answers)
    done = run_autograder(tmp_path, submission)
    assert done.returncode == 0, done.stderr
    written = json.loads((tmp_path / "results" / "results.json").read_text())
    assert gradescope_errors(written) == []
    by_name = {t["name"]: t for t in written["tests"]}
    assert written["score"] == 0.5  # e is right
    assert by_name["e"]["score"] == 0.5
    assert by_name["de/dc (formula)"]["score"] == 0
    assert "lone surrogate" in by_name["de/dc (formula)"]["output"]
