"""Where the lines level goes: left to right, top down, or wrapped into rows like text.

Chosen from the drawing's shape before any layout, so that the first view at 1280x800
shows the whole picture with 11-point text at least 9 px tall when it can. Left to right
the units' levels (longest path between units) are columns; top down they are rows; a
picture too long both ways is wrapped: the units, level by level, fill rows as wide as the
view (one rank of a top-down drawing each, edges inside a row run left to right), rows
stack like lines of text, left-aligned, the shared inputs in rows of their own above. An
edge between rows that are not next to each other is drawn after the layout in lanes of
the gaps between rows and a bus at the right (chainrule/render/long_edges.py), so the rows keep the
view's width: 37 boxes of a 60-line program fit 1280x800 with every label >= 9 px. The
direction a user asked for is kept as asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chainrule.hierarchy import Units

GAP_X, GAP_Y = 15.0, 22.0  # points between boxes along a row / between ranks (as dot's
# nodesep and ranksep of the lines level); wrapped rows are ROW_GAP apart
ROW_GAP = 18.0
OPEN_SIZE = (400.0, 200.0)  # a unit drawn open, roughly
BUS = 40.0  # points right of a wrapped drawing: the lanes of edges between distant rows
Size = tuple[float, float]


@dataclass(frozen=True)
class Arrangement:
    """The direction of the drawing and, when wrapped, the boxes of each row (inputs first)."""

    rankdir: str
    rows: list[list[str]] = field(default_factory=list)
    scale: float = 1.0  # the first view over the drawing (1: legible whole), as estimated


def arrange(
    units: Units,
    sizes: dict[str, Size],
    shared: dict[str, Size],
    asked: str,
    fit: Size,
    open_: frozenset[str] = frozenset(),
) -> Arrangement:
    """Return how to lay the units out (see the module's docstring) for a first view of
    fit points; wrapped, each box drawn open (open_) has a row of its own."""
    if asked in ("LR", "TB"):
        return Arrangement(asked)
    levels = unit_levels(units)
    if not levels:
        return Arrangement("LR")
    inputs = (max((w for w, _ in shared.values()), default=0.0), sum(h for _, h in shared.values()))
    lr = (
        sum(max(sizes[u][0] for u in lv) + GAP_X for lv in levels) + inputs[0],
        max([sum(sizes[u][1] + GAP_X for u in lv) for lv in levels] + [inputs[1]]),
    )
    tb = (
        max([sum(sizes[u][0] + GAP_X for u in lv) for lv in levels] + [_width(shared.values())]),
        sum(max(sizes[u][1] for u in lv) + GAP_Y for lv in levels) + (GAP_Y if shared else 0),
    )
    order = [u for lv in levels for u in lv]
    unit_rows = _fill(order, sizes, fit[0], open_)
    input_rows = _fill(list(shared), shared, fit[0])
    rows = input_rows + unit_rows
    boxes = {**sizes, **shared}
    wrapped = (
        max(_width(boxes[b] for b in r) for r in rows) + BUS,
        sum(max(boxes[b][1] for b in r) + ROW_GAP for r in rows),
    )
    scale = {k: _scale(s, fit) for k, s in (("LR", lr), ("TB", tb), ("wrap", wrapped))}
    best = max(scale, key=lambda k: (scale[k], k != "wrap"))  # ties: not wrapped
    if scale[best] < 1.0:
        best = "wrap"  # legible nowhere whole: rows as wide as the view read across, then down
    if best == "wrap" and len(rows) > 1:  # (the inputs in rows above one row of boxes too)
        return Arrangement("TB", rows, scale["wrap"])
    return Arrangement("LR" if best == "wrap" else best, [], scale[best])


def _scale(size: Size, fit: Size) -> float:
    return min(1.0, fit[0] / max(size[0], 1.0), fit[1] / max(size[1], 1.0))


def _width(boxes: object) -> float:
    return sum(w + GAP_X for w, _ in boxes)  # type: ignore[attr-defined]


def unit_levels(units: Units) -> list[list[str]]:
    """Return the units by level, in program order: 0 for a unit that uses no other
    unit, else 1 + its deepest source."""
    ids = {u.id for u in units.units}
    level = dict.fromkeys(ids, 0)
    for source, target, _ in sorted(units.edges, key=lambda e: int(e[1][1:])):
        if source in ids:
            level[target] = max(level[target], level[source] + 1)
    out: list[list[str]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for u in units.units:
        out[level[u.id]].append(u.id)
    return out


def _fill(
    order: list[str], sizes: dict[str, Size], fit_w: float, alone: frozenset[str] = frozenset()
) -> list[list[str]]:
    """Boxes in order into rows as wide as the view (fit_w) allows (one box at least), each
    box in alone on a row of its own: an open box's frame spans ranks of its own, and dot
    places it freely among a row's boxes (an opened y2 was drawn left of y1); alone, it
    comes after the row before and before the row after, as a paragraph would."""
    rows: list[list[str]] = []
    width = 0.0
    for b in order:
        w = sizes[b][0] + GAP_X
        full = rows and rows[-1] and width + w - GAP_X > fit_w - BUS
        if not rows or full or b in alone or rows[-1][-1] in alone:
            rows.append([])
            width = 0.0
        rows[-1].append(b)
        width += w
    return rows


def roomiest(
    rows: list[list[str]], boxes: dict[str, Size], width: float, fit_w: float
) -> int | None:
    """Return the row to add a box `width` wide to: the last if it fits there, else the
    one with the most room left; None when it fits in none (it then needs a row of its
    own: a wrapped drawing stays as wide as the view, fit_w)."""
    used = [_width(boxes[b] for b in r) - GAP_X for r in rows]
    room = fit_w - BUS - GAP_X - width
    if used[-1] <= room:
        return len(rows) - 1
    k = min(range(len(rows)), key=lambda k: (used[k], -k))
    return k if used[k] <= room else None
