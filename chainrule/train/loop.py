"""Training: fit parameters of a per-example loss over data with gd, momentum or adam.

The loss is one program evaluated per row; `reduce` turns the rows into one number (mean
or sum). The graph is built once at the first row, compiled to a tape, and each step runs
forward and backward over all rows at once. A loss or gradient that stops being finite
ends the run early (diverged), with the history up to the last finite step. The budget is
charged the data's bytes before they are converted, the run's work (every tape operation)
and peak bytes before it binds, and its wall-clock time is checked after every step.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from chainrule.budget import BYTES, TAPE, Budget
from chainrule.build import Built, MissingValuesError, build
from chainrule.lang import Program
from chainrule.lang.lint import Notice
from chainrule.train.compiler import TapeError, compile_tape
from chainrule.train.liveness import ROW_BYTES
from chainrule.train.optimizer import Optimizer, TrainConfig, TrainingError
from chainrule.train.tape import Tape


@dataclass
class TrainingProblem:
    """A program compiled for training: its tape, the data, and the graph at the first row."""

    program: Program
    params: dict[str, float]
    columns: dict[str, np.ndarray]
    first: Built
    tape: Tape
    rows: int  # rows of data (1 when there is none)
    warnings: list[str] = field(default_factory=list)

    def work(self, steps: int) -> int:
        """Return the cells a run of steps computes (every tape operation, data-only too)."""
        return self.tape.work(self.rows, steps)

    def charge(self, steps: int, budget: Budget) -> None:
        """Charge a run's work and peak bytes to budget; raise BudgetExceeded before it starts."""
        tape = self.tape
        budget.charge(
            TAPE,
            self.work(steps),
            f"{self.rows:,} rows × ({len(tape.static)} data-only operations + {steps + 1}"
            f" passes × {len(tape)} operations)",
        )
        budget.charge(
            BYTES, tape.peak_bytes(self.rows), f"{tape.peak} columns of {self.rows:,} rows at once"
        )


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


NAMED_UNUSED = 5  # names an unused-input notice lists before it only counts


def unused_notice(code: str, kind: str, names: Sequence[str]) -> list[Notice]:
    """Return at most one notice for the inputs given but not used: the first few named,
    and how many in all (a body of 600,000 columns gets one line, not 600,000)."""
    if not names:
        return []
    shown = ", ".join(f"'{n}'" for n in names[:NAMED_UNUSED])
    if len(names) == 1:
        return [Notice(code, f"{kind} {shown} is not used by the program")]
    more = f" and {len(names) - NAMED_UNUSED:,} more" if len(names) > NAMED_UNUSED else ""
    return [Notice(code, f"{len(names):,} {kind}s are not used by the program: {shown}{more}")]


def prepare(
    program: Program,
    params: Mapping[str, float],
    data: Mapping[str, Sequence[float]],
    budget: Budget,
    keep: Sequence[str] = (),
) -> TrainingProblem:
    """Check params and columns against the program's inputs; charge the data; compile.

    The named nodes in keep (a model's outputs) can be read after each forward pass.
    """
    for name, x in params.items():
        if not math.isfinite(x):
            raise TrainingError(f"initial value of '{name}' must be a finite number")
    both = sorted(set(params) & set(data))
    if both:
        raise TrainingError(f"names given both as parameters and as columns: {', '.join(both)}")
    missing = [n for n in program.inputs if n not in params and n not in data]
    if missing:
        raise MissingValuesError(
            missing, "every program input must be a parameter or a data column"
        )
    warnings: list[str] = [
        *unused_notice("unused-column", "column", [c for c in data if c not in program.inputs]),
        *unused_notice(
            "unused-parameter", "parameter", [p for p in params if p not in program.inputs]
        ),
    ]
    lengths = {len(col) for col in data.values()}
    if len(lengths) > 1:
        raise TrainingError("all data columns must have the same length")
    if lengths == {0}:
        raise TrainingError("data columns must have at least one row")
    rows = lengths.pop() if lengths else 1
    used_columns = [c for c in data if c in program.inputs]
    budget.charge(
        BYTES,
        rows * ROW_BYTES * len(used_columns),
        f"{len(used_columns)} data column{'' if len(used_columns) == 1 else 's'} of {rows:,} rows",
    )
    columns = {c: np.asarray(data[c], dtype=np.float64) for c in used_columns}
    for c, col in columns.items():
        if col.ndim != 1 or not np.all(np.isfinite(col)):
            raise TrainingError(f"column '{c}' must be a list of finite numbers")
    used = {p: float(x) for p, x in params.items() if p in program.inputs}
    first = build(program, {**used, **{c: float(col[0]) for c, col in columns.items()}}, budget)
    try:
        tape = compile_tape(first, used, keep)
    except TapeError as exc:
        raise TrainingError(str(exc)) from None
    return TrainingProblem(program, used, columns, first, tape, rows, warnings + first.warnings)


