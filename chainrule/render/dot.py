"""DOT text for a Graph: value nodes, op nodes (or the compact drawing), edges, clusters.

User text (names, labels) only enters HTML-like labels through `html_text`, and node ids
must be plain (`[A-Za-z0-9_-]+`), so no name can inject DOT or SVG markup. The output
depends only on the graph and the options: the same program gives the same bytes. Building
it is linear in the graph, and the drawing ceiling (the budget's DRAW resource) is checked
before anything is built.

The SVG contract with the browser (static/js/drawing.js relies on it; the tests in
tests/render check it). CHANGED in issue 26 (the compact node) — the one place it is written:

- Numbers: `value_text = fmt(value, precision)`, `grad_text = fmt(grad, precision)`
  (`chainrule.graph.fmt`). POST /api/evaluate gives every node its `value_text` and
  `grad_text` at the request's precision: exactly the strings drawn.
- Each value node of the op level is `<g id="nK" class="node value KIND ...">`; a dashed
  copy near a far-away user is `<g id="nK-copy-eI" class="... copy copy-of-nK">`.
- Its LAST TWO `<text>` elements are value_text then grad_text (the value above the
  gradient; the gradient's text has fill GRAD_COLOUR). There are no "value"/"grad" words in
  it any more. Before them: its title — the bold name, or for an unnamed operation its
  handle (`GraphNode.handle`, "prod2", fill HANDLE_COLOUR), and in the drawing without op
  nodes the operation in italics after it (its text begins with a no-break space). Both
  numbers sit in fixed-width, left-aligned slots sized for the precision (text-anchor
  start), so replacing the text content of those two elements is a complete update. A
  big compact drawing (above style.PLAIN_ABOVE nodes) has plain nodes (`class="... plain"`,
  "handle" too when the title is one): fixed-size boxes whose three texts (title, value,
  gradient) are centred (text-anchor middle); the same rule holds.
- Lines-level boxes (units `class="... unit in_nJ ..."`, shared inputs `... shared`) keep
  the old quads: "value", V, "grad", G per number pair (chainrule/render/lines_level.py).
  So a reader finds the quads first and, when a box has none, takes its last two texts.
- Constants are not nodes: each is written beside its use's symbol in that op node
  (`g#op-nK`, "+ 1", "2 ×"), whose class names it: `class="node op const-nC"` (graphviz
  writes the "-" in an attribute as `&#45;`). With constants=False the op shows its symbol
  only.
- Op nodes `g#op-nK` (class "op") per operation; with `compact` (or "auto" above
  COMPACT_ABOVE operations, or when only that is legible at the first view) none: the op
  is in the value node's title and edges go from input to value node.
- The legend is the graph's label above the drawing (texts of `g.graph`, no node).
- Wrapped rows (OpLayout.rows, a chain too long for the view) change nothing of the above.
- Edge labels (local gradients) and call clusters' labels also hold numbers in fixed
  fields (re-labelled on the server), outside this contract.
"""

from __future__ import annotations

import itertools
import re

from chainrule.budget import Budget
from chainrule.graph import Graph, GraphEdge, GraphNode, fmt
from chainrule.render.legend import legend_graph_label
from chainrule.render.lines_level import lines_dot
from chainrule.render.long_edges import FAR_SPAN, comment
from chainrule.render.op_layout import op_labels
from chainrule.render.size import (
    Dot,
    check_drawable,
    count,
    is_plain,
    op_layout,
    resolve_level,
    shown_nodes,
)
from chainrule.render.spine import stack_lines, tree_inputs
from chainrule.render.style import (
    DotOptions,
    html_text,
    op_node,
    slot,
    style_key,
    value_node,
)

_SAFE_ID = re.compile(r"[A-Za-z0-9_-]+")
_PLAIN = '<table border="0" cellborder="0" cellspacing="0" cellpadding="0"><tr>'


