"""Responses of the service's own routes: GET /api/health and GET /api/examples."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from pydantic import BaseModel, ConfigDict, Field

try:
    VERSION = version("chainrule")  # pyproject.toml's, as installed
except PackageNotFoundError:  # running from a source tree that was never installed
    VERSION = "0+unknown"


class Health(BaseModel):
    """Service status."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ok", "version": VERSION, "graphviz": "2.43.0"}]}
    )

    status: str = Field(description='"ok", or "unavailable" when graphviz is missing.')
    version: str = Field(description="The chainrule version.")
    graphviz: str | None = Field(description="The version of graphviz `dot`, or null.")


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
