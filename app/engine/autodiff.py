"""Topological order and the reverse pass, both iterative (no recursion limit).

Both read a node's inputs from its slots (see `Value`): `a` and `b` with local
derivatives `ga` and `gb` for one or two inputs, the tuple pair `nary` otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.engine.value import Value


def topological_order(root: Value) -> list[Value]:
    """Return every node reachable from root, inputs before the nodes that use them.

    Inputs come in reading order: for `c = a + b; d = b + 1; e = c * d` the order is
    a, b, c, 1, d, e.

    A depth-first search with an explicit stack. A node seen for the first time goes back
    on the stack under a None marker, with its unseen inputs above; when the marker comes
    back to the top, every input has been emitted, and so is the node under the marker. A
    node pushed twice (an input of two nodes) is skipped once seen. Nothing is allocated
    per node besides the list and set entries, so a large graph does not wake the cyclic
    garbage collector.
    """
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[Value | None] = [root]
    push = stack.append
    pop = stack.pop
    emit = order.append
    see = seen.add
    while stack:
        node = pop()
        if node is None:  # the marker: the node under it has all its inputs emitted
            emit(pop())  # type: ignore[arg-type]  # never None: a marker is pushed on a node
            continue
        if node in seen:
            continue
        see(node)
        a = node.a
        if a is not None:  # inputs pushed right to left, so the left one is emitted first
            push(node)
            push(None)
            b = node.b
            if b is not None and b not in seen:
                push(b)
            if a not in seen:
                push(a)
            continue
        nary = node.nary
        if nary is None:
            emit(node)
            continue
        push(node)
        push(None)
        for child in reversed(nary[0]):
            if child not in seen:
                push(child)
    return order


def backward(root: Value, seed: float = 1.0) -> list[Value]:
    """Add d(root)/d(node) * seed to every node's grad; return the topological order used.

    Each node is visited once, in reverse topological order. This pass's gradients are
    computed apart from what `.grad` already holds and then added, so calling it twice
    doubles every gradient (PyTorch's accumulation rule) and never double-counts.
    """
    order = topological_order(root)
    for node in order:
        node.pending = 0.0
    root.pending = seed
    for node in reversed(order):
        g = node.pending
        node.grad += g
        if g == 0.0:
            continue
        a = node.a
        if a is not None:
            a.pending += g * node.ga
            b = node.b
            if b is not None:
                b.pending += g * node.gb
            continue
        nary = node.nary
        if nary is not None:
            for child, local in zip(nary[0], nary[1], strict=True):
                child.pending += g * local
    return order


def zero_grad(root: Value) -> None:
    """Set the gradient of root and of every node it depends on to 0."""
    for node in topological_order(root):
        node.grad = 0.0
