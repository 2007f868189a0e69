"""A bounded resource: at most `workers` jobs at once and `queue` more waiting.

The drawing gate (every `dot` run of a process, chainrule/render/drawing_gate.py) and the
training gate (app/services.py) are both one of these. A job that finds the queue full,
or waits longer than it may, gets the gate's `busy` error carrying a Retry-After estimate
in seconds (a 503).
Stdlib only.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from chainrule.budget import WALL, BudgetExceeded

QUEUE_PER_WORKER = 4
# A job that waited at least this share of its wall-clock budget for a turn and then ran
# out of wall time was stopped by the queue, not by its own work: the busy error (503).
QUEUED_SHARE = 0.1


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


class Busy(Exception):
    """Every worker is busy and the queue is full: try again after retry_after seconds."""

    def __init__(self, retry_after: int, what: str = "") -> None:
        kind = f" with other {what} runs" if what else ""
        super().__init__(f"the server is busy{kind}; try again in {retry_after} s")
        self.retry_after = retry_after
        self.what = what


class WorkGate:
    """A semaphore of `workers` jobs with a bounded queue of `queue` waiting ones."""

    def __init__(self, workers: int, queue: int, busy: Callable[[int], Exception] = Busy) -> None:
        self.busy = busy
        self.workers = max(1, workers)
        self.queue = max(0, queue)
        self.capacity = self.workers + self.queue
        self.taken = 0  # places taken: running + waiting
        self.running = 0
        self.refused = 0
        self.mean_seconds = 1.0  # a running mean of one job's seconds, for Retry-After
        self._cond = threading.Condition()
        self._executor: ThreadPoolExecutor | None = None

    def retry_after(self) -> int:
        """Return whole seconds after which a refused job may find room (for Retry-After)."""
        rounds = max(1, self.taken) / self.workers
        return min(60, max(1, math.ceil(self.mean_seconds * rounds)))

    def take_place(self) -> None:
        """Take a place (running or waiting), or raise the gate's busy error when none is left.

        Every take_place() is paired with one release_place(); worker() runs the job between.
        """
        with self._cond:
            if self.taken >= self.capacity:
                self.refused += 1
                raise self.busy(self.retry_after())
            self.taken += 1

    def release_place(self) -> None:
        """Give back the place taken by take_place() (after worker(), or instead of it)."""
        with self._cond:
            self.taken -= 1

    @contextmanager
    def worker(self, wait: float) -> Iterator[None]:
        """Run the body as one of the `workers` running jobs, waiting at most `wait` seconds.

        The caller holds a place; when no worker frees up in time, raise the gate's busy
        error (the place stays taken until release_place()).
        """
        deadline = time.monotonic() + wait
        with self._cond:
            while self.running >= self.workers:
                left = deadline - time.monotonic()
                timed_out = left <= 0 or not self._cond.wait(left)
                if timed_out and self.running >= self.workers:
                    self.refused += 1
                    raise self.busy(self.retry_after())
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
    def job(self, wait: float) -> Iterator[None]:
        """take_place(), then worker(wait), then release_place(): one whole job (from a
        plain thread)."""
        self.take_place()
        try:
            with self.worker(wait):
                yield
        finally:
            self.release_place()

    @contextmanager
    def job_within(self, seconds_left: float) -> Iterator[None]:
        """job() for a job that must finish within seconds_left (its wall-clock budget).

        It waits for a turn only while a typical run (the running mean) still fits after the
        wait; and if it waited for a good part of its budget and then runs out of wall time,
        that is the queue's doing: the busy error (503 with Retry-After), not a 422.
        """
        queued = time.monotonic()
        with self.job(max(0.0, seconds_left - self.mean_seconds)):
            waited = time.monotonic() - queued
            try:
                yield
            except BudgetExceeded as exc:
                if exc.resource is WALL and waited >= QUEUED_SHARE * seconds_left:
                    raise self.busy(self.retry_after()) from exc
                raise

    def executor(self) -> ThreadPoolExecutor:
        """Return the threads for async jobs holding a place (one per place, so none queues
        there)."""
        with self._cond:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self.capacity, thread_name_prefix="gate")
            return self._executor
