"""POST /api/evaluate: values, gradients and the graph of a program (and its SVG)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from app.web.bodies import BoundedJSONRoute
from app.web.deps import ServicesDep
from app.web.errors import ProblemError
from app.web.schemas.common import PROBLEM_RESPONSES
from app.web.schemas.evaluate import EvaluateRequest, EvaluateResponse
from app.web.services import Computed, answer, dot_text
from app.web.steptext import add_step_texts

router = APIRouter(prefix="/api", tags=["evaluate"], route_class=BoundedJSONRoute)


@router.post(
    "/evaluate",
    response_model=EvaluateResponse,
    responses=PROBLEM_RESPONSES,
    summary="Evaluate a program: value, every gradient, the graph",
)
async def evaluate_program(body: EvaluateRequest, services: ServicesDep) -> Response:
    """Run the forward and backward pass; with `svg`, also draw the graph.

    A graph over the drawing limit, or one that takes too long to draw, still gets
    its values and gradients, with `svg_error` saying why there is no picture.
    """
    budget = services.budget()

    def work() -> tuple[dict[str, Any], Computed, str | None]:
        """Everything but the layout, in one go: on the event loop only for small programs."""
        computed = services.compute_now(body.expression, body.values, body.expand_calls, budget)
        result = answer(computed, body.precision)
        add_step_texts(result["steps"], computed.graph, body.precision)
        dot = None
        if body.svg:
            try:
                dot = dot_text(computed, body, budget)
            except ProblemError as exc:
                result["svg"] = None
                result["svg_error"] = exc.detail
        return result, computed, dot

    result, computed, dot = await services.offload(body.expression, body.expand_calls, work)
    if dot is not None:
        try:
            result["svg"] = await services.svg(dot, computed.graph, budget)
        except ProblemError as exc:
            result["svg"] = None
            result["svg_error"] = exc.detail
    return Response(json.dumps(result, allow_nan=False), media_type="application/json")
