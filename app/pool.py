"""A bounded pool of worker processes per uvicorn worker, for heavy work: the bulk routes'
and a large program's (app/dispatch.py says which requests).

Decoding, validating and computing a multi-MiB body, or a program of 50,000 nodes, holds
the GIL for a tenth of a second at a time, so in the uvicorn worker it would keep every
small request waiting. A pooled route hands its raw request (its body bounded by the
route's body limit) to a pool process and gets the answer's bytes back. The processes are
started by `spawn`, niced from their start (CHAINRULE_POOL_NICE; app/processes.py) and
capped in address space (CHAINRULE_POOL_MEMORY above what they hold once started:
RLIMIT_AS), and replaced after CHAINRULE_POOL_TASKS jobs. A job that takes more memory
fails alone: its request is answered (a 422, or a 503 when its process died) and the pool
is rebuilt; the uvicorn worker lives. At most POOL_PROCESSES jobs run and POOL_QUEUE wait
(a WorkGate); more get 503 with Retry-After, before a bulk body is read. Across a
replica's workers, at most CHAINRULE_REPLICA_JOBS jobs run at once (app/replica.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from app.config import Settings
from app.decode_gate import trim_memory
from app.jobs import job_key, run_job, start_process
from app.processes import NicedPool
from app.replica import replica_slots
from chainrule.errors import ErrorReply, retry_later
from chainrule.work_gate import Busy, WorkGate

_T = TypeVar("_T")
CHUNK = 256 * 1024  # a larger answer is sent in pieces of this size
# After a body and answer this large together, the worker gives the memory they took back
# to the system once the answer is sent (glibc keeps what Python freed: a replica's idle
# memory would grow by megabytes with each bulk request).
TRIM_FROM = 1024 * 1024
GRACE_SECONDS = 5.0  # a job may run this much past its wall budget before its pool is ended
STARTUP_SECONDS = 60.0  # how long a pool process may take to start (imports, under load)


async def _chunks(content: bytes) -> AsyncIterator[bytes]:
    """content in CHUNK-sized pieces (asyncio moves a large unsent buffer on every write)."""
    view = memoryview(content)
    for start in range(0, len(content), CHUNK):
        yield bytes(view[start : start + CHUNK])


class JobLost(Exception):
    """The pool process running a job died (killed for its memory) or overran its time: the
    job's answer is a 503 with Retry-After, and the pool is rebuilt."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.reply: ErrorReply = retry_later("Job lost", detail, "job-lost", 2)


