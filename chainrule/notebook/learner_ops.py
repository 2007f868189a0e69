"""How other engines name their operations, mapped onto chainrule's op table (chainrule.ops).

micrograd writes `_op` as a symbol or word ("+", "*", "**2", "ReLU", "tanh", "exp"); a
closure-style engine is known by the method that made the closure ("__mul__", "tanh",
"__rsub__"). A name is read as text only: "**2" is the power 2 by float("2"), never eval.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from chainrule.ops import OPS

# Reflected methods compute `other OP self`: their operands are swapped.
REFLECTED = frozenset({"__radd__", "__rsub__", "__rmul__", "__rtruediv__", "__rdiv__", "__rpow__"})

_ALIASES = {
    "add": "+",
    "plus": "+",
    "sub": "-",
    "minus": "-",
    "mul": "*",
    "times": "*",
    "truediv": "/",
    "div": "/",
    "**": "^",
    "pow": "^",
    "power": "^",
    "neg": "neg",
    "negate": "neg",
    "ln": "log",
    "relu": "relu",
}


@dataclass(frozen=True)
class Const:
    """A number an engine keeps inside a node (the 2 of `x**2`): one leaf per use."""

    value: float


def _normal(written: str) -> str:
    """Return the op name of the table a written name means, or "" if none."""
    text = written.strip()
    if text.startswith("__") and text.endswith("__") and len(text) > 4:
        text = text[2:-2]
        if f"__{text}__" in REFLECTED:
            text = text[1:]
    key = text.lower()
    if key in OPS:
        return key
    return _ALIASES.get(key, "")


@lru_cache(maxsize=1024)
def _parsed(written: str, operands: int) -> tuple[str, float | None]:
    """Return (op name, the exponent written in it or None); see op_of."""
    if operands == 0:
        return "", None
    text = written.strip()
    for prefix in ("**", "^"):
        rest = text[len(prefix) :]
        if text.startswith(prefix) and rest and operands == 1:
            try:
                return "^", float(rest)
            except ValueError:
                break
    name = _normal(text)
    if name == "-" and operands == 1:
        return "neg", None
    return (name or text or "?"), None


def op_of(written: str, operands: int) -> tuple[str, list[object]]:
    """Return (chainrule op name, extra constant operands) for an engine's written op.

    A node with no operands is a leaf: "". A power written with its exponent ("**2", "^3")
    is "^" with the exponent as an extra constant operand. Anything unknown is kept as
    written (check says it cannot check it; draw shows it as the engine names it).
    """
    name, exponent = _parsed(written, operands)
    return name, ([] if exponent is None else [Const(exponent)])
