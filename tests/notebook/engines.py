"""Learners' own engines for chainrule.draw and chainrule.check to read (written for these
tests, in the two styles learners write: closures over the operands, or micrograd's
`_children` and `_op`).

`Recursive` has the seeds' classic bug: its `backward` closures call their operands'
`backward` again right away, so a node reached twice (`m * m`) passes its gradient down
twice: with m = x + 1, y = m * m gives x.grad = 4m instead of 2m. `Ordered` does the same
arithmetic but runs each closure once, in reverse topological order (correct).
"""

from __future__ import annotations

import math
from collections.abc import Callable


def _noop() -> None:
    return None


class Recursive:
    """Closure-style, recursive backward (double-counts a node used twice)."""

    def __init__(self, val: float) -> None:
        self.val = val
        self.grad = 0.0
        self.backward: Callable[[], None] = _noop

    def __add__(self, other: Recursive) -> Recursive:
        out = Recursive(self.val + other.val)

        def backward() -> None:
            for node in (self, other):
                node.grad += out.grad
                node.backward()

        out.backward = backward
        return out

    def __sub__(self, other: Recursive) -> Recursive:
        out = Recursive(self.val - other.val)

        def backward() -> None:
            self.grad += out.grad
            other.grad -= out.grad
            self.backward()
            other.backward()

        out.backward = backward
        return out

    def __mul__(self, other: Recursive) -> Recursive:
        out = Recursive(self.val * other.val)

        def backward() -> None:
            self.grad += other.val * out.grad
            other.grad += self.val * out.grad
            self.backward()
            other.backward()

        out.backward = backward
        return out

    def __truediv__(self, other: Recursive) -> Recursive:
        out = Recursive(self.val / other.val)

        def backward() -> None:
            self.grad += out.grad / other.val
            other.grad -= out.grad * self.val / other.val**2
            self.backward()
            other.backward()

        out.backward = backward
        return out

    def __pow__(self, k: float) -> Recursive:
        out = Recursive(self.val**k)

        def backward() -> None:
            self.grad += k * self.val ** (k - 1) * out.grad
            self.backward()

        out.backward = backward
        return out

    def tanh(self) -> Recursive:
        t = math.tanh(self.val)
        out = Recursive(t)

        def backward() -> None:
            self.grad += (1 - t * t) * out.grad
            self.backward()

        out.backward = backward
        return out

    def softplus(self) -> Recursive:
        out = Recursive(math.log1p(math.exp(self.val)))

        def backward() -> None:
            self.grad += out.grad / (1 + math.exp(-self.val))
            self.backward()

        out.backward = backward
        return out


class Ordered:
    """Closure-style, each node's closure runs once in reverse topological order."""

    def __init__(self, val: float, parents: tuple[Ordered, ...] = ()) -> None:
        self.val = val
        self.grad = 0.0
        self.parents = parents
        self.backward: Callable[[], None] = _noop

    def __add__(self, other: Ordered) -> Ordered:
        out = Ordered(self.val + other.val, (self, other))

        def backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out.backward = backward
        return out

    def __mul__(self, other: Ordered) -> Ordered:
        out = Ordered(self.val * other.val, (self, other))

        def backward() -> None:
            self.grad += other.val * out.grad
            other.grad += self.val * out.grad

        out.backward = backward
        return out

    def __rsub__(self, other: Ordered) -> Ordered:  # other - self
        out = Ordered(other.val - self.val, (other, self))

        def backward() -> None:
            other.grad += out.grad
            self.grad -= out.grad

        out.backward = backward
        return out

    def exp(self) -> Ordered:
        out = Ordered(math.exp(self.val), (self,))

        def backward() -> None:
            self.grad += out.val * out.grad

        out.backward = backward
        return out


def backprop(root: Ordered) -> None:
    """Run every closure once, output first (iterative topological order)."""
    order: list[Ordered] = []
    seen: set[int] = set()
    stack: list[tuple[Ordered, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
    root.grad = 1.0
    for node in reversed(order):
        node.backward()


class Tiny:
    """micrograd-style: `data`, `grad`, `_children` (ordered), `_op`, `_backward`."""

    def __init__(self, data: float, children: tuple[Tiny, ...] = (), op: str = "") -> None:
        self.data = data
        self.grad = 0.0
        self._children = children
        self._op = op
        self._backward: Callable[[], None] = _noop

    def __sub__(self, other: Tiny) -> Tiny:
        out = Tiny(self.data - other.data, (self, other), "-")

        def _backward() -> None:
            self.grad += out.grad
            other.grad -= out.grad

        out._backward = _backward
        return out

    def __truediv__(self, other: Tiny) -> Tiny:
        out = Tiny(self.data / other.data, (self, other), "/")

        def _backward() -> None:
            self.grad += out.grad / other.data
            other.grad -= out.grad * self.data / other.data**2

        out._backward = _backward
        return out

    def sigmoid(self) -> Tiny:
        s = 1 / (1 + math.exp(-self.data))
        out = Tiny(s, (self,), "sigmoid")

        def _backward() -> None:
            self.grad += s * (1 - s) * out.grad

        out._backward = _backward
        return out

    def backward(self) -> None:
        order: list[Tiny] = []
        seen: set[int] = set()
        stack: list[tuple[Tiny, bool]] = [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((c, False) for c in node._children)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()
