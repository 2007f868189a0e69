"""Walk any autograd graph: chainrule's Values and any learner engine, read by structure.

A learner's engine is read, never run (chainrule/notebook/reader.py: numbers, operands, op).
Each node's op is resolved against chainrule's table (learner_ops.py): the name the engine
gives it, else the one op whose forward gives the node's value; a plain number the engine
used but did not keep is solved for. Whatever cannot be told is recorded as a doubt: draw
shows the graph anyway, check refuses (it never passes a graph it could not read). The walk
is iterative (any depth), charges the budget per node, and numbers nodes in a topological
order that does not depend on `id()`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from chainrule.budget import NODES, Budget
from chainrule.build import FunctionCall
from chainrule.engine import Value
from chainrule.notebook.closure import from_closure
from chainrule.notebook.holding import is_node
from chainrule.notebook.learner_ops import (
    REFLECTED,
    Const,
    close,
    forward,
    guess_ops,
    missing_constant,
    op_of,
)
from chainrule.notebook.order import Node, NotANode, ordered
from chainrule.notebook.reader import Read, Reader, is_torch, read, value_of
from chainrule.ops import OPS

_BATCH = 1024  # nodes walked between budget charges
UNKNOWN = "?"  # the op of a node whose operation could not be told
SOLVED = "solved"  # _resolve's word for "a number the engine did not keep was solved for"


@dataclass
class Walked:
    """A graph as nodes in topological order (operands first); the root is the last."""

    nodes: list[Node]
    engine: str  # "chainrule", "micrograd-style", "closure-style" (joined by "+")
    doubts: list[tuple[int, str]] = field(default_factory=list)  # (node index, why)
    looked: tuple[str, ...] = ()  # what was looked at for the root's operands

    @property
    def root(self) -> int:
        """The index of the root node."""
        return len(self.nodes) - 1


def _resolve(r: Read, values: list[float], method: str) -> tuple[str, list[object], str]:
    """Return (op, operands, doubt) of a learner node read as r (values: its operands')."""
    n = len(r.operands)
    op, extra = op_of(r.written, n)
    operands = [*r.operands, *extra]
    values = [*values, *(c.value for c in extra if isinstance(c, Const))]
    if not op:  # no name: the one op of the table the numbers fit
        found = guess_ops(values, r.value, r.unordered)
        if len(found) == 1:
            return found[0], operands, ""
        said = ", ".join(found[:-1]) + f" and {found[-1]} give" if len(found) > 1 else ""
        said = said or "no op of chainrule's table gives"
        return UNKNOWN, operands, f"its op is not named and {said} its value"
    if op == "neg" and not close(-values[0], r.value):
        op = "-"  # `x - 0.5` kept as x under "-": a subtraction of a number
    table = OPS.get(op)
    if table is None or table.arity == len(operands):
        return op, operands, ""
    if table.arity == 2 and len(operands) == 1:
        out = forward(op, [values[0], values[0]])
        if r.unordered and out is not None and close(out, r.value):
            return op, operands * 2, ""  # a set keeps `m * m` as {m}
        first = method in REFLECTED
        for at_first in (first, not first):
            const = missing_constant(op, values[0], r.value, at_first)
            if const is not None:
                return op, ([const, *operands] if at_first else [*operands, const]), SOLVED
    return op, operands, f"{op!r} takes {table.arity} operand(s); {len(operands)} were found"


def _operand_value(o: object, reader: Reader) -> float:
    if isinstance(o, Const):
        return o.value
    if isinstance(o, Value):
        return o.data
    return value_of(o, reader)


def _own_name(obj: object) -> str | None:
    own = getattr(obj, "label", None) or getattr(obj, "name", None)
    return own if isinstance(own, str) and own else None


def _chainrule(obj: Value) -> tuple[Node, list[object]]:
    call = obj.detail.function if isinstance(obj.detail, FunctionCall) else obj.op
    node = Node(obj.data, obj.grad, obj.op, call, [], obj.name, obj.local_grads)
    return node, list(obj.inputs)


def _learner(obj: object, reader: Reader) -> tuple[Node, list[object], str, str]:
    """Return (node, operands, engine kind, doubt) of one learner node."""
    r = read(obj, reader)
    if not r.operands:
        return Node(r.value, r.grad, "", r.written, []), [], "", r.doubt
    values = [_operand_value(o, reader) for o in r.operands]
    method = r.where.removeprefix("closure of ") if r.where.startswith("closure") else r.written
    op, operands, doubt = _resolve(r, values, method)
    if doubt == SOLVED:  # a number, unless the backward closure uses a node not listed
        captured = from_closure(obj, is_node)[1]
        kept = {id(o) for o in r.operands}
        hidden = [o for o in captured if not isinstance(o, Const) and id(o) not in kept]
        doubt = "its backward uses a node its operands do not list" if hidden else ""
    kind = "closure-style" if r.where.startswith("closure") else "micrograd-style"
    locals_ = tuple(math.nan if g is None else g for g in r.locals) if r.locals else None
    if locals_ is not None and (len(locals_) != len(operands) or r.unordered):
        locals_ = None  # a set's operands are reordered: their locals with them is not kept
    shown = r.written or op
    from_set = len(r.operands) if r.unordered else 0
    node = Node(r.value, r.grad, op, shown, [], None, None, from_set)
    node.learner_locals = locals_
    return node, operands, kind, doubt


def walk(
    root: object,
    names: Mapping[str, object] | None = None,
    budget: Budget | None = None,
    reader: Reader | None = None,
    params: Mapping[str, object] | None = None,
) -> Walked:
    """Return the graph under root; raise NotANode for anything that is not a node.

    Nodes are named by `params` (name -> node), else their own `label`/`name`, else `names`.
    """
    reader = reader or Reader()
    if is_torch(root):
        raise NotANode(
            "this is a PyTorch tensor: chainrule reads autograd engines written in Python; "
            "for a tensor's graph use torchviz's make_dot(y, params=dict(model.named_parameters()))"
        )
    if not isinstance(root, Value) and not is_node(root, reader):
        raise NotANode(
            f"chainrule cannot draw a {type(root).__name__}: it needs a chainrule Value or a "
            "node of an autograd engine (a number in data, val or value, a grad, and its "
            "operands in an attribute or its backward closure)"
        )
    budget = budget or Budget()
    label = {id(obj): n for n, obj in (names or {}).items() if not n.startswith("_")}
    given = {id(obj): n for n, obj in (params or {}).items()}
    found: dict[int, tuple[object, Node, list[object]]] = {}
    engines: set[str] = set()
    doubts: dict[int, str] = {}
    todo: list[object] = [root]
    while todo:  # pass 1: every node and its operands, in whatever order sets give them
        obj = todo.pop()
        if id(obj) in found:
            continue
        if len(found) % _BATCH == 0:
            budget.charge(NODES, _BATCH, "walking the graph")
            budget.check_time("walking the graph")
        if isinstance(obj, Const):
            found[id(obj)] = (obj, Node(obj.value, math.nan, "const", "const"), [])
            continue
        if isinstance(obj, Value):
            node, operands = _chainrule(obj)
            engines.add("chainrule")
        else:
            node, operands, kind, doubt = _learner(obj, reader)
            engines.update([kind] if kind else [])
            if doubt:
                doubts[id(obj)] = doubt
            node.name = _own_name(obj)
        node.name = given.get(id(obj)) or node.name or label.get(id(obj))
        found[id(obj)] = (obj, node, operands)
        todo.extend(o for o in operands if id(o) not in found)
    nodes = ordered(root, found)
    index = {id(n): i for i, n in enumerate(nodes)}
    listed = [(index[id(found[k][1])], why) for k, why in doubts.items()]
    looked = read(root, reader).looked if not isinstance(root, Value) else ()
    engine = "+".join(sorted(engines)) or "micrograd-style"
    return Walked(nodes, engine, sorted(listed), looked)
