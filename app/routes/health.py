"""GET /api/health: liveness for load balancers and the Docker HEALTHCHECK."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.schemas.service import VERSION, Health
from chainrule.render import graphviz_version

router = APIRouter(prefix="/api", tags=["health"])


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "graphviz `dot` is missing."}},
    summary="Is the service up, and can it draw?",
)
async def health() -> JSONResponse:
    """Report the version and graphviz's; 503 when `dot` is missing (no drawings).

    Async: the version is looked up once and cached, so no thread-pool hop is needed.
    """
    dot = graphviz_version()
    body = Health(status="ok" if dot else "unavailable", version=VERSION, graphviz=dot)
    return JSONResponse(body.model_dump(), status_code=200 if dot else 503)
