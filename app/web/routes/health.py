"""GET /api/health: liveness for load balancers and the Docker HEALTHCHECK."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(prefix="/api", tags=["health"])


class Health(BaseModel):
    """Service status."""

    status: str
    version: str


@router.get("/health", response_model=Health)
def health() -> Health:
    """Report that the service is up."""
    return Health(status="ok", version="0.1.0")
