"""A process pool whose processes are niced from their first instruction (app/pool.py).

A spawned process starts as its parent thread is (Linux: the nice level is a thread's): a
pool process niced only once running would first start the interpreter and import the
worker's main module (`python -m app`: pydantic, the settings; ~0.3 s of CPU) at the
worker's priority, beside its small requests, each time the pool is rebuilt or replaced.
So each process is spawned from a short-lived thread at the pool's level.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any


def set_nice(level: int) -> None:
    """Lower this thread's priority to nice level (never raise it: that needs privileges)."""
    tid = threading.get_native_id()
    if os.getpriority(os.PRIO_PROCESS, tid) < level:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, level))


class NicedPool(ProcessPoolExecutor):
    """A ProcessPoolExecutor whose processes are spawned at nice level `nice`."""

    def __init__(self, nice: int, **kwargs: Any) -> None:
        self.nice = nice
        super().__init__(**kwargs)

    def _spawn_process(self) -> None:
        """Start one process, from a thread at the pool's nice level."""
        failed: list[BaseException] = []

        def spawn() -> None:
            try:
                set_nice(self.nice)
                super(NicedPool, self)._spawn_process()  # type: ignore[misc]
            except BaseException as exc:  # raised in the caller's thread below
                failed.append(exc)

        thread = threading.Thread(target=spawn, name="pool-spawn")
        thread.start()
        thread.join()
        if failed:
            raise failed[0]
