"""The automatic level draws every operation whenever that picture is legible at the first
view (1280x800: labels of 9 px or more), in the direction that makes it so; a long chain
wraps into rows; a single statement is never one box."""

from __future__ import annotations

import re

import pytest

from chainrule.build import evaluate
from chainrule.graph import Graph, export_graph
from chainrule.render import DotOptions, Renderer, to_dot
from chainrule.render.op_layout import LEGIBLE_PX, label_px, settled
from chainrule.render.size import FIT_PT, op_layout, resolve_level
from chainrule.render.style import DRAW_DEFAULTS, field_width
from tests.browser.programs import mlp
from tests.support.budget import default_budget, unhurried

NEURON = ("sigmoid(w1*x1 + w2*x2 + b)", dict(w1=0.5, x1=1.0, w2=-1.0, x2=2.0, b=0.1))
SEEDS = ("(x-1)*(y-2)^2*(z-3)^3/sqrt(x+y+z)", dict(x=4.0, y=5.0, z=6.0))
ABC = ("(a+b)*(b+1)", dict(a=2.0, b=1.0))
CHAIN20 = (
    "\n".join(["t0 = x"] + [f"t{k} = t{k - 1} * 0.999 + 0.01" for k in range(1, 11)]),
    dict(x=0.5),
)
MLP231 = (
    "\n".join(
        [f"h{j} = tanh(w{j}1*x1 + w{j}2*x2 + b{j})" for j in (1, 2, 3)]
        + ["out = v1*h1 + v2*h2 + v3*h3 + c"]
    ),
    {"x1": 0.5, "x2": -1.0, "c": 0.1}
    | {f"w{j}{i}": 0.1 * j - 0.05 * i for j in (1, 2, 3) for i in (1, 2)}
    | {f"b{j}": 0.05 * j for j in (1, 2, 3)}
    | {f"v{j}": 0.3 - 0.1 * j for j in (1, 2, 3)},
)


def graph_of(program: tuple[str, dict[str, float]]) -> Graph:
    return export_graph(evaluate(program[0], program[1], budget=default_budget()))


def drawn_px(graph: Graph) -> float:
    """The px of 11-point labels when the real drawing (dot's) fits the 1280x800 view."""
    svg = Renderer().svg(to_dot(graph, DRAW_DEFAULTS, budget=default_budget()), None, unhurried())
    found = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert found is not None
    return label_px((float(found[1]), float(found[2])), FIT_PT)


def ops(graph: Graph) -> int:
    return sum(1 for n in graph.nodes if not n.is_leaf)


@pytest.mark.graphviz
@pytest.mark.parametrize(
    ("program", "n_ops", "rankdir", "rows", "least_px"),
    [
        (NEURON, 5, "LR", 0, 13.0),
        (SEEDS, 11, "LR", 0, 11.0),
        (ABC, 3, "LR", 0, 14.0),
        (CHAIN20, 21, "TB", 3, 9.0),  # 20 operations and the line naming x: rows of a chain
    ],
)
def test_small_programs_open_operation_by_operation_and_legible(
    program: tuple[str, dict[str, float]], n_ops: int, rankdir: str, rows: int, least_px: float
) -> None:
    graph = graph_of(program)
    assert ops(graph) == n_ops
    assert resolve_level(graph, DRAW_DEFAULTS) == "ops"
    layout = op_layout(graph, DRAW_DEFAULTS)
    assert (layout.rankdir, len(layout.rows)) == (rankdir, rows)
    assert layout.label_px >= least_px
    assert drawn_px(graph) >= LEGIBLE_PX  # dot's real drawing, as estimated


@pytest.mark.graphviz
def test_a_hand_written_2_3_1_mlp_opens_compact_operation_by_operation() -> None:
    graph = graph_of(MLP231)
    assert ops(graph) == 21
    with_op_nodes = op_layout(graph, DotOptions(rankdir="auto", level="auto", compact=False))
    assert not settled(with_op_nodes)  # an op circle per operation: too wide, or only wrapped
    layout = op_layout(graph, DRAW_DEFAULTS)
    assert (layout.compact, layout.rankdir, layout.rows) == (True, "LR", [])
    assert layout.label_px >= LEGIBLE_PX  # each operation written in its value node
    assert resolve_level(graph, DRAW_DEFAULTS) == "ops"
    assert drawn_px(graph) >= LEGIBLE_PX
    assert resolve_level(graph, DotOptions(level="lines")) == "lines"  # as asked


