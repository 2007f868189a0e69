"""Ten learner engine styles, written for these tests the ways learners write them, each able
to carry one planted bug (class attribute `bug`):

- "local": a wrong local derivative (subtraction passes +grad to its second operand);
- "assign": `=` instead of `+=` in multiplication's backward;
- "twice": the seeds' recursive backward (each node calls its operands' backward again, so a
  node reached twice passes its gradient down twice).

Every style runs `PROGRAM` (below) and is read by chainrule by its structure only: where the
operands are (a set, `(node, local)` pairs, a context object, a list, the closure, a dict,
slots, a `grad_fn` object), where the number is (`data`, `val`, `value`), how the op is named
(`_op`, `op`, a context's class, a method, or not at all).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_MADE: dict[int, tuple[Any, ...]] = {}
_COUNT = itertools.count()  # the closure styles' driver: operands by id, hidden


def _put(node: Any, amount: float, assign: bool) -> None:
    node.grad = amount if assign else node.grad + amount


def drive(
    root: Any, parents: Callable[[Any], list[Any]], step: Callable[[Any], None], bug: str
) -> None:
    """Run backward: once per node in reverse topological order; with the bug "twice",
    recursively (the seeds'), or ("revisit") in a topological order built without
    remembering what it visited (micrograd's build_topo without its `visited` set)."""
    root.grad = 1.0
    if bug == "twice":

        def again(node: Any) -> None:
            step(node)
            for p in parents(node):
                again(p)

        again(root)
        return
    order: list[Any] = []
    seen: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif id(node) not in seen or bug == "revisit":
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in parents(node))
    for node in reversed(order):
        step(node)


# A. micrograd's own shape: data, grad, _prev (a set), _op, a _backward closure.
class Micro:
    bug = ""

    def __init__(self, data: float, prev: tuple[Any, ...] = (), op: str = "") -> None:
        self.data, self.grad, self._prev, self._op = data, 0.0, set(prev), op
        self._made = next(_COUNT)
        self._backward: Callable[[], None] = lambda: None

    def __add__(self, other: Micro) -> Micro:
        out = type(self)(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __sub__(self, other: Micro) -> Micro:
        out = type(self)(self.data - other.data, (self, other), "-")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += (1.0 if self.bug == "local" else -1.0) * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Micro) -> Micro:
        out = type(self)(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            _put(self, other.data * out.grad, self.bug == "assign")
            _put(other, self.data * out.grad, self.bug == "assign")

        out._backward = _backward
        return out

    def tanh(self) -> Micro:
        t = math.tanh(self.data)
        out = type(self)(t, (self,), "tanh")

        def _backward() -> None:
            self.grad += (1 - t * t) * out.grad

        out._backward = _backward
        return out

    def run(self) -> None:
        # a set's order changes from run to run: operands by when they were made, here
        drive(
            self,
            lambda n: sorted(n._prev, key=lambda p: p._made),
            lambda n: n._backward(),
            self.bug,
        )


# Shared arithmetic for the styles that keep operands and an op name as data.
def _forward(kind: str, a: float, b: float = 0.0) -> float:
    return {"add": a + b, "sub": a - b, "mul": a * b, "tanh": math.tanh(a)}[kind]


def _locals(kind: str, a: float, b: float, out: float, bug: str) -> tuple[float, ...]:
    if kind == "add":
        return (1.0, 1.0)
    if kind == "sub":
        return (1.0, 1.0 if bug == "local" else -1.0)
    if kind == "mul":
        return (b, a)
    return (1 - out * out,)


class _DataOps:
    """Operators for the styles below: made by `make(kind, operands, number)`."""

    bug = ""
    grad: float

    def make(self, kind: str, operands: tuple[Any, ...], value: float) -> Any:
        raise NotImplementedError

    def number(self) -> float:
        raise NotImplementedError

    def _op(self, kind: str, *others: Any) -> Any:
        nums = [self.number(), *(o.number() for o in others)]
        return self.make(kind, (self, *others), _forward(kind, *nums))

    def __add__(self, other: Any) -> Any:
        return self._op("add", other)

    def __sub__(self, other: Any) -> Any:
        return self._op("sub", other)

    def __mul__(self, other: Any) -> Any:
        return self._op("mul", other)

    def tanh(self) -> Any:
        return self._op("tanh")

    def shares(self, kind: str, operands: tuple[Any, ...]) -> tuple[float, ...]:
        nums = [o.number() for o in operands] + [0.0]
        return _locals(kind, nums[0], nums[1], self.number(), self.bug)

    def pass_down(self, kind: str, operands: tuple[Any, ...]) -> None:
        for o, local in zip(operands, self.shares(kind, operands), strict=True):
            _put(o, local * self.grad, self.bug == "assign" and kind == "mul")


# B. (node, local_grad) pairs in `parents`, the op in `op` as a word.
class Pairs(_DataOps):
    def __init__(self, val: float, parents: list[tuple[Any, float]] | None = None, op: str = ""):
        self.val, self.grad, self.parents, self.op = val, 0.0, parents or [], op

    def number(self) -> float:
        return self.val

    def make(self, kind: str, operands: tuple[Any, ...], value: float) -> Pairs:
        out = type(self)(value, [], kind)
        out.parents = list(zip(operands, out.shares(kind, operands), strict=True))
        return out

    def run(self) -> None:
        def step(n: Pairs) -> None:
            for p, local in n.parents:
                _put(p, local * n.grad, self.bug == "assign" and n.op == "mul")

        drive(self, lambda n: [p for p, _ in n.parents], step, self.bug)


# C. tinygrad's shape: a context object `_ctx` (class Add, Sub, Mul, Tanh) holding `parents`.
class Function:
    def __init__(self, *parents: Any) -> None:
        self.parents = parents


class Add(Function):
    pass


class Sub(Function):
    pass


class Mul(Function):
    pass


class Tanh(Function):
    pass


_CTX = {"add": Add, "sub": Sub, "mul": Mul, "tanh": Tanh}


class Ctx(_DataOps):
    def __init__(self, data: float, ctx: Function | None = None) -> None:
        self.data, self.grad, self._ctx = data, 0.0, ctx

    def number(self) -> float:
        return self.data

    def make(self, kind: str, operands: tuple[Any, ...], value: float) -> Ctx:
        return type(self)(value, _CTX[kind](*operands))

    def run(self) -> None:
        def step(n: Ctx) -> None:
            if n._ctx is not None:
                n.pass_down(type(n._ctx).__name__.lower(), n._ctx.parents)

        drive(self, lambda n: list(n._ctx.parents) if n._ctx else [], step, self.bug)


# D. `children` (a list) and `op` (a word), the number in `value`, backward by dispatch.
class Kids(_DataOps):
    def __init__(self, value: float, children: list[Any] | None = None, op: str = "") -> None:
        self.value, self.grad, self.children, self.op = value, 0.0, children or [], op

    def number(self) -> float:
        return self.value

    def make(self, kind: str, operands: tuple[Any, ...], value: float) -> Kids:
        return type(self)(value, list(operands), kind)

    def run(self) -> None:
        step = lambda n: n.pass_down(n.op, tuple(n.children)) if n.children else None  # noqa: E731
        drive(self, lambda n: n.children, step, self.bug)


# G. operands in a dict (`inputs`), the op named nowhere chainrule looks (`kind`).
class Dicts(_DataOps):
    def __init__(self, data: float, inputs: dict[str, Any] | None = None, kind: str = ""):
        self.data, self.grad, self.inputs, self.kind = data, 0.0, inputs or {}, kind

    def number(self) -> float:
        return self.data

    def make(self, kind: str, operands: tuple[Any, ...], value: float) -> Dicts:
        return type(self)(value, dict(zip("ab", operands, strict=False)), kind)

    def run(self) -> None:
        step = lambda n: n.pass_down(n.kind, tuple(n.inputs.values())) if n.inputs else None  # noqa: E731
        drive(self, lambda n: list(n.inputs.values()), step, self.bug)


# H. __slots__ only: `args`, and the op in `fn`, where chainrule does not look (inferred).
class Slots(_DataOps):
    __slots__ = ("args", "data", "fn", "grad")

    def __init__(self, data: float, args: tuple[Any, ...] = (), fn: str = "") -> None:
        self.data, self.grad, self.args, self.fn = data, 0.0, args, fn

    def number(self) -> float:
        return self.data

    def make(self, kind: str, operands: tuple[Any, ...], value: float) -> Slots:
        return type(self)(value, operands, kind)

    def run(self) -> None:
        step = lambda n: n.pass_down(n.fn, n.args) if n.args else None  # noqa: E731
        drive(self, lambda n: list(n.args), step, self.bug)


# J. a learner's class with a `grad_fn` object (not PyTorch): `grad_fn.inputs`, `grad_fn.op`.
@dataclass
class Backward:
    inputs: list[Any]
    op: str


class GradFn(_DataOps):
    def __init__(self, data: float, grad_fn: Backward | None = None) -> None:
        self.data, self.grad, self.grad_fn = data, 0.0, grad_fn

    def number(self) -> float:
        return self.data

    def make(self, kind: str, operands: tuple[Any, ...], value: float) -> GradFn:
        return type(self)(value, Backward(list(operands), kind))

    def run(self) -> None:
        fn = lambda n: n.grad_fn.inputs if n.grad_fn else []  # noqa: E731
        step = lambda n: n.pass_down(n.grad_fn.op, tuple(n.grad_fn.inputs)) if n.grad_fn else None  # noqa: E731
        drive(self, fn, step, self.bug)
