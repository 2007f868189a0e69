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
LABEL_PT = 11.0  # the drawing's text (what must be 9 px at the first view)


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


GRAD_COLOUR = "#9a3412"  # a gradient's line (and the legend's word): 7:1 on white
HANDLE_COLOUR = "#4b5563"  # an unnamed operation's handle: 7.5:1 on white


def pair(value: str, grad: str, precision: int, span: int = 1) -> str:
    """Return the two rows of a node's numbers: its value above its gradient (in
    GRAD_COLOUR), each a fixed, left-aligned slot (number_slots re-labels them; dot
    anchors text at its start, so a longer number stays inside its slot) spanning span
    columns of the title."""
    width, height = field_width(precision), int(11.0 * 1.2 + 2)
    cols = f' colspan="{span}"' if span > 1 else ""
    cell = f'<td {SLOT_ATTR}{cols} width="{width}" height="{height}" align="left">'
    return (
        f"<tr>{cell}{html_text(value)}</td></tr>"
        f'<tr>{cell}<font color="{GRAD_COLOUR}">{html_text(grad)}</font></td></tr>'
    )


PAIR = '<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'


@lru_cache(maxsize=8192)
def value_label(
    name: str | None, handle: str | None, op: str, value: str, grad: str, p: int
) -> str:
    """Return a value node's HTML-like label (memoised): a title row (the bold name, or the
    grey handle of an unnamed operation, with the operation in italics when `op` is given:
    the drawing without op nodes), then the value over the gradient. Its last two texts
    are always the value and the gradient."""
    title = f"<b>{html_text(name)}</b>" if name else ""
    if handle and not name:
        title = f'<font color="{HANDLE_COLOUR}">{html_text(handle)}</font>'
    if op:  # cells of their own, each as wide as a browser's wider font needs, text from
        # the left (dot anchors a text at its start: right-aligned, it would run out)
        least = min_width(name or handle or "", per_char=0.7 if name else 0.62)
        head = (
            f'<tr><td align="left" width="{least}">{title}</td>'
            f'<td align="left" width="{min_width(op) + 4}"><i>{html_text(op)}</i></td></tr>'
        )
        return PAIR + head + pair(value, grad, p, span=2) + "</table>"
    head = f'<tr><td align="left">{title}</td></tr>' if title else ""
    return PAIR + head + pair(value, grad, p) + "</table>"


def value_node(
    node: GraphNode,
    opts: DotOptions,
    copy: str | None = None,
    op: str | None = None,
    plain: bool = False,
) -> str:
    """Return the DOT line of a value node (or of a dashed copy of it with id `copy`):
    its name (or handle) over its value over its gradient; with `op` (the drawing without
    op nodes) the operation is written in its title; plain: a big drawing's cheaper node
    (`plain_label`)."""
    key = style_key(node)
    fill, style, pen = STYLES[key]
    p = opts.precision
    css = "intermediate named" if key == "named" else key
    if copy is not None:
        css, style = f"{css} copy copy-of-{node.id}", ",dashed"
    nid = copy or node.id
    head = f'"{nid}" [id="{nid}" class="value {css}'
    look = f'style="filled,rounded{style}" fillcolor="{fill}" penwidth={pen}'
    if plain:  # square corners: a polygon of four points, not a path of curves
        look = f'style="filled{style}" fillcolor="{fill}" penwidth={pen}'
        title = plain_title(node, op or "")
        width = plain_width(node, op or "", p)
        return (
            f'{head} plain{"" if node.name else " handle"}" shape=box {look} '
            f"fixedsize=true width={width / 72:.3f} height={PLAIN_H / 72:.3f} "
            f"label={plain_label(title, fmt(node.value, p), fmt(node.grad, p))}]"
        )
    label = value_label(node.name, node.handle, op or "", fmt(node.value, p), fmt(node.grad, p), p)
    return f'{head}" shape=box {look} margin="0.06,0.03" label=<{label}>]'


PLAIN_H = 45.0  # points: a plain node's three lines
PLAIN_ABOVE = 200  # drawn nodes above which a compact drawing's nodes are plain labels


def plain_title(node: GraphNode, op: str) -> str:
    """Return a plain node's first line: its name (or handle), then its operation."""
    return f"{node.name or node.handle or ''}{f'  {op}' if op else ''}"


def plain_width(node: GraphNode, op: str, precision: int) -> float:
    """Return the points a plain node is wide (what dot draws and the layout estimates):
    its numbers, or its title (bold for a name, regular for a handle) if wider."""
    title = min_width(plain_title(node, op), per_char=0.7 if node.name else 0.62)
    return float(max(field_width(precision), title) + 9)


def dot_text(text: str) -> str:
    """Return text safe inside a quoted DOT string (no quote, backslash or control char
    left: dot would expand \\N, \\G and the like)."""
    return _CONTROL.sub(" ", text).replace("\\", "\\\\").replace('"', '\\"')


def plain_label(title: str, value: str, grad: str) -> str:
    """Return a plain DOT label: title, value, gradient on three centred lines (cheaper
    for dot than an HTML-like table: a big drawing's node). number_slots finds the two
    numbers as the last two lines of a quoted label and marks them up after the layout
    (the gradient's colour, the title's weight)."""
    return f'"{dot_text(title)}\\n{value}\\n{grad}"'


def op_node(node: GraphNode, label: str, constants: tuple[str, ...] = ()) -> str:
    """Return the DOT line of the small op node that makes a value node: a circle with its
    symbol (a written constant beside it: "^ 2"), a box for a word (as wide as a browser's
    wider font needs); each constant written in it is named by a class `const-nC`."""
    shape = "box" if node.is_call or len(label) > 3 else "circle"  # words need a box
    width = f"{(min_width(label) + 6) / 72:.2f}" if shape == "box" else "0.3"
    css = "".join(f" const-{c}" for c in constants)
    return (
        f'"op-{node.id}" [id="op-{node.id}" class="op{css}" shape={shape} '
        f'style="filled,rounded" fillcolor="{OP_FILL}" width={width} height=0.3 margin="0.04,0.01" '
        f"label=<{html_text(label)}>]"
    )
