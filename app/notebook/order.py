"""The order of a walked graph's nodes: a depth-first post-order from the root in which a
set's operands (micrograd's `_prev`) are ordered by what they hold, never by `id()`.

Each node gets a content signature (bottom-up: its op, numbers and operands) and a context
signature (top-down: the users it feeds and where); operands of a set are sorted by both,
so the same graph built twice is numbered, and drawn, the same.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

Found = dict[int, tuple[object, "Node", list[object]]]


@dataclass
class Node:
    """One node of a walked graph: its numbers, its operation and its operand indices."""

    value: float
    grad: float
    op: str  # chainrule's op name ("+", "^", "exp", ...), "" a leaf, "const", or as written
    written: str  # how the engine itself names the operation ("__mul__", "ReLU", "**2")
    inputs: list[int] = field(default_factory=list)
    name: str | None = None
    local_grads: tuple[float, ...] | None = None  # known for chainrule's own Values
    from_set: int = 0  # how many of the operands came from a set (micrograd's _prev)

    @property
    def unordered(self) -> bool:
        """True when the engine kept the operands in a set (their order is unknown)."""
        return self.from_set > 1

    @property
    def is_leaf(self) -> bool:
        """True for a node made from no other node."""
        return not self.inputs


class NotANode(TypeError):
    """The object is not a node of an autograd engine chainrule can read."""


def _signature(node: Node, child_sigs: list[str]) -> str:
    sigs = sorted(child_sigs) if node.unordered else child_sigs
    return _hash(f"{node.written}|{node.value!r}|{node.grad!r}|{','.join(sigs)}")


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _signatures(root: object, found: Found) -> dict[int, str]:
    """Return each node's content signature, bottom-up (in a post-order: operands first)."""
    sig: dict[int, str] = {}
    open_: set[int] = set()
    stack: list[tuple[int, bool]] = [(id(root), False)]
    while stack:
        key, ready = stack.pop()
        if key in sig:
            continue
        _, node, operands = found[key]
        if ready:
            sig[key] = _signature(node, [sig[id(o)] for o in operands])
            open_.discard(key)
            continue
        if key in open_:
            raise NotANode("the graph has a cycle: a node is among its own operands")
        open_.add(key)
        stack.append((key, True))
        stack.extend((id(o), False) for o in operands if id(o) not in sig)
    return sig


def _contexts(sig: dict[int, str], found: Found) -> dict[int, str]:
    """Return each node's context signature, top-down: where and how it is used."""
    uses: dict[int, list[str]] = {}
    ctx: dict[int, str] = {}
    for key in reversed(sig):  # every user comes before the nodes it uses
        ctx[key] = _hash(",".join(sorted(uses.get(key, []))))
        _, node, operands = found[key]
        for slot, o in enumerate(operands):
            where = "*" if node.unordered and slot < node.from_set else str(slot)
            uses.setdefault(id(o), []).append(_hash(f"{ctx[key]}|{sig[key]}|{where}"))
    return ctx


def ordered(root: object, found: Found) -> list[Node]:
    """Number the nodes in a depth-first post-order from root; a set's operands ordered by
    content, then by where they are used, then by number: never by id()."""
    sig = _signatures(root, found)
    ctx = _contexts(sig, found)
    index: dict[int, int] = {}

    def rank(o: object) -> tuple[str, str, int]:
        return sig[id(o)], ctx[id(o)], index.get(id(o), -1)

    out: list[Node] = []
    stack = [(id(root), False)]
    while stack:
        key, ready = stack.pop()
        _, node, operands = found[key]
        if node.unordered:
            operands[: node.from_set] = sorted(operands[: node.from_set], key=rank)
        if ready:
            if key not in index:
                node.inputs = [index[id(o)] for o in operands]
                index[key] = len(out)
                out.append(node)
            continue
        if key in index:
            continue
        stack.append((key, True))
        stack.extend((id(o), False) for o in reversed(operands) if id(o) not in index)
    return out
