"""Training: fit parameters of a per-example loss over data with gd, momentum or adam.

The loss is one program evaluated per row; `reduce` turns the rows into one number (mean
or sum). The graph is built once at the first row, compiled to a tape, and each step runs
forward and backward over all rows at once. A loss or gradient that stops being finite
ends the run early (diverged), with the history up to the last finite step.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from app.build import Built, MissingValuesError, build
from app.lang import Program
from app.train.tape import Bound, Tape, compile_tape

OPTIMIZERS = ("gd", "momentum", "adam")
REDUCTIONS = ("mean", "sum")


class TrainingError(ValueError):
    """A training request that cannot run (bad columns, bad settings)."""


class TrainingTimeout(TrainingError):
    """The run did not finish within its time limit."""


@dataclass(frozen=True)
class TrainConfig:
    """How to train: reduction, optimizer and its settings, steps, what to record."""

    reduce: str = "mean"
    optimizer: str = "gd"
    lr: float = 0.01
    steps: int = 100
    record_every: int = 1
    timeout: float | None = None
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def __post_init__(self) -> None:
        if self.reduce not in REDUCTIONS:
            raise TrainingError(f"reduce must be one of {', '.join(REDUCTIONS)}")
        if self.optimizer not in OPTIMIZERS:
            raise TrainingError(f"optimizer must be one of {', '.join(OPTIMIZERS)}")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise TrainingError("lr must be a positive finite number")
        if self.steps < 0 or self.record_every < 1:
            raise TrainingError("steps must be >= 0 and record_every >= 1")


@dataclass
class TrainingProblem:
    """A program compiled for training: its tape bound to the data, plus the first row."""

    program: Program
    params: dict[str, float]
    columns: dict[str, np.ndarray]
    first: Built
    tape: Tape
    bound: Bound
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Number of rows of data (1 when there is none)."""
        return self.bound.rows

    def work(self, steps: int) -> int:
        """Return rows × steps × tape length, the measure of a run's cost."""
        return self.rows * max(steps, 1) * len(self.tape)


@dataclass
class TrainResult:
    """Final parameters, loss and gradient, and the recorded history."""

    params: dict[str, float]
    loss: float
    grads: dict[str, float]
    history: dict[str, list[float]]
    diverged: bool = False
    message: str | None = None
    steps_run: int = 0


def prepare(
    program: Program, params: Mapping[str, float], data: Mapping[str, Sequence[float]]
) -> TrainingProblem:
    """Check params and columns against the program's inputs; compile and bind the tape."""
    for name, x in params.items():
        if not math.isfinite(x):
            raise TrainingError(f"initial value of '{name}' must be a finite number")
    both = sorted(set(params) & set(data))
    if both:
        raise TrainingError(f"names given both as parameters and as columns: {', '.join(both)}")
    missing = [n for n in program.inputs if n not in params and n not in data]
    if missing:
        raise MissingValuesError(missing)
    warnings = [f"column '{c}' is not used by the program" for c in data if c not in program.inputs]
    warnings += [
        f"parameter '{p}' is not used by the program" for p in params if p not in program.inputs
    ]
    columns = {c: np.asarray(data[c], dtype=np.float64) for c in data if c in program.inputs}
    lengths = {len(col) for col in data.values()}
    if len(lengths) > 1:
        raise TrainingError("all data columns must have the same length")
    if lengths == {0}:
        raise TrainingError("data columns must have at least one row")
    for c, col in columns.items():
        if col.ndim != 1 or not np.all(np.isfinite(col)):
            raise TrainingError(f"column '{c}' must be a list of finite numbers")
    used = {p: float(x) for p, x in params.items() if p in program.inputs}
    first = build(program, {**used, **{c: float(col[0]) for c, col in columns.items()}})
    tape = compile_tape(first, used)
    bound = tape.bind(columns)
    if columns:
        bound.rows = len(next(iter(columns.values())))
    return TrainingProblem(program, used, columns, first, tape, bound, warnings + first.warnings)


class _Optimizer:
    def __init__(self, config: TrainConfig, names: Sequence[str]) -> None:
        self.c = config
        self.t = 0
        self.m = dict.fromkeys(names, 0.0)
        self.v = dict.fromkeys(names, 0.0)

    def step(self, theta: dict[str, float], grads: Mapping[str, float]) -> None:
        c = self.c
        self.t += 1
        for k, g in grads.items():
            if c.optimizer == "gd":
                theta[k] -= c.lr * g
            elif c.optimizer == "momentum":
                self.m[k] = c.momentum * self.m[k] + g
                theta[k] -= c.lr * self.m[k]
            else:
                self.m[k] = c.beta1 * self.m[k] + (1 - c.beta1) * g
                self.v[k] = c.beta2 * self.v[k] + (1 - c.beta2) * g * g
                m_hat = self.m[k] / (1 - c.beta1**self.t)
                v_hat = self.v[k] / (1 - c.beta2**self.t)
                theta[k] -= c.lr * m_hat / (math.sqrt(v_hat) + c.eps)


def _finite(loss: float, grads: Mapping[str, float]) -> bool:
    return math.isfinite(loss) and all(math.isfinite(g) for g in grads.values())


def train(problem: TrainingProblem, config: TrainConfig) -> TrainResult:
    """Run the optimizer for config.steps steps; stop early if the loss diverges."""
    theta = dict(problem.params)
    names = list(theta)
    mean = config.reduce == "mean"
    history: dict[str, list[float]] = {"step": [], "loss": [], **{k: [] for k in names}}
    deadline = None if config.timeout is None else time.monotonic() + config.timeout
    opt = _Optimizer(config, names)
    last: tuple[dict[str, float], float, dict[str, float]] | None = None

    def record(step: int, loss: float) -> None:
        history["step"].append(step)
        history["loss"].append(loss)
        for k in names:
            history[k].append(theta[k])

    for t in range(config.steps + 1):
        loss, grads = problem.bound.loss_and_grad(theta, mean)
        if not _finite(loss, grads):
            what = "loss" if not math.isfinite(loss) else "gradient"
            message = f"diverged: the {what} became {_show(loss, grads)} at step {t}; " + (
                "try a smaller lr" if t else "the starting point has no finite loss"
            )
            params, loss0, grads0 = last if last else (theta, loss, grads)
            return TrainResult(params, loss0, grads0, history, True, message, t)
        last = (dict(theta), loss, grads)
        if t % config.record_every == 0 or t == config.steps:
            record(t, loss)
        if t == config.steps:
            break
        opt.step(theta, grads)
        if deadline is not None and t % 16 == 0 and time.monotonic() > deadline:
            raise TrainingTimeout(
                f"training stopped after {t + 1} of {config.steps} steps: "
                f"it exceeded the time limit of {config.timeout:g} s"
            )
    return TrainResult(dict(theta), loss, grads, history, False, None, config.steps)


def _show(loss: float, grads: Mapping[str, float]) -> str:
    bad = (
        loss if not math.isfinite(loss) else next(g for g in grads.values() if not math.isfinite(g))
    )
    return "nan" if math.isnan(bad) else ("inf" if bad > 0 else "-inf")
