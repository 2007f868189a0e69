"""The decoded request bodies one worker holds at once, and giving their memory back.

A semaphore counted in bytes (each large body takes its estimated decoded size, weighed on
its bytes by chainrule/json_reader.py, for the whole request), and glibc's malloc_trim
after a large body: glibc keeps what Python freed unless asked to return it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from typing import Any

from chainrule.errors import ErrorReply, retry_later


class GateFull(Exception):
    """The worker holds as many decoded bytes as it may: its reply is a 503 with Retry-After
    (app/bodies.py answers it as a refused body)."""

    def __init__(self, reply: ErrorReply) -> None:
        super().__init__(reply.detail)
        self.reply = reply


class DecodeGate:
    """The bytes of decoded bodies one worker holds at once (a semaphore counted in bytes):
    a body whose estimate does not fit now is refused with 503 and Retry-After."""

    def __init__(self, capacity: int, retry_after: int = 2) -> None:
        self.capacity = capacity
        self.retry_after = retry_after
        self.taken = 0
        self._lock = threading.Lock()

    def take(self, amount: int) -> None:
        """Take amount bytes of the allowance, or raise GateFull (503)."""
        with self._lock:
            if self.taken + amount > self.capacity and self.taken > 0:
                detail = (
                    f"this worker is decoding {self.taken:,} bytes of other requests' bodies "
                    f"(at most {self.capacity:,} at once): try again shortly"
                )
                reply = retry_later("Busy", detail, "busy-bodies", self.retry_after)
                raise GateFull(reply)
            self.taken += amount

    def give(self, amount: int) -> None:
        """Give amount bytes back."""
        with self._lock:
            self.taken = max(0, self.taken - amount)


_libc: Any = None


def trim_memory() -> None:
    """Give the memory Python freed back to the system (glibc keeps it otherwise)."""
    global _libc
    if _libc is None:
        name = ctypes.util.find_library("c")
        _libc = ctypes.CDLL(name) if name else False
    if _libc and hasattr(_libc, "malloc_trim"):
        _libc.malloc_trim(0)
