"""Check a learner's autograd: rebuild its graph in chainrule's engine and compare numbers.

Each node is rebuilt by its operation from the learner's leaf values, the rebuilt output's
`backward()` gives the true gradients, and every node's value and gradient are compared
with a stated tolerance. The drawing shows the learner's numbers with the wrong nodes
marked and, beside each, what chainrule computed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import permutations
from pathlib import Path

from chainrule.budget import Budget
from chainrule.engine import EngineError, Value, apply
from chainrule.graph import OP_LABELS, Graph, fmt
from chainrule.notebook.drawing import Drawing, graph_of, options
from chainrule.notebook.order import Node
from chainrule.notebook.walk import Walked, walk
from chainrule.ops import ALIAS, CONSTANT, INPUT, OPS, is_alias
from chainrule.render.style import html_text, min_width, style_key

RTOL = 1e-6
ATOL = 1e-9
CHECKABLE = ", ".join(sorted(OPS))
COMMUTATIVE = frozenset({"+", "*", "max", "min"})
WRONG = "#dc2626"


class CannotCheck(ValueError):
    """The graph has a node chainrule cannot rebuild (an unknown op, a domain error)."""


@dataclass(frozen=True)
class Mismatch:
    """One node where the learner's engine and chainrule disagree."""

    node: str  # the node's id in the drawing ("n3")
    description: str  # "x (input)", "n2 = m × m"
    grad: float  # the learner's gradient
    expected: float  # the true gradient d(output)/d(node)
    value: float  # the learner's value
    expected_value: float
    wrong: tuple[str, ...]  # "value", "grad" or both

    def __str__(self) -> str:
        parts = []
        if "value" in self.wrong:
            parts.append(f"value {fmt(self.value)}, expected {fmt(self.expected_value)}")
        if "grad" in self.wrong:
            parts.append(f"grad {fmt(self.grad)}, expected {fmt(self.expected)}")
        return f"{self.description}: " + "; ".join(parts)


@dataclass
class CheckResult:
    """What check found: `.ok`, the `.mismatches`, the tolerances; displays as a drawing."""

    ok: bool
    mismatches: list[Mismatch]
    checked: int
    engine: str
    rtol: float = RTOL
    atol: float = ATOL
    notes: list[str] = field(default_factory=list)
    drawing: Drawing | None = None

    def text(self) -> str:
        """Return the verdict in words, one line per mismatch."""
        tol = f"values and gradients compared with rtol={self.rtol:g}, atol={self.atol:g}"
        if self.ok:
            head = f"check passed: all {self.checked} nodes agree with chainrule ({tol})"
        else:
            head = (
                f"check failed: {len(self.mismatches)} of {self.checked} nodes disagree "
                f"with chainrule ({tol})"
            )
        return "\n".join([head, *(f"  {m}" for m in self.mismatches), *self.notes])

    def save(self, path: str | Path) -> Path:
        """Write the marked drawing to path: .svg, .png, .pdf or .dot (by its suffix)."""
        assert self.drawing is not None
        return self.drawing.save(path)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """The drawing with the wrong nodes marked, and the verdict as text."""
        if self.drawing is None:
            return {"text/plain": self.text()}
        return self.drawing.bundle(self.text())

    def __repr__(self) -> str:
        return self.text()


def describe(nodes: list[Node], i: int) -> str:
    """Return a short description of node i: its name or id, and how it was made."""

    def short(j: int) -> str:
        n = nodes[j]
        return fmt(n.value, 6) if n.is_constant else n.name or f"n{j}"

    n = nodes[i]
    if n.is_leaf:
        kind = "constant" if n.is_constant else "input"
        return (
            f"{short(i)} ({kind})" if n.name or n.is_constant else f"n{i} ({kind} {fmt(n.value)})"
        )
    args = [short(j) for j in n.inputs]
    op = OPS.get(n.op)
    symbol = OP_LABELS.get(n.op, n.written or n.op)
    if op and op.infix and len(args) == 2:
        return f"{short(i)} = {args[0]} {symbol} {args[1]}"
    return f"{short(i)} = {symbol}({', '.join(args)})"


