"""A replica's uvicorn workers share CHAINRULE_REPLICA_JOBS slots for their pool jobs
(app/replica.py): lock files in a folder named for their supervisor, freed by the kernel
when a holder ends."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.pool import JobPool
from app.replica import ReplicaSlots, replica_folder, supervisor_folder
from chainrule.work_gate import Busy
from tests.support.server import running_process


def test_a_slot_taken_is_not_free_until_given_back(tmp_path: Path) -> None:
    one, other = ReplicaSlots(tmp_path, 1), ReplicaSlots(tmp_path, 1)  # two workers' views
    held = one.try_take()
    assert held is not None
    assert other.try_take() is None
    one.give(held)
    again = other.try_take()
    assert again is not None
    other.give(again)


def test_two_slots_let_two_jobs_run(tmp_path: Path) -> None:
    slots = ReplicaSlots(tmp_path, 2)
    first, second = slots.try_take(), slots.try_take()
    assert first is not None and second is not None
    assert slots.try_take() is None
    for fd in (first, second):
        slots.give(fd)


def _hold(folder: str, taken: Any) -> None:
    ReplicaSlots(Path(folder), 1).try_take()
    taken.set()
    time.sleep(60)


def test_a_slot_is_freed_when_its_holder_dies(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    taken = context.Event()
    holder = context.Process(target=_hold, args=(str(tmp_path), taken))
    holder.start()
    try:
        assert taken.wait(30)
        assert ReplicaSlots(tmp_path, 1).try_take() is None
    finally:
        assert holder.pid is not None
        os.kill(holder.pid, signal.SIGKILL)
        holder.join(10)
    assert ReplicaSlots(tmp_path, 1).try_take() is not None


def _folder(out: Any) -> None:
    out.put(str(replica_folder()))


def test_the_workers_of_one_supervisor_share_one_folder() -> None:
    assert replica_folder() is None  # no supervisor: a lone worker needs no slot
    context = multiprocessing.get_context("spawn")  # as uvicorn starts its workers
    out = context.Queue()
    workers = [context.Process(target=_folder, args=(out,)) for _ in range(2)]
    for w in workers:
        w.start()
    folders = {out.get(timeout=30), out.get(timeout=30)}
    for w in workers:
        w.join(10)
    assert folders == {str(supervisor_folder(os.getpid()))}


def test_a_job_that_finds_no_slot_in_its_time_is_busy(tmp_path: Path) -> None:
    pool = JobPool(Settings(pool_processes=1))
    pool.slots = ReplicaSlots(tmp_path, 1)
    held = ReplicaSlots(tmp_path, 1).try_take()  # the replica's other worker's job
    assert held is not None
    with pytest.raises(Busy):
        asyncio.run(pool.call(0.2, int))
    assert pool._executor is None  # refused before any process started


@pytest.mark.slow
def test_a_real_replicas_pool_jobs_hold_its_slot() -> None:
    rows = [i * 0.001 for i in range(100_000)]
    body: dict[str, Any] = {"expression": "(w*x - y)^2", "params": {"w": 0}}
    body |= {"data": {"x": rows, "y": rows}}
    body |= {"steps": 40}
    with running_process(workers=2) as (base, pid):
        slots = ReplicaSlots(supervisor_folder(pid), 1)
        seen_held = threading.Event()
        done = threading.Event()

        def watch() -> None:
            while not done.is_set():
                fd = slots.try_take()
                if fd is None:
                    seen_held.set()
                else:
                    slots.give(fd)
                time.sleep(0.005)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            with httpx.Client(base_url=base, timeout=60) as c:
                assert c.post("/api/optimize", json=body).status_code == 200
        finally:
            done.set()
            watcher.join()
        assert seen_held.is_set()  # the worker held the replica's one slot while it ran
        fd = slots.try_take()
        assert fd is not None  # ... and gave it back
        slots.give(fd)


def test_a_folder_cleaned_away_is_made_again(tmp_path: Path) -> None:
    slots = ReplicaSlots(tmp_path / "replica", 1)
    (tmp_path / "replica").rmdir()
    fd = slots.try_take()
    assert fd is not None
    slots.give(fd)
