"""DOT text for the lines level: one box per unit (line or call), shared inputs once.

Each unit is `<g id="nK" class="node value unit ...">` (nK: the node its line names), so
the SVG contract holds: its last four texts are "value", value_text, "grad", grad_text.
Inputs listed inside a unit come before, each as name, "value", V, "grad", G, in the order
of the unit's `in_nJ` classes. An expanded unit is a cluster of its operations drawn as in
the compact op-level picture (the same numbers), with edges from what it uses.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.budget import Budget
from app.graph import Graph, GraphNode, fmt
from app.render.size import check_drawable
from app.render.style import (
    GRAD_WORD,
    STYLES,
    VALUE_WORD,
    DotOptions,
    html_text,
    legend_lines,
    min_width,
    slot,
    style_key,
    value_node,
)
from app.units import Unit, Units, build_units

ROW = '<table border="0" cellborder="0" cellspacing="0" cellpadding="1">'
SMALL = 9.0


def drawn_id(units: Units, expanded: set[str], nid: str) -> str:
    """Return the id of the box that shows node nid at the lines level."""
    owner = units.owner.get(nid, nid)
    return nid if owner in expanded else owner


def lines_count(units: Units, expanded: set[str]) -> int:
    """Return how many nodes `dot` lays out for this lines-level picture."""
    extra = sum(len(u.members) + len(u.inside) - 1 for u in units.units if u.id in expanded)
    return len(units.units) + len(units.shared) + extra


def unit_label(unit: Unit, by_id: dict[str, GraphNode], precision: int) -> str:
    """Return a unit's HTML-like label: name = formula, its inputs, then value and grad."""
    node = by_id[unit.id]
    p = precision
    head = f"<b>{html_text(unit.name)}</b> = <i>{html_text(unit.formula)}</i>"
    width = min_width(f"{unit.name} = {unit.formula}", per_char=0.66)
    rows = [f'<tr><td colspan="5" align="left" width="{width}">{head}</td></tr>']
    for i in unit.inside:
        leaf = by_id[i]
        name = html_text(leaf.name or i)
        rows.append(
            f'<tr><td align="left" width="{min_width(leaf.name or i, SMALL, 0.7)}">'
            f'<font point-size="{SMALL:g}">{name}</font></td>'
            f"{_small_word('value')}{slot(fmt(leaf.value, p), p, SMALL)}"
            f"{_small_word('grad')}{slot(fmt(leaf.grad, p), p, SMALL)}</tr>"
        )
    rows.append(
        f"<tr><td></td>{VALUE_WORD}{slot(fmt(node.value, p), p)}"
        f"{GRAD_WORD}{slot(fmt(node.grad, p), p)}</tr>"
    )
    return ROW + "".join(rows) + "</table>"


def _small_word(text: str) -> str:
    return (
        f'<td width="{min_width(text, SMALL)}" align="left">'
        f'<font point-size="{SMALL:g}">{text}</font></td>'
    )


def unit_node(unit: Unit, by_id: dict[str, GraphNode], opts: DotOptions) -> str:
    """Return the DOT line of a collapsed unit."""
    node = by_id[unit.id]
    key = style_key(node)
    fill, style, pen = STYLES[key]
    css = " ".join(["value unit", "intermediate named" if key == "named" else key])
    css += "".join(f" in_{i}" for i in unit.inside)
    label = unit_label(unit, by_id, opts.precision)
    return (
        f'"{unit.id}" [id="{unit.id}" class="{css}" shape=box style="filled,rounded{style}" '
        f'fillcolor="{fill}" penwidth={pen} margin="0.08,0.04" label=<{label}>]'
    )


def lines_dot(
    graph: Graph,
    opts: DotOptions,
    expanded: Iterable[str] = (),
    budget: Budget | None = None,
    labels: dict[str, str] | None = None,
) -> str:
    """Return DOT text of the lines-level picture (units collapsed unless in expanded)."""
    units = build_units(graph)
    open_ = {u for u in expanded if u in {x.id for x in units.units}}
    check_drawable(lines_count(units, open_), budget)
    by_id = {n.id: n for n in graph.nodes}
    labels = labels or {n.id: n.label for n in graph.nodes}
    lines = [
        "digraph chainrule {",
        f'graph [rankdir={"TB" if opts.rankdir == "TB" else "LR"} fontname="Helvetica" '
        "nodesep=0.2 ranksep=0.3 newrank=true]",
        'node [fontname="Helvetica" fontsize=11 height=0.3 margin="0.06,0.03"]',
        'edge [fontname="Helvetica" fontsize=9 arrowsize=0.6 color="#4b5563"]',
    ]
    present = set()
    for i in units.shared:
        lines.append(value_node(by_id[i], opts, op=""))
        present.add(style_key(by_id[i]))
    for unit in units.units:
        present.add(style_key(by_id[unit.id]))
        if unit.id not in open_:
            lines.append(unit_node(unit, by_id, opts))
            continue
        lines.append(
            f'subgraph "cluster_{unit.id}" {{ id="cluster-{unit.id}" class="unit-open" '
            f'label=<{html_text(unit.name)} = {html_text(unit.formula)}> fontsize=10 '
            'style="rounded,filled" fillcolor="#f8fafc" color="#64748b"'
        )
        for i in unit.inside:
            lines.append(value_node(by_id[i], opts, op=""))
        for m in unit.members:
            lines.append(value_node(by_id[m], opts, op=labels[m]))
        lines.append("}")
    seen: set[tuple[str, str]] = set()
    for e in graph.edges:
        if e.kind != "input":
            continue
        src, dst = by_id[e.source], by_id[e.target]
        if src.group is not None or dst.group is not None or src.kind == "constant":
            continue
        a, b = drawn_id(units, open_, e.source), drawn_id(units, open_, e.target)
        if a == b or (a, b) in seen or a not in units.owner and a not in by_id:
            continue
        seen.add((a, b))
        lines.append(f'"{a}" -> "{b}" [id="u-{a}-{b}" class="edge"]')
    if opts.legend:
        lines += legend_lines(present, op=False)
    lines.append("}")
    return "\n".join(lines) + "\n"
