"""The decoded request bodies one worker holds at once, and giving their memory back.

A semaphore counted in bytes (each large body takes its estimated decoded size, weighed on
its bytes by chainrule/json_reader.py, for the whole request), and glibc's malloc_trim
after a large body: glibc keeps what Python freed unless asked to return it. A uvicorn
worker also has glibc map each buffer of a MiB or more on its own (map_large_buffers).
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


def _glibc() -> Any:
    """Return the C library (ctypes), or False where there is none."""
    global _libc
    if _libc is None:
        name = ctypes.util.find_library("c")
        _libc = ctypes.CDLL(name) if name else False
    return _libc


def trim_memory() -> None:
    """Give the memory Python freed back to the system (glibc keeps it otherwise)."""
    libc = _glibc()
    if libc and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


M_MMAP_THRESHOLD = -3  # mallopt's parameter number (glibc's malloc.h)
MAPPED_FROM = 1024 * 1024


def map_large_buffers(size: int = MAPPED_FROM) -> bool:
    """Have glibc map every allocation of size bytes or more on its own, and unmap it when
    freed (True when it took the setting). By default glibc raises that threshold to the
    largest block freed so far, so after one multi-MiB body every later one comes from the
    heap, which keeps it: a worker relaying bulk bodies and answers grew by ~3 MB a request
    (`bench/abuse.py --round4`'s idle memory). Not in a pool process: a NumPy loop over
    800 KB arrays ran 1.3-1.5x slower with it (glibc then also trims the heap's top at
    every 128 KiB free); a pool process is trimmed after each job, and replaced when it
    keeps too much (CHAINRULE_POOL_KEEP)."""
    libc = _glibc()
    if not libc or not hasattr(libc, "mallopt"):
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, size))
