"""A big learner graph drawn collapsed: when every operation does not fit, its operations are
grouped into boxes (the renderer's lines level) along the graph's own joints.

A learner's graph has no program lines, so the joints are found: a node used by several
others (a neuron's output in an MLP), a node the notebook names, the output; and along a
long chain, a box is closed every MAX_BOX operations (a series of boxes). Each box is named
by its node's name or its handle ("n41"), so every number is still there to read.
"""

from __future__ import annotations

from dataclasses import replace

from chainrule.graph import Graph
from chainrule.render.size import drawn_count
from chainrule.render.style import DotOptions

OPS_FIT = 700  # at most this many nodes laid out op by op (dot takes ~1 s here); else boxes
MAX_BOX = 12  # operations in one box of a chain before the next box starts


def collapse(graph: Graph) -> Graph:
    """Return the graph with a name on every node that starts a box (see the module doc)."""
    users: dict[str, int] = {}
    for e in graph.edges:
        if e.kind == "input":
            users[e.source] = users.get(e.source, 0) + 1
    by_id = {n.id: n for n in graph.nodes}
    first_user: dict[str, str] = {}
    for e in graph.edges:
        if e.kind == "input":
            first_user.setdefault(e.source, e.target)
    size: dict[str, int] = {}  # box id -> operations in it
    box_of: dict[str, str] = {}
    starts: set[str] = set()
    for n in reversed(graph.nodes):  # users before what they use
        if n.is_leaf:
            continue
        user = first_user.get(n.id)
        joint = n.id == graph.output or bool(n.name) or users.get(n.id, 0) != 1 or user is None
        box = n.id if joint or user is None else box_of.get(user, n.id)
        if not joint and size.get(box, 0) >= MAX_BOX:
            box = n.id
        if box == n.id:
            starts.add(n.id)
        box_of[n.id] = box
        size[box] = size.get(box, 0) + 1
    nodes = tuple(
        n._replace(name=n.id) if n.id in starts and not by_id[n.id].name else n for n in graph.nodes
    )
    return replace(graph, nodes=nodes)


def plan(graph: Graph, opts: DotOptions, asked: bool) -> tuple[Graph, DotOptions, str]:
    """Return (graph, options, note) to draw: as asked, else op by op while it fits OPS_FIT
    nodes, else collapsed into boxes (with a note saying so and how to see every op)."""
    if asked or drawn_count(graph, opts) <= OPS_FIT:
        return graph, opts, ""
    boxed = collapse(graph)
    count = sum(1 for n in boxed.nodes if n.name and not n.is_leaf)
    note = (
        f"{len(graph.nodes):,} nodes drawn as {count:,} boxes (each box: a node and the "
        "operations that feed only it); level='ops' draws every operation"
    )
    return boxed, replace(opts, level="lines"), note
