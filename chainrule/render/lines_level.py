"""DOT text for the lines level: one box per unit (line or call), shared inputs once.

Each unit is `<g id="nK" class="node value unit ...">` (nK: the node its line names), so
the SVG contract holds: its last four texts are "value", value_text, "grad", grad_text.
Inputs listed inside a unit come before, each as name, "value", V, "grad", G, in the order
of the unit's `in_nJ` classes. An expanded unit is a cluster of its operations drawn as in
the compact op-level picture (the same numbers), with edges from what it uses.
"""

from __future__ import annotations

import itertools

from chainrule.budget import Budget
from chainrule.graph import Graph, GraphNode
from chainrule.hierarchy import Units
from chainrule.render.box_order import below_rows, in_order, program_order
from chainrule.render.legend import legend_lines
from chainrule.render.long_edges import comment
from chainrule.render.open_boxes import lines_picture
from chainrule.render.orientation import roomiest
from chainrule.render.size import Dot, check_drawable, fit_box
from chainrule.render.style import (
    LEGEND,
    LEGEND_PT,
    DotOptions,
    html_text,
    min_width,
    style_key,
    value_node,
)
from chainrule.render.unit_boxes import shared_node, unit_node

TRUNK_USES = 5


def drawn_id(units: Units, expanded: set[str], nid: str) -> str:
    """Return the id of the box that shows node nid at the lines level."""
    owner = units.owner.get(nid, nid)
    return nid if owner in expanded else owner


def drawn_boxes(
    graph: Graph, opts: DotOptions, labels: dict[str, str] | None = None
) -> dict[str, str]:
    """Return, for every node of graph, the id of what shows it at the lines level: its
    line's box, the series box that folds that line, or itself in an open box."""
    labels = labels or {n.id: n.label for n in graph.nodes}
    picture = lines_picture(graph, opts, labels)
    return {n.id: drawn_id(picture.units, picture.open_, n.id) for n in graph.nodes}


def lines_count(units: Units, expanded: set[str]) -> int:
    """Return how many nodes `dot` lays out for this lines-level picture."""
    extra = sum(len(u.members) + len(u.inside) - 1 for u in units.units if u.id in expanded)
    return len(units.units) + len(units.shared) + extra


def lines_dot(
    graph: Graph,
    opts: DotOptions,
    budget: Budget,
    labels: dict[str, str] | None = None,
) -> Dot:
    """Return DOT text of the lines-level picture (`lines_picture`)."""
    labels = labels or {n.id: n.label for n in graph.nodes}
    picture = lines_picture(graph, opts, labels)
    units, open_, sizes, shared = picture.units, picture.open_, picture.sizes, picture.shared
    bodies = call_bodies(graph, open_)
    size = lines_count(units, open_) + sum(map(len, bodies.values()))
    check_drawable(size, budget)
    by_id = {n.id: n for n in graph.nodes}
    fit = fit_box(opts)
    layout = picture.layout
    lines = [
        "digraph chainrule {",
        f'graph [rankdir={layout.rankdir} fontname="Helvetica" '
        f"nodesep=0.2 ranksep={0.25 if layout.rows else 0.3} newrank=true"
        + (" concentrate=true" if _many_uses(units) else "")
        # wrapped rows keep their reading order: no second crossing-minimisation pass
        + (" remincross=false mclimit=0.01]" if layout.rows else "]"),
        'node [fontname="Helvetica" fontsize=11 height=0.3 margin="0.06,0.03"]',
        'edge [fontname="Helvetica" fontsize=9 arrowsize=0.6 color="#4b5563"]',
    ]
    present = set()
    for i in units.shared:
        lines.append(shared_node(by_id[i], opts))
        present.add(style_key(by_id[i]))
    for unit in units.units:
        present.add(style_key(by_id[unit.node]))
        if unit.id not in open_:
            lines.append(unit_node(unit, by_id, opts))
            continue
        lines.append(
            f'subgraph "cluster_{unit.id}" {{ id="cluster-{unit.id}" class="unit-open" '
            f"label=<{html_text(unit.name)} {html_text(unit.heading)}> fontsize=11 "
            'style="rounded,filled" fillcolor="#f8fafc" color="#64748b"'
        )
        for i in unit.inside:
            lines.append(value_node(by_id[i], opts, op=""))
            present.add(style_key(by_id[i]))
        for m in unit.members:
            lines.append(value_node(by_id[m], opts, op=labels[m]))
            present.add(style_key(by_id[m]))
        for n in bodies.get(unit.id, []):  # an open call: its body's operations
            lines.append(value_node(n, opts, op=labels[n.id] if n.op else ""))
        lines.append("}")
    row_of = {b: k for k, r in enumerate(layout.rows) for b in r}
    far: list[tuple[str, str, str]] = []
    lines += _edges(graph, units, open_, bodies, by_id, row_of, far)
    lines += _body_edges(graph, units, open_, bodies, by_id)
    if far:
        lines.append(f"graph [{comment(far, rows=True)}]")
    rows = [list(r) for r in layout.rows]
    if opts.legend:
        lines += legend_lines(present, op=False, pair=False)
        if rows:
            boxes = {**sizes, **shared}
            k = roomiest(rows, boxes, legend_width(present), fit[0])
            if k is None:  # too wide beside any row (a phone): a row of its own, on top
                rows.insert(0, ["legend-key"])
            else:
                rows[k].append("legend-key")
    if not rows:
        lines += program_order(units, open_)
    for k, row in enumerate(rows):  # a wrapped layout: each row one rank, read left to right
        lines += in_order(row, open_, f"r{k}")
    lines += below_rows(rows, units, open_)
    for above, below in itertools.pairwise(rows):
        lines.append(f'"{above[0]}" -> "{below[0]}" [style=invis weight=1000]')  # left-aligned
    lines.append("}")
    return Dot("\n".join(lines) + "\n", size)


