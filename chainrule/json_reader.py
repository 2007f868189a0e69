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
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from chainrule.lang.numbers import underflows

_CHUNK = 256 * 1024  # split a chunk at a time: bounded extra memory, the GIL let go between
# An exponent small enough that a float might underflow to 0 (only then is each float read
# through a check: the slow path).
_TINY = re.compile(rb"[eE]-0*(?:3[0-9][0-9]|[4-9][0-9][0-9]|[0-9]{4,})")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# An integer longer than this is read as infinity (no float holds it; a finite-number check
# then names its field), never as a Python int of thousands of digits.
MAX_DIGITS = 1_000
_LONG_DIGITS = re.compile(rb"[0-9]{%d}" % (MAX_DIGITS + 1))
# A \u escape of a surrogate: the only way JSON text holds one (its bytes are UTF-8).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


@dataclass(frozen=True)
class JSONLimits:
    """The most a JSON document may hold: nesting depth, items (values and members), and
    the memory its decoded objects would take (estimated from its bytes: held())."""

    max_depth: int = 32
    max_items: int = 2_000_000
    max_held: int = 64 * 1024 * 1024


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


# What a decoded item costs as Python objects, and read once more by a validator: a float
# in a list about 32 B, a list or dict with its key about 170 B (measured: json.loads of
# 500,000 floats, of 100,000 one-row columns), doubled for the validated copy, rounded up.
ITEM_BYTES = 80
CONTAINER_BYTES = 400


def held(structure: bytes) -> int:
    """Return the memory (bytes) the decoded and validated objects of a JSON document
    would hold, estimated from its structure (check()'s: the data without its strings)."""
    containers = structure.count(b"[") + structure.count(b"{")
    items = structure.count(b",") + containers
    return items * ITEM_BYTES + containers * CONTAINER_BYTES


def check(data: bytes, limits: JSONLimits = DEFAULT_JSON_LIMITS) -> bytes:
    """Raise JSONTooComplex when data nests deeper, holds more items, or would hold more
    memory once decoded than limits allow.

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
    cost = held(structure) + len(data)
    if cost > limits.max_held:
        found = f"about {cost:,} bytes once decoded"
        raise JSONTooComplex("bytes", limits.max_held, found)
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


def _int(text: str) -> int | float:
    return int(text) if len(text) <= MAX_DIGITS else math.inf


def loads(data: bytes | str, limits: JSONLimits = DEFAULT_JSON_LIMITS) -> Any:
    """Return the decoded JSON; JSONTooComplex over the limits, JSONNumberError for a number
    that would become 0, ValueError if not JSON. An integer of more than MAX_DIGITS digits
    is read as infinity (a schema's finite or range check names its field)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return decode(raw, check(raw, limits), limits)


def decode(raw: bytes, structure: bytes, limits: JSONLimits = DEFAULT_JSON_LIMITS) -> Any:
    """Decode raw JSON whose structure check() returned (loads without the scan)."""
    hooks: dict[str, Any] = {}
    if _TINY.search(structure):
        hooks["parse_float"] = _float
    if _LONG_DIGITS.search(structure):
        hooks["parse_int"] = _int
    try:
        return json.loads(raw, **hooks)
    except RecursionError:  # not reached within the limits; never a traceback
        found = f"nested more than {limits.max_depth} levels deep"
        raise JSONTooComplex("levels", limits.max_depth, found) from None


def may_hold_surrogates(data: bytes) -> bool:
    """True when the JSON text has a \\u escape of a surrogate (paired or not): only then
    can its decoded strings hold a lone surrogate, text no encoder writes."""
    return _SURROGATE_ESCAPE.search(data) is not None


def unencodable(text: str) -> int | None:
    """Return the position of the first character of text that UTF-8 cannot encode (a lone
    surrogate), or None when it is all encodable."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


Path = tuple[str | int, ...]


def unencodable_texts(obj: Any, path: Path = ()) -> Iterator[Path]:
    """Yield the path of every string (object key or value) in decoded JSON that holds
    text UTF-8 cannot encode; a key's path ends with the key itself."""
    stack: list[tuple[Any, Path]] = [(obj, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if unencodable(item) is not None:
                yield where
        elif isinstance(item, dict):
            for key, value in item.items():
                if unencodable(key) is not None:
                    yield (*where, key)
                stack.append((value, (*where, key)))
        elif isinstance(item, list):
            stack.extend((v, (*where, i)) for i, v in enumerate(item))
