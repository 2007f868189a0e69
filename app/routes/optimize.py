"""POST /api/optimize: fit parameters of a per-example loss; GET /api/datasets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter
from fastapi.responses import Response

from app.bodies import BoundedJSONRoute
from app.deps import ContextDep, ServicesDep
from app.dispatch import pooled
from app.errors import ReplyError, reply_response, to_reply
from app.responses import JSONBytes
from app.schemas.common import PROBLEM_RESPONSES
from app.schemas.optimize import (
    CsvIn,
    CsvOut,
    DatasetData,
    DatasetOut,
    OptimizeRequest,
    OptimizeResponse,
)
from chainrule.budget import Budget
from chainrule.errors import not_found
from chainrule.graph import Graph
from chainrule.lang import SourceError
from chainrule.render import Renderer, RenderError, to_dot

if TYPE_CHECKING:  # (imported where used: NumPy only in a process that trains)
    from chainrule.train.datasets import Dataset
    from chainrule.train.run import Drawer

router = APIRouter(prefix="/api", tags=["optimize"], route_class=BoundedJSONRoute)


def drawer(renderer: Renderer) -> Drawer:
    """Return a function drawing a training picture on the run's budget: (svg, None) or
    (None, why not)."""

    def draw(graph: Graph, budget: Budget) -> tuple[str | None, str | None]:
        try:
            return renderer.svg(to_dot(graph, budget=budget), None, budget), None
        except RenderError as exc:
            return None, to_reply(exc).detail

    return draw


@router.post(
    "/optimize",
    response_model=OptimizeResponse,
    responses=PROBLEM_RESPONSES,
    summary="Fit parameters by gradient descent (gd, momentum or adam)",
)
@pooled
def optimize(body: OptimizeRequest, ctx: ContextDep) -> Response:
    """Train the parameters of a per-example loss over the data, reduced by mean or sum.

    Every program input must be a parameter or a data column (422 lists the missing
    ones); unused columns are reported in `warnings`. A run over its budget (tape
    work, bytes, wall-clock time: the CHAINRULE_BUDGET_* settings) answers 422 with
    type .../budget naming it, before it starts where that can be known. A loss that
    stops being finite ends the run early with `diverged: true`, a message, and the
    history up to there. With `fit`, the answer's `fit` holds the fitted model's
    predictions on a grid and the data's points, ready to plot.
    """
    services, budget = ctx.services, ctx.budget
    if body.fit is not None and body.fit.model:
        try:  # the model's own mistakes point into the model, before any training
            services.parse(body.fit.model)
        except SourceError as exc:
            return reply_response(to_reply(exc).with_fields(field="fit.model"))
    req = body.run_request(body.record_every)
    draw = drawer(services.renderer) if body.svg else None
    with services.train_gate.job_within(budget.seconds_left()):  # queued too long: 503
        from chainrule.train.run import run

        result = run(req, services.limits, ctx.settings.bounds(), draw, budget=budget)
    return JSONBytes(result)


def _describe(ds: Dataset) -> dict[str, Any]:
    return {
        "name": ds.name,
        "description": ds.description,
        "rows": ds.rows,
        "columns": list(ds.columns),
        "expression": ds.expression,
        "params": ds.params,
        "reduce": ds.reduce,
        "lr": ds.lr,
        "steps": ds.steps,
        "classes": ds.classes,
    }


@router.get("/datasets", response_model=list[DatasetOut], summary="The built-in datasets")
def datasets(kind: Literal["fit", "plane", "all"] = "fit") -> list[DatasetOut]:
    """List the built-in datasets with the program and settings that suit each: the 1-D
    fits (kind=fit, the default), the 2-D classification sets of /live (plane), or all."""
    from chainrule.train.datasets import DATASETS

    found = [make() for make in DATASETS.values()]
    chosen = [d for d in found if kind == "all" or (d.classes > 0) == (kind == "plane")]
    return [DatasetOut(**_describe(d)) for d in chosen]


@router.get(
    "/datasets/{name}",
    response_model=DatasetData,
    summary="One built-in dataset with its rows",
    responses={404: {"description": "No built-in dataset has that name (problem+json)."}},
)
def dataset(name: str) -> DatasetData:
    """Return one built-in dataset, its columns included (to plot the points)."""
    from chainrule.train.datasets import DATASETS

    if name not in DATASETS:
        known = ", ".join(DATASETS)
        detail = f"no dataset {name!r}; known: {known}"
        raise ReplyError(not_found(detail, "Unknown dataset", "unknown-dataset"))
    ds = DATASETS[name]()
    return DatasetData(**_describe(ds), data={k: list(v) for k, v in ds.columns.items()})


@router.post(
    "/csv",
    response_model=CsvOut,
    responses=PROBLEM_RESPONSES,
    summary="Read CSV text as /api/optimize reads its data",
)
@pooled
def read_csv(body: CsvIn, services: ServicesDep) -> Response:
    """Read CSV text by the rules of /api/optimize's `data` (a header row of names, plain
    decimal numbers): answer its columns and rows, or a 422 naming the `line` (and the
    `csv_column`) at fault. What a form shows before training, from the one CSV reader."""
    from chainrule.train.datasets import parse_csv

    settings = services.settings
    columns = parse_csv(body.data, settings.optimize_max_rows, settings.optimize_max_columns)
    rows = len(next(iter(columns.values())))
    return JSONBytes({"columns": list(columns), "rows": rows})
