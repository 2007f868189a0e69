"""examples/gradescope: run_autograder writes the expected results.json without a server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gradescope"


def chainrule_command(tmp_path: Path) -> str:
    """A `chainrule` for this interpreter, whether or not the console script is on PATH."""
    wrapper = tmp_path / "chainrule"
    wrapper.write_text(
        f'#!/bin/sh\ncd "{ROOT}" && exec "{sys.executable}" -c '
        '"import sys; from app.cli import main; sys.exit(main())" "$@"\n'
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
    assert (written["score"], written["max_score"]) == (4.0, 9.5)


def test_a_submission_that_is_not_json_is_graded_as_not_gradable(tmp_path: Path) -> None:
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "answers.json").write_text("{not json")
    done = run_autograder(tmp_path, submission)
    assert done.returncode == 0, done.stderr
    written = json.loads((tmp_path / "results" / "results.json").read_text())
    assert (written["score"], written["max_score"], written["gradable"]) == (0.0, 9.5, False)
    assert written["output"].startswith("the submission cannot be read")


def test_a_malformed_problem_fails_the_autograder(tmp_path: Path) -> None:
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps({"expression": "e = c *", "values": {}}))
    done = run_autograder(tmp_path, EXAMPLE / "submission", CHAINRULE_PROBLEM=str(problem))
    assert done.returncode == 2
    assert "1:8: expected an expression" in done.stderr
    assert not (tmp_path / "results" / "results.json").exists()
