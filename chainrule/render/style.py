"""How things look: number format, escaping, node styles by kind, the legend."""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from chainrule.graph import GraphNode, fmt

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
LEGEND_PT = 11.0  # as the labels: legible (9 px) wherever they are


Compact = Literal["auto"] | bool
Level = Literal["auto", "lines", "ops"]
Rankdir = Literal["auto", "LR", "TB"]
COMPACT_ABOVE = 60  # "auto" draws compactly above this many operations
PRECISION = (1, 12)  # the significant digits a drawing may show: fewest, most


@dataclass(frozen=True)
class DotOptions:
    """How to draw: direction, edge labels, constants, digits, expanded calls, legend,
    compact (the operation inside the value node: True, False, or "auto" by size), level
    ("lines": one box per line and call; "ops": every operation; "auto": by size)."""

    rankdir: Rankdir = "LR"
    local_grads: bool = False
    constants: bool = True
    precision: int = 4
    expand_calls: bool = False
    legend: bool = True
    max_edge_span: int = 0  # > 0: a longer edge gets a copy of its source near its target
    compact: Compact = "auto"
    level: Level = "ops"  # "lines": lines and calls as units; "auto": by size (API default)
    expand: tuple[str, ...] = ()  # units drawn open at the lines level (node ids)
    view: tuple[float, float] | None = None  # the first view in points (width, height) that
    # the automatic level and direction fit; None: a 1280x800 screen's (size.FIT_PT)


# What a request draws when it says nothing (the API, the page, its exports, the CLI);
# DotOptions' own defaults are the library's (to_dot without options: every operation).
DRAW_DEFAULTS = DotOptions(rankdir="auto", level="auto")


def html_text(text: str) -> str:
    """Return text safe inside an HTML-like DOT label (markup escaped, no control chars)."""
    # dot expands \N, \G, ... even in HTML labels (and after entities); "\\" is one "\".
    return html.escape(_CONTROL.sub(" ", text), quote=True).replace("\\", "\\\\")


def style_key(node: GraphNode) -> str:
    """Return the style of a node: its kind, or "named" for a named intermediate."""
    if node.kind == "intermediate" and node.name:
        return "named"
    return node.kind if node.kind in STYLES else "intermediate"


# A value-dependent field: a fixed-size, left-aligned cell, so the layout never depends on
# the numbers (chainrule/render/number_slots.py finds these cells by this attribute and
# re-labels them).
SLOT_ATTR = 'fixedsize="true"'
CELLS = '<table border="0" cellborder="0" cellspacing="0" cellpadding="2"><tr>'


def field_width(precision: int, size: float = 11.0) -> int:
    """Return the points a number needs at precision ("-1.235e-10": p + 6 characters, some
    narrow), with the cell's padding; dot may measure with a wide font (DejaVu Sans)."""
    return math.ceil(0.6 * (precision + 5) * size) + 4


def slot(text: str, precision: int, size: float = 11.0) -> str:
    """Return the fixed-width cell holding one number of the drawing."""
    width, height = field_width(precision, size), int(size * 1.2 + 4)
    return f'<td {SLOT_ATTR} width="{width}" height="{height}" align="left">{html_text(text)}</td>'


def min_width(text: str, size: float = 11.0, per_char: float = 0.62) -> int:
    """Return a cell's least width for text in a wide font: browsers without Helvetica
    (DejaVu Sans) draw text wider than dot measured it, and it must not run into the
    next cell. Bold text wants per_char 0.7."""
    return math.ceil(per_char * len(text) * size) + 4


def word(text: str, size: float = 11.0) -> str:
    """Return a cell for a fixed word ("value", "grad"), wide enough in any font."""
    return f'<td width="{min_width(text, size)}" align="left">{text}</td>'


VALUE_WORD, GRAD_WORD = word("value"), word("grad")


@lru_cache(maxsize=8192)
def value_label(
    name: str | None, op: str, value: str, grad: str, precision: int, compact: bool
) -> str:
    """Return a value node's HTML-like label: [name] [op] value V grad G (memoised).

    The operation (`op`, "" for none) is written only in the compact drawing, which also
    has no separators; the last four texts are always value, V, grad, G.
    """
    cells = []
    if name:
        width = min_width(name, per_char=0.7)
        cells.append(f'<td width="{width}" align="left"><b>{html_text(name)}</b></td>')
    if compact and op:
        cells.append(f'<td width="{min_width(op)}" align="left"><i>{html_text(op)}</i></td>')
    fields = f"{VALUE_WORD}{slot(value, precision)}{GRAD_WORD}{slot(grad, precision)}"
    sep = "" if compact else "<vr/>"
    return CELLS + "".join(c + sep for c in cells) + fields + "</tr></table>"


def value_node(
    node: GraphNode, opts: DotOptions, copy: str | None = None, op: str | None = None
) -> str:
    """Return the DOT line of a value node (or of a dashed copy of it with id `copy`);
    with `op` (the compact drawing) the operation is written inside it."""
    key = style_key(node)
    fill, style, pen = STYLES[key]
    p = opts.precision
    compact = op is not None
    label = value_label(node.name, op or "", fmt(node.value, p), fmt(node.grad, p), p, compact)
    css = "intermediate named" if key == "named" else key
    if copy is not None:
        css, style = f"{css} copy copy-of-{node.id}", ",dashed"
    nid = copy or node.id
    look = f'style="filled{style}" margin=0.02' if compact else f'style="filled,rounded{style}"'
    return (
        f'"{nid}" [id="{nid}" class="value {css}" shape=box {look} fillcolor="{fill}" '
        f"penwidth={pen} label=<{label}>]"
    )


def op_node(node: GraphNode, label: str) -> str:
    """Return the DOT line of the small op node that makes a value node."""
    shape = "box" if node.is_call or len(label) > 3 else "circle"  # words need a box
    return (
        f'"op-{node.id}" [id="op-{node.id}" class="op" shape={shape} style="filled,rounded" '
        f'fillcolor="{OP_FILL}" width=0.3 label=<{html_text(label)}>]'
    )


def legend_lines(present: set[str], op: bool = True) -> list[str]:
    """Return a compact legend: one node, a row of swatches for the styles shown (and op)."""
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
    table = (
        '<table border="0" cellborder="1" cellspacing="3" cellpadding="2"><tr>'
        + "".join(cells)
        + "</tr></table>"
    )
    # a plain node, not a cluster: a cluster sends dot down its slower cluster layout
    look = f"shape=plain fontsize={LEGEND_PT:g}"
    return [f'"legend-key" [id="legend-key" class="legend" {look} label=<{table}>]']
