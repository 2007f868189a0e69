"""Boxes and inputs keep the program's order in the real SVG: a rank of boxes reads y1,
y2, ... down a left-to-right drawing and across a top-down one, inputs in the order they
first appear."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from typing import Literal

import pytest

from chainrule.build import evaluate
from chainrule.graph import Graph, export_graph
from chainrule.hierarchy import build_units
from chainrule.render import DotOptions, Renderer, to_dot
from chainrule.render.style import DRAW_DEFAULTS
from chainrule.series import fold_series
from tests.browser.programs import convolution, long_program, mlp
from tests.support.budget import default_budget, unhurried

SVG = "{http://www.w3.org/2000/svg}"
pytestmark = pytest.mark.graphviz
# a convolution's six positions: dot drew its boxes y2, y1, y3, y4, y6, y5 down the page
CONV, CONV_VALUES = convolution()


def centres(svg: str) -> dict[str, tuple[float, float]]:
    """The centre of each node's outline (its first polygon, path or ellipse), by node id."""
    out = {}
    outlines = {f"{SVG}polygon", f"{SVG}path", f"{SVG}ellipse"}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if "node" not in (g.get("class") or "").split():
            continue
        shape = next(e for e in g.iter() if e.tag in outlines)
        if shape.tag == f"{SVG}ellipse":
            out[g.get("id", "")] = (float(shape.get("cx", 0)), float(shape.get("cy", 0)))
            continue
        text = shape.get("points") or shape.get("d") or ""
        nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]
        xs, ys = nums[0::2], nums[1::2]
        out[g.get("id", "")] = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    return out


def frames(svg: str) -> dict[str, tuple[float, float]]:
    """The centre of each open box's frame (g.cluster, id cluster-nK), by the box's id."""
    out = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if "cluster" in (g.get("class") or "").split():
            shape = next(e for e in g.iter() if e.tag in {f"{SVG}polygon", f"{SVG}path"})
            text = shape.get("points") or shape.get("d") or ""
            nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]
            xs, ys = nums[0::2], nums[1::2]
            box = g.get("id", "").removeprefix("cluster-")
            out[box] = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    return out


def drawing(
    program: str,
    values: dict[str, float],
    rankdir: Literal["LR", "TB"],
    opened: tuple[str, ...] = (),
) -> tuple[Graph, dict[str, tuple[float, float]]]:
    """Every line its box (series open), the lines named in `opened` drawn open: the centre
    of each box (an open one's frame) by id."""
    g = export_graph(evaluate(program, values, budget=default_budget(), warn=False))
    series = tuple(u.id for u in fold_series(g, build_units(g)).units if u.count > 1)
    opts = DotOptions(level="lines", rankdir=rankdir, expand=series + tuple(named(g, [*opened])))
    svg = Renderer().svg(to_dot(g, opts, budget=default_budget()), len(g.nodes), budget=unhurried())
    return g, centres(svg) | frames(svg)


def named(g: Graph, names: list[str]) -> list[str]:
    by_name = {n.name: n.id for n in g.nodes if n.name}
    return [by_name[x] for x in names]


@pytest.mark.parametrize(("rankdir", "axis"), [("LR", 1), ("TB", 0)])
def test_a_rank_of_boxes_reads_in_the_programs_order(
    rankdir: Literal["LR", "TB"], axis: int
) -> None:
    g, at = drawing(CONV, CONV_VALUES, rankdir)
    boxes = [at[i][axis] for i in named(g, [f"y{i}" for i in range(1, 7)])]
    assert boxes == sorted(boxes) and len(set(boxes)) == 6
    # shared inputs, in the order they first appear (x1 and x8 are listed inside a box)
    order = ["k1", "k2", "x2", "k3", "x3", "c", "x4", "x5", "x6", "x7"]
    inputs = [at[i][axis] for i in named(g, order)]
    assert inputs == sorted(inputs)


@pytest.mark.parametrize(("rankdir", "axis"), [("LR", 1), ("TB", 0)])
def test_an_mlps_neurons_keep_their_order(rankdir: Literal["LR", "TB"], axis: int) -> None:
    source, values = mlp()
    g, at = drawing(source, values, rankdir)
    neurons = [at[i][axis] for i in named(g, ["h1", "h2", "h3", "h4"])]
    assert neurons == sorted(neurons)


def test_a_trees_inputs_read_in_the_programs_order() -> None:
    # a 16-leaf sum at the automatic level (top down, its leaves staggered over two
    # ranks): dot drew x9 … x16 before x1 … x8; a tree keeps its operands' order
    tree = "((((x1 + x2) + (x3 + x4)) + ((x5 + x6) + (x7 + x8))) + "
    tree += "(((x9 + x10) + (x11 + x12)) + ((x13 + x14) + (x15 + x16))))"
    g = export_graph(evaluate(tree, {f"x{k}": 0.5 for k in range(1, 17)}, budget=default_budget()))
    svg = Renderer().svg(to_dot(g, DRAW_DEFAULTS, budget=default_budget()), None, unhurried())
    assert "rankdir=TB" in to_dot(g, DRAW_DEFAULTS, budget=default_budget())
    at = centres(svg)
    across = [at[i][0] for i in named(g, [f"x{k}" for k in range(1, 17)])]
    assert across == sorted(across)


