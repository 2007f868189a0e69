"""Drawing as one bounded resource: every `dot` run of the process passes one gate.

At most `workers` runs at once (the CPUs this process may use: its affinity and its
cgroup v2 quota), at most `queue` more waiting; a drawing that finds the queue full, or
waits longer than it may, gets RenderBusy with a Retry-After estimate (a 503).
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from app.render.errors import RenderBusy

QUEUE_PER_WORKER = 4


def usable_cpus(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """Return the CPUs this process may use: its affinity, capped by a cgroup v2 quota."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    try:
        quota, period = (cgroup / "cpu.max").read_text().split()[:2]
        if quota != "max":
            cpus = min(cpus, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):
        pass
    return max(1, cpus)


class DotGate:
    """A semaphore of `workers` dot runs with a bounded queue of `queue` waiting ones."""

    def __init__(self, workers: int, queue: int) -> None:
        self.workers = max(1, workers)
        self.queue = max(0, queue)
        self.capacity = self.workers + self.queue
        self.admitted = 0  # running + waiting
        self.running = 0
        self.refused = 0
        self.mean_seconds = 1.0  # a running mean of one dot run, for Retry-After
        self._cond = threading.Condition()
        self._executor: ThreadPoolExecutor | None = None

    def retry_after(self) -> int:
        """Return whole seconds after which a refused drawing may find room."""
        rounds = max(1, self.admitted) / self.workers
        return min(60, max(1, math.ceil(self.mean_seconds * rounds)))

    def admit(self) -> None:
        """Take a place (running or queued), or raise RenderBusy when there is none."""
        with self._cond:
            if self.admitted >= self.capacity:
                self.refused += 1
                raise RenderBusy(self.retry_after())
            self.admitted += 1

    def leave(self) -> None:
        """Give the place taken by admit() back."""
        with self._cond:
            self.admitted -= 1

    @contextmanager
    def turn(self, wait: float) -> Iterator[None]:
        """Run the body as one of the workers (admitted first); RenderBusy after `wait` s."""
        deadline = time.monotonic() + wait
        with self._cond:
            while self.running >= self.workers:
                left = deadline - time.monotonic()
                timed_out = left <= 0 or not self._cond.wait(left)
                if timed_out and self.running >= self.workers:
                    self.refused += 1
                    raise RenderBusy(self.retry_after())
            self.running += 1
        started = time.monotonic()
        try:
            yield
        finally:
            seconds = time.monotonic() - started
            with self._cond:
                self.running -= 1
                self.mean_seconds = 0.8 * self.mean_seconds + 0.2 * seconds
                self._cond.notify()

    @contextmanager
    def slot(self, wait: float) -> Iterator[None]:
        """admit(), then turn(wait), then leave(): one dot run from a plain thread."""
        self.admit()
        try:
            with self.turn(wait):
                yield
        finally:
            self.leave()

    def executor(self) -> ThreadPoolExecutor:
        """Return the threads for admitted async drawings (one per place: none queue)."""
        with self._cond:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self.capacity, thread_name_prefix="render")
            return self._executor


_DEFAULT: DotGate | None = None
_DEFAULT_LOCK = threading.Lock()


def default_gate() -> DotGate:
    """Return the process's one gate (built on first use from the usable CPUs)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            workers = usable_cpus()
            _DEFAULT = DotGate(workers, QUEUE_PER_WORKER * workers)
        return _DEFAULT
