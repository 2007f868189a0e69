"""The one reader of a number a person typed: in a program, a value, a URL or a CSV cell.

A plain decimal: `2`, `-0.5`, `1e-3`, `.5`; no `1_000`, `inf`, `nan`, hex or other digits
(Python's float() takes all of those). A number too large for a float is refused, and so is
one so small that it would silently become 0 (`1e-400`): both say so.
"""

from __future__ import annotations

import math
import re

NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NUMBER = re.compile(NUMBER, re.ASCII)
_NONZERO = re.compile(r"[1-9]")


def underflows(text: str, value: float) -> bool:
    """True when text names a number other than 0 that reads as 0.0 (too small for a float)."""
    if value != 0.0:
        return False
    mantissa = text.strip().lstrip("+-").split("e")[0].split("E")[0]
    return _NONZERO.search(mantissa) is not None


def number_problem(text: str) -> str | None:
    """Return why text is not a number the reader takes, or None when it is one."""
    if _NUMBER.fullmatch(text.strip()) is None:
        return "must be a finite number, written like 2, -0.5 or 1e-3"
    value = float(text)
    if not math.isfinite(value):
        return "is too large: it must be a finite number (the largest float is about 1.8e308)"
    if underflows(text, value):
        return "is too small for a float: it would be 0 (the smallest is about 5e-324)"
    return None


def read_number(text: str, what: str = "the number") -> float:
    """Return text as a float; ValueError naming what when it is not a number we take."""
    problem = number_problem(text)
    if problem is not None:
        raise ValueError(f"{what} {problem}")
    return float(text)
