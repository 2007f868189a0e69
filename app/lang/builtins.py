"""The built-in functions of the language and their arities, read from the op table."""

from __future__ import annotations

from app.ops import CALLS

BUILTINS: dict[str, int] = {name: op.arity for name, op in CALLS.items()}
