"""Walk any autograd graph: chainrule's Values, micrograd-style nodes, closure-style nodes.

A learner's engine is read, never run: numbers from `data`/`val` and `grad`, operands from
`_prev`/`_children` (micrograd) or from the cells of a `backward` closure (the seeds'
`Scalar`, whose operation is the method that made the closure, e.g.
`Scalar.__mul__.<locals>.backward`). The walk is iterative (any depth), charges the budget
per node, and numbers nodes in a topological order that does not depend on `id()`.
"""

from __future__ import annotations

import math
import types
from collections.abc import Mapping
from dataclasses import dataclass

from chainrule.budget import NODES, Budget
from chainrule.build import FunctionCall
from chainrule.engine import Value
from chainrule.notebook.learner_ops import REFLECTED, Const, op_of
from chainrule.notebook.order import Node, NotANode, ordered

_BATCH = 1024  # nodes walked between budget charges
SQUARES = frozenset({"+", "*"})  # two-operand ops an engine may write with one operand twice


@dataclass
class Walked:
    """A graph as nodes in topological order (operands first); the root is the last."""

    nodes: list[Node]
    engine: str  # "chainrule", "micrograd-style" or "closure-style"

    @property
    def root(self) -> int:
        """The index of the root node."""
        return len(self.nodes) - 1


def number(obj: object, attr: str) -> float:
    """Return float(obj.attr); None (no gradient yet) is nan."""
    x = getattr(obj, attr)
    if x is None:
        return math.nan
    try:
        return float(x)
    except (TypeError, ValueError):
        raise NotANode(f"{type(obj).__name__}.{attr} is not a number: {x!r}") from None


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _operand(x: object) -> object:
    """A node as it is; a number as a constant of its own (one per use, never shared)."""
    return Const(float(x)) if _is_number(x) else x  # type: ignore[arg-type]


def is_node(obj: object) -> bool:
    """True for an object with a value (`data` or `val`) and a `grad`."""
    if isinstance(obj, Value):
        return True
    if isinstance(obj, type) or not (hasattr(obj, "data") or hasattr(obj, "val")):
        return False
    return hasattr(obj, "grad")


def value_of(obj: object) -> float:
    """Return the forward value of a node (`data`, else `val`)."""
    return number(obj, "data" if hasattr(obj, "data") else "val")


def _closure(obj: object) -> types.FunctionType | None:
    """Return the node's own backward closure (an instance attribute, not a method)."""
    for attr in ("_backward", "backward"):
        fn = vars(obj).get(attr) if hasattr(obj, "__dict__") else None
        if isinstance(fn, types.FunctionType):
            return fn
    return None


def _outer_params(fn: types.FunctionType, obj: object, method: str) -> tuple[str, ...] | None:
    """Return the parameters of the method that made fn, found by name and verified by code."""
    candidates: list[object] = [c.__dict__.get(method) for c in type(obj).__mro__]
    candidates.append(fn.__globals__.get(method))
    for outer in candidates:
        outer = getattr(outer, "__func__", outer)
        code = getattr(outer, "__code__", None)
        if isinstance(code, types.CodeType) and any(c is fn.__code__ for c in code.co_consts):
            return code.co_varnames[: code.co_argcount]
    return None


def _from_closure(obj: object) -> tuple[str, list[object]]:
    """Return (method name, operands) of a closure-style node; no operands for a leaf."""
    fn = _closure(obj)
    if fn is None or not fn.__closure__:
        return "", []
    cells: dict[str, object] = {}
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__, strict=True):
        try:
            cells[name] = cell.cell_contents
        except ValueError:  # an empty cell
            continue
    parts = fn.__qualname__.split(".<locals>.")
    method = parts[-2].rsplit(".", 1)[-1] if len(parts) > 1 else fn.__name__
    params = _outer_params(fn, obj, method)
    if params is not None:
        operands = [
            cells[p]
            for p in params
            if p in cells and cells[p] is not obj and (is_node(cells[p]) or _is_number(cells[p]))
        ]
    else:  # unknown maker: the node-like cells, `self` first
        names = sorted(cells, key=lambda n: (n != "self", fn.__code__.co_freevars.index(n)))
        operands = [cells[n] for n in names if cells[n] is not obj and is_node(cells[n])]
    if not operands:  # operands kept together: `parts = (self, other)`
        for held in cells.values():
            if isinstance(held, list | tuple) and held and all(is_node(h) for h in held):
                operands = [h for h in held if h is not obj]
                break
    if method in REFLECTED:
        operands.reverse()
    return method, [_operand(o) for o in operands]


def _children(obj: object) -> tuple[str, str, list[object], bool, str]:
    """Return (op, written, operands, unordered, engine kind) of one node."""
    if isinstance(obj, Value):
        call = obj.detail.function if isinstance(obj.detail, FunctionCall) else obj.op
        return obj.op, call, list(obj.inputs), False, "chainrule"
    for attr in ("_prev", "_children"):
        raw = getattr(obj, attr, None)
        if isinstance(raw, set | frozenset | list | tuple):
            written = str(getattr(obj, "_op", "") or "")
            items = list(raw)
            unordered = isinstance(raw, set | frozenset)
            return written, written, items, unordered, "micrograd-style"
    method, operands = _from_closure(obj)
    return method, method, operands, False, "closure-style"


def walk(
    root: object, names: Mapping[str, object] | None = None, budget: Budget | None = None
) -> Walked:
    """Return the graph under root; raise NotANode for anything that is not a node."""
    if hasattr(root, "grad_fn"):
        raise NotANode(
            "chainrule reads autograd engines written in Python (micrograd-style or "
            "closure-style); for a PyTorch tensor's graph use torchviz's make_dot"
        )
    if not is_node(root):
        raise NotANode(
            f"chainrule cannot draw a {type(root).__name__}: it needs a chainrule Value or a "
            "node of an autograd engine (with data or val, grad, and _prev/_children or a "
            "backward closure over its operands)"
        )
    budget = budget or Budget()
    label = {id(obj): n for n, obj in (names or {}).items() if not n.startswith("_")}
    found: dict[int, tuple[object, Node, list[object]]] = {}
    engines: set[str] = set()
    todo: list[object] = [root]
    while todo:  # pass 1: every node and its operands, in whatever order sets give them
        obj = todo.pop()
        if id(obj) in found:
            continue
        if len(found) % _BATCH == 0:
            budget.charge(NODES, _BATCH, "walking the graph")
        if isinstance(obj, Const):
            found[id(obj)] = (obj, Node(obj.value, math.nan, "const", "const"), [])
            continue
        written, shown, operands, unordered, engine = _children(obj)
        engines.add(engine)
        op, extra = op_of(written, len(operands)) if engine != "chainrule" else (written, [])
        from_set = len(operands) if unordered else 0
        if from_set == 1 and op in SQUARES:  # a set keeps `m * m` as {m}
            operands *= 2
        operands += extra
        own = getattr(obj, "name", None)
        if engine != "chainrule":
            own = getattr(obj, "label", None) or own
        name = own if isinstance(own, str) and own else label.get(id(obj))
        local = obj.local_grads if isinstance(obj, Value) else None
        node = Node(value_of(obj), number(obj, "grad"), op, shown, [], name, local, from_set)
        found[id(obj)] = (obj, node, operands)
        todo.extend(o for o in operands if id(o) not in found)
    return Walked(ordered(root, found), "+".join(sorted(engines)))
