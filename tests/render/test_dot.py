"""DOT text that is deterministic and injection-proof, and real `dot` SVG whose nodes carry
ids, classes, values and gradients (the renderer itself: tests/render/test_renderer.py)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, Literal

import pytest

from chainrule.build import evaluate
from chainrule.graph import Graph, GraphEdge, GraphNode, export_graph
from chainrule.hierarchy import build_units
from chainrule.render import (
    DotOptions,
    Renderer,
    fmt,
    to_dot,
)
from tests.support.budget import default_budget, unhurried

SVG = "{http://www.w3.org/2000/svg}"
SEED = "c = a + b\nd = b + 1\ne = c * d"
P3 = "def P3(x) = 0.5 * (5*x^3 - 3*x)\ny = P3(a) * 2"


def graph_of(source: str, expand: bool = False, **values: float) -> Graph:
    return export_graph(evaluate(source, values, budget=default_budget()), expand_calls=expand)


def draw(graph: Graph, **options: Any) -> tuple[str, dict[str, ET.Element]]:
    svg = Renderer().svg(
        to_dot(graph, DotOptions(**options), budget=default_budget()),
        len(graph.nodes),
        budget=unhurried(),
    )
    root = ET.fromstring(svg)
    return svg, {g.get("id", ""): g for g in root.iter(f"{SVG}g")}


def numbers(element: ET.Element) -> tuple[str, str]:
    """The value and the gradient a value node shows: its last two texts (the contract)."""
    texts = ["".join(t.itertext()).strip() for t in element.iter(f"{SVG}text")]
    return texts[-2], texts[-1]


def text(element: ET.Element) -> str:
    """The words drawn inside an SVG group (its <text> elements, not its <title>)."""
    words = ("".join(t.itertext()).strip() for t in element.iter(f"{SVG}text"))
    return " ".join(w for w in words if w)


def chain(ops: int) -> Graph:
    """A graph with `ops` operations: h = h * 1.01 + x, repeated."""
    lines = ["h0 = x * 1.01"] + [f"h{i} = h{i - 1} * 1.01 + x" for i in range(1, ops // 2)]
    return graph_of("\n".join(lines), x=0.5)


@pytest.mark.parametrize(
    ("x", "precision", "shown"),
    [
        (6.0, 4, "6"),
        (1 / 3, 4, "0.3333"),
        (1 / 3, 8, "0.33333333"),
        (1.5e6, 4, "1.5e6"),
        (-2.5e-7, 4, "-2.5e-7"),
        (123456.0, 4, "1.235e5"),
        (-0.0, 4, "0"),
        (float("inf"), 4, "inf"),
        (float("-inf"), 4, "-inf"),
        (float("nan"), 4, "nan"),
    ],
)
def test_numbers_are_compact_with_significant_digits(x: float, precision: int, shown: str) -> None:
    assert fmt(x, precision) == shown


@pytest.mark.graphviz
def test_seed_figure_svg_has_every_value_gradient_and_id() -> None:
    graph = graph_of(SEED, a=2, b=1)
    svg, groups = draw(graph)
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}g/{SVG}title") is not None
    for node in graph.nodes:
        if node.is_constant:  # written beside its use, in its op node
            assert node.id not in groups
            continue
        assert numbers(groups[node.id]) == (fmt(node.value), fmt(node.grad))
        assert node.kind in groups[node.id].get("class", "").split()
        if node.op not in ("", "const"):
            assert text(groups[f"op-{node.id}"]).startswith(node.label)
    assert text(groups[f"op-{by_name(graph, 'd').id}"]) == "+ 1"
    assert "const-n3" in groups[f"op-{by_name(graph, 'd').id}"].get("class", "").split()
    named = {n.name: text(groups[n.id]) for n in graph.nodes if n.name}
    assert named == {
        "a": "a 2 2",
        "b": "b 1 5",
        "c": "c 3 2",
        "d": "d 2 3",
        "e": "e 6 1",
    }
    assert "named" in groups[by_name(graph, "c").id].get("class", "").split()
    assert not any(el.tag.endswith("script") for el in root.iter())


def drawn_edges(graph: Graph) -> list[GraphEdge]:
    """The edges the op level draws: every one but a constant's (written in its use)."""
    constants = {n.id for n in graph.nodes if n.is_constant}
    return [e for e in graph.edges if e.source not in constants]