def to_dot(graph: Graph, options: DotOptions | None = None, *, budget: Budget) -> Dot:
    """Return DOT text drawing the graph (deterministic; all user text escaped), with the
    count of nodes it draws (`Dot.nodes`, what the Renderer checks).

    Raises GraphTooLarge, before building anything, when the drawing is over the request's
    budget (its DRAW nodes).
    """
    opts = options or DotOptions()
    if resolve_level(graph, opts) == "lines":
        labels, _ = op_labels(graph, opts.constants)
        return lines_dot(graph, opts, budget, labels)
    shown_list = shown_nodes(graph, opts)
    labels, written = op_labels(graph, opts.constants)
    layout = op_layout(graph, opts, shown_list, labels, drawing=True)
    compact = layout.compact
    size = count(shown_list, opts, compact)
    check_drawable(size, budget)
    for node in graph.nodes:
        if not _SAFE_ID.fullmatch(node.id):
            raise ValueError(f"node id {node.id!r} is not plain ([A-Za-z0-9_-]+)")
    by_id = {n.id: n for n in graph.nodes}
    expanded = {n.group for n in graph.nodes if n.group is not None} if opts.expand_calls else set()
    shown = {n.id for n in shown_list}
    wrapped = bool(layout.rows)
    # a tree keeps its operands' order (its inputs in the program's order, left to right)
    ordered = not (wrapped or expanded) and tree_inputs(graph, shown_list) is not None
    flow = "remincross=false mclimit=0.01" if wrapped else "ordering=in" if ordered else ""
    lines = [
        "digraph chainrule {",
        f'graph [rankdir={layout.rankdir} fontname="Helvetica" '
        f"nodesep={layout.seps()[0] / 72:.3f} ranksep={layout.seps()[1] / 72:.3f} "
        f"newrank=true {flow}]".replace(" ]", "]"),
        'node [fontname="Helvetica" fontsize=11 height=0.3 margin="0.06,0.03"]',
        'edge [fontname="Helvetica" fontsize=9 arrowsize=0.6 color="#4b5563"]',
    ]
    plain = is_plain(shown_list, opts, compact)  # a big drawing: nodes cheaper for dot
    lines += _node_lines(graph, shown_list, expanded, labels, written, opts, compact, plain)
    depth = _depths(graph)
    far: list[tuple[str, str, str]] = []
    for i, e in enumerate(graph.edges):
        if e.source not in shown or e.target not in shown:
            continue
        if e.kind == "input" and e.target not in expanded:
            label, source = _edge_label(e, by_id, opts), e.source
            span = depth[e.target] - depth[e.source]
            target = e.target if compact else f"op-{e.target}"
            if (e.source, target) in layout.far:  # wrapped rows: routed in the gaps after
                far.append((f"e{i}", e.source, target))
                continue
            far_input = by_id[e.source].is_input and span > FAR_SPAN and not wrapped
            if far_input and not opts.max_edge_span:
                far.append((f"e{i}", e.source, e.target if compact else f"op-{e.target}"))
                continue  # routed after the layout, beside the drawing
            if opts.max_edge_span and span > opts.max_edge_span:
                source = f"{e.source}-copy-e{i}"  # a long edge: draw its source again
                op = "" if compact else None
                lines.append(value_node(by_id[e.source], opts, copy=source, op=op, plain=plain))
            target = e.target if compact else f"op-{e.target}"
            weight = " weight=0" if wrapped else ""  # rows decide where nodes go
            weight += " minlen=2" if e.source in layout.staggered else ""
            lines.append(f'"{source}" -> "{target}" [id="e{i}" class="edge"{label}{weight}]')
        elif e.kind == "bind" and by_id[e.target].group in expanded:
            lines.append(f'{e.source} -> {e.target} [id="e{i}" class="edge bind" style=dashed]')
        elif e.kind == "result" and e.target in expanded:
            lines.append(f'{e.source} -> {e.target} [id="e{i}" class="edge result" style=dashed]')
    if far:
        lines.append(f"graph [{comment(far, rows=wrapped)}]")
    lines += row_lines(layout.rows)
    lines += stack_lines(layout.stacked)
    if len(layout.spine) > 1:  # drawn straight: what hangs off it goes above and below
        ops = [f"op-{k}" for k in layout.spine if not (compact or by_id[k].is_leaf)]
        on = [*layout.spine, *ops]
        lines += [f'"{k}" [group=spine]' for k in on]
    if opts.legend:  # last: a graph label set before a cluster would be the cluster's
        lines.append(legend_graph_label({style_key(n) for n in shown_list}, op=not compact))
    lines.append("}")
    return Dot("\n".join(lines) + "\n", size)


