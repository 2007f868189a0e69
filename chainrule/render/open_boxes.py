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
from dataclasses import dataclass

from chainrule.graph import Graph, GraphNode
from chainrule.hierarchy import Unit, Units, build_units
from chainrule.render.op_layout import NODESEP, RANKSEP
from chainrule.render.op_ranks import value_size
from chainrule.render.orientation import OPEN_SIZE, Arrangement, arrange
from chainrule.render.size import fit_box
from chainrule.render.style import DotOptions
from chainrule.render.unit_boxes import shared_size, unit_size
from chainrule.series import fold_series, read_open

Size = tuple[float, float]  # points
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


@dataclass(frozen=True)
class LinesPicture:
    """What the lines level draws: its units (series folded), the open ones, the sizes of
    the boxes and shared inputs, and their arrangement."""

    units: Units
    open_: set[str]
    sizes: dict[str, Size]
    shared: dict[str, Size]
    layout: Arrangement


def lines_picture(graph: Graph, opts: DotOptions, labels: dict[str, str]) -> LinesPicture:
    """Return the lines-level picture: the boxes asked open (`opts.expand`; a series' id
    draws its lines one by one), or when nothing was asked and the level is automatic,
    the boxes whose operations fit (chainrule/render/open_boxes.py). A link from before
    series had ids (expand= a series' last line) opens the series (`read_open`)."""
    lines = build_units(graph)
    asked = set(read_open(graph, lines, opts.expand))  # an old link's last line: its series
    units = fold_series(graph, lines, asked)
    open_ = asked & {x.id for x in units.units if x.count == 1}
    by_id = {n.id: n for n in graph.nodes}
    p = opts.precision
    opened = {
        u.id: open_size(u, graph, by_id, labels, p)
        for u in units.units
        if u.count == 1 and not by_id[u.id].is_call
    }
    closed = {u.id: unit_size(u, by_id, p) for u in units.units}
    shared = {i: shared_size(by_id[i], p) for i in units.shared}
    fit = fit_box(opts)

    def sized(boxes: set[str]) -> dict[str, Size]:
        return {u: opened.get(u, OPEN_SIZE) if u in boxes else s for u, s in closed.items()}

    def legible_lr(sizes: dict[str, Size]) -> bool:  # open boxes are estimated left to right
        layout = arrange(units, sizes, shared, "auto", fit)
        return layout.scale >= 1.0 and layout.rankdir == "LR" and not layout.rows

    rankdir = opts.rankdir
    if not asked and opts.level == "auto" and rankdir == "auto":
        open_ = auto_open(units, closed, opened, legible_lr)
        rankdir = "LR" if open_ else rankdir
    sizes = sized(open_)
    layout = arrange(units, sizes, shared, rankdir, fit, frozenset(open_))
    return LinesPicture(units, open_, sizes, shared, layout)