def legend_width(present: set[str]) -> float:
    """Return the estimated width in points of the legend of these styles (no op)."""
    keys = [k for k in LEGEND if k in present]
    return float(sum(min_width(k, LEGEND_PT) + 14 for k in keys) + 3 * (len(keys) + 1))


def _many_uses(units: Units) -> bool:
    """True when an input has TRUNK_USES uses or more: its edges run as one trunk, then
    split (a picture narrower by the loops that edges would make around the rows)."""
    uses: dict[str, int] = {}
    for source, _, _ in units.edges:
        uses[source] = uses.get(source, 0) + 1
    return any(uses.get(i, 0) >= TRUNK_USES for i in units.shared)


def _edges(
    graph: Graph,
    units: Units,
    open_: set[str],
    bodies: dict[str, list[GraphNode]],
    by_id: dict[str, GraphNode],
    row_of: dict[str, int],
    far: list[tuple[str, str, str]],
) -> list[str]:
    """One edge per (drawn source, drawn target) pair: `u-nS-nT`; in a drawing wrapped into
    rows, one between rows not next to each other is left to far.route (added to far)."""
    seen: set[tuple[str, str]] = set()
    lines = []
    for e in graph.edges:
        if e.kind != "input":
            continue
        src, dst = by_id[e.source], by_id[e.target]
        if src.group is not None or dst.group is not None or src.is_constant:
            continue
        if e.target in bodies:
            continue  # an open call with its body drawn: its arguments bind to parameters
        a, b = drawn_id(units, open_, e.source), drawn_id(units, open_, e.target)
        if a == b or (a, b) in seen:
            continue
        seen.add((a, b))
        if a in row_of and b in row_of and abs(row_of[a] - row_of[b]) > 1:
            far.append((f"u-{a}-{b}", a, b))
            continue
        # wrapped: the rows' left alignment decides where boxes go, not the edges
        lines.append(f'"{a}" -> "{b}" [id="u-{a}-{b}" class="edge"{" weight=0" if row_of else ""}]')
    return lines


def call_bodies(graph: Graph, open_: set[str]) -> dict[str, list[GraphNode]]:
    """Return the body nodes (constants folded away) of each open call exported with one."""
    bodies: dict[str, list[GraphNode]] = {}
    for n in graph.nodes:
        if n.group in open_ and not n.is_constant:
            bodies.setdefault(n.group, []).append(n)
    return bodies


def _body_edges(
    graph: Graph,
    units: Units,
    open_: set[str],
    bodies: dict[str, list[GraphNode]],
    by_id: dict[str, GraphNode],
) -> list[str]:
    """An open call's body: its own edges, each argument to its parameter (dashed, as at
    the op level), and its result to the call."""
    inner = {n.id for body in bodies.values() for n in body}
    lines = []
    for i, e in enumerate(graph.edges):
        if e.kind == "input" and e.source in inner and e.target in inner:
            lines.append(f'"{e.source}" -> "{e.target}" [id="e{i}" class="edge"]')
        elif e.kind == "bind" and e.target in inner and not by_id[e.source].is_constant:
            a = drawn_id(units, open_, e.source)
            lines.append(f'"{a}" -> "{e.target}" [id="e{i}" class="edge bind" style=dashed]')
        elif e.kind == "result" and e.source in inner:
            style = 'class="edge result" style=dashed'
            lines.append(f'"{e.source}" -> "{e.target}" [id="e{i}" {style}]')
    return lines