@pytest.mark.graphviz
def test_a_program_above_20_operations_opens_op_by_op_when_legible() -> None:
    # the page's hand-written 2-4-1 MLP: its running sums stacked, no cap on the operations
    graph = graph_of(mlp())
    assert ops(graph) == 30
    layout = op_layout(graph, DRAW_DEFAULTS)
    assert layout.stacked and layout.label_px >= LEGIBLE_PX
    assert resolve_level(graph, DRAW_DEFAULTS) == "ops"
    assert drawn_px(graph) >= LEGIBLE_PX  # dot's real drawing: whole in the view at 9 px
    bigger = graph_of(mlp(6))  # 2-6-1, 44 operations: not legible op by op
    assert op_layout(bigger, DRAW_DEFAULTS).label_px < LEGIBLE_PX
    assert resolve_level(bigger, DRAW_DEFAULTS) == "lines"


LOGISTIC4 = (
    "z = w1*x1 + w2*x2 + w3*x3 + w4*x4 + b\np = sigmoid(z)\nloss = -(y*log(p) + (1 - y)*log(1 - p))"
)
SHAPES = {
    "polynomial": "y = 3*x^4 - 2*x^3 + x^2 - 5*x + 7",
    "softmax": "e1 = exp(z1)\ne2 = exp(z2)\ne3 = exp(z3)\ns = e1 + e2 + e3\np1 = e1 / s\n"
    "loss = -log(p1)",
    "three squared errors": "loss = (w*x1 + b - y1)^2 + (w*x2 + b - y2)^2 + (w*x3 + b - y3)^2",
    "names of 8 characters, a shared weight": "\n".join(
        ["longname0 = inputval"]
        + [f"longname{k} = tanh(longname{k - 1} * weight12 + 0.5)" for k in range(1, 7)]
    ),
    "20 nested calls": "y = " + "sin(" * 20 + "x" + ")" * 20,
    "a sum of 20 inputs": " + ".join(f"x{k}" for k in range(1, 21)),
    "two steps of gradient descent": "w1 = w - 0.1 * 2 * (w*x - y) * x\n"
    "w2 = w1 - 0.1 * 2 * (w1*x - y) * x\nloss = (w2*x - y)^2",
    # wide trees (they were 6.7 and 6.3 px): the spine drawn straight, a rank of 16 leaves
    # staggered, nodes closer
    "a 10-term dot product": " + ".join(f"w{k}*x{k}" for k in range(1, 11)),
    "a balanced tree of 16 leaves": "((((x1 + x2) + (x3 + x4)) + ((x5 + x6) + (x7 + x8))) + "
    "(((x9 + x10) + (x11 + x12)) + ((x13 + x14) + (x15 + x16))))",
    "the squared error of an 8-term dot product": "loss = ("
    + " + ".join(f"w{k}*x{k}" for k in range(1, 9))
    + " - y)^2",
    # a logistic neuron and its log-loss (17 and 19 operations): 8.74 px and lines before,
    # now its running sum is drawn in one rank
    "a neuron of 4 inputs with a log-loss": LOGISTIC4,
    "a neuron of 5 inputs with a log-loss": LOGISTIC4.replace("w4*x4", "w4*x4 + w5*x5"),
}


@pytest.mark.graphviz
@pytest.mark.parametrize("name", list(SHAPES))
def test_programs_of_up_to_20_operations_of_many_shapes_open_legibly(name: str) -> None:
    program = SHAPES[name]
    words = set(re.findall(r"[A-Za-z_]\w*", program)) - {"exp", "log", "tanh", "sin", "sigmoid"}
    graph = export_graph(
        evaluate(program, dict.fromkeys(words, 0.7), budget=default_budget(), warn=False)
    )
    assert ops(graph) <= 20
    assert resolve_level(graph, DRAW_DEFAULTS) == "ops"
    assert op_layout(graph, DRAW_DEFAULTS).label_px >= LEGIBLE_PX
    assert drawn_px(graph) >= LEGIBLE_PX


def test_one_statement_is_never_one_box_even_when_it_is_not_legible() -> None:
    terms = " + ".join(f"a{k}*b{k}*c{k}" for k in range(1, 11))  # 29 operations, a comb
    values = {f"{v}{k}": 1.0 for k in range(1, 11) for v in "abc"}
    graph = graph_of((terms, values))
    assert op_layout(graph, DRAW_DEFAULTS).label_px < LEGIBLE_PX
    assert resolve_level(graph, DRAW_DEFAULTS) == "ops"


def test_a_phone_view_is_fitted_by_its_own_estimate() -> None:
    graph = graph_of(SEEDS)
    phone = DotOptions(rankdir="auto", level="auto", view=(410.0, 252.0))
    assert op_layout(graph, phone).label_px < op_layout(graph, DRAW_DEFAULTS).label_px


PHONE_BOX = (410.0, 506.0)  # points: a phone's graph box (340x420 px: half its screen)
PHONE_WIDE = (410.0, 252.0)  # the same width in the 1280x800 panel's shape


