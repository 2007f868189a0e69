"""Units: one per named line and per user-function call; shared inputs drawn once."""

from __future__ import annotations

import pytest

from chainrule.build import evaluate
from chainrule.graph import Graph, export_graph
from chainrule.hierarchy import MAX_FORMULA, build_units, shorten
from tests.browser.programs import mlp, neurons, rnn
from tests.support.budget import default_budget


def graph_of(program: str, **values: float) -> Graph:
    return export_graph(evaluate(program, values, budget=default_budget()))


def named(graph: Graph, name: str) -> str:
    return next(n.id for n in graph.nodes if n.name == name and n.group is None)


def test_each_named_line_is_a_unit_with_its_formula_as_written() -> None:
    g = graph_of("c = a + b\nd = b + 1\ne = c * d", a=2, b=1)
    units = build_units(g)
    assert [(u.name, u.formula) for u in units.units] == [
        ("c", "a + b"),
        ("d", "b + 1"),
        ("e", "c * d"),
    ]
    # a is used by c only: listed inside it; b is used by c and d: drawn once, shared
    c = units.units[0]
    assert c.inside == (named(g, "a"),)
    assert units.shared == (named(g, "b"),)
    pairs = {(s, t) for s, t, _ in units.edges}
    assert (named(g, "b"), named(g, "c")) in pairs and (named(g, "b"), named(g, "d")) in pairs


def test_a_formula_in_parentheses_keeps_them() -> None:
    g = graph_of("loss = (h - t)^2", h=1, t=0.5)
    assert build_units(g).units[0].formula == "(h - t)^2"


@pytest.mark.parametrize("program", [rnn(), mlp(), neurons()], ids=["rnn", "mlp", "neurons"])
def test_what_the_out_edges_contribute_sums_to_the_gradient(
    program: tuple[str, dict[str, float]],
) -> None:
    source, values = program
    g = export_graph(evaluate(source, values, budget=default_budget()))
    units = build_units(g)
    grad = {n.id: n.grad for n in g.nodes}
    out: dict[str, float] = {}
    for s, t, d in units.edges:
        out[s] = out.get(s, 0.0) + grad[t] * d  # type: ignore[operator]
    for s, total in out.items():
        assert total == pytest.approx(grad[s], rel=1e-9, abs=1e-12)
    inside = {i for u in units.units for i in u.inside}
    for u in units.units:  # an input inside a unit: its gradient is its one contribution
        for i in u.inside:
            assert grad[u.id] * u.local[i] == pytest.approx(grad[i], rel=1e-9, abs=1e-12)  # type: ignore[operator]
    assert not inside & set(units.shared)


def test_the_rnns_weight_is_one_shared_input_used_by_nine_lines() -> None:
    source, values = rnn()
    g = export_graph(evaluate(source, values, budget=default_budget()))
    units = build_units(g)
    w = named(g, "w")
    assert w in units.shared
    assert len([e for e in units.edges if e[0] == w]) == 9


def test_a_call_is_a_unit_and_owns_its_argument_operations() -> None:
    g = graph_of("def sq(x) = x * x\ny = sq(a + 1) + b", a=1, b=2)
    units = build_units(g)
    names = [u.name for u in units.units]
    assert names == ["sq", "y"]
    call = units.units[0]
    assert call.formula.startswith("sq(")
    assert len(call.members) == 2  # the call and the a + 1 it was given


def test_long_formulas_are_shortened() -> None:
    assert shorten("x" * 50) == "x" * (MAX_FORMULA - 1) + "…"
    assert len(shorten("x" * 50)) == MAX_FORMULA == 32
    assert shorten("a + b") == "a + b"
