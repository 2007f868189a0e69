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
from dataclasses import dataclass
from typing import Any

_CHUNK = 256 * 1024  # split a chunk at a time: bounded extra memory, the GIL let go between
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


@dataclass(frozen=True)
class JSONLimits:
    """The most a JSON document may hold: nesting depth, and items (values and members)."""

    max_depth: int = 32
    max_items: int = 1_000_000


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


def check(data: bytes, limits: JSONLimits = DEFAULT_JSON_LIMITS) -> None:
    """Raise JSONTooComplex when data nests deeper or holds more items than limits allow.

    Brackets inside strings are not counted; an unpaired bracket counts as one more level
    (json.loads then reports the syntax error at its position).
    """
    structure = outside_strings(data)
    brackets = structure.translate(None, _NOT_BRACKETS)
    _check_depth(brackets, limits.max_depth)
    items = structure.count(b",") + len(brackets) // 2
    if items > limits.max_items:
        raise JSONTooComplex("items", limits.max_items, f"about {items:,} items")


def _check_depth(brackets: bytes, max_depth: int) -> None:
    """Pair off the innermost brackets max_depth times: any pair left is one level more."""
    for _ in range(max_depth):
        shorter = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if len(shorter) == len(brackets):
            return  # nothing left, or unpaired brackets: a syntax error json.loads places
        brackets = shorter
    if b"[]" in brackets or b"{}" in brackets:
        found = f"nested more than {max_depth} levels deep"
        raise JSONTooComplex("levels", max_depth, found)


def loads(data: bytes | str, limits: JSONLimits = DEFAULT_JSON_LIMITS) -> Any:
    """Return the decoded JSON; JSONTooComplex over the limits, ValueError if not JSON."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    check(raw, limits)
    try:
        return json.loads(raw)
    except RecursionError:  # not reached within the limits; never a traceback
        found = f"nested more than {limits.max_depth} levels deep"
        raise JSONTooComplex("levels", limits.max_depth, found) from None
