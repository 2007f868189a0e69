"""What a submitted answer is: a number, a formula, nothing, or something unreadable.

One rule for every entry point (API, CLI, Gradescope, PrairieLearn): an answer is judged by
its meaning, not its JSON type. `2`, `2.0`, `"2"` and `" 5.0 "` are numbers; any other text
is a formula; `null` or blank text is no answer; anything else (true, a list, an object, a
number too large for a float, text that is not Unicode) is unreadable, which fails that one
question only.
"""

from __future__ import annotations

import math
import re
from typing import Literal, NamedTuple

from chainrule.json_reader import unencodable

Expect = Literal["number", "formula", "either"]
EXPECTS: tuple[Expect, ...] = ("number", "formula", "either")
MAX_FORMULA = 2_000  # characters of one formula answer

# A plain decimal number, as a person types it: no "inf", "nan", "1_000" or hex.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_LARGEST = f"{1.7976931348623157e308:.3g}"


class Unreadable(NamedTuple):
    """An answer that is neither a number nor a formula; message says why (never echoes it)."""

    message: str


Reading = float | str | Unreadable | None


def to_finite(x: int | float | str, what: str) -> float:
    """Return x as a finite float; raise ValueError naming what when it is not one.

    Covers every conversion the grading path makes (answers, values, params, points):
    an integer too large for a float, an overflowing decimal and inf/nan are all refused.
    """
    if isinstance(x, bool):
        raise ValueError(f"{what} must be a number, not true or false")
    try:
        value = float(x)
    except OverflowError:
        size = f"about 10^{int(x.bit_length() * math.log10(2))}" if isinstance(x, int) else "huge"
        raise ValueError(
            f"{what} is too large: {size} (the largest float is about {_LARGEST})"
        ) from None
    except ValueError:
        raise ValueError(f"{what} must be a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number (the largest float is about {_LARGEST})")
    return value


def numeric_text(text: str) -> bool:
    """True when text (spaces around it allowed) is a plain decimal number such as ' 5.0 '."""
    return _NUMBER.fullmatch(text.strip()) is not None


def read(raw: object) -> Reading:
    """Return what a raw answer is: a float, a formula's text, None (no answer) or Unreadable."""
    if type(raw) is float and math.isfinite(raw):  # the common case, first
        return raw
    if raw is None or isinstance(raw, Unreadable):
        return raw
    if isinstance(raw, bool):
        return Unreadable("the answer is true/false, not a number or a formula")
    if isinstance(raw, int | float):
        return _number(raw)
    if isinstance(raw, str):
        where = unencodable(raw)
        if where is not None:
            return Unreadable(
                f"the answer is not Unicode text: character {where + 1} is half of a character "
                "(a lone surrogate, as a \\u escape writes it); type the formula again"
            )
        text = raw.strip()
        if not text:
            return None
        if numeric_text(text):
            return _number(text)
        if len(text) > MAX_FORMULA:
            return Unreadable(
                f"the formula is {len(text):,} characters long; at most {MAX_FORMULA:,} are read"
            )
        return text
    kind = "a list" if isinstance(raw, list) else "an object" if isinstance(raw, dict) else "?"
    return Unreadable(f"the answer is {kind}, not a number or a formula")


def _number(x: int | float | str) -> float | Unreadable:
    try:
        return to_finite(x, "the answer")
    except ValueError as exc:
        return Unreadable(str(exc))
