"""The one error the engine raises."""

from __future__ import annotations


class EngineError(ArithmeticError):
    """An operation had no finite real result (domain error, division by zero, overflow)."""

    def __init__(self, op: str, operands: tuple[float, ...], reason: str) -> None:
        self.op = op
        self.operands = operands
        self.reason = reason
        shown = ", ".join(_fmt(x) for x in operands)
        super().__init__(f"{op}({shown}): {reason}")


def _fmt(x: float) -> str:
    return repr(float(x))