def _rebuild(nodes: list[Node], i: int, built: list[Value], rtol: float, atol: float) -> Value:
    n = nodes[i]
    if n.is_leaf:
        return Value(n.value, CONSTANT if n.is_constant else INPUT)
    if is_alias(n.op) and len(n.inputs) == 1:  # a program's name for a node: the same number
        return Value.node(built[n.inputs[0]].data, ALIAS, (built[n.inputs[0]],), (1.0,))
    op = OPS.get(n.op)
    if op is None:
        raise CannotCheck(
            f"cannot check op {n.written or n.op!r} (node {describe(nodes, i)}): "
            f"chainrule checks {CHECKABLE}"
        )
    args = [built[j] for j in n.inputs]
    if len(args) != op.arity:
        raise CannotCheck(
            f"cannot check node {describe(nodes, i)}: {n.op!r} takes {op.arity} operand(s), "
            f"the engine's node has {len(args)}"
        )
    orders = list(permutations(args)) if n.unordered and n.op not in COMMUTATIVE else [args]
    try:
        tries = [apply(n.op, *order) for order in orders]
    except EngineError as exc:
        raise CannotCheck(f"cannot check node {describe(nodes, i)}: {exc}") from None
    # A set does not keep operand order: take the order that gives the engine's value.
    return next(
        (t for t in tries if math.isclose(t.data, n.value, rel_tol=rtol, abs_tol=atol)), tries[0]
    )


def _cell(text: str, bold: bool = False) -> str:
    """A cell wide enough for its text in any font (browsers draw wider than dot measures)."""
    width = min_width(text, 10.0, 0.7 if bold else 0.62)
    inner = f"<b>{html_text(text)}</b>" if bold else html_text(text)
    return f'<td align="left" width="{width}">{inner}</td>'


def _row(what: str, whose: str, number: str) -> str:
    return f"<tr>{_cell(what)}{_cell(whose)}{_cell(number, bold=True)}</tr>"


def _marks(graph: Graph, found: list[Mismatch]) -> list[str]:
    by_id = {n.id: n for n in graph.nodes}
    out = []
    for m in found:
        css = style_key(by_id[m.node])
        rows = []
        if "value" in m.wrong:
            rows.append(("value", m.value, m.expected_value))
        if "grad" in m.wrong:
            rows.append(("grad", m.grad, m.expected))
        cells = "".join(
            _row(what, "yours", fmt(mine)) + _row("", "expected", fmt(want))
            for what, mine, want in rows
        )
        note = f"wrong-{m.node}"
        out += [
            f'"{m.node}" [color="{WRONG}" penwidth=3 class="value {css} wrong"]',
            f'"{note}" [id="{note}" class="wrong-note" shape=box style="filled,rounded" '
            f'fillcolor="#fee2e2" color="{WRONG}" fontsize=10 '
            f'label=<<table border="0" cellspacing="0" cellpadding="1">{cells}</table>>]',
            f'"{m.node}" -> "{note}" [class="edge wrong" style=dashed color="{WRONG}" '
            "arrowhead=none]",
        ]
    return out


def check_walked(walked: Walked, rtol: float = RTOL, atol: float = ATOL) -> CheckResult:
    """Compare a walked graph's numbers with chainrule's (see check)."""
    nodes = walked.nodes
    built: list[Value] = []
    for i in range(len(nodes)):
        built.append(_rebuild(nodes, i, built, rtol, atol))
    built[-1].backward()
    found = []
    for i, (n, v) in enumerate(zip(nodes, built, strict=True)):
        wrong = []
        if not math.isclose(n.value, v.data, rel_tol=rtol, abs_tol=atol):
            wrong.append("value")
        if not n.is_constant and not math.isclose(n.grad, v.grad, rel_tol=rtol, abs_tol=atol):
            wrong.append("grad")
        if wrong:
            found.append(
                Mismatch(f"n{i}", describe(nodes, i), n.grad, v.grad, n.value, v.data, tuple(wrong))
            )
    notes = _notes(nodes)
    result = CheckResult(not found, found, len(nodes), walked.engine, rtol, atol, notes)
    opts, _ = options()
    title = f"check of a {walked.engine} graph of {len(nodes)} nodes"
    graph = graph_of(walked)
    result.drawing = Drawing(graph, title, opts, _marks(graph, found))
    return result


def _notes(nodes: list[Node]) -> list[str]:
    grads = [n.grad for n in nodes if n.op != "const"]
    if grads and all(g == 0.0 for g in grads):
        return ["note: every gradient is 0: was backward() called on the output?"]
    root = nodes[-1].grad
    if root != 1.0:
        return [f"note: the output's grad is {fmt(root)}, not 1 (backward starts from 1)"]
    return []


def check(
    root: object,
    rtol: float = RTOL,
    atol: float = ATOL,
    names: Mapping[str, object] | None = None,
    budget: Budget | None = None,
) -> CheckResult:
    """Rebuild root's graph in chainrule's engine; compare every value and gradient."""
    return check_walked(walk(root, names, budget), rtol, atol)
