"""Constant sub-expressions folded while parsing, so `9^9^9` is refused before computing."""

from __future__ import annotations

import math

from app.lang.ast import Binary, Expr, Unary
from app.lang.errors import ParseError


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

    def fold(self, node: Unary | Binary) -> None:
        """Remember the value of a constant sub-expression (for the exponent limit)."""
        if isinstance(node, Unary):
            v = self.consts.get(id(node.operand))
            if v is not None:
                self.consts[id(node)] = -v
            return
        a, b = self.consts.get(id(node.left)), self.consts.get(id(node.right))
        if a is None or b is None:
            return
        try:
            value = {
                "+": lambda: a + b,
                "-": lambda: a - b,
                "*": lambda: a * b,
                "/": lambda: a / b,
                "^": lambda: float(a**b),
            }[node.op]()
        except (OverflowError, ZeroDivisionError, TypeError):
            value = math.inf if node.op == "^" else math.nan
        if isinstance(value, complex):
            value = math.nan
        self.consts[id(node)] = value

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
