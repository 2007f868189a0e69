"""The lines level in real SVG: the contract of each box, expansion, levels, far edges."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from chainrule.build import evaluate
from chainrule.graph import Graph, export_graph, fmt
from chainrule.hierarchy import build_units
from chainrule.render import DotOptions, Renderer, to_dot
from chainrule.render.size import resolve_level
from chainrule.series import fold_series
from tests.browser.programs import mlp, neurons, rnn, shared_chain, wide_program
from tests.support.budget import default_budget, unhurried

SVG = "{http://www.w3.org/2000/svg}"
pytestmark = pytest.mark.graphviz


def groups(svg: str) -> dict[str, ET.Element]:
    return {g.get("id", ""): g for g in ET.fromstring(svg).iter(f"{SVG}g")}


def series_of(g: Graph) -> tuple[str, ...]:
    """The ids of the series boxes (what `expand` names to draw their lines one by one)."""
    return tuple(u.id for u in fold_series(g, build_units(g)).units if u.count > 1)


def texts(g: ET.Element) -> list[str]:
    return ["".join(t.itertext()).strip() for t in g.iter(f"{SVG}text")]


def test_each_unit_ends_with_its_own_numbers_after_those_of_its_inputs() -> None:
    source, values = mlp()
    g = export_graph(evaluate(source, values, budget=default_budget()))
    svg = Renderer().svg(
        to_dot(
            g,
            DotOptions(level="lines", rankdir="auto", expand=series_of(g)),
            budget=default_budget(),
        ),
        len(g.nodes),
        budget=unhurried(),
    )
    by_id = {n.id: n for n in g.nodes}
    boxes = groups(svg)
    units = [b for b in boxes.values() if "unit" in (b.get("class") or "").split()]
    assert len(units) == 6
    for box in units:
        node = by_id[box.get("id", "")]
        words = texts(box)
        assert words[-4:] == ["value", fmt(node.value), "grad", fmt(node.grad)]
        inside = [c[3:] for c in (box.get("class") or "").split() if c.startswith("in_")]
        for k, i in enumerate(inside):  # the inputs listed inside, in the classes' order
            at = words.index("value") + 5 * k
            assert words[at - 1 : at + 4] == [
                by_id[i].name,
                "value",
                fmt(by_id[i].value),
                "grad",
                fmt(by_id[i].grad),
            ]
    assert not [b for b in boxes.values() if "copy" in (b.get("class") or "")]


def test_an_open_unit_draws_its_operations_in_a_cluster_with_the_same_numbers() -> None:
    source, values = mlp()
    g = export_graph(evaluate(source, values, budget=default_budget()))
    h1 = next(n for n in g.nodes if n.name == "h1")
    dot = to_dot(
        g, DotOptions(level="lines", expand=(*series_of(g), h1.id)), budget=default_budget()
    )
    boxes = groups(Renderer().svg(dot, len(g.nodes), budget=unhurried()))
    assert f"cluster-{h1.id}" in boxes
    assert texts(boxes[h1.id])[-2:] == [fmt(h1.value), fmt(h1.grad)]  # the op level's node
    assert "unit" not in (boxes[h1.id].get("class") or "")


def test_an_open_call_draws_its_body_with_the_numbers_of_the_op_level_drawing() -> None:
    source, values = neurons()
    built = evaluate(source, values, budget=default_budget())
    top = export_graph(built)
    h2 = next(n for n in top.nodes if n.name == "h2")
    g = export_graph(built, open_calls=(h2.id,))  # only the open call's body is exported
    assert {n.group for n in g.nodes} == {None, h2.id}
    boxes = groups(
        Renderer().svg(
            to_dot(
                g,
                DotOptions(level="lines", expand=(*series_of(top), h2.id)),
                budget=default_budget(),
            ),
            40,
            budget=unhurried(),
        )
    )
    drawn = {
        i: texts(box)
        for i, box in boxes.items()
        if (box.get("class") or "").startswith("node") and i in {n.id for n in g.nodes}
    }
    # the op-level drawing of every call's body: the same operations with the same numbers
    full = export_graph(built, expand_calls=True)
    body = [n for n in full.nodes if n.group == h2.id and n.kind != "constant"]
    assert [n.op for n in body] == ["", "", "", "", "", "*", "*", "+", "+", "tanh"]
    shown = sorted(words[-2:] for i, words in drawn.items() if g.nodes[int(i[1:])].group)
    assert shown == sorted([fmt(n.value), fmt(n.grad)] for n in body)
    tanh = next(n for n in body if n.op == "tanh")  # the body's result is the call's value
    assert (fmt(tanh.value), fmt(tanh.grad)) == (fmt(h2.value), fmt(h2.grad))
    assert texts(boxes[h2.id])[-2:] == [fmt(h2.value), fmt(h2.grad)]
    # inside the call's cluster, its arguments bound to the parameters, the result to the call
    cluster = ET.tostring(boxes[f"cluster-{h2.id}"], encoding="unicode")
    assert "neuron" in cluster
    classes = {i: (b.get("class") or "") for i, b in boxes.items()}
    edges = {i: c for i, c in classes.items() if "edge" in c}
    assert sum("bind" in c for c in edges.values()) == 5
    assert sum("result" in c for c in edges.values()) == 1
    assert not [i for i in edges if i.startswith("u-") and i.endswith(f"-{h2.id}")]  # bound
    # the other calls stay closed boxes
    h1 = next(n for n in top.nodes if n.name == "h1")
    assert "unit" in (boxes[h1.id].get("class") or "") and f"cluster-{h1.id}" not in boxes


def test_auto_keeps_small_programs_op_level_and_draws_big_ones_by_lines() -> None:
    seed = export_graph(
        evaluate("c = a + b\nd = b + 1\ne = c * d", {"a": 2, "b": 1}, budget=default_budget())
    )
    assert resolve_level(seed, DotOptions(level="auto")) == "ops"
    source, values = mlp()
    assert resolve_level(
        export_graph(evaluate(source, values, budget=default_budget())), DotOptions(level="auto")
    ) == ("lines")


def test_a_long_rnn_wraps_into_rows_that_read_in_order() -> None:
    source, values = rnn()
    g = export_graph(evaluate(source, values, budget=default_budget()))
    options = DotOptions(level="lines", rankdir="auto", expand=series_of(g))  # its steps one by one
    dot = to_dot(g, options, budget=default_budget())
    rows = re.findall(r"\{rank=same; ([^}]*)\}", dot)
    assert len(rows) >= 3 and "rankdir=TB" in dot


def test_an_input_used_all_along_a_long_chain_is_drawn_once_with_a_bus() -> None:
    g = export_graph(evaluate(shared_chain(200), {"x": 1, "w": 0.999}, budget=default_budget()))
    w = next(n for n in g.nodes if n.name == "w")
    dot = to_dot(g, DotOptions(level="ops"), budget=default_budget())
    assert "comment=" in dot
    boxes = groups(Renderer().svg(dot, len(g.nodes), budget=unhurried()))
    far = [b for b in boxes.values() if "far" in (b.get("class") or "").split()]
    uses = [i for i, e in enumerate(g.edges) if e.source == w.id]
    drawn = [i for i in uses if f"e{i}" in boxes]
    assert far and len(drawn) == len(uses)  # an edge to each use: near ones by dot, far a bus
    assert not [b for b in boxes.values() if "copy" in (b.get("class") or "")]


def test_a_60_line_program_fills_rows_as_wide_as_the_first_view_with_every_edge_drawn() -> None:
    source, values = wide_program(60)
    g = export_graph(evaluate(source, values, budget=default_budget()))
    svg = Renderer().svg(
        to_dot(g, DotOptions(level="auto", rankdir="auto"), budget=default_budget()),
        len(g.nodes),
        budget=unhurried(),
    )
    size = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert size is not None
    # the graph panel at 1280x800 is 780x478 px: 948x581 points at 9 px per 11-point label
    assert float(size[1]) <= 948 and float(size[2]) <= 581
    boxes = groups(svg)
    edges = build_units(g).edges
    assert all(f"u-{s}-{t}" in boxes for s, t, _ in edges)  # near by dot, far in lanes
    far = [b for b in boxes.values() if "far" in (b.get("class") or "").split()]
    assert 0 < len(far) < len(edges)


@pytest.mark.parametrize(
    ("program", "view"),
    [(rnn(), (410.0, 253.0)), (mlp(), (410.0, 253.0)), (wide_program(60), (600.0, 370.0))],
    ids=["rnn-phone", "mlp-phone", "wide-tablet"],
)
def test_a_first_view_too_small_for_the_whole_drawing_gets_rows_as_wide_as_it(
    program: tuple[str, dict[str, float]], view: tuple[float, float]
) -> None:
    # Legible nowhere whole: rather than shrink, the boxes wrap into rows as wide as the
    # view (the picture reads across, then down), whatever the shape that fits "best".
    source, values = program
    g = export_graph(evaluate(source, values, budget=default_budget()))
    opts = DotOptions(level="lines", rankdir="auto", view=view)
    svg = Renderer().svg(to_dot(g, opts, budget=default_budget()), None, budget=unhurried())
    size = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert size is not None
    assert float(size[1]) <= view[0] * 1.1 < 940  # narrower than the 1280x800 drawing
    assert float(size[2]) > view[1]  # the rest below, one scroll down


def test_without_a_view_the_drawing_is_the_1280x800_panels() -> None:
    source, values = mlp()
    g = export_graph(evaluate(source, values, budget=default_budget()))
    asked = DotOptions(level="auto", rankdir="auto", view=(940.0, 570.0))
    unasked = DotOptions(level="auto", rankdir="auto")
    assert to_dot(g, asked, budget=default_budget()) == to_dot(g, unasked, budget=default_budget())
