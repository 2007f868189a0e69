"""A parse cache bounded by the bytes it holds: huge programs and failures are not kept."""

from __future__ import annotations

import threading
from collections import OrderedDict

from chainrule.lang import Limits, Program, parse
from chainrule.object_size import ENTRY_OVERHEAD, held_bytes


class ParseCache:
    """Parsed programs by source text, least recently used first out.

    Bounded by entries, by the nodes it holds and by the bytes it actually holds (the source
    text and the syntax tree as CPython stores them: chainrule/object_size.py). A program
    larger than a
    tenth of either bound is parsed and not kept; a program that does not parse raises and
    is never kept.
    """

    def __init__(
        self, limits: Limits, max_entries: int, max_nodes: int, max_bytes: int = 48 * 2**20
    ) -> None:
        self.limits = limits
        self.max_entries = max_entries
        self.max_nodes = max_nodes
        self.max_bytes = max_bytes
        self.held_nodes = 0
        self.held_bytes = 0
        self._entries: OrderedDict[str, tuple[Program, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def __call__(self, source: str) -> Program:
        """Return the parsed program of source (from the cache when it is there)."""
        with self._lock:
            found = self._entries.get(source)
            if found is not None:
                self._entries.move_to_end(source)
                return found[0]
        program = parse(source, self.limits)  # raises ParseError: nothing is stored
        nodes = max(1, program.node_count)
        if self.max_entries <= 0 or nodes * 10 > self.max_nodes:
            return program
        size = held_bytes(source) + held_bytes(program) + ENTRY_OVERHEAD
        if size * 10 > self.max_bytes:
            return program
        with self._lock:
            if source not in self._entries:
                self._entries[source] = (program, size)
                self.held_nodes += nodes
                self.held_bytes += size
            while (
                len(self._entries) > self.max_entries
                or self.held_nodes > self.max_nodes
                or self.held_bytes > self.max_bytes
            ):
                _, (old, old_size) = self._entries.popitem(last=False)
                self.held_nodes -= max(1, old.node_count)
                self.held_bytes -= old_size
        return program
