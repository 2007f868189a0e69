"""POST /api/evaluate: values, gradients and the graph of a program (and its SVG)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.bodies import INLINE_BYTES, BoundedJSONRoute
from app.deps import ContextDep, ServicesDep
from app.dispatch import pooled
from app.errors import to_reply
from app.responses import json_bytes
from app.schemas.common import PROBLEM_RESPONSES
from app.schemas.evaluate import (
    EvaluateRequest,
    EvaluateResponse,
    InputsRequest,
    InputsResponse,
    NumbersResponse,
)
from app.services import Computed, Services, answer, dot_text
from app.steptext import add_step_texts
from app.table import built_rows, fd_check, graph_rows
from chainrule.budget import Budget
from chainrule.build import Built, evaluate
from chainrule.graph import fmt, json_number, numbers
from chainrule.hierarchy import units_json
from chainrule.lang import Program
from chainrule.lang.ast import FuncDef, Name, postorder
from chainrule.lang.errors import line_column
from chainrule.lang.lint import notices_json
from chainrule.render import RenderError
from chainrule.render.op_layout import op_labels
from chainrule.render.open_boxes import lines_picture
from chainrule.render.size import Dot, resolve_level

router = APIRouter(prefix="/api", tags=["evaluate"], route_class=BoundedJSONRoute)


def inputs_json(program: Program) -> list[dict[str, Any]]:
    """The program's inputs in the order of first use, each with its line and column."""
    first: dict[str, int] = {}
    for stmt in program.statements:
        if not isinstance(stmt, FuncDef):
            for node in postorder(stmt.expr):
                if isinstance(node, Name) and node.id in program.inputs:
                    first[node.id] = min(node.start, first.get(node.id, node.start))
    out = []
    for name in program.inputs:
        line, column = line_column(program.source, first.get(name, 0))
        out.append({"name": name, "line": line, "column": column})
    return out


async def large_in_body(request: Request, services: Services) -> bool:
    """True when a body's program is large (Services.large), or the body too long to read
    here (INLINE_BYTES: then it is computed in the worker's pool, unread); a body that does
    not decode, or has no program, is answered here."""
    if len(await request.body()) > INLINE_BYTES:
        return True
    try:
        data = await request.json()  # (kept for the route: read once)
    except Exception:  # the route's own reading answers it, the same way
        return False
    if not isinstance(data, dict) or not isinstance(data.get("expression"), str):
        return False
    return services.large(data["expression"], bool(data.get("expand_calls", False)))


def with_defaults(services: Services, body: EvaluateRequest) -> tuple[dict[str, float], list[str]]:
    """The values to compute at: the given ones, `default_value` for the others (named)."""
    values = dict(body.values)
    if body.default_value is None:
        return values, []
    defaulted = [n for n in services.parse(body.expression).inputs if n not in values]
    return values | dict.fromkeys(defaulted, body.default_value), defaulted


def lean_answer(services: Services, body: EvaluateRequest, budget: Budget) -> dict[str, Any]:
    """The lean answer to a value change: every node's numbers, in node order (nK is k)."""
    program = services.parse(body.expression)
    given, _ = with_defaults(services, body)
    built = evaluate(program, given, services.limits, budget=budget, warn=False)
    values, grads = numbers(built)
    p = body.precision
    check = {"check": checked(built, given, budget, p)} if body.check else {}
    return check | {
        "output": built.output_name,
        "output_id": f"n{len(values) - 1}",
        "value": json_number(built.output.data),
        "values": [json_number(v) for v in values],
        "grads": [json_number(g) for g in grads],
        "value_texts": [fmt(v, p) for v in values],
        "grad_texts": [fmt(g, p) for g in grads],
        "rows": built_rows(built, p),
    }


def checked(
    built: Built, values: Mapping[str, float], budget: Budget, precision: int
) -> dict[str, Any]:
    """The numeric check of the gradients of every input of a computed program (its texts
    at precision)."""
    grads = {name: v.grad for name, v in built.inputs.items()}
    return fd_check(built.program, values, grads, budget, precision)


def picture(computed: Computed, body: EvaluateRequest) -> dict[str, Any]:
    """The level drawn for these options and, at the lines level, its units and edges."""
    level = resolve_level(computed.graph, body.dot())
    if level != "lines":
        return {"level": level, "units": [], "unit_edges": []}
    options = body.dot()
    drawn = lines_picture(computed.graph, options, op_labels(computed.graph, options.constants)[0])
    return {"level": level, **units_json(drawn.units, drawn.open_)}


@router.post(
    "/evaluate",
    response_model=EvaluateResponse | NumbersResponse,
    responses=PROBLEM_RESPONSES,
    summary="Evaluate a program: value, every gradient, the graph",
)
@pooled(when=large_in_body)  # a large program is computed in the worker's pool
async def evaluate_program(body: EvaluateRequest, ctx: ContextDep) -> Response:
    """Run the forward and backward pass; with `svg`, also draw the graph.

    A graph over the drawing limit, or one that takes too long to draw, still gets
    its values and gradients, with `svg_error` saying why there is no picture. With
    `numbers_only`, the answer is the numbers alone (see the request's field).
    """
    services, budget = ctx.services, ctx.budget

    if body.numbers_only and not body.expand_calls:
        lean = await services.offload(
            body.expression, False, lambda: lean_answer(services, body, budget)
        )
        content = await services.offload(body.expression, False, partial(json_bytes, lean))
        return Response(content, media_type="application/json")

    def work() -> tuple[dict[str, Any], Dot | None]:
        """Everything but the layout, in one go: on the event loop only for small programs."""
        values, defaulted = with_defaults(services, body)
        computed = services.compute_now(
            body.expression, values, body.expand_calls, budget, body.expand
        )
        result = answer(computed, body.precision) | picture(computed, body)
        result["notices"] = notices_json(result["warnings"])
        result["inputs"] = inputs_json(computed.built.program)
        result["defaulted"] = defaulted
        result["rows"] = graph_rows(computed.graph, list(computed.built.inputs), body.precision)
        if body.check:
            result["check"] = checked(computed.built, values, budget, body.precision)
        add_step_texts(result["steps"], computed.graph, body.precision)
        dot = None
        if body.svg:
            try:
                dot = dot_text(computed, body, budget)
            except RenderError as exc:
                result["svg"] = None
                result["svg_error"] = to_reply(exc).detail
        return result, dot

    result, dot = await services.offload(body.expression, body.expand_calls, work)
    if dot is not None:
        try:
            result["svg"] = await services.svg(dot, budget)
        except RenderError as exc:
            result["svg"] = None
            result["svg_error"] = to_reply(exc).detail
    # Written by the one JSON writer, off the event loop for a large program (the answer
    # of 48,000 nodes takes longer to write than a small request takes whole).
    write = partial(json_bytes, result)
    content = await services.offload(body.expression, body.expand_calls, write)
    return Response(content, media_type="application/json")


@router.post(
    "/inputs",
    response_model=InputsResponse,
    responses=PROBLEM_RESPONSES,
    summary="The inputs of a program, in order, with positions",
)
@pooled(when=large_in_body)  # a large program is parsed in the worker's pool
def program_inputs(body: InputsRequest, services: ServicesDep) -> InputsResponse:
    """Parse the program (nothing is computed) and name its inputs in the order of first
    use, each with the line and column of that use: what a form needs to ask for values.
    A program that does not parse is a 422 with its position."""
    program = services.parse(body.expression)
    output = program.output
    return InputsResponse.model_validate({"inputs": inputs_json(program), "output": output})
