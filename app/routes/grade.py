"""POST /api/grade and /api/grade/batch: score answers about a program's derivatives."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from app.bodies import BoundedJSONRoute
from app.deps import ContextDep, RequestContext
from app.dispatch import pooled
from app.responses import JSONBytes
from app.schemas.grade import AnswerIn, BatchRequest, GradeRequest, ProblemIn
from app.schemas.grade_results import GRADE_RESULT_EXAMPLE, AnyGradeResult, BatchResult
from chainrule.grading import Grader, GradingError, Problem
from chainrule.grading.formats import render
from chainrule.grading.spec import meta

router = APIRouter(prefix="/api", tags=["grading"], route_class=BoundedJSONRoute)


def _problem(body: ProblemIn, ctx: RequestContext) -> Problem:
    """Build the problem; all its grading work is charged to this request's budget.

    A malformed problem raises GradingError: a 422 from the error handlers.
    """
    limits = ctx.services.limits
    return Problem(body.expression, body.values, body.options(), limits, budget=ctx.budget)


def _meta(answers: list[AnswerIn], ofs: list[str]) -> list[dict[str, Any]]:
    return [meta(a, of) for a, of in zip(answers, ofs, strict=True)]


@router.post(
    "/grade",
    response_model=AnyGradeResult,
    responses={200: {"content": {"application/json": {"example": GRADE_RESULT_EXAMPLE}}}},
    summary="Grade one list of answers (chainrule's, Gradescope's or PrairieLearn's shape)",
)
def grade(body: GradeRequest, ctx: ContextDep) -> Response:
    """Grade numbers and formulas for values and derivatives of the program's nodes.

    `format` picks the results shape: chainrule (default), gradescope or prairielearn.
    """
    with ctx.services.heavy_gate.job_within(ctx.budget.seconds_left()):  # queued too long: 503
        grader = Grader(_problem(body, ctx))
        ofs = grader.check(body.answers)
        result = grader.grade(body.answers)
    return JSONBytes(render(result, body.format, _meta(body.answers, ofs), body.visibility))


@router.post(
    "/grade/batch",
    response_model=BatchResult,
    summary="Grade many submissions against one problem, built once",
)
@pooled
def grade_batch(body: BatchRequest, ctx: ContextDep) -> Response:
    """Grade every submission; results come back in submission order."""
    with ctx.services.heavy_gate.job_within(ctx.budget.seconds_left()):  # queued too long: 503
        return JSONBytes({"results": _grade_all(body, ctx)})


def _grade_all(body: BatchRequest, ctx: RequestContext) -> list[dict[str, Any]]:
    grader = Grader(_problem(body.problem, ctx))
    results: list[dict[str, Any]] = []
    for index, sub in enumerate(body.submissions):
        try:
            result = grader.grade(sub.answers)
            if body.format != "chainrule":
                meta = _meta(sub.answers, grader.check(sub.answers))
                result = render(result, body.format, meta)
        except GradingError as exc:
            exc.extra.update(submission=index, id=sub.id)  # which submission: the handler's 422
            raise
        results.append({"id": sub.id, **result})
    return results
