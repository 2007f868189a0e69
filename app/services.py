"""The application's services (the Renderer, the gates, a parse cache) and the helpers
that compute, export and draw a program for the routes, on the request's budget (made
once per request in app/deps.py and required here)."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

from app.config import Settings
from app.decode_gate import DecodeGate
from app.parse_cache import ParseCache
from app.pool import pool_for
from app.schemas.common import DrawOptions
from chainrule.budget import Budget
from chainrule.build import Built, evaluate
from chainrule.graph import Graph, export_graph, graph_to_json, json_number
from chainrule.lang import SourceError
from chainrule.render import Dot, Renderer, to_dot
from chainrule.work_gate import Busy, WorkGate

_T = TypeVar("_T")


@dataclass
class Computed:
    """A program evaluated at some values, and its exported graph."""

    built: Built
    graph: Graph


class Services:
    """What the routes share: settings, the Renderer and a cache of parsed programs."""

    def __init__(self, settings: Settings, pool: bool = True) -> None:
        self.settings = settings
        # The pool processes of the bulk routes (none in a pool process itself, or with
        # CHAINRULE_POOL_PROCESSES=0: they run here).
        self.pool = pool_for(settings) if pool and settings.pool_processes > 0 else None
        self.limits = settings.limits()
        self.renderer = Renderer(
            timeout=settings.budget_dot_seconds,
            max_nodes=settings.budget_draw_nodes,
            cache_size=settings.render_cache_size,
            memory=settings.render_dot_memory,
        )
        self.train_gate = WorkGate(
            settings.train_concurrency, settings.train_queue, busy=partial(Busy, what="training")
        )
        self.decode_gate = DecodeGate(settings.decode_bytes)
        collect_less_often(settings.gc_threshold)
        # CPU-heavy work (a large program, a grading request) runs on at most heavy_threads
        # threads at once, so it never has every thread, nor more than a share of the GIL
        # against the event loop's small requests; heavy_queue more wait, then 503.
        self.heavy_gate = WorkGate(
            settings.heavy_threads, settings.heavy_queue, busy=partial(Busy, what="computing")
        )
        self.parse = ParseCache(
            self.limits,
            settings.parse_cache_size,
            settings.parse_cache_nodes,
            settings.parse_cache_bytes,
        )

    def compute_now(
        self,
        source: str,
        values: Mapping[str, float],
        expand: bool,
        budget: Budget,
        open_units: Sequence[str] = (),
    ) -> Computed:
        """Parse (cached), run forward and backward, export the graph (on this thread); the
        bodies of the calls among open_units (lines-level boxes drawn open) come with it."""
        built = evaluate(self.parse(source), values, self.limits, budget=budget)
        return Computed(built, export_graph(built, expand, open_units))

    def small(self, source: str, expand: bool = False) -> bool:
        """True when the program may run on the event loop: a short text (parsed here) whose
        node count, user functions expanded, is small, and no expanded calls to export."""
        if expand or len(source) > self.settings.inline_threshold:
            return False
        return self.parse(source).node_count <= self.settings.inline_nodes

    def large(self, source: str, expand: bool = False) -> bool:
        """True when a program is not small(): its work runs in the worker's pool, or on the
        heavy-work gate's thread, never on the event loop. A program that does not parse is
        not large (its error is found cheaply, here)."""
        try:
            return not self.small(source, expand)
        except SourceError:
            return False

    async def offload(self, source: str, expand: bool, work: Callable[[], _T]) -> _T:
        """Run work() here when the program is small, else in the thread pool through the
        heavy-work gate (503 with Retry-After when its queue is full)."""
        if self.small(source, expand):
            return work()
        return await run_in_threadpool(self.heavy, work, self.settings.budget_wall_seconds)

    def heavy(self, work: Callable[[], _T], seconds_left: float) -> _T:
        """Run work() (on this worker thread) when the heavy-work gate gives a turn."""
        with self.heavy_gate.job_within(seconds_left):
            return work()

    async def compute(
        self,
        source: str,
        values: Mapping[str, float],
        expand: bool,
        budget: Budget,
        open_units: Sequence[str] = (),
    ) -> Computed:
        """compute_now, on the event loop only when the program is small (see small())."""
        return await self.offload(
            source, expand, lambda: self.compute_now(source, values, expand, budget, open_units)
        )

    async def svg(self, dot: Dot, budget: Budget) -> str:
        """Draw dot (to_dot's, which counted its nodes) off the event loop; a RenderError
        (its answer: chainrule/errors.py) when it cannot be drawn."""
        return await self.renderer.svg_async(dot, None, budget)


def collect_less_often(threshold: int) -> None:
    """Run the cyclic garbage collector's youngest generation after threshold allocations
    (0: Python's 700), and keep what exists now (the imported code) out of its scans.

    A program of 48,000 nodes is 48,000 objects: at Python's 700 the collector runs ~70 times
    while building it and its full scans hold the GIL for a tenth of a second at a time, so
    every other request of the process waits (bench/abuse.py --round4: a steady client's p99
    x30 under ten such requests, ~x2 at 50,000; the heavy request itself 3x faster).
    """
    if threshold > 0:
        gc.freeze()
        gc.set_threshold(threshold, 20, 10)


def dot_text(computed: Computed, options: DrawOptions, budget: Budget) -> Dot:
    """Return the DOT text of a computed graph (GraphTooLarge, before any work, if too big)."""
    return to_dot(computed.graph, options.dot(), budget=budget)


def etag_of(text: str) -> str:
    """Return a strong ETag for a drawing, from its DOT text."""
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'


def answer(computed: Computed, precision: int = 4) -> dict[str, Any]:
    """Return the JSON body of POST /api/evaluate (without the drawing); each node's
    value_text and grad_text are the numbers its drawing shows at precision."""
    built = computed.built
    graph = graph_to_json(computed.graph, precision)
    return {
        "output": built.output_name,
        "output_id": graph["output"],
        "value": json_number(built.output.data),
        "gradients": {k: json_number(g) for k, g in built.gradients().items()},
        "nodes": graph["nodes"],
        "edges": graph["edges"],
        "steps": graph["steps"],
        "warnings": list(built.warnings),
    }
