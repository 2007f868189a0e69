"""Run graphviz `dot` on DOT text: node ceiling, timeout, bounded LRU cache, async."""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import cast

import graphviz
from graphviz.backend import dot_command, execute

INSTALL_HINT = "install the OS package 'graphviz' (apt-get install graphviz)"


class RenderError(Exception):
    """Drawing failed (dot missing or failing); values and gradients are unaffected."""


class GraphTooLarge(RenderError):
    """The graph has more nodes than the drawing limit."""


class RenderTimeout(RenderError):
    """dot took longer than the time limit and was stopped."""


@lru_cache(maxsize=1)
def graphviz_version() -> str | None:
    """Return the version of the installed `dot` ("2.43.0"), or None if it is missing."""
    try:
        return ".".join(str(part) for part in graphviz.version())
    except (graphviz.ExecutableNotFound, RuntimeError, OSError):
        return None


class Renderer:
    """Draws DOT text as SVG or PNG with real `dot`, remembering recent drawings."""

    def __init__(
        self,
        timeout: float = 5.0,
        max_nodes: int = 2000,
        cache_size: int = 256,
        cache_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        self.timeout = timeout
        self.max_nodes = max_nodes
        self.cache_size = cache_size
        self.cache_bytes = cache_bytes
        self.hits = 0
        self.misses = 0
        self.shared = 0  # requests that waited for the same drawing already under way
        self._cache: OrderedDict[tuple[str, str], str | bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._inflight: dict[tuple[str, str], Future[str | bytes]] = {}
        self._executor: ThreadPoolExecutor | None = None

    def svg(self, dot: str, node_count: int) -> str:
        """Return the SVG drawing of dot (cached); raise GraphTooLarge or RenderTimeout."""
        return cast(str, self._render(dot, node_count, "svg"))

    def png(self, dot: str, node_count: int) -> bytes:
        """Return the PNG drawing of dot (cached)."""
        return cast(bytes, self._render(dot, node_count, "png"))

    async def svg_async(self, dot: str, node_count: int) -> str:
        """Return svg(dot, node_count), computed in a worker thread (off the event loop)."""
        self.check_size(node_count)
        with self._lock:
            cached = self._cache.get(("svg", dot))
        if cached is not None:
            return self.svg(dot, node_count)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=os.cpu_count() or 2, thread_name_prefix="render"
            )
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.svg, dot, node_count)

    def check_size(self, node_count: int) -> None:
        """Raise GraphTooLarge if node_count is above the drawing limit."""
        if node_count > self.max_nodes:
            raise GraphTooLarge(
                f"the graph has {node_count} nodes; drawing is limited to {self.max_nodes} "
                "(values and gradients are still computed)"
            )

    def cache_clear(self) -> None:
        """Forget every cached drawing."""
        with self._lock:
            self._cache.clear()
            self._size = 0

    def _render(self, dot: str, node_count: int, fmt: str) -> str | bytes:
        """Return the cached drawing, or wait for the same drawing already under way, or
        draw it: concurrent requests for one uncached picture run `dot` once."""
        self.check_size(node_count)
        key = (fmt, dot)
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
            out = self._draw(dot, fmt)
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

    def _draw(self, dot: str, fmt: str) -> str | bytes:
        raw = self._run_dot(dot, fmt)
        if fmt != "svg":
            return raw
        out = raw.decode("utf-8")
        if "<script" in out.lower():  # never expected: every label is escaped
            raise RenderError("refusing SVG output that contains a script element")
        return out

    def _run_dot(self, dot: str, fmt: str) -> bytes:
        cmd = dot_command.command("dot", fmt)
        try:
            proc = execute.run_check(
                cmd,
                input=dot.encode("utf-8"),
                capture_output=True,
                quiet=True,
                timeout=self.timeout,
            )
        except subprocess.TimeoutExpired:  # subprocess.run has killed dot already
            raise RenderTimeout(
                f"drawing the graph took longer than {self.timeout:g} s and was stopped"
            ) from None
        except graphviz.ExecutableNotFound:
            raise RenderError(f"graphviz 'dot' was not found: {INSTALL_HINT}") from None
        except graphviz.CalledProcessError as exc:
            detail = (exc.stderr or b"").decode("utf-8", "replace").strip()
            raise RenderError(f"dot failed: {detail[:500]}") from None
        out: bytes = proc.stdout
        return out

    def _store(self, key: tuple[str, str], out: str | bytes) -> None:
        size = len(out) + len(key[1])
        if size > self.cache_bytes or self.cache_size <= 0:
            return
        with self._lock:
            if key in self._cache:
                return
            self._cache[key] = out
            self._size += size
            while len(self._cache) > self.cache_size or self._size > self.cache_bytes:
                old_key, old = self._cache.popitem(last=False)
                self._size -= len(old) + len(old_key[1])
