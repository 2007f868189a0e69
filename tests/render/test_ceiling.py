"""The drawing ceiling (the budget's DRAW resource) counts the nodes `dot` lays out and is
checked before any DOT is written; DOT building is linear (clusters labelled in one pass)."""

from __future__ import annotations

import pytest

from chainrule.budget import DRAW, Budget, BudgetExceeded, BudgetLimits
from chainrule.build import evaluate
from chainrule.graph import Graph, export_graph
from chainrule.lang import Limits
from chainrule.render import DotOptions, GraphTooLarge, Renderer, RenderError, drawn_count, to_dot
from chainrule.render import dot as dot_module
from tests.render.test_web_drawing import nested
from tests.support.budget import default_budget


def graph_of(source: str, expand: bool = False, **values: float) -> Graph:
    return export_graph(
        evaluate(source, values, Limits(max_nodes=10**6), budget=default_budget()),
        expand_calls=expand,
    )


def test_classic_counts_op_nodes_and_compact_does_not() -> None:
    # a, b, a+b, b+1, product (the constant 1 written in its op node "+ 1"); three ops
    graph = graph_of("(a+b)*(b+1)", a=2, b=1)
    assert drawn_count(graph, DotOptions(compact=False)) == 8
    assert drawn_count(graph, DotOptions(compact=True)) == 5
    assert drawn_count(graph, DotOptions(compact=True, constants=False)) == 5
    small = Budget(BudgetLimits(draw_nodes=7))
    assert "op-" not in to_dot(graph, DotOptions(compact=True), budget=small)
    with pytest.raises(GraphTooLarge, match="8 nodes; drawing is limited to 7"):
        to_dot(graph, DotOptions(compact=False), budget=small)


def test_too_large_is_refused_before_any_dot_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = graph_of(nested(), expand=True, a=1)
    monkeypatch.setattr(dot_module, "_node_lines", lambda *_: pytest.fail("DOT was built"))
    with pytest.raises(GraphTooLarge) as caught:
        to_dot(graph, DotOptions(expand_calls=True), budget=default_budget())
    assert isinstance(caught.value, BudgetExceeded) and isinstance(caught.value, RenderError)
    assert caught.value.resource is DRAW and caught.value.needed == len(graph.nodes) == 6669


def test_the_nested_call_attack_draws_every_cluster_when_allowed() -> None:
    graph = graph_of(nested(depth=4), expand=True, a=1)
    calls = [n for n in graph.nodes if n.kind == "call"]
    dot = to_dot(
        graph, DotOptions(expand_calls=True), budget=Budget(BudgetLimits(draw_nodes=10**6))
    )
    assert dot.count("subgraph cluster_") == len(calls) == 3 * (1 + 4 + 16 + 64)
    assert dot.count("{") == dot.count("}")


def test_a_drawing_knows_its_size_and_the_renderer_checks_that_one_measure() -> None:
    # Fifteen value nodes, five of them constants (written in their ops): the compact
    # drawing has ten.
    graph = graph_of("a*1 + a*2 + a*3 + a*4 + a*5", a=1)
    options = DotOptions(compact=True, constants=False)
    dot = to_dot(graph, options, budget=default_budget())
    assert dot.nodes == drawn_count(graph, options) == 10 < len(graph.nodes) == 15
    assert to_dot(graph, DotOptions(level="lines"), budget=default_budget()).nodes == 1
    renderer = Renderer(max_nodes=10)
    # what is drawn fits, though the graph has more nodes
    renderer.check_size(dot, None, default_budget())
    with pytest.raises(GraphTooLarge, match="19 nodes; drawing is limited to 10"):
        big = to_dot(graph, DotOptions(compact=False), budget=default_budget())
        renderer.check_size(big, None, default_budget())
    with pytest.raises(TypeError, match="node count"):
        renderer.check_size(str(dot), None, default_budget())
