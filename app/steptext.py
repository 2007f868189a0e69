"""The backward pass in words, written once: the page renders these lines on the server and
the API sends them in each step of POST /api/evaluate, which the browser shows as they are.

    grad e = 1
    ∂e/∂c = d = 2;  grad c += 2 × 1 = 2
    grad b = 3 + 2 = 5          (a node that received several contributions, once complete)
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from chainrule.graph import Graph, GraphNode
from chainrule.ops import MINUS, OPS, is_alias
from chainrule.render import fmt

MAX_TEXT = 28
MAX_PARTS = 6  # a total of more contributions is written first + second + … + last
# the operators written between their operands, and how tightly they bind (the op table's)
PRECEDENCE = {op.name: op.precedence for op in OPS.values() if op.infix}
SIMPLE = re.compile(r"[\w.\u2212]+")


def num(x: float | None, precision: int) -> str:
    """A number as the steps show it: `precision` digits, one minus sign."""
    return fmt(x, precision).replace("-", MINUS)


class GraphIndex:
    """Nodes by id and each node's input ids in slot order: built once, O(nodes + edges)."""

    def __init__(self, graph: Graph) -> None:
        self.nodes: dict[str, GraphNode] = {n.id: n for n in graph.nodes}
        self.inputs: dict[str, list[str]] = {}
        for e in graph.edges:
            if e.kind == "input":
                self.inputs.setdefault(e.target, []).append(e.source)
        self._text: dict[str, str] = {}

    def text(self, nid: str, depth: int = 0) -> str:
        """A short readable text for a node: its name, its handle (an unnamed operation's
        "prod2", the one the picture shows on it), its constant, or else its formula."""
        if depth == 0 and nid in self._text:
            return self._text[nid]
        node = self.nodes.get(nid)
        if node is None:
            return nid
        if node.shown_name:
            text = node.shown_name
        elif node.is_constant:
            text = num(node.value, 6)
        elif depth > 3:
            text = "…"
        else:
            parts = [self._wrap(a, node.op, depth) for a in self.inputs.get(nid, [])]
            row = OPS.get(node.op)
            if node.op in PRECEDENCE and len(parts) == 2:
                text = f"{parts[0]} {row.inline if row else node.op} {parts[1]}"
            elif row is not None and row.arity == 1 and row.inline and parts:
                text = row.inline + parts[0]  # a prefix operator: −x
            else:
                text = f"{node.label or node.op}({', '.join(parts)})"
            if len(text) > MAX_TEXT:
                text = text[: MAX_TEXT - 1] + "…"
        if depth == 0:
            self._text[nid] = text
        return text

    def _wrap(self, nid: str, parent_op: str, depth: int) -> str:
        text = self.text(nid, depth + 1)
        child = self.nodes.get(nid)
        if child is None or child.name or child.is_constant:
            return text
        inner, outer = PRECEDENCE.get(child.op), PRECEDENCE.get(parent_op)
        return f"({text})" if inner and outer and inner <= outer else text

    def term(self, nid: str) -> str:
        """The node's text, in parentheses unless it is a single name or number."""
        text = self.text(nid)
        return text if SIMPLE.fullmatch(text) else f"({text})"

    def formula(self, nid: str, k: int) -> str:
        """The symbolic local derivative d(node)/d(input slot k), or "" when not simple."""
        node = self.nodes[nid]
        args = self.inputs.get(nid, [])
        if is_alias(node.op):
            return "1"  # a new name for the same number
        row = OPS.get(node.op)
        if row is None or row.slope_text is None or len(args) != row.arity:
            return ""
        texts = tuple(self.text(a) for a in args)
        return row.slope_text(k, texts, tuple(self.term(a) for a in args))


def _total(parts: list[float], total: float | None, precision: int) -> str:
    texts = [num(p, precision) for p in parts]
    if len(texts) > MAX_PARTS:
        texts = [texts[0], texts[1], f"… ({len(texts)} parts) …", texts[-1]]
    return " + ".join(texts) + " = " + num(total, precision)


def step_texts(
    graph: Graph, precision: int = 4, start: int = 0, stop: int | None = None
) -> list[dict[str, Any]]:
    """Return {node, label, text: [lines]} for steps[start:stop] of the backward pass.

    Constants get no lines (their gradient is of no use); a node that receives several
    contributions gets its total written out with the last of them.
    """
    index = GraphIndex(graph)
    expected = Counter(c.target for s in graph.steps for c in s.contributions)
    received: dict[str, list[float]] = {}
    stop = len(graph.steps) if stop is None else min(stop, len(graph.steps))
    out: list[dict[str, Any]] = []
    for i, step in enumerate(graph.steps[:stop]):
        write = i >= start
        name = index.term(step.node) if write else ""
        grad = num(step.grad, precision)
        lines = [f"grad {name} = {grad}"]
        for k, c in enumerate(step.contributions):
            parts = received.setdefault(c.target, [])
            parts.append(c.product)
            target = index.nodes.get(c.target)
            if not write or target is None or target.is_constant:
                continue
            who = index.term(c.target)
            local = num(c.local_grad, precision)
            formula = index.formula(step.node, k)
            shown = f"{formula} = {local}" if formula and formula != local else local
            lines.append(
                f"∂{name}/∂{who} = {shown};  grad {who} += {local} × {grad} = "
                + num(c.product, precision)
            )
            if len(parts) == expected[c.target] > 1:
                lines.append(f"grad {who} = {_total(parts, target.grad, precision)}")
        if write:
            out.append({"node": step.node, "label": index.text(step.node), "text": lines})
    return out


def add_step_texts(steps: list[dict[str, Any]], graph: Graph, precision: int) -> None:
    """Give each step of an evaluate answer its `label` and `text` lines (in place)."""
    for step, words in zip(steps, step_texts(graph, precision), strict=True):
        step["label"] = words["label"]
        step["text"] = words["text"]
