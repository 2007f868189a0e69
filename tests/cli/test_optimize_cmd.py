"""`chainrule optimize`: the history table, JSON, and input errors with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.config import get_settings
from chainrule.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def points(tmp_path: Path) -> str:
    path = tmp_path / "points.csv"
    path.write_text("x,y,z\n1,2,0\n2,4,0\n3,6,0\n", encoding="utf-8")
    return str(path)


def test_fits_csv_data_and_prints_history(points: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["optimize", "(w*x - y)^2", "w=0", "--data", points, "--lr", "0.05", "--steps", "100"]
    status, out, err = run([*argv, "--record-every", "50"], capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["step", "loss", "w"]
    assert [ln.split()[0] for ln in lines[1:4]] == ["0", "50", "100"]
    assert lines[-1].startswith("w = 2.0") or lines[-1].startswith("w = 1.99999")
    assert "loss = " in out and "(mean over 3 rows)" in out
    assert err == "warning: column 'z' is not used by the program\n"


def test_builtin_dataset_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["optimize", "--dataset", "noisy-line", "--json"], capsys)
    assert status == 0
    result = json.loads(out)
    assert result["params"]["w"] == pytest.approx(6.984187629858922, rel=1e-12)
    assert result["graph"]["nodes"][-1]["label"] == "mean over 100 rows"


def test_divergence_exits_1_with_the_message(
    points: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(["optimize", "(w*x - y)^2", "w=0", "--data", points, "--lr", "5"], capsys)
    assert status == 1 and "diverged" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["(w*x - q)^2", "w=0"], "not a parameter (NAME=VALUE) nor a data column: q"),
        (["(w*x - y)^2", "w=0", "--lr", "-1"], "lr must be a positive finite number"),
        (["(w*x - ", "w=0"], "1:8:"),
        ([], "give a program"),
    ],
)
def test_input_errors_exit_2(
    argv: list[str], message: str, points: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(["optimize", *argv, "--data", points], capsys)
    assert status == 2 and message in err


def test_the_run_has_the_budget_of_the_settings(
    points: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHAINRULE_BUDGET_TAPE_WORK", "1000")
    get_settings.cache_clear()
    try:
        status, _, err = run(["optimize", "(w*x - y)^2", "w=0", "--data", points], capsys)
    finally:
        get_settings.cache_clear()
    assert status == 2
    assert "over the tape_work budget" in err and "CHAINRULE_BUDGET_TAPE_WORK" in err


def test_a_program_with_an_assignment_is_read_as_the_program(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 'e = w*x - y; e*e' contains '=' but is not NAME=NUMBER: it is the program, as in eval.
    data = tmp_path / "points.csv"
    data.write_text("x,y\n1,2\n2,4\n")
    status = main(["optimize", "e = w*x - y; e*e", "w=0", "--data", str(data), "--steps", "5"])
    assert status == 0, capsys.readouterr().err


def test_a_reader_that_leaves_early_ends_the_run_without_a_traceback() -> None:
    """`chainrule optimize ... | head -1`: the pipe closes while 3,000 rows (~240 KB, more
    than a pipe holds) are still to write; the command exits 141 quietly."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "chainrule.cli", "optimize", "--dataset", "sin"]
    command += ["--optimizer", "adam", "--steps", "3000", "--record-every", "1", "--lr", "0.01"]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run.stdout is not None and run.stderr is not None
    first = run.stdout.readline()
    run.stdout.close()  # the reader leaves after one line
    err = run.stderr.read().decode()
    assert run.wait(timeout=60) == 141
    assert b"loss" in first and "Traceback" not in err and "BrokenPipe" not in err
