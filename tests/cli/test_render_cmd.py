"""`chainrule render`: the graph as SVG, PNG, DOT or JSON, to a file or standard output."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from chainrule.cli import main
from tests.support.script import chainrule

SVG = "{http://www.w3.org/2000/svg}"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def drawn_texts(svg: str) -> list[str]:
    """Every drawn text, and every two neighbours joined ("value" and "6": "value 6")."""
    texts = ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]
    return texts + [f"{a} {b}" for a, b in itertools.pairwise(texts)]


@pytest.mark.graphviz
def test_svg_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "graph.svg"
    status, out, err = run(["render", "(a+b)*(b+1)", "a=2", "b=1", "-o", str(target)], capsys)
    assert (status, out, err) == (0, "", "")
    texts = drawn_texts(target.read_text(encoding="utf-8"))
    for word in ("a", "b", "output", "6 1", "2 2", "1 5", "+", "×"):  # value over gradient
        assert word in texts


@pytest.mark.graphviz
def test_svg_to_standard_output_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["render", "x*x*x + x + x", "x=4"], capsys)
    assert status == 0
    assert "4 50" in drawn_texts(out) and "72 1" in drawn_texts(out)  # x; the output


def test_dot_with_options(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["render", "c = a / b; e = c * c", "a=1", "b=3", "--format", "dot", "-o", "-"]
    status, out, _ = run([*argv, "--rankdir", "TB", "--local-grads", "--precision", "6"], capsys)
    assert status == 0 and out.startswith("digraph chainrule {")
    assert "rankdir=TB" in out and "∂e/∂c =" in out and ">0.333333<" in out


def test_json_graph(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["render", "sqrt(x)", "x=0", "--format", "json"], capsys)
    data = json.loads(out)
    assert status == 0
    assert [(n["name"], n["grad"]) for n in data["nodes"]] == [("x", "inf"), ("output", 1.0)]
    assert data["edges"] == [{"source": "n0", "target": "n1", "local_grad": "inf", "kind": "input"}]


@pytest.mark.graphviz
def test_format_follows_the_file_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png, dot = tmp_path / "g.png", tmp_path / "g.gv"
    assert run(["render", "exp(x)", "x=0", "-o", str(png)], capsys)[0] == 0
    assert run(["render", "exp(x)", "x=0", "-o", str(dot)], capsys)[0] == 0
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert dot.read_text(encoding="utf-8").startswith("digraph chainrule {")


def test_expand_draws_function_bodies(capsys: pytest.CaptureFixture[str]) -> None:
    program = "def P3(x) = 0.5 * (5*x^3 - 3*x)\nP3(a)"
    _, collapsed, _ = run(["render", program, "a=2", "--format", "dot"], capsys)
    _, expanded, _ = run(["render", program, "a=2", "--format", "dot", "--expand"], capsys)
    assert "subgraph cluster_n" not in collapsed and "subgraph cluster_n" in expanded


@pytest.mark.parametrize(
    ("argv", "stderr"),
    [
        (["render", "(a+b", "a=1", "b=2"], "1:5: '(' at column 1 is never closed"),
        (["render", "a*b", "a=1"], "error: missing input value for b"),
        (["render", "a", "a=1", "--precision", "0"], "error: --precision must be between 1"),
        (
            ["render", "a*b+a", "a=1", "b=2", "--max-nodes", "3"],  # 4 values, 2 ops
            "error: the graph has 6 nodes; drawing is limited to 3 (values and gradients",
        ),
    ],
)
def test_input_errors_exit_with_status_2(
    argv: list[str], stderr: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(argv, capsys)
    assert (status, out) == (2, "") and err.startswith(stderr)


def test_help_lists_render() -> None:
    result = chainrule("--help")
    assert "render" in result.stdout
    result = chainrule("render", "--help")
    for words in ("--format", "--rankdir", "--local-grads", "--precision", "--expand", "-o FILE"):
        assert words in result.stdout
