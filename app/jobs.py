"""A pooled route's work in a pool process (app/pool.py): a request (its method, path,
query, headers and raw body) in, its whole answer out, through the route's own handler.

The handler is the one the uvicorn worker would run (app/bodies.py's body reading, the
same models and dependencies), and an error becomes its reply by the service's one table
(app/errors.py), so every input gets the answer it would get in the worker. A job that
runs out of the process's memory (RLIMIT_AS) is answered as over budget, and the process
lives on; the memory a job freed is given back to the system after it.
"""

from __future__ import annotations

import asyncio
import gzip
import importlib
import logging
import os
import resource
import signal
import threading
import time
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # (imported where used: a pool process is niced before it loads them)
    from fastapi import Response

# What a job returns: the status, the headers (content-length left out), the body, and the
# resident memory its process keeps beyond what it held once started.
Answer = tuple[int, list[tuple[bytes, bytes]], bytes, int]
# An answer this large is gzipped here, at the pool's low priority, when the client takes
# gzip: the worker and nginx then relay a tenth of the bytes, and nginx (which gzips
# answers itself, in the event loop that serves every other client) passes it on as it is.
COMPRESS_FROM = 64 * 1024
COMPRESS_LEVEL = 5  # nginx's gzip_comp_level (deploy/nginx.conf)
LOG = logging.getLogger("chainrule.pool")


class OverMemory(Exception):
    """A job needed more address space than a pool process may map (CHAINRULE_POOL_MEMORY):
    a 422 naming that budget (app/errors.py)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"over the memory budget: the request needs more than the {limit:,} bytes a "
            "worker process may take for one request (setting CHAINRULE_POOL_MEMORY)"
        )
        self.limit = limit


class _Process:
    """What a pool process keeps between jobs: the app's state, its loop, its routes."""

    app: Any = None
    loop: asyncio.AbstractEventLoop | None = None
    memory = 0
    resident = 0  # bytes resident once started
    handlers: ClassVar[dict[str, tuple[Any, Any]]] = {}


def job_key(endpoint: Any) -> str:
    """Return the name a pool process finds a route's endpoint by ("module:function")."""
    return f"{endpoint.__module__}:{endpoint.__name__}"


def address_space(field: int = 0) -> int:
    """Return the bytes of address space this process maps now (field 1: those resident;
    0 where unknown)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[field]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def kept() -> int:
    """Return the resident bytes this pool process holds beyond what it held once started."""
    return address_space(1) - _Process.resident


def thread_stacks(threads: int = 2) -> int:
    """Return the address space of the threads' stacks a job starts (FastAPI runs a plain
    `def` route on a thread, started anew for each job): not counted as the job's memory."""
    stack, _ = resource.getrlimit(resource.RLIMIT_STACK)
    if stack == resource.RLIM_INFINITY or stack <= 0:
        stack = 8 * 1024 * 1024
    return threads * (stack + 1024 * 1024)


