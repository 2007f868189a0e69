"""The bytes a cached object actually holds, as CPython stores it (sys.getsizeof based).

A budget that counts characters undercounts: a str with one character beyond Latin-1 (a
drawn minus sign, U+2212) stores 2 bytes per character, beyond the BMP 4. `held_bytes`
counts what the interpreter holds: every str, bytes, number, container and slotted or
plain object reachable from the object, each once. Caches are bounded by it. Stdlib only.
"""

from __future__ import annotations

import sys
from typing import Any

ENTRY_OVERHEAD = 100  # an OrderedDict entry: its hash-table slot and link node, about


_SLOTS: dict[type, tuple[str, ...]] = {}
_LEAVES = (str, bytes, bytearray, int, float, complex, bool, type(None))
_SEQUENCES = (tuple, list, set, frozenset)


def _slots(cls: type) -> tuple[str, ...]:
    """The slot names of cls and its bases (looked up once per class)."""
    names = _SLOTS.get(cls)
    if names is None:
        found: list[str] = []
        for base in cls.__mro__:
            slots = base.__dict__.get("__slots__", ())
            found += [slots] if isinstance(slots, str) else list(slots)
        names = _SLOTS[cls] = tuple(n for n in found if n not in ("__dict__", "__weakref__"))
    return names


def held_bytes(obj: Any) -> int:
    """Return the bytes held by obj and everything it refers to (containers and objects
    counted once each; a str or number counted at each place it is held: an upper bound)."""
    size = sys.getsizeof
    if isinstance(obj, _LEAVES):
        return size(obj)  # the common case: a drawing, a source text
    seen: set[int] = set()
    total = 0
    stack = [obj]
    while stack:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        total += size(x)
        if isinstance(x, _SEQUENCES):
            kids: Any = x
        elif isinstance(x, dict):
            kids = [*x.keys(), *x.values()]
        else:
            kids = [getattr(x, n, None) for n in _slots(type(x))]
            if hasattr(x, "__dict__"):
                kids.append(x.__dict__)
        for k in kids:
            if isinstance(k, _LEAVES):
                total += size(k)
            else:
                stack.append(k)
    return total
