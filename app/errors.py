"""All error handlers in one place: every error is application/problem+json (RFC 9457),
its status, title, type and detail from the library's table (chainrule/errors.py) and the
service's own rows (HTTP: a reply raised as such, a body refused or invalid, the
framework's own errors)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from chainrule import errors as library
from chainrule.errors import MAX_ERRORS, ErrorReply, body_too_large, validation_errors

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://chainrule.dev/problems/"


def _http(exc: Any) -> ErrorReply:
    try:
        title = HTTPStatus(exc.status_code).phrase
    except ValueError:
        title = "HTTP error"
    slug = title.lower().replace(" ", "-")
    if exc.status_code == 413:
        slug = body_too_large(0).slug
    return ErrorReply(exc.status_code, title, str(exc.detail), slug, {}, exc.headers or {})


def _schema(found: Sequence[Mapping[str, Any]]) -> ErrorReply:
    return validation_errors(found[:MAX_ERRORS], len(found))


def _over_memory(limit: int) -> dict[str, Any]:
    return {"budget": "memory", "limit": limit, "setting": "CHAINRULE_POOL_MEMORY"}


# The library's rows and the service's own, keyed like the library's (qualified names).
TABLE: dict[str, library.Row] = {
    **library.TABLE,
    "app.errors.ReplyError": lambda exc: exc.reply,
    "app.bodies.BodyRefused": lambda exc: exc.reply,
    "app.bodies.BodyInvalid": lambda exc: validation_errors(exc.errors, exc.count),
    "app.middleware.BodyTooLarge": lambda exc: body_too_large(exc.limit),
    "app.pool.JobLost": lambda exc: exc.reply,
    "app.jobs.OverMemory": lambda exc: ErrorReply(
        422, "Over the work budget", str(exc), "budget", _over_memory(exc.limit)
    ),
    "fastapi.exceptions.RequestValidationError": lambda exc: _schema(exc.errors()),
    "starlette.exceptions.HTTPException": _http,
}
# The service's exception classes that never become an answer themselves, and why.
NOT_ANSWERS: dict[str, str] = {
    **library.NOT_ANSWERS,
    "app.http_deadlines.ReadTimeout": "the read-timeout middleware answers request_timeout()",
    "app.decode_gate.GateFull": "app/bodies.py answers it as BodyRefused (its 503 reply)",
}


def find_reply(exc: BaseException) -> ErrorReply | None:
    """Return the reply of the service's table for exc (library and service rows), or None."""
    return library.find_reply(exc, TABLE)


def to_reply(exc: BaseException) -> ErrorReply:
    """Return the reply for exc from the service's table, or the 500 for anything else."""
    return library.to_reply(exc, TABLE)


class ReplyError(Exception):
    """Raise from any route to answer with this reply (a request field at fault, a 404)."""

    def __init__(self, reply: ErrorReply) -> None:
        super().__init__(reply.detail)
        self.reply = reply
        self.detail = reply.detail


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


def reply_body(reply: ErrorReply) -> bytes:
    """Return the bytes of the problem+json document of a reply."""
    body = {
        "type": TYPE_BASE + reply.slug,
        "title": reply.title,
        "status": reply.status,
        "detail": reply.detail,
    }
    return json.dumps(_plain({**body, **reply.fields}), allow_nan=False).encode()


def closing_reply(reply: ErrorReply) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the two ASGI messages of a problem+json answer that closes the connection
    (for middleware that must answer before the app, e.g. a body too large or too slow)."""
    body = reply_body(reply)
    start = {
        "type": "http.response.start",
        "status": reply.status,
        "headers": [
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


def reply_response(reply: ErrorReply) -> Response:
    """Return the problem+json response of a reply (its headers too: Retry-After)."""
    return Response(
        reply_body(reply),
        status_code=reply.status,
        media_type=PROBLEM_JSON,
        headers=dict(reply.headers) or None,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handler that answers every error of the table (chainrule/errors.py) with its
    problem+json, and anything else with the 500 of the table (never its text)."""

    async def _reply(_: Request, exc: Exception) -> Response:
        return reply_response(to_reply(exc))

    for kind in library.answered_classes(TABLE):
        app.add_exception_handler(kind, _reply)
    app.add_exception_handler(Exception, _reply)
