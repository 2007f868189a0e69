"""Which requests a pool process answers (app/pool.py): the @pooled mark on a route's
endpoint, and PooledRoute, the route class that sends its requests there.

A bulk route (`@pooled`) sends every request. A program's route (`@pooled(when=...)`) sends
only a large program's: `when` reads the request's program cheaply (a short JSON body, the
query, the form; a long body is large unread) and asks Services.large, the one rule; a
request whose program it cannot read stays here, where its error is found at once. The
pool process runs the same handler (`direct`), so every request gets the answer it would
get here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar, overload

from fastapi import Request, Response
from fastapi.routing import APIRoute

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
# Whether a request's program is large (Services.large), given the request and the services.
When = Callable[[Request, Any], Awaitable[bool]]
_E = TypeVar("_E", bound=Callable[..., Any])


@overload
def pooled(endpoint: _E) -> _E: ...
@overload
def pooled(*, when: When) -> Callable[[_E], _E]: ...
def pooled(endpoint: Any = None, *, when: When | None = None) -> Any:
    """Mark a route's endpoint (under its router's decorator) as computed in a pool process:
    every request (bare `@pooled`), or those `when` finds large."""

    def mark(fn: _E) -> _E:
        fn.pooled = True  # type: ignore[attr-defined]
        fn.pooled_when = when  # type: ignore[attr-defined]
        return fn

    return mark(endpoint) if endpoint is not None else mark


async def goes_to_pool(request: Request, when: When | None) -> Any:
    """Return the worker's pool when this request is one it computes, else None."""
    services = getattr(request.app.state, "services", None)
    pool = getattr(services, "pool", None)
    if pool is None or when is None or await when(request, services):
        return pool
    return None


class PooledRoute(APIRoute):
    """An APIRoute whose @pooled endpoint's requests go to the worker's process pool when it
    has one (CHAINRULE_POOL_PROCESSES above 0)."""

    def direct(self) -> Handler:
        """The handler that answers in this process (what a pool process runs too)."""
        return super().get_route_handler()

    def guard(self, handler: Handler) -> Handler:
        """Wrap a handler (here and in a pool process); a route class may add to it."""
        return handler

    def get_route_handler(self) -> Handler:
        """The handler in this process (`direct`), or for a @pooled endpoint the one that
        sends its requests to the pool (with `direct` as its attribute, for the pool)."""
        direct = self.guard(self.direct())
        if not getattr(self.endpoint, "pooled", False):
            return direct
        endpoint, when = self.endpoint, getattr(self.endpoint, "pooled_when", None)
        request_class = self.request_class()

        async def in_pool(request: Request) -> Response:
            ours = request_class(request.scope, request.receive)
            pool = await goes_to_pool(ours, when)
            if pool is None:
                return await direct(ours)
            response: Response = await pool.answer(endpoint, ours)
            return response

        route = self.guard(in_pool)
        route.direct = direct  # type: ignore[attr-defined]
        return route

    def request_class(self) -> type[Request]:
        """The class of this route's requests (`when` and the handler read the same one, so
        a body is read once)."""
        return Request
