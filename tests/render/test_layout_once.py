"""Layout once per structure: the numbers sit in fixed fields, the SVG of a program's
skeleton is cached, and new values are written into it; the browser's SVG contract."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, cast

import pytest

from chainrule.build import evaluate
from chainrule.graph import Graph, export_graph, graph_to_json
from chainrule.render import DotOptions, Renderer, to_dot
from chainrule.render.number_slots import slim, split
from tests.support.budget import default_budget, unhurried

SVG = "{http://www.w3.org/2000/svg}"
NEURON = "n = x1*w1 + x2*w2 + b\no = tanh(n)"
AT = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
ELSEWHERE = {"x1": -1.5, "x2": 3.25, "w1": 0.001234, "w2": -250000.0, "b": 1e-9}


def graph_of(source: str, values: dict[str, float], expand: bool = False) -> Graph:
    return export_graph(evaluate(source, values, budget=default_budget()), expand_calls=expand)


def groups(svg: str) -> dict[str, ET.Element]:
    return {g.get("id", ""): g for g in ET.fromstring(svg).iter(f"{SVG}g")}


def texts(group: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in group.iter(f"{SVG}text")]


def test_the_skeleton_does_not_depend_on_the_values() -> None:
    for options in (DotOptions(), DotOptions(compact=True), DotOptions(local_grads=True)):
        one = to_dot(graph_of(NEURON, AT), options, budget=default_budget())
        two = to_dot(graph_of(NEURON, ELSEWHERE), options, budget=default_budget())
        assert one != two
        assert split(one)[0] == split(two)[0]
    assert (
        split(to_dot(graph_of(NEURON, AT), budget=default_budget()))[0]
        != split(to_dot(graph_of("x1*w1", AT), budget=default_budget()))[0]
    )


@pytest.mark.graphviz
@pytest.mark.parametrize(
    "options", [DotOptions(), DotOptions(compact=True, local_grads=True, precision=7)]
)
def test_a_relabelled_layout_is_the_drawing_dot_makes_of_those_values(
    options: DotOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    renderer = Renderer()
    renderer.svg(
        to_dot(graph_of(NEURON, AT), options, budget=default_budget()), 20, budget=unhurried()
    )
    fresh = to_dot(graph_of(NEURON, ELSEWHERE), options, budget=default_budget())
    direct = slim(renderer._run_dot(fresh, "svg", 10.0).decode())  # dot on the real numbers
    monkeypatch.setattr(renderer, "_run_dot", lambda *_: pytest.fail("dot ran again"))
    assert renderer.svg(fresh, 20, budget=unhurried()) == direct
    assert (renderer.hits, renderer.misses) == (1, 1)


@pytest.mark.graphviz
@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize("precision", [2, 4, 9])
def test_each_value_node_ends_with_value_and_grad_texts_of_the_json(
    compact: bool, precision: int
) -> None:
    graph = graph_of(NEURON, ELSEWHERE)
    svg = Renderer().svg(
        to_dot(graph, DotOptions(compact=compact, precision=precision), budget=default_budget()),
        20,
        budget=unhurried(),
    )
    drawn = groups(svg)
    nodes = cast(list[dict[str, Any]], graph_to_json(graph, precision)["nodes"])
    for node in nodes:
        if node["kind"] == "constant":  # written beside its use, in its op node
            assert node["id"] not in drawn
            continue
        assert "value" in drawn[node["id"]].get("class", "").split()
        last = texts(drawn[node["id"]])[-2:]
        assert last == [node["value_text"], node["grad_text"]]


@pytest.mark.graphviz
def test_compact_writes_the_operation_in_the_value_node() -> None:
    graph = graph_of(NEURON, AT)
    drawn = groups(
        Renderer().svg(
            to_dot(graph, DotOptions(compact=True), budget=default_budget()),
            20,
            budget=unhurried(),
        )
    )
    assert not [k for k in drawn if k.startswith("op-")]
    out = graph.nodes[-1]
    assert [t.strip() for t in texts(drawn[out.id])[:2]] == ["o", "tanh"]
    edges = [g for g in drawn.values() if "edge" in g.get("class", "").split()]
    constants = {n.id for n in graph.nodes if n.is_constant}
    inputs = [e for e in graph.edges if e.source not in constants]
    assert len(edges) == len(inputs)  # one edge per input, none into op nodes
    classic = groups(
        Renderer().svg(
            to_dot(graph, DotOptions(compact=False), budget=default_budget()),
            20,
            budget=unhurried(),
        )
    )
    assert f"op-{out.id}" in classic and texts(classic[out.id])[0] == "o"


def chain(ops: int) -> str:
    steps = [f"h{i} = tanh(h{i - 1} * 0.9 + 0.1)" for i in range(1, ops // 3)]
    return "\n".join(["h0 = tanh(x * 0.5)", *steps])


def test_auto_draws_compactly_above_sixty_operations_or_when_only_that_is_legible() -> None:
    small, big = graph_of(chain(60), {"x": 1.0}), graph_of(chain(66), {"x": 1.0})
    legible = graph_of(chain(8), {"x": 1.0})  # op circles fit the first view: kept
    assert '"op-' in to_dot(legible, budget=default_budget())
    assert '"op-' not in to_dot(big, budget=default_budget())
    assert '"op-' not in to_dot(small, budget=default_budget())  # more legible compact
    assert '"op-' in to_dot(big, DotOptions(compact=False), budget=default_budget())
    assert '"op-' not in to_dot(small, DotOptions(compact=True), budget=default_budget())


@pytest.mark.graphviz
def test_a_big_compact_drawing_takes_at_most_1500_bytes_per_node() -> None:
    graph = graph_of(chain(300), {"x": 1.0})
    svg = Renderer().svg(
        to_dot(graph, budget=default_budget()), len(graph.nodes), budget=unhurried()
    )
    assert len(svg.encode()) <= 1500 * len(graph.nodes)
