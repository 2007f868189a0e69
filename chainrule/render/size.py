"""How big a drawing is, counted before any DOT is written: the budget's DRAW resource."""

from __future__ import annotations

import itertools
from dataclasses import replace

from chainrule.budget import DRAW, Budget, BudgetExceeded
from chainrule.graph import Graph, GraphNode
from chainrule.render.errors import GraphTooLarge
from chainrule.render.op_layout import (
    LEGIBLE_PX,
    OpLayout,
    arrange_ops,
    better,
    op_labels,
    settled,
)
from chainrule.render.op_ranks import drawn
from chainrule.render.spine import hanging_leaves, spine, stacks, tree_inputs
from chainrule.render.style import COMPACT_ABOVE, PLAIN_ABOVE, DotOptions


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
    """Return the value nodes a drawing with these options shows (one linear pass): no
    constant (written beside its use, in its op node)."""
    expanded = opts.expand_calls
    return [
        n
        for n in graph.nodes
        if (n.group is None or expanded) and (not n.is_constant or n.id == graph.output)
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
    return count(shown, opts, op_layout(graph, opts, shown).compact)


def is_plain(shown: list[GraphNode], opts: DotOptions, compact: bool) -> bool:
    """Return whether the value nodes are plain labels (a compact drawing above
    PLAIN_ABOVE nodes: cheaper for dot)."""
    return compact and count(shown, opts, compact) > PLAIN_ABOVE


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


def op_layout(
    graph: Graph,
    opts: DotOptions,
    shown: list[GraphNode] | None = None,
    labels: dict[str, str] | None = None,
    drawing: bool = False,
) -> OpLayout:
    """Return the op level's direction, rows, label size at the first view and whether
    it is compact (estimated before any layout: chainrule/render/op_layout.py). With
    compact "auto", a drawing with op nodes that is not legible is drawn compactly when
    that is more legible (no op nodes: half the ranks). drawing: only what to_dot needs
    (no size estimate when the direction and compactness are settled)."""
    shown = shown_nodes(graph, opts) if shown is None else shown
    compact = is_compact(shown, opts)
    if drawing and opts.rankdir != "auto" and (compact or opts.compact is False):
        return OpLayout(opts.rankdir, compact=compact)  # nothing left to choose: no estimate
    labels = op_labels(graph, opts.constants)[0] if labels is None else labels
    fit = fit_box(opts)
    line: tuple[str, ...] = ()
    hang: int | None = None

    def estimate(
        compact: bool, tight: bool, stagger: bool, straight: bool, stack: bool = False
    ) -> OpLayout:
        plain = is_plain(shown, opts, compact)
        runs = stacks(graph, shown) if stack else ()
        sizes, rank, edges, back = drawn(
            graph, shown, labels, opts, not compact, plain, stagger, runs
        )
        layout = arrange_ops(sizes, rank, edges, opts, fit, hang if straight else None, back, tight)
        if layout.rows:  # wrapped: the rows decide where nodes go
            return replace(layout, compact=compact)
        return replace(
            layout, compact=compact, spine=line if straight else (), staggered=back, stacked=runs
        )

    layout = estimate(compact, False, False, False)
    compacts = [compact] + ([True] if opts.compact == "auto" and not compact else [])
    if len(shown) > PLAIN_ABOVE:  # too many nodes for a straight spine or tighter gaps
        other = estimate(True, False, False, False) if len(compacts) > 1 else layout
        return other if better(other) > better(layout) else layout
    if not settled(layout) and not opts.expand_calls:
        line, hang = _spine_of(graph, shown)
    # not legible, or only wrapped: the spine drawn straight, a long rank of leaves
    # staggered, operations drawn compactly, and only then nodes and ranks closer: the best
    # of each tier
    for tight in (False, True):
        if settled(layout):
            break
        for c, stagger, straight in itertools.product(compacts, *[[False, True]] * 2):
            if straight and not line:
                continue
            other = estimate(c, tight, stagger, straight)
            if better(other) > better(layout):
                layout = other
    # still not legible: a running sum or product drawn in one rank (no op nodes); no cap on
    # the operations but legibility's (and PLAIN_ABOVE's, above: the estimate's cost)
    for tight in (False, True):
        if settled(layout) or opts.compact is False:
            break
        other = estimate(True, tight, False, False, stack=True)
        if other.stacked and better(other) > better(layout):
            layout = other
    return layout


def _spine_of(graph: Graph, shown: list[GraphNode]) -> tuple[tuple[str, ...], int | None]:
    """Return the spine of a drawing that is a tree (each value used once at most; else
    none) and the most leaves hanging off it in one branch (chainrule/render/spine.py)."""
    inputs = tree_inputs(graph, shown)
    if inputs is None:
        return (), None
    line = spine(shown, inputs, graph.output)
    return tuple(line), hanging_leaves(line, inputs, {n.id for n in shown if n.is_leaf})


def resolve_level(graph: Graph, opts: DotOptions) -> str:
    """Return the level to draw: as asked, or ("auto") "ops" while the op-level drawing
    is legible at the first view (LEGIBLE_PX, the best of its directions and rows,
    estimated before any layout) or the program is one statement, else "lines"; "ops"
    when function bodies are asked for (expand_calls)."""
    if opts.level != "auto":
        return opts.level
    if opts.expand_calls:
        return "ops"  # function bodies were asked for: they are drawn operation by operation
    if op_layout(graph, opts).label_px >= LEGIBLE_PX or _one_statement(graph):
        return "ops"
    return "lines"


def _one_statement(graph: Graph) -> bool:
    """True when the lines level would be one box (a single statement is never drawn so:
    its operations are the only picture of it there is)."""
    roots = [n for n in graph.nodes if n.group is None and (n.name or n.is_call) and not n.is_leaf]
    return all(n.id == graph.output for n in roots)


def resolve_rankdir(graph: Graph, opts: DotOptions) -> str:
    """Return the op-level direction: as asked, or ("auto") the most legible one."""
    return op_layout(graph, opts).rankdir
