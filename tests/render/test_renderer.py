"""The renderer: real `dot` behind a bounded cache, a ceiling checked before dot runs, a
timeout, async SVG and PNG, one dot run shared by concurrent requests for one drawing."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from chainrule.render import (
    DotOptions,
    GraphTooLarge,
    Renderer,
    RenderError,
    RenderTimeout,
    graphviz_version,
    to_dot,
)
from tests.render.test_dot import P3, SEED, chain, graph_of
from tests.support.budget import default_budget, unhurried


@pytest.mark.graphviz
def test_rendering_is_deterministic() -> None:
    one, two = (
        to_dot(graph_of(P3, True, a=2), budget=default_budget()),
        to_dot(graph_of(P3, True, a=2), budget=default_budget()),
    )
    assert one == two
    assert Renderer().svg(one, 20, budget=unhurried()) == Renderer().svg(
        two, 20, budget=unhurried()
    )


@pytest.mark.graphviz
def test_repeated_drawings_come_from_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    renderer, dot = (
        Renderer(cache_size=2),
        to_dot(graph_of(SEED, a=2, b=1), budget=default_budget()),
    )
    first = renderer.svg(dot, 6, budget=unhurried())
    monkeypatch.setattr(renderer, "_run_dot", lambda *_: pytest.fail("dot ran again"))
    assert renderer.svg(dot, 6, budget=unhurried()) == first
    assert (renderer.hits, renderer.misses) == (1, 1)


@pytest.mark.graphviz
def test_the_cache_is_bounded() -> None:
    renderer = Renderer(cache_size=2)
    dots = [
        to_dot(graph_of("a * b" + " + a" * i, a=i, b=1), budget=default_budget()) for i in range(3)
    ]
    for dot in dots:
        renderer.svg(dot, 3, budget=unhurried())
    renderer.svg(dots[2], 3, budget=unhurried())
    renderer.svg(dots[0], 3, budget=unhurried())
    assert (renderer.hits, renderer.misses) == (1, 4)


T = TypeVar("T")


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on a fresh event loop in its own thread.

    The browser tests' Playwright keeps an event loop running in this process, and
    asyncio.run() refuses to start inside a running loop.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_too_large_graphs_are_refused_before_dot_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    renderer = Renderer(max_nodes=5)
    monkeypatch.setattr(renderer, "_run_dot", lambda *_: pytest.fail("dot ran"))
    with pytest.raises(GraphTooLarge, match="6 nodes; drawing is limited to 5"):
        renderer.svg(
            to_dot(graph_of(SEED, a=2, b=1), budget=default_budget()), 6, budget=unhurried()
        )
    with pytest.raises(GraphTooLarge):
        run_coroutine(renderer.svg_async("digraph {}", 6, budget=unhurried()))


@pytest.mark.graphviz
def test_slow_drawings_time_out() -> None:
    graph = chain(1000)  # an op node per operation too: ~1,500 nodes, a second of dot
    start = time.perf_counter()
    with pytest.raises(RenderTimeout, match=r"longer than 0\.05 s"):
        Renderer(timeout=0.05).svg(
            to_dot(graph, DotOptions(compact=False), budget=default_budget()),
            len(graph.nodes),
            budget=unhurried(),
        )
    # The bound only tells a stopped dot from one left running (600 ops take seconds):
    # generous, so a busy machine cannot fail it. Speed is bench/render.py's to measure.
    assert time.perf_counter() - start < 10.0


@pytest.mark.graphviz
def test_async_svg_and_png() -> None:
    renderer, dot = Renderer(), to_dot(graph_of(SEED, a=2, b=1), budget=default_budget())
    assert run_coroutine(renderer.svg_async(dot, 6, budget=unhurried())) == Renderer().svg(
        dot, 6, budget=unhurried()
    )
    assert renderer.png(dot, 6, budget=unhurried()).startswith(b"\x89PNG\r\n\x1a\n")


def test_a_missing_dot_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(RenderError, match="apt-get install graphviz"):
        Renderer().svg("digraph { a }", 1, budget=unhurried())


@pytest.mark.graphviz
def test_graphviz_version() -> None:
    version = graphviz_version()
    assert version is not None and re.fullmatch(r"\d+\.\d+(\.\d+)*", version)


def wait_until(condition: Callable[[], bool], seconds: float = 30.0) -> None:
    """Return once condition() holds (a state other threads reach), or fail after seconds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the state was never reached"
        time.sleep(0.001)


@pytest.mark.graphviz
def test_concurrent_requests_for_one_drawing_run_dot_once(monkeypatch: pytest.MonkeyPatch) -> None:
    renderer, dot = Renderer(), to_dot(graph_of(SEED, a=2, b=1), budget=default_budget())
    real = renderer._run_dot
    calls: list[str] = []
    started, release = threading.Event(), threading.Event()

    def held_dot(text: str, fmt: str, timeout: float) -> bytes:
        calls.append(fmt)
        started.set()
        assert release.wait(30)  # runs until the others wait for it
        return real(text, fmt, timeout)

    monkeypatch.setattr(renderer, "_run_dot", held_dot)
    with ThreadPoolExecutor(max_workers=4) as pool:
        first = pool.submit(renderer.svg, dot, 6, budget=default_budget())
        assert started.wait(30)
        others = [pool.submit(renderer.svg, dot, 6, budget=default_budget()) for _ in range(3)]
        wait_until(lambda: renderer.shared == 3)  # all three wait for the drawing under way
        release.set()
        results = [first.result(), *(f.result() for f in others)]
    assert calls == ["svg"]
    assert len(set(results)) == 1 and results[0].lstrip().startswith("<?xml")
    assert (renderer.misses, renderer.shared) == (1, 3)


def test_waiters_get_the_same_error(monkeypatch: pytest.MonkeyPatch) -> None:
    renderer = Renderer()
    started, release = threading.Event(), threading.Event()

    def failing_dot(text: str, fmt: str, timeout: float) -> bytes:
        started.set()
        assert release.wait(30)  # fails once the second waits for it
        raise RenderTimeout("drawing the graph took longer than 0.3 s and was stopped")

    monkeypatch.setattr(renderer, "_run_dot", failing_dot)
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(renderer.svg, "digraph { a }", 1, budget=default_budget())
        assert started.wait(30)
        second = pool.submit(renderer.svg, "digraph { a }", 1, budget=default_budget())
        wait_until(lambda: renderer.shared == 1)
        release.set()
        for future in (first, second):
            with pytest.raises(RenderTimeout):
                future.result()
    assert renderer.shared == 1
    assert renderer._inflight == {}  # nothing left behind