def end_with_parent(every: float = 1.0) -> None:
    """End this process soon after the worker that started it ends, however it ends (a
    thread watching the parent's pid: Linux's PR_SET_PDEATHSIG would follow the thread that
    started it), and ignore the terminal's Ctrl-C (the worker stops its pool)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def start_process(settings: dict[str, Any], nice: int, memory: int) -> None:
    """Set up a pool process: its priority at nice level nice (where it was not started so),
    the application's services (from the worker's settings), and its address space capped
    at what it maps once ready plus memory bytes (RLIMIT_AS's soft limit; 0: no cap)."""
    from app.processes import set_nice

    end_with_parent()
    set_nice(nice)
    from starlette.concurrency import run_in_threadpool

    from app.config import Settings
    from app.main import create_app  # (every route and library mapped before the cap)
    from app.services import Services
    from chainrule.train import loop  # noqa: F401  (NumPy: the uvicorn worker loads it only to train)

    chosen = Settings(**settings)
    _Process.app = create_app(chosen)  # its routes, for url_for in the pages
    _Process.app.state.services = Services(chosen, pool=False)
    _Process.loop = asyncio.new_event_loop()
    _Process.loop.run_until_complete(run_in_threadpool(int))  # threads work, before the cap
    _Process.memory = memory
    _Process.resident = address_space(1)
    if memory > 0 and address_space() > 0:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = address_space() + memory + thread_stacks()
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _handler(key: str) -> tuple[Any, Any]:
    """Return the in-process handler of the route whose endpoint key names (found in its
    module's `router`), and the route."""
    from fastapi.routing import APIRoute

    if key not in _Process.handlers:
        module_name, name = key.split(":")
        router = importlib.import_module(module_name).router
        found = [r for r in router.routes if isinstance(r, APIRoute)]
        route = next(r for r in found if r.endpoint.__name__ == name)
        handler = route.get_route_handler()
        _Process.handlers[key] = (getattr(handler, "direct", handler), route)
    return _Process.handlers[key]


def path_params(route: Any, method: str, path: str) -> dict[str, Any]:
    """Return the parameters of the route's path template in path (/export/graph.{kind}),
    read by the route's own matching, as the worker's router read them."""
    _, child = route.matches({"type": "http", "method": method, "path": path, "root_path": ""})
    return dict(child.get("path_params", {}))


def accepts_gzip(headers: list[tuple[bytes, bytes]]) -> bool:
    """True when the request's Accept-Encoding takes gzip (by name or `*`, q above 0)."""
    for name, value in headers:
        if name.lower() != b"accept-encoding":
            continue
        for part in value.decode("latin-1").lower().split(","):
            coding, _, params = part.partition(";")
            if coding.strip() not in ("gzip", "*"):
                continue
            q = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
            try:
                return float(q) > 0
            except ValueError:
                return False
    return False


def compressed(
    request: list[tuple[bytes, bytes]], head: list[tuple[bytes, bytes]], content: bytes
) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """Return an answer's headers and body, gzipped when it is large and the client takes
    gzip (and it is not encoded already)."""
    if len(content) < COMPRESS_FROM or not accepts_gzip(request):
        return head, content
    if any(k.lower() == b"content-encoding" for k, _ in head):
        return head, content
    extra = [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
    return [*head, *extra], gzip.compress(content, COMPRESS_LEVEL, mtime=0)


async def _serve(
    key: str, method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]], body: bytes
) -> Response:
    """Answer one request with the route's in-process handler."""
    from fastapi import Request

    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    direct, route = _handler(key)
    async with AsyncExitStack() as outer, AsyncExitStack() as inner, AsyncExitStack() as func:
        scope = {
            "type": "http",
            "method": method,
            "path": path,
            "path_params": path_params(route, method, path),
            "root_path": "",
            "query_string": query,
            "headers": headers,
            "app": _Process.app,
            "router": _Process.app.router,
            "fastapi_middleware_astack": outer,
            "fastapi_inner_astack": inner,
            "fastapi_function_astack": func,
        }
        response: Response = await direct(Request(scope, receive))
        return response


def _out_of_memory(exc: BaseException) -> bool:
    """True when exc was caused by a MemoryError (FastAPI answers any failure while reading
    a body as "There was an error parsing the body", a 400)."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def run_job(
    key: str, method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]], body: bytes
) -> Answer:
    """Answer one request of a pooled route (in a pool process): its status, headers, body
    (gzipped when large and the client takes it), and the resident memory the process keeps
    beyond what it held once started: after this job, or after the one before (measured now,
    after its answer was pickled and sent, which may have grown the heap again), the more."""
    from app.decode_gate import trim_memory
    from app.errors import PROBLEM_JSON, reply_body, to_reply

    assert _Process.loop is not None, "start_process() sets up a pool process"
    trim_memory()
    before = kept()
    try:
        serve = _serve(key, method, path, query, headers, body)
        response = _Process.loop.run_until_complete(serve)
        head = [(k, v) for k, v in response.raw_headers if k != b"content-length"]
        status, content = response.status_code, bytes(response.body)
    except MemoryError:
        reply = to_reply(OverMemory(_Process.memory))
    except Exception as exc:
        reply = to_reply(OverMemory(_Process.memory) if _out_of_memory(exc) else exc)
        if reply.status >= 500 and "Retry-After" not in reply.headers:
            LOG.exception("a pooled request failed")
    else:
        del response
        head, content = compressed(headers, head, content)
        trim_memory()
        return status, head, content, max(before, kept())
    trim_memory()
    head = [(b"content-type", PROBLEM_JSON.encode())]
    head += [(k.lower().encode(), str(v).encode()) for k, v in reply.headers.items()]
    return reply.status, head, reply_body(reply), max(before, kept())
