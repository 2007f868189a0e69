"""One optimize run from request-shaped input to answer-shaped output (web and CLI share it).

Resolves a built-in dataset or CSV text into columns, applies the defaults that suit the
data, checks the bounds on rows, steps and history, trains within the request's budget
(work, bytes, wall-clock time: chainrule/budget.py), and draws the per-example graph at the
first row with the reduction as one extra node.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chainrule.budget import Budget, BudgetExceeded
from chainrule.build import build
from chainrule.graph import Graph, GraphEdge, GraphNode, export_graph, graph_to_json, json_number
from chainrule.lang import DEFAULT_LIMITS, Limits, parse
from chainrule.lang.lint import notices_json
from chainrule.train.bounds import DEFAULT_BOUNDS, Bounds
from chainrule.train.datasets import Dataset, get_dataset, parse_csv
from chainrule.train.fit import FitRequest, fitted_curve, model_program
from chainrule.train.optimizer import TrainConfig, TrainingError

if TYPE_CHECKING:  # (imported where used: NumPy loads with the first run, not with this module)
    from chainrule.train.loop import TrainingProblem, TrainResult

HISTORY_POINTS = 100
REDUCTION_ID = "reduce"


class TooMuchWork(TrainingError):
    """A run would exceed the bounds on rows, steps or history length."""


@dataclass
class RunRequest:
    """What to fit: a program, params, data (columns or CSV) or a dataset, and settings."""

    expression: str | None = None
    params: Mapping[str, float] | None = None
    data: Mapping[str, Sequence[float]] | str | None = None
    dataset: str | None = None
    reduce: str | None = None
    optimizer: str = "gd"
    lr: float | None = None
    steps: int | None = None
    record_every: int | None = None
    fit: FitRequest | None = None  # also answer the fitted model's predictions on a grid


def resolve(
    req: RunRequest, max_rows: int, max_columns: int = DEFAULT_BOUNDS.max_columns
) -> tuple[str, dict[str, float], Mapping[str, Sequence[float]], TrainConfig]:
    """Return the program text, params, columns and settings a request (or its dataset)
    gives; TooMuchWork for more than max_columns columns, used or not."""
    ds: Dataset | None = None
    if req.dataset is not None:
        if req.data is not None:
            raise TrainingError("give either data or dataset, not both")
        try:
            ds = get_dataset(req.dataset)
        except KeyError as exc:
            raise TrainingError(str(exc.args[0])) from None
    expression = req.expression or (ds.expression if ds else None)
    if expression is None:
        raise TrainingError("give an expression (the per-example loss) or a dataset")
    params = dict(req.params if req.params is not None else (ds.params if ds else {}))
    data: Mapping[str, Sequence[float]]
    if ds is not None:
        data = ds.columns
    elif isinstance(req.data, str):
        try:
            data = parse_csv(req.data, max_rows, max_columns)
        except ValueError as exc:
            raise TrainingError(str(exc)) from None
    else:
        data = req.data or {}
    if len(data) > max_columns:
        raise TooMuchWork(f"{len(data):,} data columns; the limit is {max_columns:,}")
    steps = req.steps if req.steps is not None else (ds.steps if ds else 100)
    every = req.record_every or max(1, math.ceil(steps / HISTORY_POINTS))
    config = TrainConfig(
        reduce=req.reduce or (ds.reduce if ds else "mean"),
        optimizer=req.optimizer,
        lr=req.lr if req.lr is not None else (ds.lr if ds else 0.01),
        steps=steps,
        record_every=every,
    )
    return expression, params, data, config


def check_bounds(problem: TrainingProblem, config: TrainConfig, bounds: Bounds) -> None:
    """Raise TooMuchWork when a run would have too many rows, params, steps or history points."""
    if len(problem.params) > bounds.max_params:
        raise TooMuchWork(f"{len(problem.params)} parameters; the limit is {bounds.max_params}")
    if problem.rows > bounds.max_rows:
        raise TooMuchWork(f"{problem.rows} rows of data; the limit is {bounds.max_rows}")
    if config.steps > bounds.max_steps:
        raise TooMuchWork(f"{config.steps} steps; the limit is {bounds.max_steps}")
    entries = config.steps // config.record_every + 2
    if entries > bounds.max_history:
        raise TooMuchWork(
            f"the history would hold {entries} points; the limit is {bounds.max_history}: "
            "raise record_every"
        )


Drawer = Callable[[Graph, Budget], tuple[str | None, str | None]]


def run(
    req: RunRequest,
    limits: Limits = DEFAULT_LIMITS,
    bounds: Bounds | None = None,
    draw: Drawer | None = None,
    *,
    budget: Budget,
) -> dict[str, Any]:
    """Train as the request says; return the answer as JSON-ready data.

    With draw, the picture of the per-example graph is drawn too: draw returns
    (svg, None), or (None, why there is no picture). Raises BudgetExceeded when the run
    is over budget (before it starts, or once it has run past its time).
    """
    from chainrule.train.loop import prepare, train

    bounds = bounds or Bounds()
    expression, params, data, config = resolve(req, bounds.max_rows, bounds.max_columns)
    program = parse(expression, limits)
    model = model_program(program, req.fit, list(data), limits) if req.fit else None
    problem = prepare(program, params, data, budget)
    check_bounds(problem, config, bounds)
    result = train(problem, config, budget)
    graph = picture(problem, result, config.reduce, budget)
    svg, svg_error = None, None
    if draw is not None:
        svg, svg_error = draw(graph, budget) if graph is not None else (None, "no graph to draw")
    fit = None
    if req.fit is not None:
        model_, target = model if model is not None else (None, None)
        fit = fitted_curve(model_, target, req.fit, result.params, data, budget)
    return {
        "params": result.params,
        "loss": json_number(result.loss),
        "gradients": {k: json_number(g) for k, g in result.grads.items()},
        "history": result.history,
        "diverged": result.diverged,
        "message": result.message,
        "steps": result.steps_run,
        "rows": problem.rows,
        "reduce": config.reduce,
        "warnings": problem.warnings,
        "notices": notices_json(problem.warnings),
        "graph": picture_json(graph),
        "svg": svg,
        "svg_error": svg_error,
        "fit": fit,
    }


def picture(
    problem: TrainingProblem, result: TrainResult, reduce: str, budget: Budget
) -> Graph | None:
    """Return the first row's graph at the final params, with a reduction node on top.

    Inputs are kinds "param" or "data"; each node's grad is d(loss)/d(that node in row 1);
    each parameter's grad is the reduced gradient over all rows. None if the graph cannot
    be built at those params (or building it again is over the budget).
    """
    n = problem.rows
    scale = 1.0 / n if reduce == "mean" else 1.0
    first = {c: float(col[0]) for c, col in problem.columns.items()}
    try:
        built = build(problem.program, {**result.params, **first}, budget)
        built.output.backward(scale)
    except (ArithmeticError, ValueError, BudgetExceeded):
        return None
    for name, g in result.grads.items():
        if name in built.inputs:
            built.inputs[name].grad = g
    graph = export_graph(built)
    nodes = [
        node._replace(kind="param" if node.name in problem.params else "data")
        if node.kind == "input"
        else node
        for node in graph.nodes
    ]
    rows = f"{n} row" + ("" if n == 1 else "s")
    loss = GraphNode(
        REDUCTION_ID, "loss", reduce, result.loss, 1.0, "reduction", f"{reduce} over {rows}"
    )
    edge = GraphEdge(graph.output, REDUCTION_ID, scale)
    return Graph(tuple([*nodes, loss]), (*graph.edges, edge), graph.output, ())


def picture_json(graph: Graph | None) -> dict[str, Any] | None:
    """Return the picture as JSON data (nodes and edges as in /api/evaluate)."""
    if graph is None:
        return None
    data = graph_to_json(graph)
    data.pop("steps", None)
    data["reduction"] = REDUCTION_ID
    return data
