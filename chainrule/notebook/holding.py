"""What a node of a learner's engine holds: its number, and the attributes that may hold
its operands (a node, any collection of nodes, `(node, local_grad)` pairs, a mapping of
them, the same one level inside a context object). Read by structure, never by a list of
names; what a class keeps where is learnt from its first node (every node alike after).
"""

from __future__ import annotations

import types
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, TypeGuard

from chainrule.notebook.learner_ops import Const

if TYPE_CHECKING:
    from chainrule.notebook.reader import Reader

VALUES = ("data", "val", "value")  # where an engine keeps a node's number, in this order
_OWN = frozenset({*VALUES, "grad", "label", "name", "_op", "op", "_backward", "backward"})
_ATOMS = (str, bytes, int, float, complex, bool, type(None), types.ModuleType, type)
_NOT_NODES = (*_ATOMS, Const)
_CONTAINERS = frozenset({list, tuple, set, frozenset})
# What was learnt of a class from its first node (read by structure, every node alike): where
# its number is, and the attribute path that held its operands (checked on every node).
# (Plain dicts: a weak one costs a Python call per lookup; LEARNT caps what they hold.)
VALUE_AT: dict[type, str] = {}
LEARNT = 4096


def learn(table: dict[type, str], cls: type, found: str) -> None:
    """Remember what a class keeps where (a table of at most LEARNT classes)."""
    if len(table) >= LEARNT:
        table.clear()
    table[cls] = found


def is_node(obj: object, reader: Reader | None = None) -> bool:
    """True for an object with a number (`data`, `val` or `value`) and a `grad`."""
    if reader is not None and reader.value is not None:
        return not isinstance(obj, _NOT_NODES) and not callable(obj)
    if type(obj) in VALUE_AT:
        return True
    if isinstance(obj, _NOT_NODES) or callable(obj) or not hasattr(obj, "grad"):
        return False
    for attr in VALUES:
        if number_or_none(getattr(obj, attr, "")):
            learn(VALUE_AT, type(obj), attr)
            return True
    return False


def number_or_none(x: object) -> bool:
    if x is None:
        return True
    try:
        float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return not isinstance(x, str | bytes)


def attributes(obj: object) -> list[tuple[str, object]]:
    """Return an object's own attributes (its __dict__ and __slots__), in definition order."""
    found = dict(vars(obj)) if hasattr(obj, "__dict__") else {}
    for cls in type(obj).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if slot not in found and hasattr(obj, slot):
                found[slot] = getattr(obj, slot)
    return list(found.items())


def is_collection(x: object) -> TypeGuard[Collection[object]]:
    """True for a container that may hold operands: a list, tuple, set, dict, deque, ..."""
    return isinstance(x, Collection) and not isinstance(x, str | bytes | bytearray)


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def items(held: object, reader: Reader | None) -> tuple[list[object], list[float | None]] | None:
    """Return (nodes, locals) a held value gives: a node, a container of nodes or of
    (node, local) pairs, a dict of nodes or of node -> local; None when it holds no node."""
    if type(held) in _CONTAINERS:  # the usual case first: a container of nodes
        items = list(held)  # type: ignore[call-overload]
        if items and all(type(h) in VALUE_AT for h in items):
            return items, [None] * len(items)
    if is_node(held, reader):
        return [held], [None]
    if isinstance(held, Mapping):
        if held and all(is_node(k, reader) for k in held):
            return list(held), [float(v) if _is_number(v) else None for v in held.values()]
        held = list(held.values())
    if not is_collection(held) or not held:
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


def candidates(obj: object) -> tuple[list[tuple[str, object]], list[str]]:
    """Return the (path, held) of every attribute that may hold operands (one level into a
    context object too), and every path looked at."""
    found: list[tuple[str, object]] = []
    looked: list[str] = []
    for name, held in attributes(obj):
        if name in _OWN or isinstance(held, _ATOMS) or callable(held):
            continue
        looked.append(name)
        if is_collection(held) or is_node(held):
            found.append((name, held))
        elif hasattr(held, "__dict__") or hasattr(type(held), "__slots__"):
            for inner, value in attributes(held):  # a context object: _ctx.parents
                if not isinstance(value, _ATOMS) and not callable(value):
                    looked.append(f"{name}.{inner}")
                    found.append((f"{name}.{inner}", value))
    return found, looked
