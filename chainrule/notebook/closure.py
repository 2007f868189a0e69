"""Read a closure-style node: its operands are what its backward closure captured.

The seeds' `Scalar` keeps no list of operands: `x * y` makes a node whose `backward` is a
closure over `self` and `other`, made by `Scalar.__mul__` (the closure's qualified name is
`Scalar.__mul__.<locals>.backward`: the method names the op). The maker's parameters that
the closure captured are the operands, in the maker's order: nodes, and plain numbers as
constants (`x * 2` keeping the 2). A number the closure did not capture (`x + 0.5`, whose
backward needs only `out.grad`) is solved for from the numbers by walk.py.
"""

from __future__ import annotations

import types
from collections.abc import Callable

from chainrule.notebook.learner_ops import REFLECTED, Const

_NAMES = ("_backward", "backward", "_grad_fn", "grad_fn", "backward_fn", "_backward_fn")


def closure_of(obj: object) -> types.FunctionType | None:
    """Return the node's own backward closure (an instance attribute, not a method)."""
    own = vars(obj) if hasattr(obj, "__dict__") else {}
    for attr in _NAMES:
        fn = own.get(attr)
        if isinstance(fn, types.FunctionType):
            return fn
    for fn in own.values():
        if isinstance(fn, types.FunctionType) and fn.__closure__:
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


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def maker(fn: types.FunctionType) -> str:
    """Return the name of the function that made the closure ("__mul__"), else its own."""
    parts = fn.__qualname__.split(".<locals>.")
    return parts[-2].rsplit(".", 1)[-1] if len(parts) > 1 else ""


def from_closure(obj: object, is_node: Callable[[object], bool]) -> tuple[str, list[object]]:
    """Return (method name, operands) of a closure-style node; no operands for a leaf."""
    fn = closure_of(obj)
    if fn is None or not fn.__closure__:
        return "", []
    cells: dict[str, object] = {}
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__, strict=True):
        try:
            cells[name] = cell.cell_contents
        except ValueError:  # an empty cell
            continue
    method = maker(fn)
    params = _outer_params(fn, obj, method) if method else None
    operands: list[object]
    if params is not None:
        operands = [
            cells[p]
            for p in params
            if p in cells and cells[p] is not obj and (is_node(cells[p]) or _is_number(cells[p]))
        ]
        if not any(is_node(o) for o in operands):
            operands = []  # numbers alone are not operands: a leaf's closure over settings
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
    return method, [Const(float(o)) if _is_number(o) else o for o in operands]  # type: ignore[arg-type]
