"""Settings from the environment (prefix CHAINRULE_), e.g. CHAINRULE_BUDGET_DOT_SECONDS=5."""

from __future__ import annotations

import inspect
from dataclasses import fields
from functools import lru_cache
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict

from chainrule.budget import DEFAULT_BUDGET_LIMITS as _B
from chainrule.budget import DOT_MEMORY, BudgetLimits
from chainrule.json_reader import DEFAULT_JSON_LIMITS as _J
from chainrule.json_reader import JSONLimits
from chainrule.lang import DEFAULT_LIMITS as _L
from chainrule.lang import Limits
from chainrule.render.renderer import Renderer
from chainrule.train.bounds import DEFAULT_BOUNDS as _T
from chainrule.train.bounds import DEFAULT_LIVE_BOUNDS as _V
from chainrule.train.bounds import Bounds, LiveBounds


def _default(cls: type, parameter: str) -> Any:
    """The default of a parameter of cls's constructor (its one definition)."""
    return inspect.signature(cls).parameters[parameter].default


class Settings(BaseSettings):
    """Everything an operator can set without touching code."""

    model_config = SettingsConfigDict(env_prefix="CHAINRULE_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_level: str = "info"
    cors_origins: list[str] = []

    # The language's limits (chainrule/lang/limits.py holds them and their defaults).
    max_length: int = _L.max_length
    max_depth: int = _L.max_depth
    max_nodes: int = _L.max_nodes
    max_exponent: float = _L.max_exponent
    max_call_depth: int = _L.max_call_depth
    max_name_length: int = _L.max_name_length
    # One request's work budget (chainrule/budget.py says what each counts).
    budget_nodes: int = _B.nodes
    budget_rebuilds: int = _B.rebuilds
    budget_tape_work: int = _B.tape_work
    budget_bytes: int = _B.bytes
    budget_draw_nodes: int = _B.draw_nodes
    budget_dot_seconds: float = _B.dot_seconds
    budget_wall_seconds: float = _B.wall_seconds
    budget_draw_pixels: int = _B.draw_pixels

    max_body_bytes: int = 256 * 1024
    max_bulk_body_bytes: int = 8 * 1024 * 1024  # /api/grade/batch, /api/optimize, /api/csv
    max_stream_body_bytes: int = 4 * 1024 * 1024  # /api/optimize/stream (a run to resume)
    # The parse-cost limit of a JSON body, checked on its bytes before decoding (413).
    json_max_depth: int = _J.max_depth
    json_max_items: int = _J.max_items
    # ... and the memory its objects would hold once decoded and validated, estimated from
    # its bytes (every column and value counted, used or not; chainrule/json_reader.py held()).
    json_max_held: int = _J.max_held
    # The decoded bodies' bytes (that estimate) one worker holds at once; a body that does
    # not fit gets 503 with Retry-After.
    decode_bytes: int = 96 * 1024 * 1024

    # Training runs at once per process (each may hold BUDGET_BYTES), and how many may wait
    # for a turn; more get 503 with Retry-After.
    train_concurrency: int = 1
    train_queue: int = 4
    # CPU-heavy requests (large programs, grading) computed at once per process, and how
    # many may wait; more get 503 with Retry-After. Small programs run on the event loop.
    heavy_threads: int = 1
    heavy_queue: int = 16
    # The bulk routes (/api/optimize, /api/grade/batch, /api/csv), and a large program's
    # evaluate, drawing and page (app/dispatch.py), decode, validate, compute and write
    # their answer in worker processes of each uvicorn worker (app/pool.py): how
    # many (0: in the worker itself), how many more requests may wait (then 503 with
    # Retry-After), the processes' nice level (lower priority than the worker's requests),
    # the address space a job may add to its process (RLIMIT_AS; over it the job is a 422
    # and the process lives; 0: no cap), the jobs after which a process is replaced, and the
    # resident memory a process may keep after a job beyond its size once started (more:
    # it is replaced, so a worker's memory returns to its idle size after a large body or
    # program; the largest program's evaluate leaves ~18 MB).
    pool_processes: int = 1
    pool_queue: int = 8
    pool_nice: int = 10
    pool_memory: int = 512 * 1024 * 1024
    pool_tasks: int = 200
    pool_keep: int = 8 * 1024 * 1024
    # Pool jobs the uvicorn workers of one server (a replica) run at once, whichever worker
    # took them (app/replica.py; 0: each worker's pool alone bounds its jobs): one job may
    # take ~70 MB above its process's idle size, so a replica of two workers stays within
    # its memory with one.
    replica_jobs: int = 1
    # Allocations between runs of the garbage collector's youngest generation (Python's
    # default 700 makes building a large program mostly collecting; 0 keeps Python's).
    gc_threshold: int = 50_000
    # One run's shape (chainrule/train/run.py's Bounds): rows, steps, recorded history points and
    # parameters (the work budget bounds the rest).
    optimize_max_rows: int = _T.max_rows
    optimize_max_steps: int = _T.max_steps
    optimize_max_history: int = _T.max_history
    optimize_max_params: int = _T.max_params
    optimize_max_columns: int = _T.max_columns  # data columns given, used or not
    # POST /api/optimize/stream: one request's wall clock (it holds a training turn while it
    # streams), its snapshots and grid points; the page resumes in a new request after it.
    live_wall_seconds: float = 20.0
    # ... and how long one of its lines may wait for a reader that takes nothing (the answer
    # ends; the training turn is given back within live_wall_seconds whatever the client does).
    stream_write_timeout: float = 10.0
    live_max_snapshots: int = _V.max_snapshots
    live_max_grid: int = _V.max_grid

    render_cache_size: int = _default(Renderer, "cache_size")  # drawings kept
    # Address space each `dot` child may map (RLIMIT_AS, bytes; 0: no limit).
    render_dot_memory: int = DOT_MEMORY

    body_read_timeout: float = 5.0  # seconds a client may pause while sending a body (408)
    keep_alive_timeout: int = 5  # uvicorn closes an idle keep-alive connection after it
    public_origin: str = ""  # e.g. https://chainrule.example.edu: the share link's origin
    svg_max_age: int = 3_600  # Cache-Control max-age of GET /api/graph.svg, in seconds
    inline_threshold: int = 2_000  # longer programs are parsed and run in a threadpool
    inline_nodes: int = 2_000  # programs of more nodes (calls expanded) run in a threadpool
    parse_cache_size: int = 512  # parsed programs kept, keyed by their source text
    parse_cache_nodes: int = 250_000  # ... holding at most this many nodes (~200 B each)
    parse_cache_bytes: int = 48 * 1024 * 1024  # ... and this many bytes (as CPython holds them)
    access_log: bool = True  # one JSON line per request on the "chainrule.access" logger

    def limits(self) -> Limits:
        """Return the language limits these settings describe."""
        return Limits(**{f.name: getattr(self, f.name) for f in fields(Limits)})

    def budget_limits(self) -> BudgetLimits:
        """Return the per-request work budget these settings describe."""
        return BudgetLimits(
            **{f.name: getattr(self, f"budget_{f.name}") for f in fields(BudgetLimits)}
        )

    def bounds(self) -> Bounds:
        """Return the bounds on one training run these settings describe."""
        return Bounds(**{f.name: getattr(self, f"optimize_{f.name}") for f in fields(Bounds)})

    def json_limits(self) -> JSONLimits:
        """Return the parse-cost limit of a JSON body these settings describe."""
        return JSONLimits(**{f.name: getattr(self, f"json_{f.name}") for f in fields(JSONLimits)})

    def live_bounds(self) -> LiveBounds:
        """Return the bounds on one streamed run these settings describe."""
        return LiveBounds(**{f.name: getattr(self, f"live_{f.name}") for f in fields(LiveBounds)})


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return Settings()
