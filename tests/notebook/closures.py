"""Learner engine styles that keep their operands only in backward closures (see styles.py
for the bugs they can carry). The driver finds operands in a table chainrule cannot see
(`_MADE`), as a learner's tape would: chainrule must read them from the closures."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Self

from tests.notebook.styles import _MADE, _put, drive


def _noop() -> None:
    return None


def _run(root: Any, attr: str) -> None:
    drive(root, lambda n: list(_MADE.get(id(n), ())), lambda n: getattr(n, attr)(), root.bug)


# E. the number in `value`, a `_backward` closure over `self` and `other`.
class Closure:
    bug = ""

    def __init__(self, value: float) -> None:
        self.value, self.grad = value, 0.0
        self._backward: Callable[[], None] = _noop
        _MADE[id(self)] = ()  # (an id is reused once its object is gone: never a stale entry)

    def _made(self, value: float, *operands: Any) -> Self:
        out = type(self)(value)
        _MADE[id(out)] = operands
        return out

    def __add__(self, other: Closure) -> Closure:
        out = self._made(self.value + other.value, self, other)

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __sub__(self, other: Closure) -> Closure:
        out = self._made(self.value - other.value, self, other)

        def _backward() -> None:
            self.grad += out.grad
            other.grad += (1.0 if self.bug == "local" else -1.0) * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Closure) -> Closure:
        out = self._made(self.value * other.value, self, other)

        def _backward() -> None:
            _put(self, other.value * out.grad, self.bug == "assign")
            _put(other, self.value * out.grad, self.bug == "assign")

        out._backward = _backward
        return out

    def tanh(self) -> Closure:
        out = self._made(math.tanh(self.value), self)

        def _backward() -> None:
            self.grad += (1 - out.value**2) * out.grad

        out._backward = _backward
        return out

    def run(self) -> None:
        _run(self, "_backward")


# F. the seeds' Scalar shape: `val`, a `backward` closure attribute.
class Seeds:
    bug = ""

    def __init__(self, val: float) -> None:
        self.val, self.grad = val, 0.0
        self.backward: Callable[[], None] = _noop
        _MADE[id(self)] = ()

    def _made(self, val: float, *operands: Any) -> Self:
        out = type(self)(val)
        _MADE[id(out)] = operands
        return out

    def __add__(self, other: Seeds) -> Seeds:
        out = self._made(self.val + other.val, self, other)

        def backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out.backward = backward
        return out

    def __sub__(self, other: Seeds) -> Seeds:
        out = self._made(self.val - other.val, self, other)

        def backward() -> None:
            self.grad += out.grad
            other.grad -= (-1.0 if self.bug == "local" else 1.0) * out.grad

        out.backward = backward
        return out

    def __mul__(self, other: Seeds) -> Seeds:
        out = self._made(self.val * other.val, self, other)

        def backward() -> None:
            _put(self, other.val * out.grad, self.bug == "assign")
            _put(other, self.val * out.grad, self.bug == "assign")

        out.backward = backward
        return out

    def tanh(self) -> Seeds:
        t = math.tanh(self.val)
        out = self._made(t, self)

        def backward() -> None:
            self.grad += (1 - t * t) * out.grad

        out.backward = backward
        return out

    def run(self) -> None:
        _run(self, "backward")


# I. closures that take plain numbers as they are (`x * 2`, `x + 0.5`, `1 - x`), `val`.
class Numbers:
    bug = ""

    def __init__(self, val: float) -> None:
        self.val, self.grad = val, 0.0
        self._backward: Callable[[], None] = _noop
        _MADE[id(self)] = ()

    def _made(self, val: float, *operands: Any) -> Self:
        out = type(self)(val)
        _MADE[id(out)] = tuple(o for o in operands if isinstance(o, Numbers))
        return out

    def __add__(self, other: Numbers | float) -> Numbers:
        if not isinstance(other, Numbers):  # a number: kept by nobody (backward needs none)
            out = self._made(self.val + other, self)

            def _backward_number() -> None:
                self.grad += out.grad

            out._backward = _backward_number
            return out
        out = self._made(self.val + other.val, self, other)

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __sub__(self, other: Numbers) -> Numbers:
        out = self._made(self.val - other.val, self, other)

        def _backward() -> None:
            self.grad += out.grad
            other.grad += (1.0 if self.bug == "local" else -1.0) * out.grad

        out._backward = _backward
        return out

    def __rsub__(self, other: float) -> Numbers:  # other - self, other a number
        out = self._made(other - self.val, self)

        def _backward() -> None:
            self.grad -= out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Numbers | float) -> Numbers:
        if not isinstance(other, Numbers):  # a number the closure keeps
            out = self._made(self.val * other, self)

            def _backward_number() -> None:
                self.grad += other * out.grad

            out._backward = _backward_number
            return out
        out = self._made(self.val * other.val, self, other)

        def _backward() -> None:
            _put(self, other.val * out.grad, self.bug == "assign")
            _put(other, self.val * out.grad, self.bug == "assign")

        out._backward = _backward
        return out

    def tanh(self) -> Numbers:
        t = math.tanh(self.val)
        out = self._made(t, self)

        def _backward() -> None:
            self.grad += (1 - t * t) * out.grad

        out._backward = _backward
        return out

    def run(self) -> None:
        _run(self, "_backward")
