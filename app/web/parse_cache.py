"""A parse cache bounded by the nodes it holds: huge programs and failures are not kept."""

from __future__ import annotations

import threading
from collections import OrderedDict

from app.lang import Limits, Program, parse


class ParseCache:
    """Parsed programs by source text, least recently used first out.

    A parsed program holds about 200 bytes per node, so the cache is bounded by the sum of
    the node counts it holds (and by entries). A program larger than a tenth of that bound
    is parsed and not kept; a program that does not parse raises and is never kept.
    """

    def __init__(self, limits: Limits, max_entries: int, max_nodes: int) -> None:
        self.limits = limits
        self.max_entries = max_entries
        self.max_nodes = max_nodes
        self.held_nodes = 0
        self._entries: OrderedDict[str, Program] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def __call__(self, source: str) -> Program:
        """Return the parsed program of source (from the cache when it is there)."""
        with self._lock:
            program = self._entries.get(source)
            if program is not None:
                self._entries.move_to_end(source)
                return program
        program = parse(source, self.limits)  # raises ParseError: nothing is stored
        size = max(1, program.node_count)
        if self.max_entries <= 0 or size * 10 > self.max_nodes:
            return program
        with self._lock:
            if source not in self._entries:
                self._entries[source] = program
                self.held_nodes += size
            while len(self._entries) > self.max_entries or self.held_nodes > self.max_nodes:
                _, old = self._entries.popitem(last=False)
                self.held_nodes -= max(1, old.node_count)
        return program
