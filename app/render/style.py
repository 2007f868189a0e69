"""How things look: number format, escaping, node styles by kind, the legend."""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from app.graph import GraphNode

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# style key -> (fill colour, extra node style, pen width)
STYLES = {
    "input": ("#dbeafe", "", "1"),
    "constant": ("#f3f4f6", ",dashed", "1"),
    "intermediate": ("#ffffff", "", "1"),
    "named": ("#fef9c3", "", "1.5"),
    "output": ("#dcfce7", ",bold", "2"),
    "call": ("#ede9fe", "", "1.5"),
    # training pictures: parameters, data columns and the reduction over the rows
    "param": ("#dbeafe", ",bold", "2"),
    "data": ("#fce7f3", "", "1"),
    "reduction": ("#dcfce7", ",bold", "2"),
}
LEGEND = (
    "input",
    "param",
    "data",
    "constant",
    "named",
    "intermediate",
    "call",
    "output",
    "reduction",
)
OP_FILL = "#e5e7eb"


@dataclass(frozen=True)
class DotOptions:
    """How to draw: direction, edge labels, constants, digits, expanded calls, legend."""

    rankdir: Literal["LR", "TB"] = "LR"
    local_grads: bool = False
    constants: bool = True
    precision: int = 4
    expand_calls: bool = False
    legend: bool = True
    max_edge_span: int = 6  # a longer edge gets a copy of its source drawn near its target


def fmt(x: float, precision: int = 4) -> str:
    """Return x with `precision` significant digits, compact ("1.5e6"), or inf/-inf/nan."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0:
        return "0"
    text = f"{x:.{max(1, min(precision, 17))}g}"
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if e else text


def html_text(text: str) -> str:
    """Return text safe inside an HTML-like DOT label (markup escaped, no control chars)."""
    # dot expands \N, \G, ... even in HTML labels (and after entities); "\\" is one "\".
    return html.escape(_CONTROL.sub(" ", text), quote=True).replace("\\", "\\\\")


def style_key(node: GraphNode) -> str:
    """Return the style of a node: its kind, or "named" for a named intermediate."""
    if node.kind == "intermediate" and node.name:
        return "named"
    return node.kind if node.kind in STYLES else "intermediate"


@lru_cache(maxsize=8192)
def value_label(name: str | None, value: float, grad: float, precision: int) -> str:
    """Return the HTML-like label of a value node: name, value, gradient (memoised)."""
    cells = [f"<td><b>{html_text(name)}</b></td>"] if name else []
    cells.append(f"<td>value {fmt(value, precision)}</td>")
    cells.append(f"<td>grad {fmt(grad, precision)}</td>")
    return (
        '<table border="0" cellborder="0" cellspacing="0" cellpadding="2"><tr>'
        + "<vr/>".join(cells)
        + "</tr></table>"
    )


def value_node(node: GraphNode, opts: DotOptions, copy: str | None = None) -> str:
    """Return the DOT line of a value node (or of a dashed copy of it with id `copy`)."""
    key = style_key(node)
    fill, style, pen = STYLES[key]
    label = value_label(node.name, node.value, node.grad, opts.precision)
    css = "intermediate named" if key == "named" else key
    if copy is not None:
        css, style = f"{css} copy copy-of-{node.id}", ",dashed"
    nid = copy or node.id
    return (
        f'"{nid}" [id="{nid}" class="value {css}" shape=box '
        f'style="filled,rounded{style}" fillcolor="{fill}" penwidth={pen} label=<{label}>]'
    )


def op_node(node: GraphNode, label: str) -> str:
    """Return the DOT line of the small op node that makes a value node."""
    shape = "box" if node.op == "call" or len(label) > 3 else "circle"  # words need a box
    return (
        f'"op-{node.id}" [id="op-{node.id}" class="op" shape={shape} style="filled,rounded" '
        f'fillcolor="{OP_FILL}" width=0.3 label=<{html_text(label)}>]'
    )


def legend_lines(present: set[str]) -> list[str]:
    """Return a compact legend: one node, a row of swatches for the styles shown and op."""
    cells = []
    for key in LEGEND:
        if key in present:
            fill, _, _ = STYLES[key]
            cells.append(f'<td bgcolor="{fill}" border="1" cellpadding="3">{key}</td>')
    cells.append(f'<td bgcolor="{OP_FILL}" border="1" cellpadding="3">op</td>')
    table = (
        '<table border="0" cellborder="1" cellspacing="3" cellpadding="2"><tr>'
        + "".join(cells)
        + "</tr></table>"
    )
    return [
        "subgraph cluster_legend {",
        'id="legend" class="legend" label="" peripheries=0',
        f'"legend-key" [id="legend-key" class="legend" shape=plain fontsize=9 label=<{table}>]',
        "}",
    ]
