"""The built-in functions of the language and their arities."""

from __future__ import annotations

BUILTINS: dict[str, int] = {
    "exp": 1,
    "log": 1,
    "sqrt": 1,
    "tanh": 1,
    "sigmoid": 1,
    "relu": 1,
    "abs": 1,
    "sin": 1,
    "cos": 1,
    "max": 2,
    "min": 2,
    "pow": 2,
}
