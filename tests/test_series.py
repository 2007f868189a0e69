"""Series: three or more lines (or calls) of one shape in a row are one box that says how
many it holds, owns all their nodes and sums its inputs' contributions; what moves with
the lines is written as an index."""

from __future__ import annotations

import re

import pytest

from chainrule.build import evaluate
from chainrule.graph import export_graph
from chainrule.hierarchy import build_units
from chainrule.series import block_formula, fold_series, series_formula
from tests.browser.programs import long_program, neurons, rnn
from tests.support.budget import default_budget

CONV = (
    "\n".join(f"y{i} = relu(k1*x{i} + k2*x{i + 1} + k3*x{i + 2} + c)" for i in range(1, 7))
    + "\nloss = y1 + y2 + y3 + y4 + y5 + y6"
)
CHAIN60 = "\n".join(["t0 = x"] + [f"t{k} = t{k - 1} * 0.999 + 0.01" for k in range(1, 60)])


@pytest.mark.parametrize(
    ("program", "series"),
    [
        # a convolution's six positions: one series, the sum of them its own line
        (CONV, [("y1 … y6", 6)]),
        # a 60-line chain: the first line renames x, the other 59 are one shape
        (CHAIN60, [("t1 … t59", 59)]),
        # an RNN's steps after the first (which has no w*h term)
        (rnn(24)[0], [("h1 … h23", 23)]),
        # two lines of one shape are not a series; neither are lines of different shapes
        ("a1 = exp(x)\na2 = exp(y)\nz = a1 * a2", []),
        ("a1 = exp(x)\na2 = log(y)\na3 = exp(z)\nw = a1 + a2 + a3", []),
        # one constant different: another formula
        ("a1 = x * 2\na2 = a1 * 2\na3 = a2 * 3\na4 = a3 * 3", []),
        # blocks of lines that repeat: gradient descent written out (g, then w), 29 steps
        (long_program(60), [("g0 … w29", 29)]),
        # a block of two lines twice is not a series; nor are two interleaved lines alone
        ("g0 = w0*x\nw1 = w0 - g0\ng1 = w1*x\nw2 = w1 - g1\nloss = w2", []),
        # calls of one function count as lines of one shape
        (
            neurons()[0]
            .replace("out = neuron(h1, h2, v1, v2, c)", "h3 = neuron(x1, x2, v1, v2, c)")
            .replace("loss = (out - t)^2", "loss = h1 + h2 + h3"),
            [("h1 … h3", 3)],
        ),
    ],
)
def test_lines_of_one_shape_in_a_row_fold_into_a_series(
    program: str, series: list[tuple[str, int]]
) -> None:
    words = set(re.findall(r"[A-Za-z_]\w*", program)) - {"relu", "exp", "log", "tanh", "def"}
    values = dict.fromkeys(words, 0.3)  # names the program assigns are warned about only
    graph = export_graph(evaluate(program, values, budget=default_budget(), warn=False))
    folded = fold_series(graph, build_units(graph))
    assert [(u.name, u.count) for u in folded.units if u.count > 1] == series


def test_a_series_keeps_every_node_and_its_inputs_get_the_summed_contributions() -> None:
    graph = export_graph(
        evaluate(
            CONV,
            dict.fromkeys(["k1", "k2", "k3", "c"] + [f"x{i}" for i in range(1, 9)], 0.5),
            budget=default_budget(),
        )
    )
    units = build_units(graph)
    folded = fold_series(graph, units)
    box = next(u for u in folded.units if u.count == 6)
    members = {m for u in units.units if u.id in box.series for m in u.members}
    assert set(box.members) == members  # nothing of the graph is lost: one box owns it all
    assert all(folded.owner[m] == box.id for m in members)
    k1 = next(n for n in graph.nodes if n.name == "k1")
    into = [(s, t, d) for s, t, d in folded.edges if s == k1.id]
    assert [t for _, t, _ in into] == [box.id]  # a shared input: one edge to the series
    assert box.id not in {n.id for n in graph.nodes} and box.node == box.series[-1]
    grad_box = next(n for n in graph.nodes if n.id == box.node).grad or 0.0  # its last line's
    assert into[0][2] * grad_box == pytest.approx(k1.grad)  # grad(box) x local = all it gets
    assert fold_series(graph, units, {box.id}).units == units.units  # asked open: its lines


@pytest.mark.parametrize(
    ("names", "formulas", "series"),
    [
        (["h1", "h2"], ["tanh(w*h0 + u*x1)", "tanh(w*h1 + u*x2)"], "tanh(w*h[i-1] + u*x[i])"),
        (
            ["y1", "y2"],
            ["relu(k1*x1 + k2*x2 + k3*x3 + c)", "relu(k1*x2 + k2*x3 + k3*x4 + c)"],
            "relu(k1*x[i] + k2*x[i+1] + k3*x[i+2] + c)",
        ),
        (["t1", "t2"], ["t0 * 0.999 + 0.01", "t1 * 0.999 + 0.01"], "t[i-1] * 0.999 + 0.01"),
        (["a", "b"], ["x + 1", "y + 1"], "x + 1"),  # names without an index: the first line
        (["p2", "p4"], ["q1 * 2", "q3 * 2"], "q[i-1] * 2"),  # every other line
    ],
)
def test_a_series_writes_what_moves_with_its_lines_as_an_index(
    names: list[str], formulas: list[str], series: str
) -> None:
    assert series_formula(names, formulas) == series


def test_a_series_box_says_its_lines_and_their_formula() -> None:
    graph = export_graph(
        evaluate(
            CONV,
            dict.fromkeys(["k1", "k2", "k3", "c"] + [f"x{i}" for i in range(1, 9)], 0.5),
            budget=default_budget(),
        )
    )
    box = next(u for u in fold_series(graph, build_units(graph)).units if u.count > 1)
    assert (box.name, box.formula) == ("y1 … y6", "relu(k1*x[i] + k2*x[i+1] + k3*x[i+2] + c) ×6")


def test_a_series_of_blocks_writes_each_line_of_a_block_with_its_index() -> None:
    names = ["g0", "w1", "g1", "w2"]
    formulas = ["2 * (w0 * x - y) * x", "w0 - lr * g0", "2 * (w1 * x - y) * x", "w1 - lr * g1"]
    assert block_formula(names, formulas, 2) == (
        "g[i] = 2 * (w[i] * x - y) * x; w[i+1] = w[i] - lr * g[i]"
    )
    program = long_program(60)
    graph = export_graph(evaluate(program, {"w": 0.5, "x": 2.0, "y": 3.0}, budget=default_budget()))
    units = build_units(graph)
    box = next(u for u in fold_series(graph, units).units if u.count > 1)
    assert box.heading.startswith(": g[i] = 2 * (w[i] * x - y) * x; w[i+1] =")  # not "= g[i] ="
    assert box.formula.endswith("×29") and len(box.series) == 58  # 29 steps of two lines
    w29 = next(n for n in graph.nodes if n.name == "w29")
    assert box.node == w29.id  # the box shows the last line's numbers
    owned = {m for u in units.units if u.id in box.series for m in u.members}
    assert set(box.members) == owned
