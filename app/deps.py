"""FastAPI dependencies: a route reaches the request's budget, the settings and the
application's services one way, ContextDep (or ServicesDep when it does no budgeted work).

The request's one work budget is made here, once per request (FastAPI resolves a
dependency once per request, however many routes' parameters ask for it); every layer
below takes that budget as a required parameter and charges it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings
from app.services import Services
from chainrule.budget import Budget


async def get_services(request: Request) -> Services:
    """Return the application's shared services (a FastAPI dependency).

    Async on purpose: FastAPI runs a plain `def` dependency in its thread pool, a hop
    that costs more than everything this one does.
    """
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def request_budget(settings: Settings) -> Budget:
    """Return a fresh work budget for one request, at the settings' CHAINRULE_BUDGET_* limits."""
    return Budget(settings.budget_limits())


def stream_budget(settings: Settings) -> Budget:
    """Return one stream's budget: a request's, with the stream's wall clock
    (CHAINRULE_LIVE_WALL_SECONDS) for the time it may run."""
    limits = dataclasses.replace(settings.budget_limits(), wall_seconds=settings.live_wall_seconds)
    return Budget(limits)


@dataclass(frozen=True)
class RequestContext:
    """One request's work budget, with the settings and services it is spent through."""

    budget: Budget
    settings: Settings
    services: Services


async def get_context(services: ServicesDep) -> RequestContext:
    """Return this request's context: its one budget, made now (a FastAPI dependency)."""
    return RequestContext(request_budget(services.settings), services.settings, services)


async def get_stream_context(services: ServicesDep) -> RequestContext:
    """Return a streamed run's context: its one budget has the stream's wall clock."""
    return RequestContext(stream_budget(services.settings), services.settings, services)


ContextDep = Annotated[RequestContext, Depends(get_context)]
StreamContextDep = Annotated[RequestContext, Depends(get_stream_context)]
