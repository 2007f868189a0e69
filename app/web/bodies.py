"""JSON request bodies read within the parse-cost limit, decoded off the event loop.

The API routers use `BoundedJSONRoute` (FastAPI's custom route class): its request's
`json()` scans the raw body for depth and item count (app/jsonread.py) before decoding,
and does both on a worker thread when the body is large, so a bulk body neither holds the
event loop nor turns 8 MiB into hundreds of MB of objects.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from app.jsonread import DEFAULT_JSON_LIMITS, JSONLimits, JSONTooComplex, loads

INLINE_BYTES = 64 * 1024  # smaller bodies are decoded on the loop (a thread hop costs more)


class BodyTooComplex(HTTPException):
    """A JSON body over the parse-cost limit (answered as 413 problem+json, which names it)."""

    def __init__(self, exc: JSONTooComplex) -> None:
        super().__init__(413, f"request body: {exc}")
        self.what = exc.what
        self.limit = exc.limit


def json_limits(request: Request) -> JSONLimits:
    """Return the application's JSON limits (the settings), or the defaults."""
    settings = getattr(request.app.state, "settings", None)
    if settings is None:
        return DEFAULT_JSON_LIMITS
    return JSONLimits(max_depth=settings.json_max_depth, max_items=settings.json_max_items)


class BoundedJSONRequest(Request):
    """A Request whose json() is bounded by the parse-cost limit and off the loop when big."""

    async def json(self) -> Any:
        """Return the decoded body; BodyTooComplex over the limits."""
        if not hasattr(self, "_json"):
            body = await self.body()
            limits = json_limits(self)
            try:
                if len(body) <= INLINE_BYTES:
                    self._json = loads(body, limits)
                else:
                    self._json = await run_in_threadpool(loads, body, limits)
            except JSONTooComplex as exc:
                raise BodyTooComplex(exc) from None
        return self._json


class BoundedJSONRoute(APIRoute):
    """An APIRoute whose requests are BoundedJSONRequest (routers: route_class=...)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler so it reads the body through BoundedJSONRequest."""
        handler = super().get_route_handler()

        async def bounded(request: Request) -> Response:
            return await handler(BoundedJSONRequest(request.scope, request.receive))

        return bounded
