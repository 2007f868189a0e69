"""The syntax tree. Every node knows its source span; walks are iterative.

Nodes are named tuples: immutable records, compared by value, made cheaply (the command
line starts faster without `dataclasses`, which imports `inspect`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple


class Num(NamedTuple):
    """A number literal."""

    value: float
    text: str
    start: int
    end: int


class Name(NamedTuple):
    """A reference to an input, a named node or a function parameter."""

    id: str
    start: int
    end: int


class Unary(NamedTuple):
    """Unary minus."""

    op: str
    operand: Expr
    start: int
    end: int


class Binary(NamedTuple):
    """A binary operation: one of + - * / ^."""

    op: str
    left: Expr
    right: Expr
    start: int
    end: int


class Call(NamedTuple):
    """A call of a built-in or user function."""

    func: str
    args: tuple[Expr, ...]
    start: int
    end: int


Expr = Num | Name | Unary | Binary | Call


class Assign(NamedTuple):
    """`name = expr`: names a node."""

    name: str
    expr: Expr
    start: int
    end: int


class FuncDef(NamedTuple):
    """`def f(x, y) = body [grad dx, dy]`: a user function, optionally with its derivatives."""

    name: str
    params: tuple[str, ...]
    body: Expr
    grads: tuple[Expr, ...] | None
    start: int
    end: int


class ExprStmt(NamedTuple):
    """A bare expression: only allowed as the last statement (the output)."""

    expr: Expr
    start: int
    end: int


Statement = Assign | FuncDef | ExprStmt


class Program(NamedTuple):
    """A parsed program: statements in order, the user functions, the inputs, the output."""

    source: str
    statements: tuple[Statement, ...]
    functions: dict[str, FuncDef]
    inputs: tuple[str, ...] = ()
    output: str | None = None
    node_count: int = 0


def children(node: Expr) -> tuple[Expr, ...]:
    """Return the sub-expressions of node, left to right."""
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Call):
        return node.args
    return ()


def postorder(root: Expr) -> Iterator[Expr]:
    """Yield every node of the tree, children before parents, without recursion."""
    stack: list[tuple[Expr, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            yield node
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(children(node)))


def sexpr(node: Expr | Statement) -> str:
    """Return a compact S-expression: `(+ a (* b 2))`."""
    if isinstance(node, Assign):
        return f"(= {node.name} {sexpr(node.expr)})"
    if isinstance(node, ExprStmt):
        return sexpr(node.expr)
    if isinstance(node, FuncDef):
        grads = "" if node.grads is None else " (grad " + " ".join(map(sexpr, node.grads)) + ")"
        return f"(def {node.name} ({' '.join(node.params)}) {sexpr(node.body)}{grads})"
    done: list[str] = []
    for item in postorder(node):
        if isinstance(item, Num):
            done.append(item.text)
        elif isinstance(item, Name):
            done.append(item.id)
        else:
            k = len(children(item))
            args = done[len(done) - k :]
            del done[len(done) - k :]
            head = item.func if isinstance(item, Call) else item.op
            done.append(f"({head} {' '.join(args)})")
    return done[0]


def program_sexpr(program: Program) -> str:
    """Return the statements as S-expressions joined by '; '."""
    return "; ".join(sexpr(s) for s in program.statements)
