"""Topological order and the reverse pass, both iterative (no recursion limit).

Both read a node's inputs from its attributes (see `Value`): `first` and `second` with local
derivatives `d_first` and `d_second` for one or two inputs, else the tuple pair `many` of
its `extra` (a leaf has neither).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chainrule.engine.value import Value


def topological_order(root: Value) -> list[Value]:
    """Return every node reachable from root, inputs before the nodes that use them.

    Inputs come in reading order: for `c = a + b; d = b + 1; e = c * d` the order is
    a, b, c, 1, d, e.

    A depth-first search with an explicit stack. A node seen for the first time goes back
    on the stack under a None marker, with its unseen inputs above; when the marker comes
    back to the top, every input has been emitted, and so is the node under the marker. A
    node pushed twice (an input of two nodes) is skipped when popped once seen (checking
    when popping only, the common case of an input used once costs one look-up less).
    Nothing is allocated
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
        first = node.first
        if first is not None:  # inputs pushed right to left, so the left one is emitted first
            push(node)
            push(None)
            second = node.second
            if second is not None:
                push(second)
            push(first)
            continue
        extra = node.extra
        many = None if extra is None else extra.many
        if many is None:
            emit(node)
            continue
        push(node)
        push(None)
        for child in reversed(many[0]):
            push(child)
    return order


def backward(root: Value, seed: float = 1.0) -> list[Value]:
    """Add d(root)/d(node) * seed to every node's grad; return the topological order used.

    Each node is visited once, in reverse topological order. This pass's gradients are
    summed in each node's `pass_grad` apart from what `.grad` already holds and then added,
    so calling it twice doubles every gradient (PyTorch's accumulation rule) and never
    double-counts. `pass_grad` is 0 outside the pass: a node sets it back when visited (every
    node that receives a share is visited after the nodes that give it one).
    """
    order = topological_order(root)
    root.pass_grad = seed
    try:
        for node in reversed(order):
            g = node.pass_grad
            if g == 0.0:
                continue
            node.pass_grad = 0.0
            node.grad += g
            first = node.first
            if first is not None:
                first.pass_grad += g * node.d_first
                second = node.second
                if second is not None:
                    second.pass_grad += g * node.d_second
                continue
            extra = node.extra
            if extra is not None and extra.many is not None:
                many = extra.many
                for child, local in zip(many[0], many[1], strict=True):
                    child.pass_grad += g * local
    except BaseException:  # interrupted: leave no share behind for the next pass
        for node in order:
            node.pass_grad = 0.0
        raise
    return order


def zero_grad(root: Value) -> None:
    """Set the gradient of root and of every node it depends on to 0."""
    for node in topological_order(root):
        node.grad = 0.0
