"""Run graphviz `dot` on DOT text: ceiling, budgeted timeout, one gate, layout cache.

SVG is laid out once per structure: the cache holds the SVG of the DOT's skeleton (its
numbers taken out, chainrule/render/number_slots.py) and each request's numbers are written
into it, so
`dot` runs only for a structure not seen recently. Every `dot` run of the process passes
one DotGate (chainrule/render/drawing_gate.py): bounded workers and a bounded queue (RenderBusy).
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import threading
from collections import OrderedDict
from concurrent.futures import Future
from functools import lru_cache, partial
from typing import cast

import graphviz
from graphviz.backend import dot_command, execute

from chainrule.budget import DEFAULT_BUDGET_LIMITS, DOT_MEMORY, PIXELS, Budget
from chainrule.object_size import ENTRY_OVERHEAD, held_bytes
from chainrule.render.bitmap import (
    Bitmap,
    address_space_limit,
    bitmap_for,
    layout_size,
    pdf_args,
)
from chainrule.render.dot_plugins import core_plugins_env
from chainrule.render.drawing_gate import DotGate, default_gate
from chainrule.render.errors import GraphTooLarge, RenderBusy, RenderError, RenderTimeout
from chainrule.render.number_slots import fill, slim, split
from chainrule.render.size import check_drawable, size_of

INSTALL_HINT = "install the OS package 'graphviz' (apt-get install graphviz)"
_SCRIPT = re.compile("<script", re.IGNORECASE)
_NO_MEMORY = re.compile(r"memory|alloc|Resource temporarily unavailable|Cannot create", re.I)
INLINE_DOT = 32_768  # shorter DOT is looked up in the cache on the caller's thread

__all__ = ["GraphTooLarge", "RenderBusy", "RenderError", "RenderTimeout", "Renderer"]


@lru_cache(maxsize=1)
def graphviz_version() -> str | None:
    """Return the version of the installed `dot` ("2.43.0"), or None if it is missing."""
    try:
        return ".".join(str(part) for part in graphviz.version())
    except (graphviz.ExecutableNotFound, RuntimeError, OSError):
        return None


class Renderer:
    """Draws DOT text as SVG or PNG with real `dot`, remembering recent layouts."""

    def __init__(
        self,
        timeout: float = DEFAULT_BUDGET_LIMITS.dot_seconds,
        max_nodes: int = DEFAULT_BUDGET_LIMITS.draw_nodes,
        cache_size: int = 256,
        cache_bytes: int = 64 * 1024 * 1024,
        gate: DotGate | None = None,
        memory: int = DOT_MEMORY,
    ) -> None:
        self.timeout = timeout
        self.memory = memory  # RLIMIT_AS of every dot child, bytes (0: unlimited)
        self.max_nodes = max_nodes
        self.cache_size = cache_size
        self.cache_bytes = cache_bytes
        self.gate = gate or default_gate()
        self.hits = 0
        self.misses = 0
        self.shared = 0  # requests that waited for the same drawing already under way
        self._cache: OrderedDict[tuple[str, str], str | bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._inflight: dict[tuple[str, str], Future[str | bytes]] = {}

    def svg(self, dot: str, node_count: int | None, budget: Budget) -> str:
        """Return the SVG drawing of dot; raise GraphTooLarge, RenderTimeout, RenderBusy."""
        self.check_size(dot, node_count, budget)
        skeleton, numbers = split(dot)
        return fill(cast(str, self._render(skeleton, "svg", budget)), numbers)

    def bitmap(self, layout: str, scale: float, budget: Budget) -> Bitmap:
        """Return the PNG size for a drawing laid out as layout (SVG) at scale, bounded by
        the budget's pixels."""
        pixels = int(budget.limit(PIXELS))
        return bitmap_for(*layout_size(layout), scale, pixels)

    def png(self, dot: str, node_count: int | None, budget: Budget, scale: float = 1.0) -> bytes:
        """Return the PNG drawing of dot at scale (pixels bounded before dot runs)."""
        bitmap = self.bitmap(self.svg(dot, node_count, budget), scale, budget)
        return cast(bytes, self._render(dot, "png", budget, extra=bitmap.args()))

    def pdf(self, dot: str, node_count: int | None, budget: Budget) -> bytes:
        """Return the PDF drawing of dot (one page of at most 200 inches a side)."""
        self.check_size(dot, node_count, budget)
        return cast(bytes, self._render(dot, "pdf", budget, extra=pdf_args()))

    async def svg_async(self, dot: str, node_count: int | None, budget: Budget) -> str:
        """Return svg(dot, node_count), with any `dot` run in a gate thread (off the loop).

        A cached layout is filled in on the caller's thread (short DOT) or a plain thread;
        a new one takes a place at the gate first, so a full queue answers at once.
        """
        self.check_size(dot, node_count, budget)
        if len(dot) <= INLINE_DOT:
            hit = self._lookup(dot)
        else:
            hit = await asyncio.to_thread(self._lookup, dot)
        if hit is not None:
            return hit
        return cast(str, await self._in_gate(dot, "svg", budget))

    async def png_async(
        self, dot: str, node_count: int | None, budget: Budget, scale: float = 1.0
    ) -> tuple[bytes, Bitmap]:
        """Return png(dot, node_count, scale) and its size, drawn in gate threads: the
        layout first (usually cached), then the PNG at a size fixed from it."""
        layout = await self.svg_async(dot, node_count, budget)
        bitmap = self.bitmap(layout, scale, budget)
        png = await self._in_gate(dot, "png", budget, bitmap.args())
        return cast(bytes, png), bitmap

    async def pdf_async(self, dot: str, node_count: int | None, budget: Budget) -> bytes:
        """Return pdf(dot, node_count) from a gate thread."""
        self.check_size(dot, node_count, budget)
        return cast(bytes, await self._in_gate(dot, "pdf", budget, pdf_args()))

    async def _in_gate(
        self, dot: str, fmt: str, budget: Budget, extra: tuple[str, ...] = ()
    ) -> str | bytes:
        """Take a place at the gate (RenderBusy at once if none), then draw in its thread."""
        self.gate.take_place()
        loop = asyncio.get_running_loop()
        work = partial(self._draw_in_place, dot, fmt, budget, extra)
        try:
            job = loop.run_in_executor(self.gate.executor(), work)
        except BaseException:
            self.gate.release_place()
            raise
        return await job

    def _draw_in_place(
        self, dot: str, fmt: str, budget: Budget, extra: tuple[str, ...] = ()
    ) -> str | bytes:
        """Draw in a gate thread for a caller that took a place (_in_gate); give it back."""
        try:
            if fmt != "svg":
                return self._render(dot, fmt, budget, placed=True, extra=extra)
            skeleton, numbers = split(dot)
            return fill(cast(str, self._render(skeleton, "svg", budget, placed=True)), numbers)
        finally:
            self.gate.release_place()

    def _lookup(self, dot: str) -> str | None:
        """Return the SVG of dot if its layout is cached, else None."""
        skeleton, numbers = split(dot)
        with self._lock:
            layout = self._cache.get(("svg", skeleton))
            if layout is None:
                return None
            self._cache.move_to_end(("svg", skeleton))
            self.hits += 1
        return fill(cast(str, layout), numbers)

    def check_size(self, dot: str, node_count: int | None, budget: Budget) -> None:
        """Raise GraphTooLarge if the drawing is above the drawing limit (or the budget's):
        its size is what to_dot counted (`Dot.nodes`) unless node_count is given."""
        node_count = size_of(dot, node_count)
        if node_count > self.max_nodes:
            raise GraphTooLarge(node_count, self.max_nodes)
        check_drawable(node_count, budget)

    def cache_clear(self) -> None:
        """Forget every cached drawing."""
        with self._lock:
            self._cache.clear()
            self._size = 0

    def _render(
        self,
        dot: str,
        fmt: str,
        budget: Budget,
        placed: bool = False,
        extra: tuple[str, ...] = (),
    ) -> str | bytes:
        """Return the cached drawing, or wait for the same drawing already under way, or
        draw it: concurrent requests for one uncached picture run `dot` once."""
        key = (" ".join((fmt, *extra)), dot)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                self.hits += 1
                return cached
            running = self._inflight.get(key)
            if running is None:
                self.misses += 1
                mine: Future[str | bytes] = Future()
                self._inflight[key] = mine
        if running is not None:
            self.shared += 1
            return running.result()  # the same drawing, or the same error
        try:
            timeout = min(self.timeout, budget.dot_timeout())
            wait = max(0.0, budget.seconds_left())
            if placed:
                with self.gate.worker(wait):
                    out = self._draw(dot, fmt, timeout, extra)
            else:
                with self.gate.job(wait):
                    out = self._draw(dot, fmt, timeout, extra)
        except BaseException as exc:
            mine.set_exception(exc)
            raise
        else:
            self._store(key, out)
            mine.set_result(out)
            return out
        finally:
            with self._lock:
                del self._inflight[key]

    def _draw(self, dot: str, fmt: str, timeout: float, extra: tuple[str, ...]) -> str | bytes:
        raw = self._run_dot(dot, fmt, timeout, *extra)
        if fmt != "svg":
            return raw
        out = slim(raw.decode("utf-8"))
        if _SCRIPT.search(out):  # never expected: every label is escaped
            raise RenderError("refusing SVG output that contains a script element")
        return out

    def _run_dot(self, dot: str, fmt: str, timeout: float, *extra: str) -> bytes:
        cmd = [*dot_command.command("dot", fmt), *extra]
        limit = partial(address_space_limit, self.memory) if self.memory > 0 else None
        try:
            proc = execute.run_check(
                cmd,
                input=dot.encode("utf-8"),
                capture_output=True,
                quiet=True,
                timeout=timeout,
                env=core_plugins_env() if fmt == "svg" else None,
                preexec_fn=limit,  # RLIMIT_AS in the child, before dot is exec'd
            )
        except subprocess.TimeoutExpired:  # subprocess.run has killed dot already
            raise RenderTimeout(
                f"drawing the graph took longer than {timeout:g} s and was stopped"
            ) from None
        except graphviz.ExecutableNotFound:
            raise RenderError(f"graphviz 'dot' was not found: {INSTALL_HINT}") from None
        except graphviz.CalledProcessError as exc:
            detail = (exc.stderr or b"").decode("utf-8", "replace").strip()
            if self.memory > 0 and (exc.returncode < 0 or _NO_MEMORY.search(detail)):
                raise RenderError(
                    f"dot stopped: drawing this needs more than its memory limit of "
                    f"{self.memory / 2**20:,.0f} MiB (setting CHAINRULE_RENDER_DOT_MEMORY)"
                ) from None
            raise RenderError(f"dot failed: {detail[:500]}") from None
        out: bytes = proc.stdout
        return out

    def _store(self, key: tuple[str, str], out: str | bytes) -> None:
        size = held_bytes(out) + held_bytes(key[1]) + ENTRY_OVERHEAD  # bytes, not characters
        if size > self.cache_bytes or self.cache_size <= 0:
            return
        with self._lock:
            if key in self._cache:
                return
            self._cache[key] = out
            self._size += size
            while len(self._cache) > self.cache_size or self._size > self.cache_bytes:
                old_key, old = self._cache.popitem(last=False)
                self._size -= held_bytes(old) + held_bytes(old_key[1]) + ENTRY_OVERHEAD
