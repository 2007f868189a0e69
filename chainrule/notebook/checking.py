"""Check a learner's autograd: rebuild its graph in chainrule's engine and compare numbers.

Each node is rebuilt by its operation from the learner's leaf values, the rebuilt output's
`backward()` gives the true gradients, and every node's value and gradient are compared
with a stated tolerance. A graph that was not read whole (an operand or an op that could
not be told, a root with no operands found) is refused with CannotCheck, never passed.
The result says why where it can (chainrule/notebook/diagnosis.py) and draws the learner's
numbers with the wrong nodes marked (chainrule/notebook/marks.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import permutations
from pathlib import Path

from chainrule.budget import Budget
from chainrule.engine import EngineError, Value, apply
from chainrule.graph import OP_LABELS, fmt
from chainrule.notebook.diagnosis import Diagnosis, diagnose
from chainrule.notebook.drawing import Drawing
from chainrule.notebook.order import Node
from chainrule.notebook.walk import UNKNOWN, Walked
from chainrule.ops import ALIAS, CONSTANT, INPUT, OPS, is_alias

RTOL = 1e-6
ATOL = 1e-9
CHECKABLE = ", ".join(sorted(OPS))
HOW = (
    "tell check where your engine keeps them: check(root, operands='<attribute>', "
    "op='<attribute>'), or functions of a node: check(root, operands=lambda n: n.parents, "
    "op=lambda n: n.kind)"
)


class CannotCheck(ValueError):
    """check could not read the whole graph or rebuild a node: no verdict is given."""


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
    """What check found: `.ok`, the `.mismatches`, `.reasons` (why), `.entries` (where the
    errors enter), the tolerances; displays as the drawing with a verdict banner."""

    ok: bool
    mismatches: list[Mismatch]
    checked: int
    engine: str
    rtol: float = RTOL
    atol: float = ATOL
    notes: list[str] = field(default_factory=list)
    drawing: Drawing | None = None
    reasons: list[str] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)  # descriptions of where errors enter
    no_backward: bool = False

    def verdict(self) -> str:
        """Return the one-line verdict (the banner's)."""
        if self.no_backward:
            return (
                "check failed: backward() was never called "
                f"(every gradient of {self.checked} nodes is 0)"
            )
        if self.ok:
            return f"check passed: all {self.checked} nodes agree with chainrule"
        return (
            f"check failed: {len(self.mismatches)} of {self.checked} nodes disagree with chainrule"
        )

    def details(self) -> list[str]:
        """Return the lines under the verdict: why, where to look (no list when backward
        was never called: that is said alone)."""
        if self.no_backward:
            return []
        lines = [f"why: {r}" for r in self.reasons]
        lines += [f"look at: {e} (its grad is right, an operand's is wrong)" for e in self.entries]
        return lines

    def text(self) -> str:
        """Return the verdict in words, the reasons, then one line per mismatch."""
        tol = f"(values and gradients compared with rtol={self.rtol:g}, atol={self.atol:g})"
        if self.no_backward:
            return self.verdict()
        listed = [f"  {m}" for m in self.mismatches]
        return "\n".join([f"{self.verdict()} {tol}", *self.details(), *listed, *self.notes])

    def save(self, path: str | Path) -> Path:
        """Write the marked drawing to path: .svg, .png, .pdf or .dot (by its suffix)."""
        assert self.drawing is not None
        return self.drawing.save(path)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """The drawing with the wrong nodes marked and the verdict as a banner, and as text."""
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


def refuse_unread(walked: Walked) -> None:
    """Raise CannotCheck when the graph was not read whole (see the module doc)."""
    nodes = walked.nodes
    if len(nodes) == 1 and walked.engine != "chainrule":
        looked = ", ".join(walked.looked) or "no attributes"
        raise CannotCheck(
            f"cannot check: no operands found under the root (value {fmt(nodes[0].value)}); "
            f"looked at: {looked}. If it is made from other nodes, {HOW}"
        )
    if walked.doubts:
        said = "; ".join(f"{describe(nodes, i)}: {why}" for i, why in walked.doubts[:3])
        more = f" (and {len(walked.doubts) - 3} more)" if len(walked.doubts) > 3 else ""
        raise CannotCheck(f"cannot check: not every node could be read: {said}{more}. {HOW}")


def _rebuild(nodes: list[Node], i: int, built: list[Value], rtol: float, atol: float) -> Value:
    n = nodes[i]
    if n.is_leaf:
        return Value(n.value, CONSTANT if n.is_constant else INPUT)
    if is_alias(n.op) and len(n.inputs) == 1:  # a program's name for a node: the same number
        return Value.node(built[n.inputs[0]].data, ALIAS, (built[n.inputs[0]],), (1.0,))
    op = OPS.get(n.op)
    if op is None or n.op == UNKNOWN:
        raise CannotCheck(
            f"cannot check op {n.written or n.op!r} (node {describe(nodes, i)}): "
            f"chainrule checks {CHECKABLE}; tell check the op with op='<attribute>' or "
            "op=lambda n: ..."
        )
    args = [built[j] for j in n.inputs]
    if len(args) != op.arity:
        raise CannotCheck(
            f"cannot check node {describe(nodes, i)}: {n.op!r} takes {op.arity} operand(s), "
            f"the engine's node has {len(args)}"
        )
    ways = n.unordered and not op.commutative
    orders = list(permutations(range(len(args)))) if ways else [tuple(range(len(args)))]
    try:
        tries = [(p, apply(n.op, *(args[k] for k in p))) for p in orders]
    except EngineError as exc:
        raise CannotCheck(f"cannot check node {describe(nodes, i)}: {exc}") from None
    # A set does not keep operand order: take the order that gives the engine's value.
    p, out = next(
        (t for t in tries if math.isclose(t[1].data, n.value, rel_tol=rtol, abs_tol=atol)), tries[0]
    )
    n.inputs = [n.inputs[k] for k in p]
    return out


def check_walked(
    walked: Walked, rtol: float = RTOL, atol: float = ATOL, budget: Budget | None = None
) -> CheckResult:
    """Compare a walked graph's numbers with chainrule's (see check)."""
    refuse_unread(walked)
    budget = budget or Budget()
    nodes = walked.nodes
    built: list[Value] = []
    for i in range(len(nodes)):
        if i % 1024 == 0:
            budget.check_time("checking the graph")
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
    bad = {int(m.node[1:]) for m in found if "grad" in m.wrong}
    why = (
        diagnose(nodes, built, bad, lambda i: describe(nodes, i), (rtol, atol))
        if found
        else Diagnosis()
    )
    forward = {int(m.node[1:]) for m in found if "value" in m.wrong}
    why.reasons[:0] = [  # a forward error first: the gradients below it follow from it
        f"the forward value of {describe(nodes, i)} is {fmt(nodes[i].value)}, but its "
        f"operands give {fmt(built[i].data)}: look at its op's forward"
        for i in sorted(forward)
        if not why.no_backward and not any(j in forward for j in nodes[i].inputs)
    ]
    return CheckResult(
        ok=not found,
        mismatches=found,
        checked=len(nodes),
        engine=walked.engine,
        rtol=rtol,
        atol=atol,
        reasons=why.reasons,
        entries=[describe(nodes, i) for i in why.entries] if found else [],
        no_backward=why.no_backward,
    )
