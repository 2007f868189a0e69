"""How big a drawing is, counted before any DOT is written: the budget's DRAW resource."""

from __future__ import annotations

from app.budget import DRAW, Budget, BudgetExceeded
from app.graph import Graph, GraphNode
from app.render.errors import GraphTooLarge
from app.render.style import COMPACT_ABOVE, DotOptions


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
    return sum(1 for n in shown if n.op not in ("", "const")) > COMPACT_ABOVE


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
    ops = sum(1 for n in shown if n.op not in ("", "const") and not (expanded and n.op == "call"))
    return len(shown) + ops


def check_drawable(count: int, budget: Budget | None = None) -> None:
    """Raise GraphTooLarge (a BudgetExceeded of DRAW) if count nodes may not be drawn."""
    try:
        (budget or Budget()).need(DRAW, count, "drawing")
    except BudgetExceeded as exc:
        raise GraphTooLarge(count, exc.limit) from None
