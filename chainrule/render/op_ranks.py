"""What `dot` draws at the op level, estimated before any layout: each node's size (from
its label) and rank (longest paths, a leaf or a hanging tree just before its nearest use,
as dot's ranking puts them; a long rank of leaves staggered when asked), and the edges.
chainrule/render/op_layout.py chooses the direction from them."""

from __future__ import annotations

import itertools

from chainrule.graph import Graph, GraphNode
from chainrule.render.spine import staggered
from chainrule.render.style import (
    PLAIN_H,
    DotOptions,
    field_width,
    min_width,
    plain_width,
)

VALUE_H, OP_SIZE = 48.0, 23.0  # points: a value node's height, an op circle's side
Size = tuple[float, float]


def value_size(node: GraphNode, op: str, precision: int, plain: bool = False) -> Size:
    """Return the estimated size of a value node: its title over its two numbers (plain:
    a big drawing's node, as wide as style.plain_width draws it)."""
    if plain:
        return plain_width(node, op, precision), PLAIN_H
    title = node.name or node.handle or ""
    width = min_width(title, per_char=0.7 if node.name else 0.62)
    if op:
        width += min_width(op) + 4
    return float(max(field_width(precision), width) + 9), VALUE_H


def op_size(label: str) -> Size:
    """Return the estimated size of an op node: a circle, or a box for a longer label."""
    if len(label) <= 3:
        return OP_SIZE, OP_SIZE
    return float(min_width(label) + 8), OP_SIZE


def drawn(
    graph: Graph,
    shown: list[GraphNode],
    labels: dict[str, str],
    opts: DotOptions,
    ops: bool,
    plain: bool = False,
    stagger: bool = False,
    stacked: tuple[tuple[str, ...], ...] = (),
) -> tuple[dict[str, Size], dict[str, int], list[tuple[str, str]], frozenset[str]]:
    """Return the size of each node dot draws (value nodes, plain ones if plain, op nodes
    `op-nK` when ops), in program order, its rank (longest path, then each node moved to
    just before its nearest use, as dot's ranking does; with stagger, the leaves of a
    long rank every other one a rank back: `spine.staggered`), the drawn edges and the
    staggered leaves; each run in stacked (no op nodes) one rank: `spine.stacks`)."""
    ids = {n.id for n in shown}
    sizes: dict[str, Size] = {}
    for n in shown:
        op = not n.is_leaf
        sizes[n.id] = value_size(n, "" if ops or not op else labels[n.id], opts.precision, plain)
        if ops and op:
            sizes[f"op-{n.id}"] = op_size(labels[n.id])
    rank = dict.fromkeys(sizes, 0)
    step = 2 if ops else 1
    users: dict[str, list[str]] = {}
    for e in graph.edges:
        if e.kind == "input" and e.source in ids and e.target in ids:
            users.setdefault(e.source, []).append(e.target)
    flat = {(a, b) for run in stacked for a, b in itertools.pairwise(run)}
    for n in shown:  # ids are topological: inputs first
        for u in users.get(n.id, []):
            rank[u] = max(rank[u], rank[n.id] + (0 if (n.id, u) in flat else step))
    hanging = _hanging(shown, users)
    for n in reversed(shown):  # as dot ranks: a leaf, or a tree hanging from one use, just
        if users.get(n.id) and (n.is_leaf or n.id in hanging):  # before its nearest use
            rank[n.id] = min(rank[u] - (0 if (n.id, u) in flat else step) for u in users[n.id])
    for run in stacked:
        top = max(rank[k] for k in run)
        rank.update(dict.fromkeys(run, top))
    for n in shown:
        if ops and f"op-{n.id}" in rank:
            rank[f"op-{n.id}"] = rank[n.id] - 1
    back = staggered(shown, rank, users) if stagger else frozenset()
    for k in back:
        rank[k] -= 1
    low = min(rank.values(), default=0)
    edges = []
    for source, us in users.items():
        for u in us:
            edges += [(source, f"op-{u}"), (f"op-{u}", u)] if ops else [(source, u)]
    return sizes, {k: r - low for k, r in rank.items()}, edges, back


def _hanging(shown: list[GraphNode], users: dict[str, list[str]]) -> set[str]:
    """The operations that with their inputs form a tree hanging from their one use (each
    input used by them alone): dot moves such a tree next to its use."""
    inputs: dict[str, list[str]] = {}
    for source, us in users.items():
        for u in us:
            inputs.setdefault(u, []).append(source)
    leaf = {n.id for n in shown if n.is_leaf}
    out: set[str] = set()
    for n in shown:  # inputs first
        args = inputs.get(n.id, [])
        if n.id in leaf or len(users.get(n.id, [])) != 1 or not args:
            continue
        if all(len(users[a]) == 1 and (a in leaf or a in out) for a in args):
            out.add(n.id)
    return out
