"""JSON request bodies read within the parse-cost limit, decoded and validated off the loop.

The API routers use `BoundedJSONRoute` (FastAPI's custom route class): its request's
`json()` scans the raw body for depth and item count (chainrule/json_reader.py) before decoding.
A large body is decoded and validated against the route's body model on a worker thread:
the model instance goes on to FastAPI (which passes an instance of its own model through
unchanged), and an invalid body is answered with its first MAX_ERRORS errors and their
count, so neither a bulk body nor 100,000 validation errors hold the event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi._compat import ModelField
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from chainrule.errors import MAX_ERRORS, body_too_complex, invalid_request
from chainrule.json_reader import (
    DEFAULT_JSON_LIMITS,
    JSONLimits,
    JSONNumberError,
    JSONTooComplex,
    loads,
)

INLINE_BYTES = 64 * 1024  # smaller bodies are decoded on the loop (a thread hop costs more)


class BodyRefused(HTTPException):
    """A JSON body refused before validation (answered with its reply of chainrule/errors.py:
    over the parse-cost limit, or a number that would become 0).

    An HTTPException, so FastAPI's body reading passes it on instead of a generic 400.
    """

    def __init__(self, exc: JSONTooComplex | JSONNumberError) -> None:
        too_complex = isinstance(exc, JSONTooComplex)
        self.reply = body_too_complex(exc) if too_complex else invalid_request(str(exc))
        super().__init__(self.reply.status, self.reply.detail)


class BodyInvalid(HTTPException):
    """A large body that does not match the route's model: its first errors and how many."""

    def __init__(self, errors: list[dict[str, Any]], count: int) -> None:
        super().__init__(422, "the request does not match its schema")
        self.errors = errors
        self.count = count


def decode(body: bytes, limits: JSONLimits, field: ModelField | None) -> Any:
    """Decode body within limits; with field, validate it too (a model instance, or
    BodyInvalid). Runs on a worker thread for large bodies."""
    data = loads(body, limits)
    if field is None:
        return data
    value, errors = field.validate(data, {}, loc=("body",))
    if errors:
        raise BodyInvalid(list(errors[:MAX_ERRORS]), len(errors))
    return value


def json_limits(request: Request) -> JSONLimits:
    """Return the application's JSON limits (the settings), or the defaults."""
    settings = getattr(request.app.state, "settings", None)
    if settings is None:
        return DEFAULT_JSON_LIMITS
    return JSONLimits(max_depth=settings.json_max_depth, max_items=settings.json_max_items)


class BoundedJSONRequest(Request):
    """A Request whose json() is bounded by the parse-cost limit and off the loop when big."""

    body_field: ModelField | None = None  # the route's body model, validated with a big body

    async def json(self) -> Any:
        """Return the decoded body; BodyRefused over the limits or for a number that would
        become 0."""
        if not hasattr(self, "_json"):
            body = await self.body()
            limits = json_limits(self)
            try:
                if len(body) <= INLINE_BYTES:
                    self._json = loads(body, limits)
                else:
                    self._json = await run_in_threadpool(decode, body, limits, self.body_field)
            except (JSONTooComplex, JSONNumberError) as exc:
                raise BodyRefused(exc) from None
        return self._json


class BoundedJSONRoute(APIRoute):
    """An APIRoute whose requests are BoundedJSONRequest (routers: route_class=...)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler so it reads the body through BoundedJSONRequest."""
        handler = super().get_route_handler()
        single = len(self.dependant.body_params) == 1 and self.body_field is not None

        async def bounded(request: Request) -> Response:
            ours = BoundedJSONRequest(request.scope, request.receive)
            ours.body_field = self.body_field if single else None
            return await handler(ours)

        return bounded
