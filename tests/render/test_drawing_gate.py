"""Drawing is one bounded resource: a gate of `workers` dot runs and a bounded queue;
workers from the CPUs the process may use; a full queue is RenderBusy (503 Retry-After)."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from chainrule.build import evaluate
from chainrule.graph import export_graph
from chainrule.render import DotGate, RenderBusy, Renderer, to_dot, usable_cpus
from chainrule.render.drawing_gate import default_gate
from tests.support.budget import default_budget, unhurried

DOT = to_dot(
    export_graph(evaluate("(a+b)*(b+1)", {"a": 2, "b": 1}, budget=default_budget())),
    budget=default_budget(),
)


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """asyncio.run in a thread of its own (the browser tests keep a loop in this one)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_workers_come_from_the_affinity_and_the_cgroup_quota(tmp_path: Path) -> None:
    affinity = len(os.sched_getaffinity(0))
    assert usable_cpus(tmp_path) == affinity  # no cpu.max: the affinity
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert usable_cpus(tmp_path) == affinity
    (tmp_path / "cpu.max").write_text("50000 100000\n")  # half a CPU: one worker
    assert usable_cpus(tmp_path) == 1
    (tmp_path / "cpu.max").write_text(f"{(affinity + 4) * 100000} 100000\n")
    assert usable_cpus(tmp_path) == affinity  # a quota above the affinity does not add
    assert 1 <= default_gate().workers <= affinity
    assert default_gate() is default_gate() is Renderer().gate  # one gate per process


def test_a_full_queue_is_refused_at_once_with_a_retry_after() -> None:
    gate = DotGate(workers=1, queue=1)
    gate.take_place()
    gate.take_place()
    with pytest.raises(RenderBusy, match="busy") as caught:
        gate.take_place()
    assert caught.value.retry_after >= 1 and gate.refused == 1
    gate.release_place()
    gate.take_place()  # a place came free


def test_a_queued_drawing_waits_for_a_worker_then_gives_up() -> None:
    gate = DotGate(workers=1, queue=4)
    # the one worker stays busy past the second drawing's wait
    with gate.job(1.0), pytest.raises(RenderBusy), gate.job(0.05):
        pytest.fail("ran without a worker")
    with gate.job(0.05):
        assert gate.running == 1
    assert (gate.running, gate.taken) == (0, 0)


@pytest.fixture
def blocked() -> Iterator[tuple[Renderer, threading.Event]]:
    """A renderer whose one worker is held by a dot run that waits for the event."""
    gate = DotGate(workers=1, queue=0)
    renderer, release, started = Renderer(gate=gate), threading.Event(), threading.Event()
    real = renderer._run_dot

    def held(dot: str, fmt: str, timeout: float, *extra: str) -> bytes:
        started.set()
        release.wait(10)
        return real(dot, fmt, timeout, *extra)

    renderer._run_dot = held  # type: ignore[method-assign]
    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(renderer.svg, DOT, 6, budget=default_budget())
        started.wait(10)
        yield Renderer(gate=gate), release
        release.set()
        assert first.result().lstrip().startswith("<?xml")


@pytest.mark.graphviz
def test_every_kind_of_drawing_passes_the_same_gate(
    blocked: tuple[Renderer, threading.Event],
) -> None:
    other, _ = blocked  # another Renderer, same gate: SVG, PNG, async, all refused
    with pytest.raises(RenderBusy):
        other.svg(DOT, 6, budget=unhurried())
    with pytest.raises(RenderBusy):
        other.png(DOT, 6, budget=unhurried())
    with pytest.raises(RenderBusy):
        run(other.svg_async(DOT, 6, budget=unhurried()))
    with pytest.raises(RenderBusy):
        run(other.png_async(DOT, 6, budget=unhurried()))
    assert other.gate.taken == 1  # the refused ones left nothing behind


@pytest.mark.graphviz
def test_svg_is_laid_out_by_a_lean_dot_and_png_by_the_full_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from graphviz.backend import execute  # the module chainrule.render.renderer runs dot through

    from chainrule.render import dot_plugins, renderer

    folder = dot_plugins.core_plugins()
    assert folder is not None  # graphviz is installed here: the lean plugin folder exists
    names = {p.name.split(".so")[0] for p in Path(folder).glob("libgvplugin_*")}
    assert names == {"libgvplugin_core", "libgvplugin_dot_layout"}  # no pango, no cairo
    seen: list[str | None] = []
    real = execute.run_check

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append((kwargs.get("env") or {}).get("GVBINDIR"))
        return real(*args, **kwargs)

    monkeypatch.setattr(execute, "run_check", spy)
    drawing = Renderer(cache_size=0)
    assert "<svg" in drawing.svg(DOT, 6, budget=unhurried()) and drawing.png(
        DOT, 6, budget=unhurried()
    ).startswith(b"\x89PNG")
    assert seen == [folder, folder, None]  # a PNG is sized from its (lean) layout first
    monkeypatch.setattr(renderer, "core_plugins_env", lambda: None)  # no lean dot: the usual one
    assert "<svg" in drawing.svg(DOT, 6, budget=unhurried()) and seen[-1] is None
