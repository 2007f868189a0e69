"""Graph export: a built program as plain nodes, edges and backward steps (stable ids).

Ids are "n0", "n1", ... in topological order (inputs before the nodes that use them), so
the same program at the same values always exports the same graph. Nothing here knows
graphviz; `chainrule.render` turns a `Graph` into DOT and SVG.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import NamedTuple

from chainrule.build import Built, FunctionCall
from chainrule.engine import Value, topological_order
from chainrule.lang.ast import Assign, ExprStmt
from chainrule.ops import OPS, is_call, is_constant, is_input, is_leaf

# How each engine op is shown in an op node (the op table's symbols); anything else
# ("=", "call") is shown as it is.
OP_LABELS = {name: op.symbol for name, op in OPS.items()}


class GraphNode(NamedTuple):
    """One Value: its value, its gradient d(output)/d(node), and how it was made."""

    id: str
    name: str | None
    op: str
    value: float
    grad: float | None  # None for a constant: a number written in the program has none
    kind: str
    label: str
    group: str | None = None  # id of the call node whose expanded body holds this node
    handle: str | None = None  # an unnamed operation's short stable name ("prod2"): handles

    @property
    def shown_name(self) -> str | None:
        """The name a picture and the step text give the node: its own, else its handle."""
        return self.name or self.handle

    @property
    def is_leaf(self) -> bool:
        """True for an input or a written number (made from no other node)."""
        return is_leaf(self.op)

    @property
    def is_input(self) -> bool:
        """True for an input (a leaf given a value)."""
        return is_input(self.op)

    @property
    def is_constant(self) -> bool:
        """True for a written number."""
        return is_constant(self.op)

    @property
    def is_call(self) -> bool:
        """True for a user function call."""
        return is_call(self.op)


class GraphEdge(NamedTuple):
    """One input slot of an operation: source feeds target with d(target)/d(source)."""

    source: str
    target: str
    local_grad: float
    kind: str = "input"  # "input"; or, in expanded calls, "bind" (arg→param), "result"


class Contribution(NamedTuple):
    """What one backward step adds to one input: grad(target) += upstream × local_grad."""

    target: str
    local_grad: float
    product: float


class Step(NamedTuple):
    """One node's turn in the backward pass: its (upstream) grad passed to its inputs."""

    node: str
    grad: float
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True)
class Graph:
    """A computation graph ready to be drawn or sent as JSON."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    output: str
    steps: tuple[Step, ...]
    formulas: dict[str, str] = field(default_factory=dict)  # node id -> its line's text


# The word of an unnamed operation's handle: its op's (a function's own name otherwise).
HANDLE_WORDS = {"+": "sum", "-": "diff", "*": "prod", "/": "quot", "^": "pow", "neg": "neg"}


def handles(nodes: list[GraphNode]) -> list[GraphNode]:
    """Return nodes with a handle on each unnamed operation: its op's word and a count of
    that word in node order ("sum1", "prod2", "exp1"), never a name the program uses, so
    the same program always gets the same handles (the picture and the step text show them)."""
    taken = {n.name for n in nodes if n.name}
    counts: dict[str, int] = {}
    out = []
    for n in nodes:
        if n.name or n.is_leaf:
            out.append(n)
            continue
        word = HANDLE_WORDS.get(n.op) or (n.label if n.is_call else n.op) or "op"
        k = counts.get(word, 0) + 1
        while f"{word}{k}" in taken:
            k += 1
        counts[word] = k
        out.append(n._replace(handle=f"{word}{k}"))
    return out


def op_label(node: Value) -> str:
    """Return the display text of a node's operation ("+", "exp", "P3", ...)."""
    if node.is_call and isinstance(node.detail, FunctionCall):
        return node.detail.function
    if node.is_input:
        return node.name or ""
    if node.is_constant:
        return f"{node.data:g}"
    return OP_LABELS.get(node.op, node.op)


def _kind(node: Value, output: Value | None) -> str:
    if node is output:
        return "output"
    if node.is_input:
        return "input"
    if node.is_constant:
        return "constant"
    if node.is_call:
        return "call"
    return "intermediate"


class _Exporter:
    def __init__(self) -> None:
        self.nodes: list[GraphNode] = []
        self.edges: list[GraphEdge] = []
        self.ids: dict[Value, str] = {}
        self.calls: list[tuple[Value, float]] = []

    def add(
        self, order: list[Value], output: Value | None, scale: float, group: str | None
    ) -> None:
        """Give every node of order an id and add it, then the edges into its op."""
        ids = self.ids
        for v in order:
            if v in ids:
                continue
            ids[v] = nid = f"n{len(self.nodes)}"
            grad: float | None = v.grad * scale if group is not None else v.grad
            if v.is_constant:
                grad = None
            self.nodes.append(
                GraphNode(nid, v.name, v.op, v.data, grad, _kind(v, output), op_label(v), group)
            )
            if v.is_call and isinstance(v.detail, FunctionCall):
                self.calls.append((v, v.grad * scale if group is not None else v.grad))
        for v in order:
            for child, local in zip(v.inputs, v.local_grads, strict=True):
                self.edges.append(GraphEdge(ids[child], ids[v], local))

    def expand(self, only: Collection[str] | None = None) -> None:
        """Add each call's body as a group of nodes, nested calls included; with only, the
        bodies of those top-level calls alone (an open unit of the lines level)."""
        done, top = 0, len(self.calls)
        while done < len(self.calls):
            call, call_grad = self.calls[done]
            done += 1
            if only is not None and (done > top or self.ids[call] not in only):
                continue
            detail: FunctionCall = call.detail
            call_id = self.ids[call]
            body = [*detail.params, *topological_order(detail.body)]
            self.add(body, None, call_grad, call_id)
            for arg, param in zip(call.inputs, detail.params, strict=True):
                self.edges.append(GraphEdge(self.ids[arg], self.ids[param], 1.0, "bind"))
            self.edges.append(GraphEdge(self.ids[detail.body], call_id, 1.0, "result"))


