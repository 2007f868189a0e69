"""GET /api/examples: the gallery of programs with starting values."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.examples import EXAMPLES

router = APIRouter(prefix="/api", tags=["examples"])


class ExampleOut(BaseModel):
    """One gallery entry."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "chain-rule",
                    "title": "The chain rule, step by step",
                    "explanation": "e = (a+b)(b+1) with its intermediates named.",
                    "expression": "c = a + b\nd = b + 1\ne = c * d",
                    "values": {"a": 2, "b": 1},
                }
            ]
        }
    )

    id: str = Field(description="A stable slug.")
    title: str
    explanation: str = Field(description="One line on what the example shows.")
    expression: str
    values: dict[str, float]


@router.get("/examples", response_model=list[ExampleOut], summary="The example gallery")
def examples() -> list[ExampleOut]:
    """Return every example; each evaluates as given with POST /api/evaluate."""
    return [ExampleOut(**asdict(e)) for e in EXAMPLES]
