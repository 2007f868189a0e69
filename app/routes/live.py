"""Watch a network learn: the /live page, POST /api/optimize/stream, GET /api/network."""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from app.assets import TEMPLATES_DIR
from app.bodies import BoundedJSONRoute
from app.deps import StreamContextDep
from app.ndjson import NDJSONStream
from app.schemas.common import PROBLEM_RESPONSES, defaults_json, panel_json
from app.schemas.optimize import NetworkOut, OptimizeStreamRequest
from app.services import Services
from chainrule.ops import ACTIVATIONS
from chainrule.train.curves import CURVE_COLUMNS, CURVE_OUTPUTS, curve_params, write_curve
from chainrule.train.network import (
    DEFAULT_ACTIVATION,
    LOSSES,
    MAX_WIDTH,
    NetworkSpec,
    init_params,
    write_program,
)

if TYPE_CHECKING:  # (imported where used: NumPy only in a process that trains)
    from chainrule.train.live import LiveRequest

templates = Jinja2Templates(directory=TEMPLATES_DIR)
router = APIRouter(route_class=BoundedJSONRoute)  # bodies: app/bodies.py

STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "One JSON object per line: snapshots, then a last line with done: true.",
        "content": {
            "application/x-ndjson": {
                "schema": {"type": "string"},
                "example": '{"step":0,"loss":0.69,"params":{"w":0.1},"state":{"optimizer":"gd",'
                '"t":0},"grid":{"out":[0.1,0.2]},"trace":{"output_id":"n5","value":0.7,'
                '"nodes":{"n0":[0.5,0.1,"0.5","0.1"]}}}\n'
                '{"done":true,"complete":true,"diverged":false,"step":1,"steps":1,'
                '"params":{"w":0.2},"loss":0.6,"state":{"optimizer":"gd","t":1}}\n',
            }
        },
    },
    503: {"description": "Every training turn is taken (Retry-After says when to try again)."},
}


@router.get("/live", response_class=HTMLResponse, include_in_schema=False)
async def live_page(request: Request) -> HTMLResponse:
    """The live training page (its state is in the URL; the script reads it)."""
    return templates.TemplateResponse(
        request,
        "live.html",
        {
            "max_width": MAX_WIDTH,
            "activations": ACTIVATIONS,
            "draw_defaults": defaults_json(),
            "panel": panel_json(),
        },
    )


def live_request(body: OptimizeStreamRequest, services: Services) -> LiveRequest:
    """Return the streamed run a request body asks for."""
    from chainrule.train.live import Axis, LiveRequest

    settings = services.settings
    run = body.run_request()
    return LiveRequest(
        run,
        every=body.every,
        start=body.start,
        state=body.state.model_dump() if body.state else None,
        trace=body.trace,
        grid=[Axis(a.column, a.lo, a.hi, a.n) for a in body.grid],
        predict=body.predict,
        precision=body.precision,
        live_bounds=settings.live_bounds(),
    )


@router.post(
    "/api/optimize/stream",
    tags=["optimize"],
    responses={**PROBLEM_RESPONSES, **STREAM_DOC},
    summary="Train and stream snapshots as NDJSON (resumable)",
    response_model=None,
    response_class=NDJSONStream,
    status_code=200,
)
async def optimize_stream(body: OptimizeStreamRequest, ctx: StreamContextDep) -> NDJSONStream:
    """Run /api/optimize's training and send a snapshot every `every` steps, as it goes.

    Each line: `step`, `loss`, `params`, `state` (the optimizer's: send it back with the
    params and `start` = step to resume exactly there, on any replica), `grid` (each
    `predict` name evaluated on the grid) and `trace` (node id → [value, grad, value_text,
    grad_text] in the graph of the per-example loss at the `trace` datapoint, the ids of
    /api/evaluate's graph of the same program). The last line has `done: true` and the
    final params, equal to /api/optimize's; `complete: false` when the stream's wall
    clock (CHAINRULE_LIVE_WALL_SECONDS) ran out first: resume from it. A client that
    disconnects stops the run. Errors before the first line are problem+json as for
    /api/optimize (422 budget, 503 + Retry-After when every training turn is taken).
    """
    services, budget = ctx.services, ctx.budget
    req = live_request(body, services)
    gate = services.train_gate
    wait = max(0.0, min(services.settings.budget_wall_seconds, budget.seconds_left()))

    from chainrule.train.live import LiveRun

    def start() -> tuple[LiveRun, ExitStack]:
        turn = ExitStack()
        turn.enter_context(gate.job(wait))
        try:
            run = LiveRun(req, services.limits, services.settings.bounds(), budget=budget)
        except BaseException:
            turn.close()
            raise
        return run, turn

    run, turn = await run_in_threadpool(start)
    timeout = services.settings.stream_write_timeout
    return NDJSONStream(
        run.lines, on_close=turn.close, seconds_left=budget.seconds_left, write_timeout=timeout
    )


def _one_of(names: tuple[str, ...]) -> Any:
    """A query parameter that is one of names (the OpenAPI document lists them)."""
    return Query(pattern=f"^({'|'.join(names)})$", json_schema_extra={"enum": list(names)})


Activation = Annotated[str, _one_of(ACTIVATIONS)]  # the table's activations (chainrule.ops)
Loss = Annotated[str, _one_of(LOSSES)]
Model = Literal["network", "line", "cubic"]


@router.get(
    "/api/network",
    tags=["optimize"],
    response_model=NetworkOut,
    responses={422: PROBLEM_RESPONSES[422]},
    summary="Write a small network as a chainrule program",
)
async def network(
    inputs: Annotated[int, Query(ge=1, le=2)] = 2,
    hidden: Annotated[str, Query(max_length=40, pattern=r"^[0-9]{0,2}(,[0-9]{1,2}){0,2}$")] = "8,8",
    classes: Annotated[int, Query(ge=0, le=8)] = 2,
    activation: Activation = DEFAULT_ACTIVATION,
    loss: Loss = "logistic",
    l2: Annotated[float, Query(ge=0, le=10, allow_inf_nan=False)] = 0.0,
    seed: Annotated[int, Query(ge=0, le=2**31)] = 0,
    model: Model = "network",
) -> NetworkOut:
    """The builder's program (a neuron function per fan-in, one line per neuron, the loss)
    and its seeded starting parameters (Glorot-uniform weights, zero biases). `model` line
    or cubic writes the seeds' curve fit instead (pred = w*x, or a + b*x + c*x^2 + d*x^3,
    on columns x and y; only `seed` applies)."""
    if model != "network":
        return NetworkOut(
            expression=write_curve(model),
            params=curve_params(model, seed),
            predict=CURVE_OUTPUTS,
            columns=CURVE_COLUMNS,
        )
    sizes = tuple(int(w) for w in hidden.split(",") if w)
    spec = NetworkSpec(inputs, sizes, classes, activation, loss, l2)  # NetworkError: a 422
    return NetworkOut(
        expression=write_program(spec),
        params=init_params(spec, seed),
        predict=spec.outputs,
        columns=spec.columns,
    )
