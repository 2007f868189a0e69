"""Graph export: one node per Value with stable ids, one edge per input slot, and the
backward pass as steps a learner can follow."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest

from chainrule.build import evaluate
from chainrule.graph import Graph, GraphNode, export_graph, graph_to_json
from tests.support.budget import default_budget


def graph_of(source: str, expand: bool = False, **values: float) -> Graph:
    return export_graph(evaluate(source, values, budget=default_budget()), expand_calls=expand)


def rows(data: dict[str, object], key: str) -> list[dict[str, Any]]:
    """The JSON list data[key] (nodes, edges or steps): a list of JSON objects."""
    return cast(list[dict[str, Any]], data[key])


def by_name(graph: Graph) -> dict[str, GraphNode]:
    return {n.name: n for n in graph.nodes if n.name is not None and n.group is None}


def test_seed_figure_values_gradients_and_kinds() -> None:
    g = graph_of("c = a + b\nd = b + 1\ne = c * d", a=2, b=1)
    nodes = by_name(g)
    assert {k: (v.value, v.grad) for k, v in nodes.items()} == {
        "a": (2, 2),
        "b": (1, 5),
        "c": (3, 2),
        "d": (2, 3),
        "e": (6, 1),
    }
    assert {k: v.kind for k, v in nodes.items()} == {
        "a": "input",
        "b": "input",
        "c": "intermediate",
        "d": "intermediate",
        "e": "output",
    }
    assert g.output == nodes["e"].id
    (one,) = [n for n in g.nodes if n.kind == "constant"]
    assert (one.value, one.label, one.op) == (1, "1", "const")
    assert nodes["c"].label == "+" and nodes["e"].label == "×"


def test_unnamed_seed_expression() -> None:
    g = graph_of("(a+b)*(b+1)", a=2, b=1)
    nodes = by_name(g)
    assert (nodes["a"].grad, nodes["b"].grad) == (2, 5)
    out = next(n for n in g.nodes if n.id == g.output)
    assert (out.value, out.grad, out.kind) == (6, 1, "output")
    assert len(g.nodes) == 6  # a, b, 1, a+b, b+1, product


def test_a_variable_used_many_times_is_one_node() -> None:
    g = graph_of("x*x*x + x + x", x=4)
    xs = [n for n in g.nodes if n.name == "x"]
    assert len(xs) == 1 and xs[0].grad == 50
    assert next(n for n in g.nodes if n.id == g.output).value == 72


def test_a_times_a_has_two_edges_each_with_its_local_gradient() -> None:
    g = graph_of("a*a", a=3)
    a = by_name(g)["a"]
    into_product = [e for e in g.edges if e.target == g.output]
    assert [(e.source, e.local_grad) for e in into_product] == [(a.id, 3.0), (a.id, 3.0)]
    assert a.grad == 6


def test_ids_are_n0_n1_in_topological_order() -> None:
    g = graph_of("y = tanh(w*x + b)\nz = y * y + exp(x)", w=0.5, x=2, b=-1)
    assert [n.id for n in g.nodes] == [f"n{i}" for i in range(len(g.nodes))]
    index = {n.id: i for i, n in enumerate(g.nodes)}
    assert all(index[e.source] < index[e.target] for e in g.edges)
    assert g.nodes[-1].id == g.output


def test_export_is_deterministic() -> None:
    source = "c = a + b; d = b + 1; e = c * d + max(c, d) / sqrt(a)"
    assert graph_of(source, a=2, b=1) == graph_of(source, a=2, b=1)


def test_steps_run_backwards_and_add_up_to_every_gradient() -> None:
    g = graph_of("c = a + b\nd = b + 1\ne = c * d", a=2, b=1)
    nodes = by_name(g)
    first = g.steps[0]
    assert (first.node, first.grad) == (g.output, 1.0)
    assert [(c.target, c.local_grad, c.product) for c in first.contributions] == [
        (nodes["c"].id, 2.0, 2.0),
        (nodes["d"].id, 3.0, 3.0),
    ]
    index = {n.id: i for i, n in enumerate(g.nodes)}
    assert [index[s.node] for s in g.steps] == sorted(
        (index[s.node] for s in g.steps), reverse=True
    )
    received: dict[str, float] = {}
    for step in g.steps:
        for c in step.contributions:
            received[c.target] = received.get(c.target, 0.0) + c.product
    for n in g.nodes:
        if n.kind == "constant":  # a number written in the program carries no gradient
            assert n.grad is None and n.id not in received, n
        elif n.id != g.output:
            assert received[n.id] == n.grad, n


def test_a_constant_carries_no_gradient_in_the_graph_or_its_json() -> None:
    g = graph_of("y = x^2", x=3.0)
    two = next(n for n in g.nodes if n.kind == "constant")
    assert two.grad is None
    data = graph_to_json(g)
    node = next(n for n in data["nodes"] if n["id"] == two.id)  # type: ignore[attr-defined]
    assert node["grad"] is None and node["grad_text"] == "—"
    assert all(c.target != two.id for s in g.steps for c in s.contributions)


def test_json_has_no_non_finite_literals() -> None:
    g = graph_of("sqrt(x) + pow(a, b)", x=0, a=-2, b=2)
    data = graph_to_json(g)
    text = json.dumps(data, allow_nan=False)  # would raise on inf or nan
    values = {n["name"]: n["grad"] for n in rows(data, "nodes") if n["name"]}
    assert values["x"] == "inf" and values["b"] == "nan" and values["a"] == -4.0
    assert '"local_grad": "inf"' in text


def test_json_shape() -> None:
    data = graph_to_json(graph_of("a*a", a=3))
    assert set(data) == {"output", "nodes", "edges", "steps"}
    assert rows(data, "nodes")[0] == {
        "id": "n0",
        "name": "a",
        "op": "",
        "value": 3.0,
        "grad": 6.0,
        "value_text": "3",
        "grad_text": "6",
        "kind": "input",
        "label": "a",
        "group": None,
        "handle": None,
    }
    assert rows(data, "steps") == [
        {
            "node": "n1",
            "grad": 1.0,
            "contributions": [
                {"target": "n0", "local_grad": 3.0, "product": 3.0},
                {"target": "n0", "local_grad": 3.0, "product": 3.0},
            ],
        }
    ]


P3 = "def P3(x) = 0.5 * (5*x^3 - 3*x)\ny = P3(a) * 2"


@pytest.mark.parametrize(
    ("program", "handles"),
    [
        ("sigmoid(w1*x1 + w2*x2 + b)", ["prod1", "prod2", "sum1", "sum2"]),
        ("(x-1)*(y-2)^2", ["diff1", "diff2", "pow1"]),
        ("y = exp(a) + exp(a*2)", ["exp1", "prod1", "exp2"]),
        ("sum1 = a + a\nz = sum1 + a + a", ["sum2"]),  # never a name in use
    ],
)
def test_each_unnamed_operation_has_a_short_stable_handle(program: str, handles: list[str]) -> None:
    values = dict.fromkeys(("w1", "x1", "w2", "x2", "b", "x", "y", "a"), 1.5)
    graph = export_graph(evaluate(program, values, budget=default_budget(), warn=False))
    unnamed = [n for n in graph.nodes if not n.name and not n.is_leaf]
    assert [n.handle for n in unnamed] == handles
    assert all(n.handle is None for n in graph.nodes if n.name or n.is_leaf)
    other = {k: v + 1 for k, v in values.items()}
    again = export_graph(evaluate(program, other, budget=default_budget(), warn=False))
    assert [n.handle for n in again.nodes] == [n.handle for n in graph.nodes]


def test_a_call_is_one_node_unless_expanded() -> None:
    g = graph_of(P3, a=2)
    (call,) = [n for n in g.nodes if n.kind == "call"]
    assert (call.label, call.op, call.value, call.grad) == ("P3", "call", 17, 2)
    assert all(n.group is None for n in g.nodes)
    assert by_name(g)["a"].grad == 57  # 2 * P3'(2) = 2 * 28.5


def test_an_expanded_call_holds_its_body_with_gradients_scaled_by_the_call() -> None:
    collapsed, g = graph_of(P3, a=2), graph_of(P3, expand=True, a=2)
    assert g.nodes[: len(collapsed.nodes)] == collapsed.nodes
    assert g.steps == collapsed.steps
    (call,) = [n for n in g.nodes if n.kind == "call"]
    inner = [n for n in g.nodes if n.group == call.id]
    (param,) = [n for n in inner if n.name == "x"]
    assert (param.value, param.grad) == (2, 57)
    bind = [e for e in g.edges if e.kind == "bind"]
    result = [e for e in g.edges if e.kind == "result"]
    assert [(e.source, e.target) for e in bind] == [(by_name(g)["a"].id, param.id)]
    (body_root,) = [n for n in inner if n.id == result[0].source]
    assert (body_root.value, body_root.grad, result[0].target) == (17, 2, call.id)
    assert not any(n.kind == "output" for n in inner)


def test_nested_calls_expand_into_nested_groups() -> None:
    g = graph_of("def sq(x) = x*x\ndef f(y) = sq(y) + 1\nf(a)", expand=True, a=3)
    calls = {n.label: n for n in g.nodes if n.op == "call"}
    assert calls["f"].kind == "output"  # the output is drawn as the output, call or not
    assert calls["sq"].group == calls["f"].id
    (x,) = [n for n in g.nodes if n.name == "x"]
    assert (x.group, x.grad) == (calls["sq"].id, 6.0)


def test_a_name_given_to_a_named_value_is_a_copy_node() -> None:
    g = graph_of("c = a\nd = c * 2", a=3)
    c = by_name(g)["c"]
    assert (c.op, c.label, c.grad) == ("=", "=", 2)


def test_value_and_grad_texts_follow_the_precision() -> None:
    graph = graph_of("y = x / 3", x=1)
    texts = {
        n["name"]: (n["value_text"], n["grad_text"]) for n in rows(graph_to_json(graph, 6), "nodes")
    }
    assert texts["x"] == ("1", "0.333333") and texts["y"] == ("0.333333", "1")
    nodes = rows(graph_to_json(graph_of("sqrt(x)", x=0)), "nodes")
    assert [(n["value_text"], n["grad_text"]) for n in nodes] == [("0", "inf"), ("0", "1")]
