"""A streamed run: the optimize trajectory as snapshots for the live page, resumable.

Each snapshot carries the step, the loss, the parameters and the optimizer's state (so a
client can resume from it on any replica), the model's named outputs on a grid (the
decision boundary, or the fitted curve), and every node's value and gradient in the graph
of one traced datapoint (the per-example loss there, at the current parameters, keyed by
the ids /api/evaluate gives that graph). The last line says "done" with the final
parameters: the same trajectory as train() (loop.trajectory), so the same numbers.
Everything is estimated against the request's budget before the run starts.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.budget import BYTES, NODES, REBUILDS, TAPE, Budget, BudgetExceeded
from chainrule.build import build
from chainrule.graph import export_graph, fmt, json_number
from chainrule.lang import DEFAULT_LIMITS, Limits, parse
from chainrule.train.bounds import Bounds, LiveBounds
from chainrule.train.liveness import ROW_BYTES
from chainrule.train.loop import TrainingProblem, diverged_message, prepare, trajectory
from chainrule.train.optimizer import Optimizer, TrainConfig, TrainingError
from chainrule.train.run import RunRequest, TooMuchWork, check_bounds, resolve

GRID_DIGITS = 3  # decimals of the grid's predictions (a picture, not a result)


@dataclass(frozen=True)
class Axis:
    """One axis of the grid: a data column from lo to hi in n evenly spaced points."""

    column: str
    lo: float
    hi: float
    n: int


@dataclass
class LiveRequest:
    """A run, how often to report, and what the live views need."""

    run: RunRequest
    every: int = 1
    start: int = 0  # the step the given params are at (a resumed run counts on from it)
    state: Mapping[str, Any] | None = None  # the optimizer state sent back to resume
    trace: Mapping[str, float] | None = None  # the traced datapoint's data columns
    grid: Sequence[Axis] = ()
    predict: Sequence[str] = ()  # named nodes evaluated on the grid
    precision: int = 4  # the API's default is the drawing's (web/schemas/optimize.py)
    live_bounds: LiveBounds = field(default_factory=LiveBounds)


def _grid_columns(req: LiveRequest, problem: TrainingProblem) -> dict[str, np.ndarray] | None:
    """Return the grid's columns: the axes' points, every other column the trace's value."""
    if not req.grid or not req.predict:
        return None
    if len(req.grid) > 2:
        raise TrainingError("a grid has one axis (a curve) or two (a plane)")
    points = math.prod(a.n for a in req.grid)
    if points > req.live_bounds.max_grid:
        raise TooMuchWork(f"{points} grid points; the limit is {req.live_bounds.max_grid}")
    axes = [np.linspace(a.lo, a.hi, a.n) for a in req.grid]
    mesh = np.meshgrid(*axes) if len(axes) == 2 else axes
    columns = {}
    for a, m in zip(req.grid, mesh, strict=True):
        if a.column not in problem.columns:
            raise TrainingError(f"grid axis '{a.column}' is not a data column of the program")
        columns[a.column] = m.ravel()
    for c in problem.columns:
        if c not in columns:
            columns[c] = np.full(points, float((req.trace or {}).get(c, 0.0)))
    return columns