class JobPool:
    """The worker processes of one uvicorn worker, made when first needed."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.gate = WorkGate(
            settings.pool_processes, settings.pool_queue, busy=partial(Busy, what="bulk")
        )
        self.answered = 0  # requests answered by a pool process
        self.retired = 0  # pools replaced after a job left their process too large
        self.rebuilt = 0  # times the pool was replaced after a process died or overran
        self._executor: ProcessPoolExecutor | None = None
        self._ready: Future[int] | None = None  # the pool's first job, a no-op
        self._lock = threading.Lock()
        self._running = asyncio.Semaphore(settings.pool_processes)  # jobs in processes
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop it serves
        # the jobs the replica's workers run at once (None: one worker, its pool the bound)
        self.slots = replica_slots(settings.replica_jobs)

    def executor(self) -> ProcessPoolExecutor:
        """Return the pool, starting it when there is none."""
        with self._lock:
            if self._executor is None:
                s = self.settings
                level = os.getpriority(os.PRIO_PROCESS, 0) + s.pool_nice  # (this process's)
                self._executor = NicedPool(
                    level,
                    max_workers=s.pool_processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=start_process,
                    initargs=(s.model_dump(), level, s.pool_memory),
                    max_tasks_per_child=s.pool_tasks,
                )
                self._ready = self._executor.submit(int)  # done once a process has started
            return self._executor

    def _end(self, executor: ProcessPoolExecutor) -> None:
        """End a broken or overrunning pool (its processes killed); the next job starts
        another."""
        with self._lock:
            if self._executor is not executor:
                return  # another job ended it already
            self._executor = None
            self.rebuilt += 1
        for process in list(getattr(executor, "_processes", {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)

    async def call(self, seconds: float, fn: Callable[..., _T], *args: Any) -> _T:
        """Run fn(*args) in a pool process once one is free (Busy, a 503, if none is within
        seconds), then within seconds and a grace; JobLost when its process died or it ran
        over."""
        if self._loop is not asyncio.get_running_loop():  # (tests: a loop per client)
            self._loop = asyncio.get_running_loop()
            self._running = asyncio.Semaphore(self.settings.pool_processes)
        end = time.monotonic() + seconds
        try:
            await asyncio.wait_for(self._running.acquire(), seconds)
        except TimeoutError:
            raise Busy(self.gate.retry_after(), what="bulk") from None
        try:
            async with self._replica_slot(end - time.monotonic()):
                return await self._run(seconds, fn, *args)
        finally:
            self._running.release()

    @contextlib.asynccontextmanager
    async def _replica_slot(self, seconds: float) -> AsyncIterator[None]:
        """Hold one of the replica's job slots (none to hold with one worker); Busy when
        none is free within seconds (the replica's other workers ran jobs all the while)."""
        if self.slots is None:
            yield
            return
        async with self.slots.held(seconds) as free:
            if not free:
                raise Busy(self.gate.retry_after(), what="bulk")
            yield

    async def _started(self) -> ProcessPoolExecutor:
        """Return the pool once a process of it has started (its start is not a job's
        time); JobLost when none starts within STARTUP_SECONDS."""
        executor, ready = self.executor(), self._ready
        if ready is not None and not ready.done():
            try:
                await asyncio.wait_for(asyncio.wrap_future(ready), STARTUP_SECONDS)
            except TimeoutError:
                self._end(executor)
                raise JobLost("no process to compute this request started in time") from None
            except BrokenProcessPool:
                pass  # submit() says so
        return executor

    async def _run(self, seconds: float, fn: Callable[..., _T], *args: Any) -> _T:
        executor = await self._started()
        try:
            submitted = executor.submit(fn, *args)
        except BrokenProcessPool:  # a process died between jobs: a new pool takes this one
            self._end(executor)
            executor = await self._started()
            submitted = executor.submit(fn, *args)
        future = asyncio.wrap_future(submitted)
        try:
            return await asyncio.wait_for(future, seconds + GRACE_SECONDS)
        except BrokenProcessPool:
            self._end(executor)
            detail = "the process computing this request ended (over its memory limit?)"
            raise JobLost(detail + "; try again, with less data if it happens again") from None
        except TimeoutError:
            self._end(executor)
            raise JobLost("the process computing this request overran its time") from None

    async def answer(self, endpoint: Callable[..., Any], request: Request) -> Response:
        """Answer a pooled route's request: its raw body to a pool process, the answer back
        (503 with Retry-After when the pool's queue is full, before reading the body)."""
        self.gate.take_place()
        try:
            body = await request.body()
            scope = request.scope
            method, path, query = scope["method"], scope["path"], scope["query_string"]
            head = list(request.scope["headers"])
            seconds = self.settings.budget_wall_seconds
            executor = self.executor()
            status, headers, content, kept = await self.call(
                seconds, run_job, job_key(endpoint), method, path, query, head, body
            )
        finally:
            self.gate.release_place()
        if kept > self.settings.pool_keep:
            self.retire(executor)
        self.answered += 1
        large = len(body) + len(content) > TRIM_FROM
        with contextlib.suppress(AttributeError):
            del request._body  # (the pool process had it; the request lives till answered)
        del body
        length = (b"content-length", str(len(content)).encode())
        if len(content) <= CHUNK:
            response = Response(content, status_code=status)
        else:  # written as the client takes it: never megabytes in the transport's buffer
            response = StreamingResponse(_chunks(content), status_code=status)
        response.raw_headers = [*headers, length]
        if large:  # once sent: the memory the body and the answer took, back to the system
            response.background = BackgroundTask(trim_memory)
        return response

    def retire(self, executor: ProcessPoolExecutor) -> None:
        """Replace a pool whose process kept more memory after a job than it may (glibc
        and Python keep freed memory): its processes end once idle, and new ones start
        after them (or with the next job, whichever is first), never both sizes at once."""
        with self._lock:
            if self._executor is not executor:
                return
            self._executor = None
            self.retired += 1

        def replace() -> None:
            executor.shutdown(wait=True)
            with contextlib.suppress(RuntimeError):  # the interpreter is shutting down
                self.warm()

        threading.Thread(target=replace, name="pool-retire", daemon=True).start()

    def warm(self) -> None:
        """Start the pool's processes now (at the worker's startup), so the first bulk
        requests do not wait for them, nor start them amid other requests."""
        executor = self.executor()
        for _ in range(self.settings.pool_processes - 1):
            executor.submit(int)

    def close(self) -> None:
        """Stop the pool's processes (the application is shutting down)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            for process in list(getattr(executor, "_processes", {}).values()):
                process.terminate()  # (the worker answered its requests before stopping)
            # wait: its queues' semaphores are released (else the resource tracker warns)
            executor.shutdown(wait=True, cancel_futures=True)


_pools: dict[str, JobPool] = {}  # by settings, the most recently asked for last
_pools_lock = threading.Lock()
POOLS_RUNNING = 2  # pools whose processes run at once (a uvicorn worker has one)


def pool_for(settings: Settings) -> JobPool:
    """Return this process's pool for these settings (one per uvicorn worker; applications
    made with equal settings, as tests make them, share it). The processes of pools not
    asked for lately are stopped (they start again when needed)."""
    key = settings.model_dump_json()
    with _pools_lock:
        pool = _pools.pop(key, None) or JobPool(settings)
        _pools[key] = pool
        idle = list(_pools.values())[:-POOLS_RUNNING]
    for other in idle:
        other.close()
    return pool