def test_a_neuron_on_a_phone_is_a_tree_not_rows() -> None:
    # legible top down in the phone's box: drawn so, not wrapped into rows of text
    layout = op_layout(graph_of(NEURON), DotOptions(rankdir="auto", level="auto", view=PHONE_BOX))
    assert (layout.rankdir, layout.rows) == ("TB", [])
    assert settled(layout)


def test_a_wrapped_drawing_keeps_each_operation_beside_its_inputs() -> None:
    # Only wrapped legible (op nodes asked for, a short view): the rows read as the program
    # is written, each op's node just before its value and after its inputs (rank by rank,
    # the second product landed at the far end of the row after its inputs).
    graph = graph_of(NEURON)
    opts = DotOptions(rankdir="auto", level="auto", compact=False, view=PHONE_WIDE)
    layout = op_layout(graph, opts)
    assert len(layout.rows) > 1
    order = [k for row in layout.rows for k in row]
    for node in graph.nodes:
        if not node.is_leaf:
            at = order.index(f"op-{node.id}")
            assert order[at + 1] == node.id
            inputs = [e.source for e in graph.edges if e.kind == "input" and e.target == node.id]
            assert all(order.index(i) < at for i in inputs)


@pytest.mark.graphviz
def test_an_edge_to_the_next_row_runs_in_the_gap_between_them_not_round_the_bus() -> None:
    graph = graph_of(NEURON)
    opts = DotOptions(rankdir="auto", level="auto", compact=False, view=PHONE_WIDE)
    svg = Renderer().svg(to_dot(graph, opts, budget=default_budget()), None, unhurried())
    far = re.findall(r'<g id="e\d+" class="edge far">.*?d="([^"]+)"', svg, re.S)
    assert far  # prod1 to the sum in the row below: not beside it, so routed after dot
    right = max(float(x) for x in re.findall(r'<text[^>]* x="(-?[\d.]+)"', svg))
    for path in far:
        xs = [float(x) for x in re.findall(r"[ML](-?[\d.]+),", path)]
        assert len(xs) == 4 and max(xs) < right  # down, across, down: within the drawing


@pytest.mark.graphviz
@pytest.mark.parametrize("precision", [4, 6])
def test_a_value_node_is_about_a_third_of_the_old_pill(precision: int) -> None:
    # the old node wrote "value" V "grad" G side by side: 207-227 pt wide at precision 4
    graph = graph_of(NEURON)
    options = DotOptions(rankdir="auto", level="auto", precision=precision)
    svg = Renderer().svg(to_dot(graph, options, budget=default_budget()), None, unhurried())
    widths = []
    for node in graph.nodes:
        if node.is_constant:
            continue
        box = re.search(
            rf'<g id="{node.id}" class="node value[^"]*">\n<title>[^<]*</title>\n'
            r'<path [^>]*d="([^"]+)"',
            svg,
        )
        assert box is not None
        xs = [float(x) for x in re.findall(r"(-?[\d.]+),-?[\d.]+", box[1])]
        widths.append(max(xs) - min(xs))
    assert max(widths) <= field_width(precision) + 10  # its numbers' slot and a margin
    if precision == 4:
        assert max(widths) <= 227 / 3 + 3


@pytest.mark.graphviz
def test_a_running_sum_is_drawn_in_one_rank_when_that_makes_it_legible() -> None:
    words = set(re.findall(r"\b[a-z]\d\b|\bb\b|\by\b", LOGISTIC4))
    graph = export_graph(evaluate(LOGISTIC4, dict.fromkeys(words, 0.5), budget=default_budget()))
    layout = op_layout(graph, DRAW_DEFAULTS)
    sums = [n.id for n in graph.nodes if n.op == "+"]
    assert layout.rankdir == "LR" and layout.stacked == (tuple(sums[:4]),)  # z and the three
    svg = Renderer().svg(to_dot(graph, DRAW_DEFAULTS, budget=default_budget()), None, unhurried())
    outline = r'<g id="(n\d+)" class="node[^>]*>.*?<path[^>]*d="M([\d.-]+),([\d.-]+)'
    at = {m[1]: (round(float(m[2])), float(m[3])) for m in re.finditer(outline, svg, re.S)}
    assert len({at[k][0] for k in sums[:4]}) == 1  # one column: the boxes' left edges at one x
    names = ["w1", "x1", "w2", "x2", "w3", "x3", "w4", "x4", "b"]
    by_name = {n.name: n.id for n in graph.nodes if n.name}
    down = [at[by_name[x]][1] for x in names]  # the inputs read top down in program order
    assert down == sorted(down)