def _finite(loss: float, grads: Mapping[str, float]) -> bool:
    return math.isfinite(loss) and all(math.isfinite(g) for g in grads.values())


def trajectory(
    problem: TrainingProblem,
    config: TrainConfig,
    theta: dict[str, float],
    opt: Optimizer,
    budget: Budget,
) -> Iterator[tuple[int, float, dict[str, float]]]:
    """Yield (t, loss, grads) at theta for t = 0..config.steps, stepping theta in between.

    The one trajectory of every run (answered at once or streamed). It stops after a loss
    or gradient that is not finite, and raises BudgetExceeded once past the wall clock.
    The caller has charged the run's work (problem.charge).
    """
    bound = problem.tape.bind(problem.columns, budget)
    mean = config.reduce == "mean"
    for t in range(config.steps + 1):
        loss, grads = bound.loss_and_grad(theta, mean)
        if budget.seconds_left() < 0:
            budget.check_time(f"training, after step {t} of {config.steps}")
        yield t, loss, grads
        if t == config.steps or not _finite(loss, grads):
            return
        opt.step(theta, grads)


def diverged_message(t: int, loss: float, grads: Mapping[str, float]) -> str:
    """Return why a run stopped at step t (its loss or a gradient not finite)."""
    what = "loss" if not math.isfinite(loss) else "gradient"
    return f"diverged: the {what} became {_show(loss, grads)} at step {t}; " + (
        "try a smaller lr" if t else "the starting point has no finite loss"
    )


def train(problem: TrainingProblem, config: TrainConfig, budget: Budget) -> TrainResult:
    """Run the optimizer for config.steps steps; stop early if the loss diverges.

    Raises BudgetExceeded before starting if the run's work or bytes are over budget, and
    after any step (the last one too) that ends past the wall-clock budget.
    """
    problem.charge(config.steps, budget)
    theta = dict(problem.params)
    names = list(theta)
    history: dict[str, list[float]] = {"step": [], "loss": [], **{k: [] for k in names}}
    opt = Optimizer(config, names)
    last: tuple[dict[str, float], float, dict[str, float]] | None = None
    loss, grads = math.nan, dict[str, float]()
    for t, loss, grads in trajectory(problem, config, theta, opt, budget):
        if not _finite(loss, grads):
            message = diverged_message(t, loss, grads)
            params, loss0, grads0 = last if last else (theta, loss, grads)
            return TrainResult(params, loss0, grads0, history, True, message, t)
        last = (dict(theta), loss, grads)
        if t % config.record_every == 0 or t == config.steps:
            history["step"].append(t)
            history["loss"].append(loss)
            for k in names:
                history[k].append(theta[k])
    return TrainResult(dict(theta), loss, grads, history, False, None, config.steps)


def _show(loss: float, grads: Mapping[str, float]) -> str:
    bad = (
        loss if not math.isfinite(loss) else next(g for g in grads.values() if not math.isfinite(g))
    )
    return "nan" if math.isnan(bad) else ("inf" if bad > 0 else "-inf")
