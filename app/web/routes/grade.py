"""POST /api/grade and /api/grade/batch: score answers about a program's derivatives."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic_core import to_json

from app.budget import Budget
from app.grading import Grader, GradingError, Problem, label
from app.grading.formats import render
from app.lang import Limits
from app.web.errors import ProblemError
from app.web.schemas.grade import AnswerIn, BatchRequest, GradeRequest, ProblemIn
from app.web.schemas.grade_results import GRADE_RESULT_EXAMPLE, AnyGradeResult, BatchResult

router = APIRouter(prefix="/api", tags=["grading"])


def _limits(request: Request) -> Limits:
    limits: Limits = request.app.state.settings.limits()
    return limits


def _budget(request: Request) -> Budget:
    budget: Budget = request.app.state.services.budget()
    return budget


def _problem(body: ProblemIn, request: Request) -> Problem:
    """Build the problem; all its grading work is charged to this request's budget."""
    try:
        return Problem(
            body.expression, body.values, body.options(), _limits(request), _budget(request)
        )
    except GradingError as exc:
        raise _unprocessable(exc) from None


class _Json(Response):
    """A JSON response serialised by pydantic-core (several times faster than json.dumps)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return to_json(content)


def _unprocessable(exc: GradingError, **where: Any) -> ProblemError:
    extra: dict[str, Any] = {**where, **exc.extra}
    return ProblemError(422, "Invalid grading request", exc.message, exc.slug, **extra)


def _meta(answers: list[AnswerIn], ofs: list[str]) -> list[dict[str, Any]]:
    out = []
    for a, of in zip(answers, ofs, strict=True):
        m: dict[str, Any] = {"description": label(of, a.wrt)}
        for key in ("visibility", "number", "tags"):
            if getattr(a, key) is not None:
                m[key] = getattr(a, key)
        out.append(m)
    return out


@router.post(
    "/grade",
    response_model=AnyGradeResult,
    responses={200: {"content": {"application/json": {"example": GRADE_RESULT_EXAMPLE}}}},
    summary="Grade one list of answers (chainrule's, Gradescope's or PrairieLearn's shape)",
)
def grade(body: GradeRequest, request: Request) -> Response:
    """Grade numbers and formulas for values and derivatives of the program's nodes.

    `format` picks the results shape: chainrule (default), gradescope or prairielearn.
    """
    grader = Grader(_problem(body, request))
    try:
        ofs = grader.check(body.answers)
        result = grader.grade(body.answers)
    except GradingError as exc:
        raise _unprocessable(exc) from None
    return _Json(render(result, body.format, _meta(body.answers, ofs), body.visibility))


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
            if body.format != "chainrule":
                meta = _meta(sub.answers, grader.check(sub.answers))
                result = render(result, body.format, meta)
        except GradingError as exc:
            raise _unprocessable(exc, submission=index, id=sub.id) from None
        results.append({"id": sub.id, **result})
    return _Json({"results": results})
