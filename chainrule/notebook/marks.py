"""Check's marks on a drawing: each wrong node outlined in red with a note beside it giving
the learner's number and the expected one (DOT statements added to the drawing's DOT)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from chainrule.graph import Graph, fmt
from chainrule.render.style import html_text, min_width, style_key

WRONG = "#dc2626"
MAX_NOTES = 40  # beyond this many wrong nodes, only outlines (the text lists them all)


class Wrong(Protocol):
    """What a mark needs of a mismatch (checking.Mismatch)."""

    @property
    def node(self) -> str: ...
    @property
    def grad(self) -> float: ...
    @property
    def expected(self) -> float: ...
    @property
    def value(self) -> float: ...
    @property
    def expected_value(self) -> float: ...
    @property
    def wrong(self) -> tuple[str, ...]: ...


def _cell(text: str, bold: bool = False) -> str:
    """A cell wide enough for its text in any font (browsers draw wider than dot measures)."""
    width = min_width(text, 10.0, 0.7 if bold else 0.62)
    inner = f"<b>{html_text(text)}</b>" if bold else html_text(text)
    return f'<td align="left" width="{width}">{inner}</td>'


def _row(what: str, whose: str, number: str) -> str:
    return f"<tr>{_cell(what)}{_cell(whose)}{_cell(number, bold=True)}</tr>"


def marks(
    graph: Graph, found: Sequence[Wrong], owner: Mapping[str, str] | None = None
) -> list[str]:
    """Return the DOT statements marking the wrong nodes; a node drawn inside a box (the
    lines level: owner maps it to its box) marks that box once, without a note."""
    by_id = {n.id: n for n in graph.nodes}
    out: list[str] = []
    boxes: set[str] = set()
    for k, m in enumerate(found):
        box = (owner or {}).get(m.node, m.node)
        if box != m.node:
            if box not in boxes:
                boxes.add(box)
                out.append(f'"{box}" [color="{WRONG}" penwidth=3]')
            continue
        css = style_key(by_id[m.node])
        out.append(f'"{m.node}" [color="{WRONG}" penwidth=3 class="value {css} wrong"]')
        if k >= MAX_NOTES:
            continue
        rows = []
        if "value" in m.wrong:
            rows.append(("value", m.value, m.expected_value))
        if "grad" in m.wrong:
            rows.append(("grad", m.grad, m.expected))
        cells = "".join(
            _row(what, "yours", fmt(mine)) + _row("", "expected", fmt(want))
            for what, mine, want in rows
        )
        note = f"wrong-{m.node}"
        out += [
            f'"{note}" [id="{note}" class="wrong-note" shape=box style="filled,rounded" '
            f'fillcolor="#fee2e2" color="{WRONG}" fontsize=10 '
            f'label=<<table border="0" cellspacing="0" cellpadding="1">{cells}</table>>]',
            f'"{m.node}" -> "{note}" [class="edge wrong" style=dashed color="{WRONG}" '
            "arrowhead=none]",
        ]
    return out
