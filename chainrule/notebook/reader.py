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
import types
from collections.abc import Callable, Collection, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from chainrule.notebook.closure import closure_of, from_closure
from chainrule.notebook.learner_ops import Const, normal
from chainrule.notebook.order import NotANode

Getter = str | Callable[[Any], Any] | None
VALUES = ("data", "val", "value")  # where an engine keeps a node's number, in this order
OPS_AT = ("_op", "op")  # where an engine names a node's operation
_OWN = frozenset({*VALUES, "grad", "label", "name", *OPS_AT, "_backward", "backward"})
_ATOMS = (str, bytes, int, float, complex, bool, type(None), types.ModuleType, type)
_NOT_NODES = (*_ATOMS, Const)
_CONTAINERS = frozenset({list, tuple, set, frozenset})
# What was learnt of a class from its first node (read by structure, every node alike): where
# its number is, and the attribute path that held its operands (checked on every node).
# (Plain dicts: a weak one costs a Python call per lookup; LEARNT caps what they hold.)
_VALUE_AT: dict[type, str] = {}
_OPERANDS_AT: dict[type, str] = {}
LEARNT = 4096


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


def _learn(table: dict[type, str], cls: type, found: str) -> None:
    if len(table) >= LEARNT:
        table.clear()
    table[cls] = found


def is_torch(obj: object) -> bool:
    """True for a PyTorch tensor (or anything else of the torch package), by its class."""
    return any(c.__module__.split(".")[0] == "torch" for c in type(obj).__mro__)


def is_node(obj: object, reader: Reader | None = None) -> bool:
    """True for an object with a number (`data`, `val` or `value`) and a `grad`."""
    if reader is not None and reader.value is not None:
        return not isinstance(obj, _NOT_NODES) and not callable(obj)
    if type(obj) in _VALUE_AT:
        return True
    if isinstance(obj, _NOT_NODES) or callable(obj) or not hasattr(obj, "grad"):
        return False
    for attr in VALUES:
        if _number_or_none(getattr(obj, attr, "")):
            _learn(_VALUE_AT, type(obj), attr)
            return True
    return False


def _number_or_none(x: object) -> bool:
    if x is None:
        return True
    try:
        float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return not isinstance(x, str | bytes)


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
    attr = _VALUE_AT.get(type(obj)) or next(
        a for a in VALUES if _number_or_none(getattr(obj, a, ""))
    )
    return number(obj, attr)


def attributes(obj: object) -> list[tuple[str, object]]:
    """Return an object's own attributes (its __dict__ and __slots__), in definition order."""
    found = dict(vars(obj)) if hasattr(obj, "__dict__") else {}
    for cls in type(obj).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if slot not in found and hasattr(obj, slot):
                found[slot] = getattr(obj, slot)
    return list(found.items())


def _is_collection(x: object) -> TypeGuard[Collection[object]]:
    """True for a container that may hold operands: a list, tuple, set, dict, deque, ..."""
    return isinstance(x, Collection) and not isinstance(x, str | bytes | bytearray)


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _items(held: object, reader: Reader | None) -> tuple[list[object], list[float | None]] | None:
    """Return (nodes, locals) a held value gives: a node, a container of nodes or of
    (node, local) pairs, a dict of nodes or of node -> local; None when it holds no node."""
    if type(held) in _CONTAINERS:  # the usual case first: a container of nodes
        items = list(held)  # type: ignore[call-overload]
        if items and all(type(h) in _VALUE_AT for h in items):
            return items, [None] * len(items)
    if is_node(held, reader):
        return [held], [None]
    if isinstance(held, Mapping):
        if held and all(is_node(k, reader) for k in held):
            return list(held), [float(v) if _is_number(v) else None for v in held.values()]
        held = list(held.values())
    if not _is_collection(held) or not held:
        return None
    nodes: list[object] = []
    locals_: list[float | None] = []
    for item in held:
        if is_node(item, reader):
            nodes.append(item)
            locals_.append(None)
        elif (
            isinstance(item, tuple) and len(item) == 2 and is_node(item[0], reader)
        ) and _is_number(item[1]):
            nodes.append(item[0])
            locals_.append(float(item[1]))
        elif isinstance(item, int | float) and not isinstance(item, bool):
            nodes.append(Const(float(item)))
            locals_.append(None)
        else:
            return None
    return (nodes, locals_) if any(not isinstance(n, Const) for n in nodes) else None


def _candidates(obj: object) -> tuple[list[tuple[str, object]], list[str]]:
    """Return the (path, held) of every attribute that may hold operands (one level into a
    context object too), and every path looked at."""
    found: list[tuple[str, object]] = []
    looked: list[str] = []
    for name, held in attributes(obj):
        if name in _OWN or isinstance(held, _ATOMS) or callable(held):
            continue
        looked.append(name)
        if _is_collection(held) or is_node(held):
            found.append((name, held))
        elif hasattr(held, "__dict__") or hasattr(type(held), "__slots__"):
            for inner, value in attributes(held):  # a context object: _ctx.parents
                if not isinstance(value, _ATOMS) and not callable(value):
                    looked.append(f"{name}.{inner}")
                    found.append((f"{name}.{inner}", value))
    return found, looked


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
    return ""


def _told(obj: object, reader: Reader) -> Read:
    held = _get(obj, reader.operands)
    got = _items(held, reader) if held else None
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
        got = _items(held, reader) if held is not None else None
        if got is not None and all(n is not obj for n in got[0]):
            written = _written(obj, reader, path) or from_closure(obj, is_node)[0]
            unordered = isinstance(held, AbstractSet)
            return Read(0.0, 0.0, written, got[0], path, unordered, got[1], (path,))
        if _is_collection(held) and not held:  # a leaf
            written = _written(obj, reader, "")
            doubt = _leaf_doubt(obj, written, ())
            return Read(0.0, 0.0, written, [], "", False, [], (path,), doubt)
    found, looked = _candidates(obj)
    useful = []
    for path, held in found:
        got = _items(held, reader)
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
        _learn(_OPERANDS_AT, type(obj), path)
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
        if _is_collection(held) and held:
            return f"its {path} holds {type(held).__name__} items that are not nodes"
    return ""
