"""POST /api/grade and /api/grade/batch: score answers about a program's derivatives."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic_core import to_json

from app.grading import Grader, GradingError, Problem
from app.lang import Limits
from app.web.errors import ProblemError
from app.web.schemas.grade import BatchRequest, BatchResult, GradeRequest, GradeResult, ProblemIn

router = APIRouter(prefix="/api", tags=["grading"])


def _limits(request: Request) -> Limits:
    limits: Limits = request.app.state.settings.limits()
    return limits


def _problem(body: ProblemIn, request: Request) -> Problem:
    try:
        return Problem(body.expression, body.values, body.options(), _limits(request))
    except GradingError as exc:
        raise _unprocessable(exc) from None


class _Json(Response):
    """A JSON response serialised by pydantic-core (several times faster than json.dumps)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return to_json(content)


def _unprocessable(exc: GradingError, **where: Any) -> ProblemError:
    return ProblemError(422, "Invalid grading request", exc.message, exc.slug, **where, **exc.extra)


@router.post(
    "/grade",
    response_model=GradeResult,
    summary="Grade one list of answers (Gradescope results shape)",
)
def grade(body: GradeRequest, request: Request) -> Response:
    """Grade numbers and formulas for values and derivatives of the program's nodes."""
    grader = Grader(_problem(body, request))
    try:
        result = grader.grade(body.answers)
    except GradingError as exc:
        raise _unprocessable(exc) from None
    return _Json(result)


@router.post(
    "/grade/batch",
    response_model=BatchResult,
    summary="Grade many submissions against one problem, built once",
)
def grade_batch(body: BatchRequest, request: Request) -> Response:
    """Grade every submission; results come back in submission order."""
    grader = Grader(_problem(body.problem, request))
    results: list[dict[str, Any]] = []
    for index, sub in enumerate(body.submissions):
        try:
            result = grader.grade(sub.answers)
        except GradingError as exc:
            raise _unprocessable(exc, submission=index, id=sub.id) from None
        results.append({"id": sub.id, **result})
    return _Json({"results": results})
