"""Caches are bounded by the bytes they actually hold,
counting CPython's 2- and 4-byte string storage (a drawn minus sign makes a drawing 2 bytes
per character), not by characters or nodes."""

from __future__ import annotations

import gc
import sys
import tracemalloc

import pytest

from app.parse_cache import ParseCache
from chainrule.build import evaluate
from chainrule.graph import export_graph
from chainrule.lang import DEFAULT_LIMITS, parse
from chainrule.object_size import held_bytes
from chainrule.render import Renderer, to_dot
from tests.support.budget import default_budget, unhurried

KIB = 1024


@pytest.mark.graphviz
def test_the_layout_cache_holds_no_more_bytes_than_its_budget() -> None:
    budget = 300 * KIB
    renderer = Renderer(cache_size=1_000, cache_bytes=budget)
    for i in range(30):  # distinct structures: each its own layout
        program = " - ".join(f"x{j}" for j in range(i % 10 + 3)) + " - 1" * (i // 10)
        built = evaluate(
            parse(program), {f"x{j}": -1.5 - j for j in range(13)}, budget=default_budget()
        )
        graph = export_graph(built)
        renderer.svg(to_dot(graph, budget=default_budget()), len(graph.nodes), budget=unhurried())
    held = list(renderer._cache.items())
    assert any(isinstance(svg, str) and not svg.isascii() and max(svg) > "\xff" for _, svg in held)
    actual = sum(sys.getsizeof(svg) + sys.getsizeof(dot) for (_, dot), svg in held)
    assert actual <= budget, (actual, budget)  # counting characters held ~2x the budget
    assert len(held) >= 3  # and it still caches


@pytest.mark.slow  # seconds of work: the full suite runs it, not ./dev check
def test_the_parse_cache_holds_no_more_bytes_than_its_budget() -> None:
    budget = 1024 * KIB
    gc.collect()
    tracemalloc.start()
    try:
        cache = ParseCache(DEFAULT_LIMITS, max_entries=10_000, max_nodes=10**9, max_bytes=budget)
        for i in range(300):  # ~10 KB of tree each; a comment stored 2 bytes a character
            cache(f"# − {i} " + "−" * 200 + "\n" + " + ".join(f"x{j}" for j in range(i, i + 60)))
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert cache.held_bytes <= budget
    assert held <= budget * 1.2, held  # what tracemalloc sees the cache keep alive
    assert 20 < len(cache) < 300


def test_held_bytes_counts_wide_strings_and_every_object_once() -> None:
    narrow, wide = "a" * 1000, "−" * 1000
    assert held_bytes(wide) >= 2 * held_bytes(narrow) - 100
    shared = [narrow]
    assert held_bytes([shared, shared]) < 2 * held_bytes(narrow)
