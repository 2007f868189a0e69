"""A pool whose processes are niced from their first instruction (app/processes.py)."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest

from app.processes import NicedPool

_at_start: list[int] = []


def note_nice() -> None:
    """An initializer: this process's nice level when it ran (before anything of its own)."""
    _at_start.append(os.getpriority(os.PRIO_PROCESS, 0))


def noted() -> list[int]:
    return _at_start


def test_a_process_is_niced_before_its_own_code_runs() -> None:
    level = min(19, os.getpriority(os.PRIO_PROCESS, 0) + 5)
    context = multiprocessing.get_context("spawn")
    with NicedPool(level, max_workers=1, mp_context=context, initializer=note_nice) as pool:
        assert pool.submit(noted).result(timeout=60) == [level]
    assert os.getpriority(os.PRIO_PROCESS, 0) < level or level == 19  # this one is not


def test_a_process_that_cannot_start_raises_in_the_caller(monkeypatch: Any) -> None:
    def cannot(self: ProcessPoolExecutor) -> None:
        raise OSError("no more processes")

    monkeypatch.setattr(ProcessPoolExecutor, "_spawn_process", cannot)
    pool = NicedPool(1, max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    with pytest.raises(OSError, match="no more processes"):
        pool.submit(int)
    pool.shutdown()
