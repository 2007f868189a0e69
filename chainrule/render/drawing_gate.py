"""Drawing as one bounded resource: every `dot` run of the process passes one gate.

At most as many runs at once as the CPUs this process may use (its affinity and its cgroup
v2 quota), QUEUE_PER_WORKER more waiting per worker; a drawing that finds the queue full,
or waits longer than it may, gets RenderBusy with a Retry-After estimate (a 503).
"""

from __future__ import annotations

import threading

from chainrule.render.errors import RenderBusy
from chainrule.work_gate import QUEUE_PER_WORKER, WorkGate, usable_cpus


class DotGate(WorkGate):
    """The drawing gate: a WorkGate whose busy error is RenderBusy."""

    def __init__(self, workers: int, queue: int) -> None:
        super().__init__(workers, queue, busy=RenderBusy)


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
