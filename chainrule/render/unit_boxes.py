"""The boxes of the lines level: a unit (its name, formula, the inputs listed inside, its
value and gradient) and a shared input, with their estimated sizes.

Each unit is `<g id="nK" class="node value unit ...">`; its last four texts are "value",
value_text, "grad", grad_text; inputs listed inside come before, each as name, "value", V,
"grad", G, in the order of the unit's `in_nJ` classes (a series lists none: class
"series").
"""

from __future__ import annotations

from chainrule.graph import GraphNode, fmt
from chainrule.hierarchy import Unit
from chainrule.render.style import (
    GRAD_WORD,
    STYLES,
    VALUE_WORD,
    DotOptions,
    field_width,
    html_text,
    min_width,
    slot,
    style_key,
)

ROW = '<table border="0" cellborder="0" cellspacing="0" cellpadding="1">'


def _first_column(unit: Unit, by_id: dict[str, GraphNode]) -> tuple[list[str], int]:
    names = [by_id[i].name or i for i in unit.inside]
    return names, max(min_width(n, per_char=0.7) for n in [*names, unit.name])


def unit_label(unit: Unit, by_id: dict[str, GraphNode], precision: int) -> str:
    """Return a unit's HTML-like label: name = formula, its inputs, then value and grad."""
    node = by_id[unit.node]
    p = precision
    names, first = _first_column(unit, by_id)
    if not unit.inside or unit.count > 1:  # numbers from the left edge (a series: no inputs)
        lines = unit.heading_lines
        wide = max(min_width(line) for line in lines)
        head = (  # the name a cell of its own: a browser's bold font may be wider than dot's
            f'<tr><td align="left" width="{min_width(unit.name, per_char=0.8)}">'
            f"<b>{html_text(unit.name)}</b></td>"
            f'<td colspan="3" align="left" width="{wide}">'
            f"<i>{html_text(lines[0])}</i></td></tr>"
        )
        for line in lines[1:]:  # a series of blocks: a line of the block a row
            head += f'<tr><td></td><td colspan="3" align="left"><i>{html_text(line)}</i></td></tr>'

        own = f"<tr>{VALUE_WORD}{slot(fmt(node.value, p), p)}{GRAD_WORD}"
        return ROW + head + own + f"{slot(fmt(node.grad, p), p)}</tr></table>"
    rows = [
        f'<tr><td align="left" width="{first}"><b>{html_text(unit.name)}</b></td>'
        f'<td colspan="4" align="left" width="{min_width(unit.heading)}">'
        f"<i>{html_text(unit.heading)}</i></td></tr>"
    ]
    for i, name in zip(unit.inside, names, strict=True):
        leaf = by_id[i]
        rows.append(
            f'<tr><td align="left">{html_text(name)}</td>{VALUE_WORD}'
            f"{slot(fmt(leaf.value, p), p)}{GRAD_WORD}{slot(fmt(leaf.grad, p), p)}</tr>"
        )
    rows.append(
        f"<tr><td></td>{VALUE_WORD}{slot(fmt(node.value, p), p)}"
        f"{GRAD_WORD}{slot(fmt(node.grad, p), p)}</tr>"
    )
    return ROW + "".join(rows) + "</table>"


def _head_width(unit: Unit) -> int:
    """The points of a unit's first rows without inputs inside: bold name, " = formula"
    (a series of blocks: its widest line)."""
    wide = max(min_width(line) for line in unit.heading_lines)
    return min_width(unit.name, per_char=0.8) + wide + 4


def unit_size(unit: Unit, by_id: dict[str, GraphNode], precision: int) -> tuple[float, float]:
    """Return the estimated (width, height) in points of a collapsed unit's box."""
    numbers = 2 * (field_width(precision) + 2) + min_width("value") + min_width("grad")
    if not unit.inside or unit.count > 1:
        return float(max(numbers, _head_width(unit)) + 8), 19.0 * (1 + len(unit.heading_lines))
    _, first = _first_column(unit, by_id)
    width = first + max(numbers, min_width(unit.heading)) + 16
    return float(width), 19.0 * (2 + len(unit.inside)) + 10


def shared_node(node: GraphNode, opts: DotOptions) -> str:
    """Return the DOT line of an input used by several units: its name above its numbers."""
    fill, style, pen = STYLES[style_key(node)]
    p = opts.precision
    label = (
        f'{ROW}<tr><td colspan="4" align="left"><b>{html_text(node.name or node.id)}</b></td>'
        f"</tr><tr>{VALUE_WORD}{slot(fmt(node.value, p), p)}{GRAD_WORD}"
        f"{slot(fmt(node.grad, p), p)}</tr></table>"
    )
    return (
        f'"{node.id}" [id="{node.id}" class="value {node.kind} shared" shape=box '
        f'style="filled{style}" fillcolor="{fill}" penwidth={pen} margin="0.06,0.03" '
        f"label=<{label}>]"
    )


def shared_size(node: GraphNode, precision: int) -> tuple[float, float]:
    """Return the estimated (width, height) in points of a shared input's box."""
    numbers = 2 * (field_width(precision) + 2) + min_width("value") + min_width("grad")
    return float(max(numbers, min_width(node.name or "", per_char=0.7)) + 4), 36.0


def unit_node(unit: Unit, by_id: dict[str, GraphNode], opts: DotOptions) -> str:
    """Return the DOT line of a collapsed unit."""
    node = by_id[unit.node]
    key = style_key(node)
    fill, style, pen = STYLES[key]
    css = " ".join(["value unit", "intermediate named" if key == "named" else key])
    if unit.count > 1:
        css += f" series of-{unit.node}"  # its numbers its last line's; no in_ classes
    else:
        css += "".join(f" in_{i}" for i in unit.inside)
    label = unit_label(unit, by_id, opts.precision)
    return (
        f'"{unit.id}" [id="{unit.id}" class="{css}" shape=box style="filled,rounded{style}" '
        f'fillcolor="{fill}" penwidth={pen} margin="0.08,0.04" label=<{label}>]'
    )
