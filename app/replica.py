"""The pool jobs one replica runs at once, across its uvicorn workers: slots shared through
lock files.

Each uvicorn worker has a pool of its own (app/pool.py), so a replica of two workers would
run two bulk jobs at once, each up to ~70 MB above its process's idle size (a 7.5 MiB
grading batch): one replica's tree went past 400 MB when both of a client's accepted
bodies landed on it. A job first takes one of CHAINRULE_REPLICA_JOBS slots: an exclusive
`flock` on one of that many files in a folder named for the replica's uvicorn supervisor
(the workers' parent process), so the kernel frees a slot when its worker ends, however it
ends. A single-worker server has no supervisor and needs no slot: its pool is the bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import multiprocessing
import os
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

POLL_SECONDS = 0.02  # how often a waiting job looks for a free slot
LOG = logging.getLogger("chainrule.pool")


def replica_folder() -> Path | None:
    """Return the slots' folder of this worker's replica (named for its uvicorn supervisor),
    or None in a process no supervisor started (one worker, or tests)."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.pid is None:
        return None
    return supervisor_folder(parent.pid)


def supervisor_folder(pid: int) -> Path:
    """Return the slots' folder of the replica whose uvicorn supervisor has this pid."""
    return Path(tempfile.gettempdir()) / f"chainrule-replica-{pid}"


class ReplicaSlots:
    """count slots shared by every process that opens the same folder."""

    def __init__(self, folder: Path, count: int) -> None:
        self.folder = folder
        self.count = count
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    def try_take(self) -> int | None:
        """Take a free slot now: its open, locked file (give it back with give()); None
        when every slot is taken."""
        for index in range(self.count):
            fd = self._open(self.folder / f"slot-{index}")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return fd
        return None

    def _open(self, path: Path) -> int:
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except FileNotFoundError:  # the folder was cleaned away (a tmp cleaner): again
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    def give(self, fd: int) -> None:
        """Give a slot back."""
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    @contextlib.asynccontextmanager
    async def held(self, seconds: float) -> AsyncIterator[bool]:
        """Hold a slot for the block, waiting for one at most seconds; yields False (and
        holds none) when none was free in time."""
        end = time.monotonic() + seconds
        fd = self.try_take()
        while fd is None and time.monotonic() < end:
            await asyncio.sleep(POLL_SECONDS)
            fd = self.try_take()
        try:
            yield fd is not None
        finally:
            if fd is not None:
                self.give(fd)


def replica_slots(count: int) -> ReplicaSlots | None:
    """Return this worker's replica's slots (count of them), or None when it needs none (no
    supervisor, or count 0: each worker's pool bounds its own jobs only)."""
    folder = replica_folder()
    if folder is None or count <= 0:
        return None
    try:
        slots = ReplicaSlots(folder, count)
        taken = slots.try_take()  # (its files can be opened: not another user's folder)
        if taken is not None:
            slots.give(taken)
        return slots
    except OSError as exc:  # no writable temporary folder: each worker's pool alone
        LOG.warning("no shared job slots for this replica's workers (%s): %s", folder, exc)
        return None
