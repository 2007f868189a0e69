"""GET /api/examples: the gallery of programs with starting values."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from app.examples import EXAMPLES
from app.schemas.service import ExampleOut

router = APIRouter(prefix="/api", tags=["examples"])


@router.get("/examples", response_model=list[ExampleOut], summary="The example gallery")
def examples() -> list[ExampleOut]:
    """Return every example; each evaluates as given with POST /api/evaluate."""
    return [ExampleOut(**asdict(e)) for e in EXAMPLES]
