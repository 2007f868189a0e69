"""Where the op level goes: left to right, top down, or a long chain wrapped into rows.

Estimated from the drawing's shape before any layout (each drawn node's size from its
label, dot's ranks as longest paths, a leaf one rank before its nearest use), so that the
first view shows every node with 11-point labels at least 9 px tall when it can:

- left to right: ranks are columns (width: the widest node of each rank and the gaps;
  height: the tallest column);
- top down: ranks are rows;
- wrapped: the drawn nodes, in the program's order (each operation just before its value),
  fill rows as wide as the view (each row one rank of a top-down drawing, read left to
  right like text), rows stacked.

`label_px` is the size 11-point text has when that drawing is scaled to fit the first view
(FIT_PT points, where 11 points are 9.1 px at 1280x800; never above the drawing's natural
size). The automatic level (chainrule/render/size.py) draws operations while the best of
the three is legible (`LEGIBLE_PX`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chainrule.graph import Graph, fmt
from chainrule.ops import OPS
from chainrule.render.spine import STAGGER_SHARE
from chainrule.render.style import (
    LABEL_PT,
    DotOptions,
)

LEGIBLE_PX = 9.0
PX_PER_PT = 780.0 / 940.0  # the 1280x800 graph panel (PANEL_PX) over its first view (FIT_PT)
NATURAL = 4.0 / 3.0 / PX_PER_PT  # a drawing is never shown larger than its natural size
NODESEP, RANKSEP = 14.0, 18.0  # points between nodes of a rank / between ranks (the DOT's)
TIGHT = (8.0, 10.0)  # (nodesep, ranksep) of a drawing legible only so (a wide tree)
ROW_SEP = 22.0  # points between wrapped rows (ranksep of a wrapped drawing)
LEGEND_H = 36.0  # points the legend adds above the drawing
SPREAD = 0.55  # of the leaves side by side: how far dot spreads a tree's leaves across
BUS = 30.0  # points right of a wrapped drawing with far edges: their lanes
FAR_INNER = 1  # far edges from operations a wrapped drawing may have, per row
NEAR = 2  # places apart in a wrapped row that an edge may join (a leaf beside its use)
DOT_PAD = 8.0  # points dot adds around a drawing (4 a side): a wrapped row, as wide as the
# view, leaves room for it (else its last box is cut at the legible first view)
EDGE_LABEL = 50.0  # the points a local derivative's label adds between two ranks
Size = tuple[float, float]
_INFIX = {op.symbol for op in OPS.values() if op.infix}


@dataclass(frozen=True)
class OpLayout:
    """The op level's direction, its rows when wrapped (node ids in DOT, in reading
    order), its estimated size (points) and label size at the first view (px)."""

    rankdir: str
    rows: list[list[str]] = field(default_factory=list)
    size: Size = (0.0, 0.0)
    label_px: float = 0.0
    compact: bool = False  # the operation written in its value node (no op nodes)
    far: frozenset[tuple[str, str]] = frozenset()  # wrapped: a leaf's edges to far uses,
    # drawn after the layout in the gaps between rows (chainrule/render/long_edges.py)
    spine: tuple[str, ...] = ()  # not wrapped: drawn straight (chainrule/render/spine.py)
    staggered: frozenset[str] = frozenset()  # not wrapped: leaves one rank further back
    tight: bool = False  # nodes and ranks TIGHT apart (not wrapped)
    stacked: tuple[tuple[str, ...], ...] = ()  # not wrapped: each run in one rank (spine.py)

    def seps(self) -> tuple[float, float]:
        """Return the points between nodes of a rank and between ranks (dot's nodesep and
        ranksep): TIGHT, or ROW_SEP between wrapped rows."""
        if self.tight:
            return TIGHT
        return NODESEP, ROW_SEP if self.rows else RANKSEP


def better(layout: OpLayout) -> tuple[bool, bool, float]:
    """Return what makes one layout better than another: legible, then (of legible ones)
    not wrapped, then the larger label. Rows read as text, but an edge between rows is
    harder to follow than one along a rank: wrapping is for what is legible no other way
    (wrapped first, a neuron on a phone read as three lines of boxes, not as a tree)."""
    legible = layout.label_px >= LEGIBLE_PX
    return legible, legible and not layout.rows, round(layout.label_px, 2)


def settled(layout: OpLayout) -> bool:
    """True when no other layout can be better (see better()): legible and not wrapped."""
    return all(better(layout)[:2])


def label_px(size: Size, fit: Size) -> float:
    """Return the px of an 11-point label when a drawing of size (points) fits the view."""
    scale = min(NATURAL, fit[0] / max(size[0], 1.0), fit[1] / max(size[1], 1.0))
    return LABEL_PT * PX_PER_PT * scale


def arrange_ops(
    sizes: dict[str, Size],
    rank: dict[str, int],
    edges: list[tuple[str, str]],
    opts: DotOptions,
    fit: Size,
    hanging: int | None = None,
    staggered: frozenset[str] = frozenset(),
    tight: bool = False,
) -> OpLayout:
    """Return the op level's layout: as asked, or the best (`better`) of left to right, top
    down and (a chain: `_far`) wrapped into rows (ties: not wrapped, left to right first).
    hanging: with a spine drawn straight, the most leaves beside it in one branch (what
    spreads across), else all of them do; staggered: leaves moved a rank back, which dot
    still draws partly beside their siblings (STAGGER_SHARE of their length stays in their
    rank); tight:
    nodes and ranks TIGHT apart, not wrapped."""
    nodesep, ranksep = TIGHT if tight else (NODESEP, RANKSEP)
    by_rank: dict[int, list[str]] = {}
    for k in sizes:
        by_rank.setdefault(rank[k], []).append(k)
    ranks = [by_rank[r] for r in sorted(by_rank)]
    half = [
        [
            ((sizes[k][0] + nodesep) * STAGGER_SHARE, (sizes[k][1] + nodesep) * STAGGER_SHARE)
            for k in staggered
            if rank[k] == r - 1
        ]
        for r in sorted(by_rank)
    ]

    def _across(r: int, axis: int) -> float:  # a rank's run, with its staggered halves
        return _run(sizes, ranks[r], axis, nodesep) + sum(h[axis] for h in half[r])

    gap = ranksep + (EDGE_LABEL if opts.local_grads else 0.0)
    legend = LEGEND_H if opts.legend else 0.0
    fed = {b for _, b in edges}
    leaves = [k for k in sizes if k not in fed]
    spread = leaves if hanging is None else leaves[:hanging]
    lr = (
        sum(max(sizes[k][0] for k in r) for r in ranks) + gap * (len(ranks) - 1),
        max([_across(r, 1) for r in range(len(ranks))] + [SPREAD * _run(sizes, spread, 1, nodesep)])
        + legend,
    )
    tb = (
        max(
            [_across(r, 0) for r in range(len(ranks))] + [SPREAD * _run(sizes, spread, 0, nodesep)]
        ),
        sum(max(sizes[k][1] for k in r) for r in ranks) + gap * (len(ranks) - 1) + legend,
    )
    choices = {"LR": OpLayout("LR", [], lr, label_px(lr, fit), tight=tight)}
    choices["TB"] = OpLayout("TB", [], tb, label_px(tb, fit), tight=tight)
    if opts.rankdir in ("LR", "TB"):
        return choices[opts.rankdir]
    if tight:
        return max(choices.values(), key=lambda c: (round(c.label_px, 2), c.rankdir == "LR"))
    order = reading_order(sizes)
    rows = _fill(order, sizes, fit[0] - DOT_PAD)
    far = _far(rows, edges, set(leaves))
    if far:  # far edges take lanes at the right: rows narrower by them, the whole in view
        rows = _fill(order, sizes, fit[0] - DOT_PAD - BUS)
        far = _far(rows, edges, set(leaves))
    if len(rows) > 1 and far is not None:
        wrapped = (
            max(_run(sizes, row, 0) for row in rows) + (BUS if far else 0.0),
            sum(max(sizes[k][1] for k in row) for row in rows) + ROW_SEP * (len(rows) - 1) + legend,
        )
        choices["wrap"] = OpLayout("TB", rows, wrapped, label_px(wrapped, fit), far=far)
    ties = ["LR", "TB", "wrap"]
    return max(choices.values(), key=lambda c: (*better(c), -ties.index(_key(c))))


def _far(
    rows: list[list[str]], edges: list[tuple[str, str]], leaves: set[str]
) -> frozenset[tuple[str, str]] | None:
    """The edges to far uses, drawn after the layout, if the rows read as a chain, else
    None: every other edge joins near neighbours of one row (at most NEAR apart, left to
    right) or the end of a row to the start of the next, and at most FAR_INNER far edges
    a row leave an operation (a leaf's, an input used all along, may be many)."""
    at = {k: (i, j) for i, row in enumerate(rows) for j, k in enumerate(row)}
    far = set()
    inner = 0  # far edges from operations (a line's result used again further on)
    for a, b in edges:
        (ra, ja), (rb, jb) = at[a], at[b]
        if ra == rb and 0 < jb - ja <= NEAR:
            continue
        if rb == ra + 1 and ja >= len(rows[ra]) - NEAR and jb < NEAR:
            continue
        far.add((a, b))
        inner += a not in leaves
    return frozenset(far) if inner <= FAR_INNER * len(rows) else None


def reading_order(sizes: dict[str, Size]) -> list[str]:
    """Return the drawn nodes as a wrapped drawing reads them: in the program's order (the
    order of sizes: drawn()'s), each operation's node just before its value, so every
    operation sits beside its inputs as text would write it (rank by rank, a neuron's
    second product landed a row away from its inputs)."""
    order: list[str] = []
    for k in sizes:
        if not k.startswith("op-"):
            order += [f"op-{k}", k] if f"op-{k}" in sizes else [k]
    return order


def _key(layout: OpLayout) -> str:
    return "wrap" if layout.rows else layout.rankdir


def _run(sizes: dict[str, Size], keys: list[str], axis: int, sep: float = NODESEP) -> float:
    """The length of nodes side by side along an axis (0: across, 1: down), with gaps."""
    return sum(sizes[k][axis] for k in keys) + sep * (len(keys) - 1)


def _fill(order: list[str], sizes: dict[str, Size], width: float) -> list[list[str]]:
    """Nodes in order into rows at most width points wide (one node at least)."""
    rows: list[list[str]] = []
    used = 0.0
    for k in order:
        w = sizes[k][0]
        if not rows or (rows[-1] and used + NODESEP + w > width):
            rows.append([])
            used = -NODESEP
        rows[-1].append(k)
        used += NODESEP + w
    return rows


def op_labels(graph: Graph, constants: bool) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Return each node's op label with (constants) the written numbers it uses beside
    its symbol (`b + 1` gets an op node "+ 1", `2 * x` "2 ×"), and the constants written
    into each op (by the op's node id)."""
    labels = {n.id: n.label for n in graph.nodes}
    written: dict[str, list[str]] = {}
    if not constants:
        return labels, written
    by_id = {n.id: n for n in graph.nodes}
    slot_of: dict[str, int] = {}
    for e in graph.edges:
        if e.kind != "input":
            continue
        position = slot_of.get(e.target, 0)
        slot_of[e.target] = position + 1
        source = by_id[e.source]
        if source.is_constant:
            op, text = labels[e.target], fmt(source.value, 6)
            left = position == 0 and op in _INFIX
            labels[e.target] = f"{text} {op}" if left else f"{op} {text}"
            written.setdefault(e.target, []).append(e.source)
    return labels, written
