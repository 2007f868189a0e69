"""Read one node of any autograd engine by its structure: its number, gradient, operands, op.

A node is an object with a number in `data`, `val` or `value` and a `grad`. Its operands are
whatever its attributes hold that are nodes: a node, a list, tuple, set or dict of them,
`(node, local_grad)` pairs (or a dict of node to local_grad), or the same inside a context
object (tinygrad's `_ctx.parents`); failing that, the nodes and plain numbers its backward
closure captured (chainrule/notebook/closure.py). The op is an `_op`/`op` text, the method
that made the closure, the context object's class, or (walk.py) inferred from the numbers.
A `Reader` says where to look instead, by attribute name or function, when the structure
does not tell (check(root, operands="parents", op="kind")).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from chainrule.notebook.closure import closure_of, from_closure
from chainrule.notebook.holding import (
    VALUE_AT,
    VALUES,
    candidates,
    is_collection,
    is_node,
    items,
    learn,
    number_or_none,
)
from chainrule.notebook.learner_ops import Const, normal
from chainrule.notebook.order import NotANode

Getter = str | Callable[[Any], Any] | None
OPS_AT = ("_op", "op")  # where an engine names a node's operation
_OPERANDS_AT: dict[type, str] = {}  # the attribute path a class keeps operands in


@dataclass(frozen=True)
class Reader:
    """Where a learner's engine keeps what check needs, when its structure does not say:
    `operands` and `op` (and `value`), each an attribute name or a function of the node."""

    operands: Getter = None
    op: Getter = None
    value: Getter = None

    def told(self) -> bool:
        """True when the learner said where the operands are."""
        return self.operands is not None


@dataclass
class Read:
    """One node as read: numbers, the op as written, operands (nodes or Const)."""

    value: float
    grad: float
    written: str
    operands: list[object]
    where: str  # where the operands were found ("_prev", "_ctx.parents", "closure of __mul__")
    unordered: bool = False  # the engine kept them in a set
    locals: list[float | None] = field(default_factory=list)  # (node, local) pairs' locals
    looked: tuple[str, ...] = ()  # the attributes looked at (for a refusal)
    doubt: str = ""  # why a node read as a leaf may not be one ("" none)


def _get(obj: object, getter: Getter) -> Any:
    return getattr(obj, getter) if isinstance(getter, str) else getter(obj)  # type: ignore[misc]


def is_torch(obj: object) -> bool:
    """True for a PyTorch tensor (or anything else of the torch package), by its class."""
    return any(c.__module__.split(".")[0] == "torch" for c in type(obj).__mro__)


def number(obj: object, attr: Getter) -> float:
    """Return float(obj.attr); None (no gradient yet) is nan."""
    x = _get(obj, attr)
    if x is None:
        return math.nan
    try:
        return float(x)
    except (TypeError, ValueError):
        raise NotANode(f"{type(obj).__name__}.{attr} is not a number: {x!r}") from None


def value_of(obj: object, reader: Reader) -> float:
    """Return the forward value of a node (the reader's, else `data`, `val`, `value`)."""
    if reader.value is not None:
        return number(obj, reader.value)
    attr = VALUE_AT.get(type(obj)) or next(a for a in VALUES if number_or_none(getattr(obj, a, "")))
    return number(obj, attr)


def _written(obj: object, reader: Reader, where: str) -> str:
    """Return the op as the engine names it: the reader's, `_op`/`op`, a context's class."""
    if reader.op is not None:
        return str(_get(obj, reader.op) or "")
    for attr in OPS_AT:
        text = getattr(obj, attr, None)
        if isinstance(text, str) and text:
            return text
    if "." in where:  # operands in a context object: its `op`, else its class names the op
        ctx = getattr(obj, where.split(".")[0])
        text = next((getattr(ctx, a) for a in OPS_AT if isinstance(getattr(ctx, a, 0), str)), "")
        return text or (type(ctx).__name__ if normal(type(ctx).__name__) else "")
    own = type(obj).__name__  # a class per op: `class Mul(Node)`
    return own if normal(own) else ""


def _told(obj: object, reader: Reader) -> Read:
    held = _get(obj, reader.operands)
    got = items(held, reader) if held else None
    if held and got is None:
        raise NotANode(f"operands={reader.operands!r} gave {held!r}: not nodes")
    nodes, locals_ = got or ([], [])
    written = _written(obj, reader, "") or from_closure(obj, is_node)[0]
    unordered = isinstance(held, AbstractSet)
    return Read(0.0, 0.0, written, nodes, "operands", unordered, locals_)


def read(obj: object, reader: Reader) -> Read:
    """Return one node as read (numbers, op as written, operands); see the module doc."""
    out = _told(obj, reader) if reader.told() else _structure(obj, reader)
    out.value = value_of(obj, reader)
    out.grad = number(obj, "grad")
    return out


def _held(obj: object, path: str) -> object:
    """Return what an attribute path ("_prev", "_ctx.parents") holds, or None."""
    held: object = obj
    for part in path.split("."):
        held = getattr(held, part, None)
    return held


def _structure(obj: object, reader: Reader) -> Read:
    path = _OPERANDS_AT.get(type(obj))
    if path is not None:  # where this class keeps operands: try there first
        held = _held(obj, path)
        got = items(held, reader) if held is not None else None
        if got is not None and all(n is not obj for n in got[0]):
            written = _written(obj, reader, path) or from_closure(obj, is_node)[0]
            unordered = isinstance(held, AbstractSet)
            return Read(0.0, 0.0, written, got[0], path, unordered, got[1], (path,))
        if is_collection(held) and not held:  # a leaf
            written = _written(obj, reader, "")
            doubt = _leaf_doubt(obj, written, ())
            return Read(0.0, 0.0, written, [], "", False, [], (path,), doubt)
    found, looked = candidates(obj)
    useful = []
    for path, held in found:
        got = items(held, reader)
        if got is not None and all(n is not obj for n in got[0]):
            useful.append((path, held, got))
    if useful:
        nodes_of = [
            frozenset(id(n) for n in g[0] if not isinstance(n, Const)) for _, _, g in useful
        ]
        if len(set(nodes_of)) > 1:
            paths = ", ".join(p for p, _, _ in useful)
            raise NotANode(f"{type(obj).__name__} holds different nodes in {paths}")
        ordered = [u for u in useful if not isinstance(u[1], AbstractSet)]
        path, held, (nodes, locals_) = (ordered or useful)[0]
        learn(_OPERANDS_AT, type(obj), path)
        written = _written(obj, reader, path)
        if not written:  # the closure's maker names the op (and keeps any number)
            written = from_closure(obj, is_node)[0]
        return Read(0.0, 0.0, written, nodes, path, not ordered, locals_, tuple(looked))
    method, operands = from_closure(obj, is_node)
    written = _written(obj, reader, "") or method
    where = f"closure of {method}" if operands else ""
    doubt = ""
    if not operands:
        doubt = _leaf_doubt(obj, written, found)
    looked_all = (*looked, "its backward closure")
    return Read(0.0, 0.0, written, operands, where, False, [], looked_all, doubt)


def _leaf_doubt(obj: object, written: str, found: Iterable[tuple[str, object]]) -> str:
    """Say why a node read as a leaf may have operands chainrule could not find, or ""."""
    if written:
        return f"it names an operation ({written!r}) but holds no operands chainrule found"
    fn = closure_of(obj)
    if fn is not None and fn.__closure__:
        return "its backward closure captures values that are not nodes chainrule can read"
    for path, held in found:
        if is_collection(held) and held:
            return f"its {path} holds {type(held).__name__} items that are not nodes"
    return ""