def _node_lines(
    graph: Graph,
    shown: list[GraphNode],
    expanded: set[str],
    labels: dict[str, str],
    written: dict[str, list[str]],
    opts: DotOptions,
    compact: bool,
    plain: bool = False,
) -> list[str]:
    """Value and op nodes (the constants written in each op node named on it); an expanded
    call's body nested in its own cluster."""
    members: dict[str | None, list[GraphNode]] = {}
    for n in shown:
        members.setdefault(n.group, []).append(n)
    children: dict[str | None, list[str]] = {}
    for n in graph.nodes:
        if n.id in expanded:
            children.setdefault(n.group, []).append(n.id)
    cluster_labels = _cluster_labels(graph, expanded, opts) if expanded else {}
    lines: list[str] = []
    stack: list[tuple[str | None, bool]] = [(None, False)]
    while stack:
        group, closing = stack.pop()
        if closing:
            lines.append("}")
            continue
        if group is not None:
            lines += [f"subgraph cluster_{group} {{", cluster_labels[group]]
            stack.append((group, True))
        stack.extend((c, False) for c in reversed(children.get(group, [])))
        for n in members.get(group, []):
            is_op = not n.is_leaf and n.id not in expanded
            if compact:
                lines.append(value_node(n, opts, op=labels[n.id] if is_op else "", plain=plain))
                continue
            lines.append(value_node(n, opts))
            if is_op:
                lines.append(op_node(n, labels[n.id], tuple(written.get(n.id, ()))))
                lines.append(f'"op-{n.id}" -> {n.id} [class="edge op"]')
    return lines


def _depths(graph: Graph) -> dict[str, int]:
    """Return each node's level: 1 + the deepest of its inputs; a leaf (input, constant)
    sits one level before its nearest user, where dot puts it, so only a leaf used far
    apart gets copies (a constant used once never does)."""
    depth = {n.id: 0 for n in graph.nodes}
    fed: set[str] = set()
    for e in graph.edges:  # sources come first (in an expanded body, levels are rough)
        depth[e.target] = max(depth[e.target], depth[e.source] + 1)
        fed.add(e.target)
    home: dict[str, int] = {}
    for e in graph.edges:
        if e.source not in fed:
            home[e.source] = min(home.get(e.source, depth[e.target]), depth[e.target] - 1)
    return depth | home


def _cluster_labels(graph: Graph, calls: set[str], opts: DotOptions) -> dict[str, str]:
    """Return each expanded call's cluster attributes, its parameters found in one pass."""
    by_id = {n.id: n for n in graph.nodes}
    params: dict[str, list[str]] = {c: [] for c in calls}
    for e in graph.edges:
        if e.kind == "bind":
            param = by_id[e.target]
            if param.group in params:
                params[param.group].append(param.name or "?")
    out = by_id[graph.output].name or "out"
    labels = {}
    for call in calls:
        node = by_id[call]
        text = f"{node.label}({', '.join(params[call])}) · ∂{out}/∂{node.label} = "
        grad = slot(fmt(node.grad, opts.precision), opts.precision, 10.0)
        labels[call] = (
            f'id="cluster-{call}" class="call" label=<{_PLAIN}<td>{html_text(text)}</td>'
            f"{grad}</tr></table>> fontsize=10 "
            'style="rounded,filled" fillcolor="#faf5ff" color="#a78bfa"'
        )
    return labels


def _edge_label(edge: GraphEdge, by_id: dict[str, GraphNode], opts: DotOptions) -> str:
    if not opts.local_grads:
        return ""
    src, dst = by_id[edge.source].name, by_id[edge.target].name
    value = slot(fmt(edge.local_grad, opts.precision), opts.precision, 9.0)
    text = f"<td>{html_text(f'∂{dst}/∂{src} =')}</td>" if src and dst else ""
    return f" label=<{_PLAIN}{text}{value}</tr></table>>"


def row_lines(rows: list[list[str]]) -> list[str]:
    """A drawing wrapped into rows: each row one rank read left to right (invisible edges
    keep its order), rows left-aligned one below the other."""
    lines = []
    for row in rows:
        lines.append("{rank=same; " + " ".join(f'"{b}";' for b in row) + "}")
        lines += [f'"{a}" -> "{b}" [style=invis]' for a, b in itertools.pairwise(row)]
    for above, below in itertools.pairwise(rows):
        lines.append(f'"{above[0]}" -> "{below[0]}" [style=invis weight=1000]')
    return lines
