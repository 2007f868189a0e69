"""How big a drawing is, counted before any DOT is written: the budget's DRAW resource."""

from __future__ import annotations

from chainrule.budget import DRAW, Budget, BudgetExceeded
from chainrule.graph import Graph, GraphNode
from chainrule.render.errors import GraphTooLarge
from chainrule.render.style import COMPACT_ABOVE, DotOptions


class Dot(str):
    """DOT text that knows its size: how many nodes `dot` lays out for it (what to_dot
    counted against the DRAW budget before writing it), the one measure of a drawing's
    size that the Renderer checks too."""

    nodes: int

    def __new__(cls, text: str, nodes: int) -> Dot:
        self = super().__new__(cls, text)
        self.nodes = nodes
        return self


def size_of(dot: str, node_count: int | None = None) -> int:
    """Return the nodes a DOT text draws: node_count when given, else what to_dot counted."""
    if node_count is not None:
        return node_count
    if isinstance(dot, Dot):
        return dot.nodes
    raise TypeError("DOT text not made by to_dot: give its node count")


def shown_nodes(graph: Graph, opts: DotOptions) -> list[GraphNode]:
    """Return the value nodes a drawing with these options shows (one linear pass)."""
    expanded = opts.expand_calls
    return [
        n
        for n in graph.nodes
        if (n.group is None or expanded) and (opts.constants or n.kind != "constant")
    ]


def is_compact(shown: list[GraphNode], opts: DotOptions) -> bool:
    """Return whether to draw compactly: as asked, or ("auto") above COMPACT_ABOVE ops."""
    if opts.compact != "auto":
        return bool(opts.compact)
    return sum(1 for n in shown if not n.is_leaf) > COMPACT_ABOVE


def drawn_count(graph: Graph, opts: DotOptions | None = None) -> int:
    """Return how many nodes `dot` lays out (what the DRAW budget counts): the value nodes,
    and in the classic drawing an op node per operation too."""
    opts = opts or DotOptions()
    shown = shown_nodes(graph, opts)
    return count(shown, opts, is_compact(shown, opts))


def count(shown: list[GraphNode], opts: DotOptions, compact: bool) -> int:
    """Return the nodes dot lays out for these shown value nodes."""
    if compact:
        return len(shown)
    expanded = opts.expand_calls
    ops = sum(1 for n in shown if not n.is_leaf and not (expanded and n.is_call))
    return len(shown) + ops


def check_drawable(count: int, budget: Budget) -> None:
    """Raise GraphTooLarge (a BudgetExceeded of DRAW) if count nodes may not be drawn."""
    try:
        budget.need(DRAW, count, "drawing")
    except BudgetExceeded as exc:
        raise GraphTooLarge(count, exc.limit) from None


# The first view at 1280x800: the graph panel is about 780x480 px, and 11-point labels
# are at least 9 px tall at 0.82 px per point: the op-level drawing must fit in FIT_PT.
FIT_PT = (940.0, 570.0)
PANEL_PX = (780.0, 480.0)  # that panel in CSS pixels (the page's graph box at 1280x800)


def view_points(width_px: float, height_px: float) -> tuple[float, float]:
    """Return the points a graph panel of this many CSS pixels shows with legible labels
    (at the 1280x800 panel's ratio, with its margin: PANEL_PX is FIT_PT)."""
    return (width_px * FIT_PT[0] / PANEL_PX[0], height_px * FIT_PT[1] / PANEL_PX[1])


def fit_box(opts: DotOptions) -> tuple[float, float]:
    """Return the first view (points) the automatic level and direction fit."""
    return opts.view or FIT_PT


# What one level of the op-level drawing takes (measured on dot's output): left to right
# a value node, an op node and the gaps; top down a value and an op row; a node's height.
LEVEL_LR, LEVEL_TB, NODE_H, NODE_W = 275.0, 95.0, 45.0, 230.0


def resolve_level(graph: Graph, opts: DotOptions) -> str:
    """Return the level to draw: as asked, or ("auto") "ops" while the op-level drawing
    fits the first view legibly (estimated from its levels, before any layout), else
    "lines"; "ops" when function bodies are asked for (expand_calls)."""
    if opts.level != "auto":
        return opts.level
    if opts.expand_calls:
        return "ops"  # function bodies were asked for: they are drawn operation by operation
    fits = _fits(graph, opts)
    return "ops" if fits[opts.rankdir if opts.rankdir != "auto" else "any"] else "lines"


def resolve_rankdir(graph: Graph, opts: DotOptions) -> str:
    """Return the op-level direction: as asked, or ("auto") top down when only that fits."""
    if opts.rankdir != "auto":
        return opts.rankdir
    fits = _fits(graph, opts)
    return "TB" if fits["TB"] and not fits["LR"] else "LR"


def _fits(graph: Graph, opts: DotOptions) -> dict[str, bool]:
    """Whether the op-level drawing fits the first view legibly, each way (estimated)."""
    shown = shown_nodes(graph, opts)
    ids = {n.id for n in shown}
    depth = {n.id: 0 for n in shown}
    for e in graph.edges:
        if e.source in ids and e.target in ids:
            depth[e.target] = max(depth[e.target], depth[e.source] + 1)
    width: dict[int, int] = {}
    for d in depth.values():
        width[d] = width.get(d, 0) + 1
    levels, widest = len(width), max(width.values(), default=0)
    fit_w, fit_h = fit_box(opts)
    tb = levels * LEVEL_TB <= fit_h and widest * NODE_W <= fit_w
    lr = levels * LEVEL_LR <= fit_w and widest * NODE_H <= fit_h
    return {"TB": tb, "LR": lr, "any": tb or lr}