def _steps(order: list[Value], ids: dict[Value, str]) -> tuple[Step, ...]:
    steps = []
    for v in reversed(order):
        if not v.inputs:
            continue
        g = v.grad
        contributions = tuple(
            Contribution(ids[child], local, g * local if g != 0.0 else 0.0)
            for child, local in zip(v.inputs, v.local_grads, strict=True)
            if not child.is_constant  # a constant carries no gradient
        )
        steps.append(Step(ids[v], g, contributions))
    return tuple(steps)


def export_graph(
    built: Built, expand_calls: bool = False, open_calls: Collection[str] = ()
) -> Graph:
    """Return the graph of a built (forward and backward done) program; the bodies of
    every call (expand_calls), else of the top-level calls whose ids are in open_calls."""
    order = topological_order(built.output)
    exporter = _Exporter()
    exporter.add(order, built.output, 1.0, None)
    ids = dict(exporter.ids)
    if expand_calls or open_calls:
        exporter.expand(None if expand_calls else set(open_calls))
    return Graph(
        tuple(handles(exporter.nodes)),
        tuple(exporter.edges),
        ids[built.output],
        _steps(order, ids),
        _formulas(built, ids),
    )


def numbers(built: Built) -> tuple[list[float], list[float | None]]:
    """Return every node's value and gradient in the order of export_graph's ids (node k is
    nK; calls not expanded), without building the graph: a value change's lean answer."""
    order = topological_order(built.output)
    return [v.data for v in order], [None if v.is_constant else v.grad for v in order]


def _formulas(built: Built, ids: dict[Value, str]) -> dict[str, str]:
    """Return the source text of each named line's expression (and the output's), by id."""
    source = built.program.source
    out: dict[str, str] = {}
    for stmt in built.program.statements:
        if isinstance(stmt, Assign):
            node = built.named.get(stmt.name)
        elif isinstance(stmt, ExprStmt):
            node = built.output
        else:
            continue
        if node is not None and node in ids:
            out[ids[node]] = " ".join(source[stmt.expr.start : stmt.expr.end].split())
    return out


NO_GRAD = "—"  # what a constant shows for its gradient (it has none)


def fmt(x: float | None, precision: int = 4) -> str:
    """Return x with `precision` significant digits, compact ("1.5e6"), or inf/-inf/nan;
    NO_GRAD for None (a constant's gradient).

    The one rule for numbers shown to people: the drawing's value and grad fields and the
    `value_text`/`grad_text` of the JSON graph are this, at the request's precision.
    """
    if x is None:
        return NO_GRAD
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0:
        return "0"
    text = f"{x:.{max(1, min(precision, 17))}g}"
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if e else text


def json_number(x: float | None) -> float | str | None:
    """Return x, or "inf", "-inf", "nan" for a non-finite x (JSON has no such numbers)."""
    if x is None or math.isfinite(x):
        return x
    if math.isnan(x):
        return "nan"
    return "inf" if x > 0 else "-inf"


def graph_to_json(graph: Graph, precision: int = 4) -> dict[str, object]:
    """Return the graph as JSON-ready data (no NaN or Infinity literals).

    Each node's `value_text` and `grad_text` are exactly the numbers its drawing shows at
    `precision` (see chainrule/render/dot.py: the browser patches the SVG with them).
    """
    n = json_number
    return {
        "output": graph.output,
        "nodes": [
            {
                "id": v.id,
                "name": v.name,
                "op": v.op,
                "value": n(v.value),
                "grad": n(v.grad),
                "value_text": fmt(v.value, precision),
                "grad_text": fmt(v.grad, precision),
                "kind": v.kind,
                "label": v.label,
                "group": v.group,
                "handle": v.handle,
            }
            for v in graph.nodes
        ],
        "edges": [
            {"source": e.source, "target": e.target, "local_grad": n(e.local_grad), "kind": e.kind}
            for e in graph.edges
        ],
        "steps": [
            {
                "node": s.node,
                "grad": n(s.grad),
                "contributions": [
                    {"target": c.target, "local_grad": n(c.local_grad), "product": n(c.product)}
                    for c in s.contributions
                ],
            }
            for s in graph.steps
        ],
    }
