"""DOT text for a Graph: a value node per Value and a small op node per operation.

User text (names, labels) only enters HTML-like labels through `html_text`, and node ids
must be plain (`[A-Za-z0-9_-]+`), so no name can inject DOT or SVG markup. The output
depends only on the graph and the options: the same program gives the same bytes.
"""

from __future__ import annotations

import re

from app.graph import Graph, GraphEdge, GraphNode
from app.render.style import (
    DotOptions,
    fmt,
    html_text,
    legend_lines,
    op_node,
    style_key,
    value_node,
)

_SAFE_ID = re.compile(r"[A-Za-z0-9_-]+")
_INFIX = {"+", "−", "×", "÷", "^"}


def to_dot(graph: Graph, options: DotOptions | None = None) -> str:
    """Return DOT text drawing the graph (deterministic; all user text escaped)."""
    opts = options or DotOptions()
    for node in graph.nodes:
        if not _SAFE_ID.fullmatch(node.id):
            raise ValueError(f"node id {node.id!r} is not plain ([A-Za-z0-9_-]+)")
    by_id = {n.id: n for n in graph.nodes}
    groups = {n.group for n in graph.nodes if n.group is not None}
    expanded = groups if opts.expand_calls else set()
    shown = {
        n.id
        for n in graph.nodes
        if (n.group is None or n.group in expanded) and (opts.constants or n.kind != "constant")
    }
    labels = {n.id: n.label for n in graph.nodes}
    if not opts.constants:
        _fold_constants(graph, by_id, labels)
    lines = [
        "digraph chainrule {",
        f'graph [rankdir={"TB" if opts.rankdir == "TB" else "LR"} fontname="Helvetica" '
        "nodesep=0.25 ranksep=0.35]",
        'node [fontname="Helvetica" fontsize=11 height=0.3 margin="0.06,0.03"]',
        'edge [fontname="Helvetica" fontsize=9 arrowsize=0.6 color="#4b5563"]',
    ]
    lines += _node_lines(graph, shown, expanded, by_id, labels, opts)
    depth = _depths(graph) if opts.max_edge_span > 0 else {}
    for i, e in enumerate(graph.edges):
        if e.source not in shown or e.target not in shown:
            continue
        if e.kind == "input" and e.target not in expanded:
            label, source = _edge_label(e, by_id, opts), e.source
            if depth and depth[e.target] - depth[e.source] > opts.max_edge_span:
                source = f"{e.source}-copy-e{i}"  # a long edge: draw its source again
                lines.append(value_node(by_id[e.source], opts, copy=source))
            lines.append(f'"{source}" -> "op-{e.target}" [id="e{i}" class="edge"{label}]')
        elif e.kind == "bind" and by_id[e.target].group in expanded:
            lines.append(f'{e.source} -> {e.target} [id="e{i}" class="edge bind" style=dashed]')
        elif e.kind == "result" and e.target in expanded:
            lines.append(f'{e.source} -> {e.target} [id="e{i}" class="edge result" style=dashed]')
    if opts.legend:
        lines += legend_lines({style_key(n) for n in graph.nodes if n.id in shown})
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node_lines(
    graph: Graph,
    shown: set[str],
    expanded: set[str],
    by_id: dict[str, GraphNode],
    labels: dict[str, str],
    opts: DotOptions,
) -> list[str]:
    """Value and op nodes; an expanded call's body nested in its own cluster."""
    members: dict[str | None, list[GraphNode]] = {}
    for n in graph.nodes:
        if n.id in shown:
            members.setdefault(n.group, []).append(n)
    children: dict[str | None, list[str]] = {}
    for n in graph.nodes:
        if n.id in expanded:
            children.setdefault(n.group, []).append(n.id)
    lines: list[str] = []
    stack: list[tuple[str | None, bool]] = [(None, False)]
    while stack:
        group, closing = stack.pop()
        if closing:
            lines.append("}")
            continue
        if group is not None:
            lines += [f"subgraph cluster_{group} {{", _cluster_label(graph, group, by_id, opts)]
            stack.append((group, True))
        stack.extend((c, False) for c in reversed(children.get(group, [])))
        for n in members.get(group, []):
            lines.append(value_node(n, opts))
            if n.op not in ("", "const") and n.id not in expanded:
                lines.append(op_node(n, labels[n.id]))
                lines.append(f'"op-{n.id}" -> {n.id} [class="edge op"]')
    return lines


def _depths(graph: Graph) -> dict[str, int]:
    """Return each node's level: 0 for leaves, else 1 + the deepest of its inputs."""
    depth = {n.id: 0 for n in graph.nodes}
    for e in graph.edges:  # sources come first (in an expanded body, levels are rough)
        depth[e.target] = max(depth[e.target], depth[e.source] + 1)
    return depth


def _cluster_label(graph: Graph, call: str, by_id: dict[str, GraphNode], opts: DotOptions) -> str:
    params = [
        by_id[e.target].name or "?"
        for e in graph.edges
        if e.kind == "bind" and by_id[e.target].group == call
    ]
    node, out = by_id[call], by_id[graph.output].name or "out"
    grad = fmt(node.grad, opts.precision)
    text = f"{node.label}({', '.join(params)}) · ∂{out}/∂{node.label} = {grad}"
    return (
        f'id="cluster-{call}" class="call" label=<{html_text(text)}> fontsize=10 '
        'style="rounded,filled" fillcolor="#faf5ff" color="#a78bfa"'
    )


def _edge_label(edge: GraphEdge, by_id: dict[str, GraphNode], opts: DotOptions) -> str:
    if not opts.local_grads:
        return ""
    src, dst = by_id[edge.source].name, by_id[edge.target].name
    value = fmt(edge.local_grad, opts.precision)
    text = f"∂{dst}/∂{src} = {value}" if src and dst else value
    return f" label=<{html_text(text)}>"


def _fold_constants(graph: Graph, by_id: dict[str, GraphNode], labels: dict[str, str]) -> None:
    """Write hidden constants into op labels: `b + 1` gets an op node "+ 1"."""
    slot: dict[str, int] = {}
    for e in graph.edges:
        if e.kind != "input":
            continue
        position = slot.get(e.target, 0)
        slot[e.target] = position + 1
        source = by_id[e.source]
        if source.kind == "constant":
            op, text = labels[e.target], fmt(source.value, 6)
            left = position == 0 and op in _INFIX
            labels[e.target] = f"{text} {op}" if left else f"{op} {text}"