def by_name(graph: Graph, name: str) -> GraphNode:
    return next(n for n in graph.nodes if n.name == name)


@pytest.mark.graphviz
def test_polynomial_and_a_times_a() -> None:
    _, groups = draw(graph_of("x*x*x + x + x", x=4))
    assert "x 4 50" in [text(g) for g in groups.values()]
    assert "output 72 1" in [text(g) for g in groups.values()]
    graph = graph_of("a*a", a=3)
    dot = to_dot(graph, budget=default_budget())
    assert dot.count(f'"{by_name(graph, "a").id}" -> "op-{graph.output}"') == 2


@pytest.mark.graphviz
def test_local_gradients_label_edges_only_when_asked() -> None:
    graph = graph_of(SEED, a=2, b=1)
    _, groups = draw(graph, local_grads=True)
    edge_texts = {text(g) for g in groups.values() if "edge" in g.get("class", "").split()}
    assert {"∂e/∂c = 2", "∂e/∂d = 3", "∂c/∂a = 1"} <= edge_texts
    assert "∂" not in draw(graph)[0]


@pytest.mark.graphviz
def test_direction_precision_legend_and_constants_options() -> None:
    graph = graph_of("y = x / 3", x=1)
    assert "rankdir=LR" in to_dot(graph, budget=default_budget()) and "rankdir=TB" in to_dot(
        graph, DotOptions("TB"), budget=default_budget()
    )
    assert ">0.3333<" in to_dot(graph, budget=default_budget()) and ">0.333333<" in to_dot(
        graph, DotOptions(precision=6), budget=default_budget()
    )
    legend = ">input</td>"  # the legend's swatch of inputs, above the drawing
    assert legend in to_dot(graph, budget=default_budget()) and "cluster" not in to_dot(
        graph, budget=default_budget()
    )
    assert legend not in to_dot(graph, DotOptions(legend=False), budget=default_budget())
    _, groups = draw(graph)
    assert not any("constant" in g.get("class", "").split() for g in groups.values())
    assert text(groups[f"op-{graph.output}"]) == "÷ 3"  # the constant beside its use
    _, groups = draw(graph, constants=False)
    assert text(groups[f"op-{graph.output}"]) == "÷"


@pytest.mark.graphviz
def test_infinity_and_nan_are_shown_as_such() -> None:
    _, groups = draw(graph_of("sqrt(x) + pow(a, b)", x=0, a=-2, b=2))
    shown = [text(g) for g in groups.values()]
    assert "x 0 inf" in shown and "b 2 nan" in shown


@pytest.mark.graphviz
def test_a_call_draws_as_one_op_node_or_an_expanded_cluster() -> None:
    collapsed, groups = draw(graph_of(P3, a=2))
    call = next(n for n in graph_of(P3, a=2).nodes if n.kind == "call")
    assert text(groups[f"op-{call.id}"]) == "P3" and "cluster-n" not in collapsed
    graph = graph_of(P3, expand=True, a=2)
    _, groups = draw(graph, expand_calls=True)
    cluster = groups[f"cluster-{call.id}"]
    assert text(cluster) == "P3(x) · ∂y/∂P3 = 2"
    assert f"op-{call.id}" not in groups
    for node in graph.nodes:
        if not node.is_constant:
            assert numbers(groups[node.id])[1] == fmt(node.grad)
    assert "x 2 57" in [text(g) for g in groups.values()]
    assert len([g for g in groups.values() if "bind" in g.get("class", "")]) == 1


