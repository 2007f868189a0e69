"""JSON read within a parse-cost limit: nesting depth and item count, checked before decoding.

`json.loads` builds every object it reads: an 8 MiB body of `[]` is 2.8 million lists
(hundreds of MB), and nesting recurses in C until RecursionError. `loads` first scans the
raw bytes with a few C-speed passes (strings blanked, brackets counted and paired off
level by level), so memory and time stay proportional to what the limits allow, then
decodes. Every reader of JSON a person sends (the web API, `chainrule grade`, the
Gradescope and PrairieLearn runners) goes through it. Stdlib only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from chainrule.lang.numbers import underflows

_CHUNK = 256 * 1024  # split a chunk at a time: bounded extra memory, the GIL let go between
# An exponent small enough that a float might underflow to 0 (only then is each float read
# through a check: the slow path).
_TINY = re.compile(rb"[eE]-0*(?:3[0-9][0-9]|[4-9][0-9][0-9]|[0-9]{4,})")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


@dataclass(frozen=True)
class JSONLimits:
    """The most a JSON document may hold: nesting depth, and items (values and members)."""

    max_depth: int = 32
    max_items: int = 2_000_000


DEFAULT_JSON_LIMITS = JSONLimits()


class JSONTooComplex(ValueError):
    """A JSON document over a parse-cost limit (which one, the limit, what was found)."""

    def __init__(self, what: str, limit: int, found: str) -> None:
        super().__init__(f"the JSON is {found}; the limit is {limit:,} {what}")
        self.what = what
        self.limit = limit
        self.found = found


def outside_strings(data: bytes) -> bytes:
    """Return data without its strings' contents (escaped quotes and backslashes first)."""
    if b'"' not in data:
        return data
    data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    out: list[bytes] = []
    inside = False
    for i in range(0, len(data), _CHUNK):
        parts = data[i : i + _CHUNK].split(b'"')
        out.append(b"".join(parts[1 if inside else 0 :: 2]))
        inside ^= len(parts) % 2 == 0
    return b"".join(out)


class JSONNumberError(ValueError):
    """A number in the JSON that no float holds (it would silently become 0)."""


def _float(text: str) -> float:
    value = float(text)
    if underflows(text, value):
        raise JSONNumberError(
            f"the number {text[:40]} is too small for a float: it would be 0 "
            "(the smallest is about 5e-324; write 0 if 0 is meant)"
        )
    return value


def check(data: bytes, limits: JSONLimits = DEFAULT_JSON_LIMITS) -> bytes:
    """Raise JSONTooComplex when data nests deeper or holds more items than limits allow.

    Brackets inside strings are not counted; an unpaired bracket counts as one more level
    (json.loads then reports the syntax error at its position). Returns the structure: the
    data without its strings' contents.
    """
    structure = outside_strings(data)
    brackets = structure.translate(None, _NOT_BRACKETS)
    _check_depth(brackets, limits.max_depth)
    items = structure.count(b",") + len(brackets) // 2
    if items > limits.max_items:
        raise JSONTooComplex("items", limits.max_items, f"about {items:,} items")
    return structure


@lru_cache(maxsize=4)
def _openers(count: int) -> re.Pattern[bytes]:
    return re.compile(rb"[\[{]{%d}" % count)


def _check_depth(brackets: bytes, max_depth: int) -> None:
    """Pair off the innermost brackets max_depth times: any pair left is one level more.
    A run of more than max_depth opening brackets ends it at once (the usual bomb)."""
    too_deep = JSONTooComplex("levels", max_depth, f"nested more than {max_depth} levels deep")
    run = _openers(max_depth + 1)
    for _ in range(max_depth):
        if run.search(brackets):
            raise too_deep
        shorter = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if len(shorter) == len(brackets):
            return  # nothing left, or unpaired brackets: a syntax error json.loads places
        brackets = shorter
    if b"[]" in brackets or b"{}" in brackets:
        raise too_deep


def loads(data: bytes | str, limits: JSONLimits = DEFAULT_JSON_LIMITS) -> Any:
    """Return the decoded JSON; JSONTooComplex over the limits, JSONNumberError for a number
    that would become 0, ValueError if not JSON."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    structure = check(raw, limits)
    try:
        if _TINY.search(structure):
            return json.loads(raw, parse_float=_float)
        return json.loads(raw)
    except RecursionError:  # not reached within the limits; never a traceback
        found = f"nested more than {limits.max_depth} levels deep"
        raise JSONTooComplex("levels", limits.max_depth, found) from None
