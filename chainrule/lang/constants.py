"""Constant sub-expressions folded while parsing, so `9^9^9` is refused before computing.

A constant's value is its op's forward from the op table (chainrule.ops): the same rule the engine
computes with. Where that overflows the value is inf; where it has none, NaN.
"""

from __future__ import annotations

import math

from chainrule.lang.ast import Binary, Call, Expr, Unary
from chainrule.lang.errors import ParseError
from chainrule.ops import CALLS, OPS, Overflow, Undefined


def _forward(op: str, *operands: float) -> float:
    """Return op's value at the operands as the table computes it (inf, NaN where it has none)."""
    try:
        return OPS[op].scalar(*operands)[0]
    except Overflow:
        return math.inf
    except Undefined:
        return math.nan


class ConstantFolder:
    """The values of the constant sub-expressions seen so far (by node identity)."""

    def __init__(self, source: str, max_exponent: float) -> None:
        self.source = source
        self.max_exponent = max_exponent
        self.consts: dict[int, float] = {}
        self._kept: list[Expr] = []

    def alias(self, old: Expr, new: Expr) -> None:
        """new is old with the span of its parentheses: the same constant, if it is one."""
        self._kept.append(old)  # ids stay unique while both are remembered
        if id(old) in self.consts:
            self.consts[id(new)] = self.consts[id(old)]

    def number(self, node: Expr, value: float) -> None:
        """Remember a number literal."""
        self.consts[id(node)] = value

    def fold(self, node: Unary | Binary | Call) -> None:
        """Remember the value of a constant sub-expression (for the exponent limit)."""
        operands: tuple[Expr, ...]
        if isinstance(node, Unary):
            op, operands = node.op, (node.operand,)
        elif isinstance(node, Binary):
            op, operands = node.op, (node.left, node.right)
        elif node.func in CALLS:  # a built-in function (a user function is not folded)
            op, operands = CALLS[node.func].name, node.args
        else:
            return
        values = [self.consts.get(id(x)) for x in operands]
        known = [v for v in values if v is not None]
        if len(known) == len(values):
            self.consts[id(node)] = _forward(op, *known)

    def check_exponent(self, exponent: Expr) -> None:
        """Reject a constant exponent larger than the limit before anything is computed."""
        v = self.consts.get(id(exponent))
        if v is not None and abs(v) > self.max_exponent:
            shown = "too large to show" if math.isinf(v) else f"{v:g}"
            raise ParseError(
                f"constant exponent {shown} exceeds the limit of {self.max_exponent:g}",
                self.source,
                exponent.start,
                exponent.end,
                kind="limit",
            )
