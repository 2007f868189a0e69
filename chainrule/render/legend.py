"""The legend: the node kinds a drawing shows, the op swatch, and how a node writes its
value over its gradient."""

from __future__ import annotations

from chainrule.render.style import GRAD_COLOUR, LEGEND, LEGEND_PT, OP_FILL, STYLES, min_width


def legend_table(present: set[str], op: bool = True, pair: bool = True) -> str:
    """Return the legend's HTML-like table: a row of swatches for the styles shown (and
    op), and (pair) how a node writes its value over its gradient."""
    cells = []
    for key in LEGEND:
        if key in present:
            fill, _, _ = STYLES[key]
            width = min_width(key, LEGEND_PT) + 4
            cells.append(
                f'<td bgcolor="{fill}" border="1" cellpadding="3" width="{width}">{key}</td>'
            )
    if op:
        width = min_width("op", LEGEND_PT) + 4
        cells.append(f'<td bgcolor="{OP_FILL}" border="1" cellpadding="3" width="{width}">op</td>')
    if pair:
        width = min_width("value", LEGEND_PT) + 4
        cells.append(
            f'<td border="1" cellpadding="3" width="{width}">value<br/>'
            f'<font color="{GRAD_COLOUR}">grad</font></td>'
        )
    return (
        '<table border="0" cellborder="1" cellspacing="3" cellpadding="2"><tr>'
        + "".join(cells)
        + "</tr></table>"
    )


def legend_graph_label(present: set[str], op: bool = True) -> str:
    """Return graph attributes putting the legend above the drawing, left (outside the
    layout: it widens no rank)."""
    table = legend_table(present, op)
    return f'graph [label=<{table}> labelloc="t" labeljust="l" fontsize={LEGEND_PT:g}]'


def legend_lines(present: set[str], op: bool = True, pair: bool = True) -> list[str]:
    """Return a compact legend as one node (the lines level places it in a row)."""
    table = legend_table(present, op, pair)
    # a plain node, not a cluster: a cluster sends dot down its slower cluster layout
    look = f"shape=plain fontsize={LEGEND_PT:g}"
    return [f'"legend-key" [id="legend-key" class="legend" {look} label=<{table}>]']
