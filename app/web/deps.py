"""FastAPI dependencies: the routes reach the application's services one way, ServicesDep."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.web.services import Services


async def get_services(request: Request) -> Services:
    """Return the application's shared services (a FastAPI dependency).

    Async on purpose: FastAPI runs a plain `def` dependency in its thread pool, a hop
    that costs more than everything this one does.
    """
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
