"""GET /api/health: liveness for load balancers and the Docker HEALTHCHECK."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.render import graphviz_version

try:
    VERSION = version("chainrule")  # pyproject.toml's, as installed
except PackageNotFoundError:  # running from a source tree that was never installed
    VERSION = "0+unknown"

router = APIRouter(prefix="/api", tags=["health"])


class Health(BaseModel):
    """Service status."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ok", "version": VERSION, "graphviz": "2.43.0"}]}
    )

    status: str = Field(description='"ok", or "unavailable" when graphviz is missing.')
    version: str = Field(description="The chainrule version.")
    graphviz: str | None = Field(description="The version of graphviz `dot`, or null.")


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
