"""`chainrule eval`: what a user sees on stdout and stderr, and the exit status."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from chainrule.cli import main
from tests.support.script import chainrule


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_prints_value_and_gradients(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["eval", "(a+b)*(b+1)", "a=2", "b=1"], capsys)
    assert status == 0
    assert out.splitlines() == ["output = 6", "doutput/da = 2", "doutput/db = 5"]


def test_named_nodes_are_listed_too(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["eval", "c = a + b; d = b + 1; e = c * d", "a=2", "b=1"], capsys)
    assert out.splitlines() == ["e = 6", "de/da = 2", "de/db = 5", "de/dc = 2", "de/dd = 3"]


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["eval", "--json", "x*x*x + x + x", "x=4"], capsys)
    assert json.loads(out) == {
        "output": "output",
        "value": 72.0,
        "gradients": {"x": 50.0},
        "named_gradients": {},
    }


def test_expression_starting_with_minus_after_double_dash(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(["eval", "--json", "--", "-x^2", "x=3"], capsys)
    assert json.loads(out)["value"] == -9.0


def test_program_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("c = a + b\nd = b + 1\ne = c * d\n"))
    _, out, _ = run(["eval", "-f", "-", "a=2", "b=1"], capsys)
    assert out.startswith("e = 6\n")


def test_program_from_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.txt"
    path.write_text("relu(x)")
    _, out, _ = run(["eval", "-f", str(path), "x=-10"], capsys)
    assert out.splitlines() == ["output = 0", "doutput/dx = 0"]


@pytest.mark.parametrize(
    ("argv", "stderr"),
    [
        (
            ["eval", "(a+b", "a=1", "b=2"],
            "1:5: '(' at column 1 is never closed: expected ')' before end of input\n(a+b\n    ^\n",
        ),
        (["eval", "a*b"], "error: missing input values for a, b\n"),
        (["eval", "log(a)", "a=-1"], "1:1: log(-1.0): operand must be > 0\nlog(a)\n^^^^^^\n"),
        (
            ["eval", "a", "a=x"],
            "error: value of a must be a finite number, written like 2, -0.5 or 1e-3, got 'x'\n",
        ),
        (
            ["eval", "a", "a=inf"],
            "error: value of a must be a finite number, written like 2, -0.5 or 1e-3, got 'inf'\n",
        ),
        (
            ["eval", "a", "a=1_000"],
            "error: value of a must be a finite number, written like 2, -0.5 or 1e-3, "
            "got '1_000'\n",
        ),
        (
            ["eval", "a", "a=1e-400"],
            "error: value of a is too small for a float: it would be 0 "
            "(the smallest is about 5e-324), got '1e-400'\n",
        ),
        (["eval", "a=1"], "error: give a program: an EXPR argument or -f FILE\n"),
        (
            ["eval", "-f", "/nonexistent/file"],
            "error: [Errno 2] No such file or directory: '/nonexistent/file'\n",
        ),
    ],
)
def test_input_errors_go_to_stderr_with_status_2(
    argv: list[str], stderr: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(argv, capsys)
    assert (status, out, err) == (2, "", stderr)


def test_unused_values_are_warned_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["eval", "a", "a=1", "b=2"], capsys)
    assert status == 0
    assert err == "warning: value given for 'b', which the program does not use\n"


def test_console_script_and_help() -> None:
    result = chainrule("eval", "--help")
    for words in ("-f FILE", "NAME=VALUE", "--json", "chainrule eval -- '-x^2' x=3"):
        assert words in result.stdout
    top = chainrule("--help")
    for command in ("eval", "render", "grade", "optimize"):
        assert command in top.stdout