class LiveRun:
    """A prepared streamed run: lines() yields its snapshots and its last line."""

    def __init__(
        self,
        req: LiveRequest,
        limits: Limits = DEFAULT_LIMITS,
        bounds: Bounds | None = None,
        *,
        budget: Budget,
    ) -> None:
        bounds = bounds or Bounds()
        self.req = req
        self.budget = budget
        if req.every < 1 or req.start < 0:
            raise TrainingError("every must be >= 1 and start >= 0")
        expression, params, data, self.config = resolve(
            req.run, bounds.max_rows, bounds.max_columns
        )
        program = parse(expression, limits)
        self.problem = problem = prepare(program, params, data, budget, req.predict)
        check_bounds(problem, TrainConfig(steps=self.config.steps, record_every=req.every), bounds)
        steps, every = self.config.steps, req.every
        self.snapshots = steps // every + 2
        if self.snapshots > req.live_bounds.max_snapshots:
            raise TooMuchWork(
                f"{self.snapshots} snapshots; the limit is {req.live_bounds.max_snapshots}:"
                " raise every or send fewer steps (resume from the last snapshot)"
            )
        self.trace = self._trace_values()
        if self.trace is not None:
            budget.need(REBUILDS, self.snapshots, f"tracing one datapoint {self.snapshots} times")
            nodes = self.snapshots * max(1, program.node_count)
            budget.need(NODES, nodes, f"{self.snapshots} graphs of the traced datapoint")
        problem.charge(steps, budget)
        grid = _grid_columns(req, problem)
        self.grid_bound = None
        if grid is not None:
            n = len(next(iter(grid.values())))
            tape = problem.tape
            budget.charge(
                TAPE,
                n * (len(tape.static) + self.snapshots * len(tape.varying)),
                f"{n:,} grid points × {self.snapshots} snapshots × {len(tape.varying)} operations",
            )
            budget.charge(BYTES, n * ROW_BYTES * (tape.peak + len(grid)), "the grid's columns")
            self.grid_bound = tape.bind(grid, budget)
        self.opt = Optimizer(self.config, list(problem.params), req.state)

    def _trace_values(self) -> dict[str, float] | None:
        trace = self.req.trace
        if trace is None:
            return None
        missing = [c for c in self.problem.columns if c not in trace]
        if missing:
            raise TrainingError(f"trace: give the traced datapoint's {', '.join(missing)}")
        for c in self.problem.columns:
            if not math.isfinite(trace[c]):
                raise TrainingError(f"trace: '{c}' must be a finite number")
        return {c: float(trace[c]) for c in self.problem.columns}

    def snapshot(self, t: int, loss: float, theta: dict[str, float]) -> dict[str, Any]:
        """Return the numbers the live views show at step t."""
        out: dict[str, Any] = {
            "step": self.req.start + t,
            "loss": json_number(loss),
            "params": dict(theta),
            "state": self.opt.state(),
        }
        if self.grid_bound is not None:
            self.grid_bound.forward(theta)
            n = self.grid_bound.rows
            out["grid"] = {
                name: np.round(
                    np.nan_to_num(
                        np.broadcast_to(self.grid_bound.read(name), (n,)), posinf=1e6, neginf=-1e6
                    ).clip(-1e6, 1e6),
                    GRID_DIGITS,
                ).tolist()
                for name in self.req.predict
            }
        if self.trace is not None:
            out["trace"] = self._trace(theta)
        return out

    def _trace(self, theta: Mapping[str, float]) -> dict[str, Any]:
        """Return the traced datapoint's graph numbers: {id: [value, grad, texts...]}."""
        try:
            built = build(self.problem.program, {**theta, **(self.trace or {})}, self.budget)
            built.output.backward()
        except (ArithmeticError, ValueError) as exc:
            return {"error": str(exc)}
        graph = export_graph(built)
        p = self.req.precision
        return {
            "output_id": graph.output,
            "value": json_number(built.output.data),
            "nodes": {
                v.id: [json_number(v.value), json_number(v.grad), fmt(v.value, p), fmt(v.grad, p)]
                for v in graph.nodes
            },
        }

    def lines(self, cancelled: threading.Event | None = None) -> Iterator[dict[str, Any]]:
        """Yield every `every`-th snapshot, then the last line; stop when cancelled is set."""
        config, every = self.config, self.req.every
        theta = dict(self.problem.params)
        last: tuple[int, dict[str, float], float, dict[str, Any]] | None = None
        done: dict[str, Any] = {"done": True, "complete": True, "diverged": False}
        try:
            for t, loss, grads in trajectory(self.problem, config, theta, self.opt, self.budget):
                if cancelled is not None and cancelled.is_set():
                    return
                if not (math.isfinite(loss) and all(map(math.isfinite, grads.values()))):
                    done.update(diverged=True, message=diverged_message(t, loss, grads))
                    break
                last = (t, dict(theta), loss, self.opt.state())
                if t % every == 0 or t == config.steps:
                    yield self.snapshot(t, loss, theta)
        except BudgetExceeded as exc:  # past the wall clock: resume from the last step
            done.update(complete=False, message=str(exc), budget=exc.resource.key)
        if last is None:
            t0 = self.req.start
            yield {**done, "step": t0, "params": dict(self.problem.params), "loss": "nan"}
            return
        t, params, loss, state = last
        yield {
            **done,
            "step": self.req.start + t,
            "steps": t,
            "params": params,
            "loss": json_number(loss),
            "state": state,
        }
