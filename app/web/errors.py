"""All error handlers in one place: every error is application/problem+json (RFC 9457)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.budget import BudgetExceeded
from app.build import MissingValuesError
from app.engine import EngineError
from app.gate import Busy
from app.grading import GradingError
from app.lang import SourceError
from app.train.optimizer import TrainingError
from app.train.run import TooMuchWork
from app.web.bodies import MAX_ERRORS as BODY_MAX_ERRORS
from app.web.bodies import BodyInvalid, BodyRefused

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://chainrule.dev/problems/"
MAX_ERRORS = BODY_MAX_ERRORS  # validation errors listed in one answer (loc, msg clipped)
MAX_LOC = 12
MAX_MSG = 200


class ProblemError(Exception):
    """Raise from any route to answer with a problem+json body."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        slug: str = "invalid-request",
        headers: Mapping[str, str] | None = None,  # e.g. Retry-After for a 503
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.slug = slug
        self.extra = extra
        self.headers = headers


def _plain(x: Any) -> Any:
    """Return x with non-finite floats as "inf"/"-inf"/"nan" and unknown objects as text."""
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if x is None or isinstance(x, bool | int | float | str):
        return x
    return str(x)


def problem_body(status: int, title: str, detail: str, slug: str, **extra: Any) -> bytes:
    """Return the bytes of a problem+json document."""
    body = {"type": TYPE_BASE + slug, "title": title, "status": status, "detail": detail}
    return json.dumps(_plain({**body, **extra}), allow_nan=False).encode()


def closing_problem(
    status: int, title: str, detail: str, slug: str, **extra: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the two ASGI messages of a problem+json answer that closes the connection
    (for middleware that must answer before the app, e.g. a body too large or too slow)."""
    body = problem_body(status, title, detail, slug, **extra)
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


def problem(
    status: int,
    title: str,
    detail: str,
    slug: str,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> Response:
    """Return a problem+json response."""
    body = problem_body(status, title, detail, slug, **extra)
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def parse_error_problem(exc: SourceError, field: str = "expression") -> Response:
    """Return the 422 for a program that does not parse or cannot be computed."""
    title = "Cannot compute the program" if exc.kind == "domain" else "Invalid program"
    return problem(
        422,
        title,
        exc.message,
        exc.kind,
        field=field,
        line=exc.line,
        column=exc.column,
        length=exc.length,
        snippet=exc.snippet,
    )


def budget_problem(exc: BudgetExceeded) -> Response:
    """Return the 422 for a request over one of its work budgets (which one, by how much)."""
    return problem(
        422,
        "Over the work budget",
        str(exc),
        "budget",
        budget=exc.resource.key,
        needed=exc.needed,
        limit=exc.limit,
        setting=exc.setting,
    )


def _loc(loc: Any) -> list[str | int]:
    parts = [p if isinstance(p, int) else str(p)[:64] for p in list(loc or ())[:MAX_LOC]]
    return parts + (["..."] if len(loc or ()) > MAX_LOC else [])


def validation_problem(exc: RequestValidationError) -> Response:
    """Return the 422 for a request that does not match its schema: the first MAX_ERRORS
    errors (loc, msg, type; never the input), and how many there were in all."""
    found = exc.errors()
    return errors_problem(found[:MAX_ERRORS], len(found))


def errors_problem(found: Sequence[Mapping[str, Any]], count: int) -> Response:
    """Return the 422 listing the first MAX_ERRORS of count validation errors."""
    errors = [
        {
            "loc": _loc(e.get("loc")),
            "msg": str(e.get("msg", ""))[:MAX_MSG],
            "type": str(e.get("type"))[:64],
        }
        for e in found[:MAX_ERRORS]
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(p) for p in first["loc"])
    detail = f"{where}: {first['msg']}"
    if count > MAX_ERRORS:
        detail += f" (and {count - 1:,} more errors; the first {MAX_ERRORS} are listed)"
    return problem(422, "Invalid request", detail, "validation", errors=errors, error_count=count)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    @app.exception_handler(ProblemError)
    async def _problem(_: Request, exc: ProblemError) -> Response:
        return problem(exc.status, exc.title, exc.detail, exc.slug, exc.headers, **exc.extra)

    @app.exception_handler(SourceError)
    async def _parse(_: Request, exc: SourceError) -> Response:
        return parse_error_problem(exc)

    @app.exception_handler(MissingValuesError)
    async def _missing(_: Request, exc: MissingValuesError) -> Response:
        return problem(422, "Missing input values", str(exc), "missing-values", missing=exc.missing)

    @app.exception_handler(BudgetExceeded)
    async def _budget(_: Request, exc: BudgetExceeded) -> Response:
        return budget_problem(exc)

    @app.exception_handler(GradingError)
    async def _grading(_: Request, exc: GradingError) -> Response:
        extra: dict[str, Any] = exc.extra
        return problem(422, "Invalid grading request", exc.message, exc.slug, **extra)

    @app.exception_handler(TrainingError)
    async def _training(_: Request, exc: TrainingError) -> Response:
        if isinstance(exc, TooMuchWork):
            return problem(422, "Too much work", str(exc), "too-much-work")
        return problem(422, "Invalid training request", str(exc), "invalid-training")

    @app.exception_handler(Busy)
    async def _busy(_: Request, exc: Busy) -> Response:
        slug = f"{exc.what}-busy" if exc.what else "busy"
        headers = {"Retry-After": str(exc.retry_after)}
        return problem(503, "Busy", str(exc), slug, headers=headers, retry_after=exc.retry_after)

    @app.exception_handler(EngineError)
    async def _engine(_: Request, exc: EngineError) -> Response:
        return problem(422, "Cannot compute the program", str(exc), "domain")

    @app.exception_handler(BodyInvalid)
    async def _invalid(_: Request, exc: BodyInvalid) -> Response:
        return errors_problem(exc.errors, exc.count)

    @app.exception_handler(BodyRefused)
    async def _refused(_: Request, exc: BodyRefused) -> Response:
        return problem(exc.status_code, exc.title, str(exc.detail), exc.slug, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> Response:
        return validation_problem(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> Response:
        try:
            title = HTTPStatus(exc.status_code).phrase
        except ValueError:
            title = "HTTP error"
        slug = "body-too-large" if exc.status_code == 413 else title.lower().replace(" ", "-")
        return problem(exc.status_code, title, str(exc.detail), slug, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> Response:
        return problem(
            500, "Internal error", "the server could not complete the request", "internal"
        )
