"""Boxes the lines level draws open by itself: a line whose own operations fit.

When nobody chose which boxes are open (the request's `expand` is empty) and the level was
chosen automatically, the lines level opens its boxes one by one, from the output back
towards the inputs, while the whole drawing stays legible at the first view (the
estimate of chainrule/render/orientation.py). A box opened so is drawn as one the learner
opened; the API lists it as open (units' `open`), so a page that toggles boxes starts
from that set. Calls and series stay closed (their insides are opened on request).
"""

from __future__ import annotations

from collections.abc import Callable

from chainrule.graph import Graph, GraphNode
from chainrule.hierarchy import Unit, Units
from chainrule.render.op_layout import NODESEP, RANKSEP, value_size

Size = tuple[float, float]
CLUSTER = (16.0, 30.0)  # points an open box's frame and title add (width, height)


def open_size(
    unit: Unit, graph: Graph, by_id: dict[str, GraphNode], labels: dict[str, str], precision: int
) -> Size:
    """Return the estimated size of a unit drawn open: its operations (each written in
    its value node) and the inputs listed inside it, left to right by longest path."""
    inner = set(unit.members) | set(unit.inside)
    rank = dict.fromkeys(inner, 0)
    for e in graph.edges:  # ids are topological: sources come first
        if e.kind == "input" and e.source in inner and e.target in inner:
            rank[e.target] = max(rank[e.target], rank[e.source] + 1)
    columns: dict[int, list[Size]] = {}
    for m in inner:
        node = by_id[m]
        size = value_size(node, "" if node.is_leaf else labels[m], precision)
        columns.setdefault(rank[m], []).append(size)
    width = sum(max(w for w, _ in c) for c in columns.values()) + RANKSEP * (len(columns) - 1)
    height = max(sum(h for _, h in c) + NODESEP * (len(c) - 1) for c in columns.values())
    return width + CLUSTER[0], height + CLUSTER[1]


def auto_open(
    units: Units,
    closed: dict[str, Size],
    opened: dict[str, Size],
    legible: Callable[[dict[str, Size]], bool],
) -> set[str]:
    """Return the boxes to draw open: from the last unit back, each one that can be opened
    (in `opened`) while `legible` says the drawing with those sizes still is."""
    sizes = dict(closed)
    out: set[str] = set()
    if not legible(sizes):
        return out
    for unit in reversed(units.units):
        if unit.id not in opened:
            continue
        trial = sizes | {unit.id: opened[unit.id]}
        if legible(trial):
            sizes = trial
            out.add(unit.id)
    return out