@pytest.mark.graphviz
def test_a_shared_input_is_drawn_once_with_an_edge_to_each_use() -> None:
    graph = chain(30)  # x used by every line: edges from level 0 to level 30
    x = by_name(graph, "x")
    _, groups = draw(graph)
    assert not [g for g in groups.values() if "copy" in g.get("class", "").split()]
    into = [g for g in groups.values() if re.fullmatch(r"e\d+", g.get("id", ""))]
    assert len(into) == len(drawn_edges(graph))
    assert len([e for e in graph.edges if e.source == x.id]) > 10


@pytest.mark.graphviz
def test_copies_of_a_long_edges_source_are_drawn_only_when_asked() -> None:
    graph = chain(30)
    x = by_name(graph, "x")
    _, groups = draw(graph, max_edge_span=6)
    copies = [g for g in groups.values() if f"copy-of-{x.id}" in g.get("class", "").split()]
    into_ops = [e for e in graph.edges if e.source == x.id]
    assert 0 < len(copies) < len(into_ops)
    original = f"x 0.5 {fmt(x.grad)}"
    assert all(text(c) == text(groups[x.id]) == original for c in copies)
    edges = [g for g in groups.values() if "edge" in g.get("class", "").split()]
    assert len([g for g in edges if re.fullmatch(r"e\d+", g.get("id", ""))]) == len(
        drawn_edges(graph)
    )
    assert "copy" not in to_dot(graph, DotOptions(), budget=default_budget())


def test_a_leaf_used_once_is_drawn_beside_its_user_without_copies() -> None:
    lines = ["h1 = x * 0.99 + 0.01"] + [f"h{i} = h{i - 1} * 0.99 + 0.01" for i in range(2, 40)]
    graph = graph_of("\n".join(lines), x=0.5)  # 78 constants, the last ones 77 levels deep
    assert "copy" not in to_dot(graph, budget=default_budget())


HOSTILE = [
    '"]; node [shape=none]',
    "<script>alert(1)</script>",
    'say "hi"',
    "back\\slash\\N",
    "two\nlines",
    "&amp; &#60;",
]


@pytest.mark.graphviz
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_escaped(name: str) -> None:
    graph = Graph(
        nodes=(
            GraphNode("n0", name, "", 1.0, 2.0, "input", name),
            GraphNode("n1", name, "exp", 2.7, 1.0, "output", name),
        ),
        edges=(GraphEdge("n0", "n1", 2.7),),
        output="n1",
        steps=(),
    )
    svg, groups = draw(graph, local_grads=True)
    root = ET.fromstring(svg)
    assert not any(el.tag.endswith("script") for el in root.iter())
    nodes = [g for g in groups.values() if "node" in g.get("class", "").split()]
    assert sorted(g.get("id", "") for g in nodes if "legend" not in g.get("class", "")) == [
        "n0",
        "n1",
        "op-n1",
    ]
    shown = name.replace("\n", " ")
    assert text(groups["n0"]) == f"{shown} 1 2"
    assert text(groups["op-n1"]) == shown


def test_ids_that_are_not_plain_are_refused() -> None:
    node = GraphNode('n0" [label=x', None, "", 1.0, 1.0, "output", "")
    with pytest.raises(ValueError, match="not plain"):
        to_dot(Graph((node,), (), node.id, ()), budget=default_budget())


@pytest.mark.parametrize("level", ["auto", "ops", "lines"])
def test_a_program_that_is_one_written_number_draws_it_at_every_level(
    level: Literal["auto", "ops", "lines"],
) -> None:
    # the output is drawn even when it is a written number (constants are otherwise
    # written in their use): the node kinds are read through one predicate each
    g = graph_of("3")
    dot = to_dot(g, DotOptions(level=level), budget=default_budget())
    assert dot.nodes == 1 and f'"{g.output}" [id="{g.output}"' in dot
    assert [u.id for u in build_units(g).units] == [g.output]
