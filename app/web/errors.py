"""All error handlers in one place: every error is application/problem+json (RFC 9457)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.build import MissingValuesError
from app.engine import EngineError
from app.lang import ParseError

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://chainrule.dev/problems/"


class ProblemError(Exception):
    """Raise from any route to answer with a problem+json body."""

    def __init__(
        self, status: int, title: str, detail: str, slug: str = "invalid-request", **extra: Any
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.slug = slug
        self.extra = extra


def problem(status: int, title: str, detail: str, slug: str, **extra: Any) -> JSONResponse:
    """Return a problem+json response."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def parse_error_problem(exc: ParseError, field: str = "expression") -> JSONResponse:
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


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    @app.exception_handler(ProblemError)
    async def _problem(_: Request, exc: ProblemError) -> JSONResponse:
        return problem(exc.status, exc.title, exc.detail, exc.slug, **exc.extra)

    @app.exception_handler(ParseError)
    async def _parse(_: Request, exc: ParseError) -> JSONResponse:
        return parse_error_problem(exc)

    @app.exception_handler(MissingValuesError)
    async def _missing(_: Request, exc: MissingValuesError) -> JSONResponse:
        return problem(422, "Missing input values", str(exc), "missing-values", missing=exc.missing)

    @app.exception_handler(EngineError)
    async def _engine(_: Request, exc: EngineError) -> JSONResponse:
        return problem(422, "Cannot compute the program", str(exc), "domain")

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "loc": list(e.get("loc", ())),
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"])
        return problem(
            422, "Invalid request", f"{where}: {first['msg']}", "validation", errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), str(exc.detail), "http")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return problem(
            500, "Internal error", "the server could not complete the request", "internal"
        )
