"""A big compact drawing's nodes are plain labels (cheaper for dot) that keep the contract:
the last two texts are the value and the gradient, patched in a cached layout; names are
escaped; the title and the gradient are marked up after the layout."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, cast

import pytest

from chainrule.build import evaluate
from chainrule.graph import Graph, GraphEdge, GraphNode, export_graph, graph_to_json
from chainrule.render import DotOptions, Renderer, to_dot
from chainrule.render.style import GRAD_COLOUR, HANDLE_COLOUR
from tests.support.budget import default_budget, unhurried

SVG = "{http://www.w3.org/2000/svg}"
CHAIN = "\n".join(["t0 = x"] + [f"t{k} = t{k - 1} * 0.999 + 0.01" for k in range(1, 151)])


def nodes_of(svg: str) -> dict[str, ET.Element]:
    return {
        g.get("id", ""): g
        for g in ET.fromstring(svg).iter(f"{SVG}g")
        if "value" in (g.get("class") or "").split()
    }


def texts(g: ET.Element) -> list[ET.Element]:
    return list(g.iter(f"{SVG}text"))


@pytest.mark.graphviz
def test_plain_nodes_end_with_the_numbers_of_the_json_in_a_layout_drawn_once() -> None:
    renderer = Renderer()
    for x in (0.5, -2.0):  # the second drawing reuses the first one's layout
        graph = export_graph(evaluate(CHAIN, {"x": x}, budget=default_budget()))
        svg = renderer.svg(to_dot(graph, budget=default_budget()), None, unhurried())
        drawn = nodes_of(svg)
        rows = cast(list[dict[str, Any]], graph_to_json(graph)["nodes"])
        shown = [r for r in rows if r["kind"] != "constant"]
        assert len(drawn) == len(shown) > 200
        for row in shown:
            g = drawn[row["id"]]
            assert "plain" in (g.get("class") or "").split()
            title, value, grad = texts(g)
            assert [value.text, grad.text] == [row["value_text"], row["grad_text"]]
            assert grad.get("fill") == GRAD_COLOUR
            if row["name"]:
                assert title.get("font-weight") == "bold"
                assert (title.text or "").startswith(row["name"])
            else:
                assert title.get("fill") == HANDLE_COLOUR
                assert (title.text or "").startswith(row["handle"])
    assert (renderer.misses, renderer.hits) == (1, 1)


@pytest.mark.graphviz
@pytest.mark.parametrize("name", ['"]; node [shape=none]', "<script>x</script>", "back\\slash\\N"])
def test_names_in_plain_labels_are_escaped(name: str) -> None:
    count = 220
    nodes = [GraphNode("n0", name, "", 1.0, 2.0, "input", name)]
    nodes += [
        GraphNode(f"n{k}", None, "exp", 1.0, 1.0, "intermediate", "exp", handle=f"exp{k}")
        for k in range(1, count)
    ]
    nodes.append(GraphNode(f"n{count}", name, "exp", 1.0, 1.0, "output", "exp"))
    edges = tuple(GraphEdge(f"n{k}", f"n{k + 1}", 1.0) for k in range(count))
    graph = Graph(tuple(nodes), edges, f"n{count}", ())
    svg = Renderer().svg(
        to_dot(graph, DotOptions(compact=True), budget=default_budget()), None, unhurried()
    )
    root = ET.fromstring(svg)
    assert not any(el.tag.endswith("script") for el in root.iter())
    drawn = nodes_of(svg)
    assert len(drawn) == count + 1
    assert texts(drawn["n0"])[0].text == name
    assert (texts(drawn[f"n{count}"])[0].text or "").startswith(name)