@pytest.mark.parametrize(("rankdir", "axis"), [("LR", 1), ("TB", 0)])
def test_an_open_box_keeps_its_place_among_the_closed_ones(
    rankdir: Literal["LR", "TB"], axis: int
) -> None:
    # dot ignores the ordering edges into a cluster: an opened h4 was drawn before h1, an
    # opened h2 before h1, an opened y3 after y4
    source, values = mlp()
    words = CONV_VALUES
    Case = tuple[tuple[str, dict[str, float]], str, int, tuple[int, ...]]
    cases: list[Case] = [((source, values), "h", 4, (k,)) for k in range(1, 5)]
    cases += [((CONV, words), "y", 6, (k,)) for k in range(1, 7)]
    cases += [((source, values), "h", 4, (2, 3)), ((CONV, words), "y", 6, (1, 6))]
    for (program, vals), stem, count, opened in cases:
        g, at = drawing(program, vals, rankdir, tuple(f"{stem}{k}" for k in opened))
        boxes = [at[i][axis] for i in named(g, [f"{stem}{k}" for k in range(1, count + 1)])]
        assert boxes == sorted(boxes), (opened, boxes)


def test_an_open_box_that_starts_a_wrapped_row_comes_after_the_row_before() -> None:
    # the page's MLP (its lines wrapped into rows): an opened h4, first of its row, had
    # its frame climb into the rows above, at their left, as if drawn before h1
    source, values = mlp()
    g = export_graph(evaluate(source, values, budget=default_budget(), warn=False))
    series = tuple(u.id for u in fold_series(g, build_units(g)).units if u.count > 1)
    h1, h2, h3, h4 = named(g, ["h1", "h2", "h3", "h4"])
    opts = DotOptions(level="lines", rankdir="auto", expand=(*series, h4))
    dot = to_dot(g, opts, budget=default_budget())
    assert "weight=1000" in dot  # wrapped into rows
    svg = ET.fromstring(Renderer().svg(dot, len(g.nodes), budget=unhurried()))
    extent: dict[str, tuple[float, float]] = {}  # each box's top and bottom (SVG y grows down)
    for el in svg.iter(f"{SVG}g"):
        shape = next((e for e in el.iter() if e.tag in {f"{SVG}polygon", f"{SVG}path"}), None)
        if shape is None or el.get("id") not in {h1, h2, h3, f"cluster-{h4}"}:
            continue
        nums = [
            float(v)
            for v in re.findall(r"-?\d+(?:\.\d+)?", shape.get("points") or shape.get("d") or "")
        ]
        extent[el.get("id", "")] = (min(nums[1::2]), max(nums[1::2]))
    assert extent[f"cluster-{h4}"][0] > max(extent[k][1] for k in (h1, h2, h3))


def extents(svg: str) -> dict[str, tuple[float, float, float, float]]:
    """Each box's outline (left, top, right, bottom; SVG y grows down) by id: an open
    box's frame rather than its own node inside it."""
    out: dict[str, tuple[float, float, float, float]] = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        classes = (g.get("class") or "").split()
        shape = next((e for e in g.iter() if e.tag in {f"{SVG}polygon", f"{SVG}path"}), None)
        if shape is None or not {"node", "cluster"} & set(classes):
            continue
        text = shape.get("points") or shape.get("d") or ""
        nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]
        key = g.get("id", "")
        if key.startswith("cluster-") or key not in out:
            out[key.removeprefix("cluster-")] = (min(nums[0::2]), min(nums[1::2]), *_ends(nums))
    return out


def _ends(nums: list[float]) -> tuple[float, float]:
    return max(nums[0::2]), max(nums[1::2])


def reads_after(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """True when box b comes after box a as text reads: beside it to the right (they share
    some height), or below it."""
    beside = min(a[3], b[3]) > max(a[1], b[1])
    return a[0] + a[2] < b[0] + b[2] if beside else b[1] >= a[3] - 1


@pytest.mark.parametrize("program", ["mlp", "conv"])
def test_open_boxes_in_wrapped_rows_keep_the_programs_order(program: str) -> None:
    # Any box or two opened in the automatic (wrapped) layout: the boxes still read in
    # order, left to right then down. An opened h4 came left of h3 (h1 open too), an opened
    # y2 left of y1 (y3 open too): dot places a frame freely among a row's boxes.
    source, values = mlp()
    if program == "conv":
        source, values = CONV, CONV_VALUES
    g = export_graph(evaluate(source, values, budget=default_budget(), warn=False))
    series = tuple(u.id for u in fold_series(g, build_units(g)).units if u.count > 1)
    stem, count = ("h", 4) if program == "mlp" else ("y", 6)
    boxes = named(g, [f"{stem}{k}" for k in range(1, count + 1)])
    wrapped = 0
    openings = [(b,) for b in boxes] + list(itertools.combinations(boxes, 2))
    for opened in openings:
        opts = DotOptions(level="lines", rankdir="auto", expand=(*series, *opened))
        dot = to_dot(g, opts, budget=default_budget())
        wrapped += "weight=1000" in dot
        at = extents(Renderer().svg(dot, len(g.nodes), budget=unhurried()))
        order = [at[b] for b in boxes]
        assert all(reads_after(a, b) for a, b in itertools.pairwise(order)), (opened, order)
    assert wrapped >= len(openings) // 2  # the case in question: rows


def test_shared_inputs_are_a_rank_before_the_first_boxes_as_estimated() -> None:
    # gradient descent written out: x and y are used only by the series, a level further
    # on; dot ranked them beside w0 and lr, one row twice as wide as the size estimate had
    source = long_program(60)
    g = export_graph(evaluate(source, {"w": 0.5, "x": 2.0, "y": 3.0}, budget=default_budget()))
    units = fold_series(g, build_units(g))
    opts = DotOptions(level="lines", rankdir="TB")
    at = extents(Renderer().svg(to_dot(g, opts, budget=default_budget()), None, unhurried()))
    first = [u.id for u in units.units if u.id in named(g, ["w0", "lr"])]
    assert len(units.shared) == 2 and len(first) == 2
    assert max(at[i][3] for i in units.shared) < min(at[u][1] for u in first)
