"""Topological order and the reverse pass, both iterative (no recursion limit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.engine.value import Value


def topological_order(root: Value) -> list[Value]:
    """Return every node reachable from root, inputs before the nodes that use them."""
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    push = stack.append
    pop = stack.pop
    emit = order.append
    mark = seen.add
    while stack:
        node, expanded = pop()
        if expanded:
            emit(node)
            continue
        if node in seen:
            continue
        mark(node)
        push((node, True))
        for child in node.inputs:
            if child not in seen:
                push((child, False))
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
        for child, local in zip(node.inputs, node.local_grads, strict=True):
            child.pending += g * local
    return order


def zero_grad(root: Value) -> None:
    """Set the gradient of root and of every node it depends on to 0."""
    for node in topological_order(root):
        node.grad = 0.0
