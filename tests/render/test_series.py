"""Lines of one shape are drawn as one series box: a 60-line chain, 60 lines of gradient
descent written out and a 24-step RNN open whole at 1280x800 with labels of 9 px or more;
opening the series draws its lines."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from chainrule.build import evaluate
from chainrule.graph import Graph, export_graph, fmt
from chainrule.render import DotOptions, Renderer, to_dot
from chainrule.render.op_layout import LEGIBLE_PX, label_px
from chainrule.render.size import FIT_PT, resolve_level
from chainrule.render.style import DRAW_DEFAULTS
from chainrule.series import series_id
from tests.browser.programs import convolution, long_program, rnn
from tests.support.budget import default_budget, unhurried

SVG = "{http://www.w3.org/2000/svg}"
CHAIN60 = "\n".join(["t0 = x"] + [f"t{k} = t{k - 1} * 0.999 + 0.01" for k in range(1, 60)])


def graph_of(program: str, values: dict[str, float]) -> Graph:
    return export_graph(evaluate(program, values, budget=default_budget()))


def drawing(graph: Graph, options: DotOptions) -> tuple[float, dict[str, ET.Element]]:
    """The label px of the real drawing fitted to the first view, and its groups by id."""
    svg = Renderer().svg(to_dot(graph, options, budget=default_budget()), None, unhurried())
    found = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert found is not None
    groups = {g.get("id", ""): g for g in ET.fromstring(svg).iter(f"{SVG}g")}
    return label_px((float(found[1]), float(found[2])), FIT_PT), groups


def texts(g: ET.Element) -> list[str]:
    return ["".join(t.itertext()).strip() for t in g.iter(f"{SVG}text")]


@pytest.mark.graphviz
@pytest.mark.parametrize(
    ("program", "values", "title", "boxes"),
    [
        (CHAIN60, {"x": 0.5}, "t1 … t59", 2),
        (*rnn(24), "h1 … h23", 3),
        # a convolution: its ten shared inputs in a column beside the series and the loss
        # (drawn as one row of boxes under rows of inputs, it was wider than the view)
        (*convolution(), "y1 … y6", 2),
        # gradient descent written out, 60 lines: 29 steps of two lines, one series box
        (long_program(60), {"w": 0.5, "x": 2.0, "y": 3.0}, "g0 … w29", 3),
    ],
)
def test_a_long_program_of_one_shape_opens_whole_and_legible(
    program: str, values: dict[str, float], title: str, boxes: int
) -> None:
    graph = graph_of(program, values)
    assert resolve_level(graph, DRAW_DEFAULTS) == "lines"
    px, groups = drawing(graph, DRAW_DEFAULTS)
    assert px >= LEGIBLE_PX
    units = [g for g in groups.values() if "unit" in (g.get("class") or "").split()]
    opened = [g for g in groups.values() if "unit-open" in (g.get("class") or "").split()]
    assert len(units) + len(opened) == boxes  # a box whose operations fit is drawn open
    series = [g for g in units if "series" in (g.get("class") or "").split()]
    assert len(series) == 1 and texts(series[0])[0] == title
    last = next(n for n in graph.nodes if n.name == title.split(" … ")[1])
    assert series[0].get("id") == series_id(last.id) != last.id  # an id of its own
    assert f"of-{last.id}" in (series[0].get("class") or "").split()  # its last line's numbers
    assert texts(series[0])[-4:] == ["value", fmt(last.value), "grad", fmt(last.grad)]


@pytest.mark.graphviz
def test_opening_a_series_draws_its_lines() -> None:
    graph = graph_of(*rnn(24))
    tail = next(n for n in graph.nodes if n.name == "h23")
    options = DotOptions(rankdir="auto", level="lines", expand=(series_id(tail.id),))
    _, groups = drawing(graph, options)
    units = [g for g in groups.values() if "unit" in (g.get("class") or "").split()]
    assert len(units) == 25  # h0 … h23 and the loss
    assert not [g for g in units if "series" in (g.get("class") or "").split()]
    assert tail.id in groups and f"cluster-{tail.id}" not in groups


@pytest.mark.graphviz
def test_the_last_line_of_an_open_series_opens_on_its_own() -> None:
    graph = graph_of(*rnn(24))
    tail = next(n for n in graph.nodes if n.name == "h23")
    options = DotOptions(rankdir="auto", level="lines", expand=(series_id(tail.id), tail.id))
    _, groups = drawing(graph, options)
    assert f"cluster-{tail.id}" in groups  # h23's operations, the other lines boxes
    units = [g for g in groups.values() if "unit" in (g.get("class") or "").split()]
    assert len(units) == 24 and series_id(tail.id) not in groups
    # the last line alone asked (a link from before series had ids, when that opened the
    # series): the series drawn open, its lines closed, as that link showed it
    _, groups = drawing(graph, DotOptions(rankdir="auto", level="lines", expand=(tail.id,)))
    units = [g for g in groups.values() if "unit" in (g.get("class") or "").split()]
    assert series_id(tail.id) not in groups and f"cluster-{tail.id}" not in groups
    assert len(units) == 25  # h0 … h23 and the loss, each its box


@pytest.mark.graphviz
def test_a_box_whose_operations_fit_opens_by_itself_unless_boxes_were_chosen() -> None:
    graph = graph_of(CHAIN60, {"x": 0.5})
    t0 = next(n for n in graph.nodes if n.name == "t0")
    px, groups = drawing(graph, DRAW_DEFAULTS)
    assert f"cluster-{t0.id}" in groups and px >= LEGIBLE_PX  # its two nodes fit: open
    tail = next(n for n in graph.nodes if n.name == "t59")
    chosen = DotOptions(rankdir="auto", level="auto", expand=(series_id(tail.id),))  # opened
    _, groups = drawing(graph, chosen)
    assert f"cluster-{t0.id}" not in groups and t0.id in groups  # as chosen: closed
    asked = DotOptions(rankdir="auto", level="lines")  # the level asked: boxes as they are
    assert f"cluster-{t0.id}" not in drawing(graph, asked)[1]


@pytest.mark.graphviz
def test_a_series_of_blocks_writes_a_line_of_its_block_a_row_as_wide_as_a_phone() -> None:
    graph = graph_of(long_program(60), {"w": 0.5, "x": 2.0, "y": 3.0})
    _, groups = drawing(graph, DotOptions(rankdir="auto", level="lines", view=(410.0, 506.0)))
    box = next(g for g in groups.values() if "series" in (g.get("class") or "").split())
    words = texts(box)
    assert words[:3] == [
        "g0 … w29",
        "g[i] = 2 * (w[i] * x - y) * x",
        "w[i+1] = w[i] - lr * g[i] ×29",
    ]
    shape = next(e for e in box.iter() if e.tag in {f"{SVG}path", f"{SVG}polygon"})
    xs = [float(v) for v in re.findall(r"(-?[\d.]+),", shape.get("d") or shape.get("points") or "")]
    assert max(xs) - min(xs) <= 410  # one line: 514 points, wider than the phone's view
