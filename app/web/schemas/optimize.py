"""POST /api/optimize: the request (program, params, data or dataset) and the answer."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from app.web.schemas.common import FiniteNumber, Identifier, JSONFloat

MAX_ROWS = 100_000
MAX_STEPS = 100_000

Column = Annotated[list[FiniteNumber], Field(min_length=1, max_length=MAX_ROWS)]


class OptimizeRequest(BaseModel):
    """A per-example loss, its parameters, the data, and how to train."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "expression": "(w*x - y)^2",
                    "params": {"w": 0.0},
                    "data": {"x": [1, 2, 3], "y": [2, 4, 6]},
                    "lr": 0.05,
                    "steps": 50,
                },
                {"dataset": "noisy-line", "optimizer": "adam", "lr": 0.1, "steps": 200},
                {
                    "expression": "(a*x + b - y)^2",
                    "params": {"a": 0, "b": 0},
                    "data": "x,y\n0,1\n1,3\n2,5\n",
                },
            ]
        },
    )

    expression: str | None = Field(
        None, description="The per-example loss, e.g. (w*x - y)^2; a dataset supplies one."
    )
    params: dict[Identifier, FiniteNumber] | None = Field(
        None, max_length=100, description="Parameters to fit, with their initial values."
    )
    data: dict[Identifier, Column] | str | None = Field(
        None,
        description="Named columns of equal length (up to 100,000 rows), or CSV text with a "
        "header row of names and plain decimal numbers (digits, a point, an exponent; a bad "
        "one is a 422 naming its line and column).",
    )
    dataset: Literal["noisy-line", "sin"] | None = Field(
        None, description="A built-in dataset instead of data (see GET /api/datasets)."
    )
    reduce: Literal["mean", "sum"] | None = Field(
        None, description="How the rows' losses become one: mean (default) or sum."
    )
    optimizer: Literal["gd", "momentum", "adam"] = "gd"
    lr: float | None = Field(None, gt=0, allow_inf_nan=False, description="Learning rate.")
    steps: int | None = Field(None, ge=0, le=MAX_STEPS, description="Optimizer steps.")
    record_every: int | None = Field(
        None, ge=1, description="Record the history every this many steps (default: ~100 points)."
    )
    svg: bool = Field(
        False,
        description="Also draw the per-example graph with its reduction node as SVG.",
    )


OPTIMIZE_RESPONSE_EXAMPLE: JsonDict = {
    "params": {"w": 1.9999999999999554},
    "loss": 9.315477649130814e-27,
    "gradients": {"w": -4.169997680492088e-13},
    "history": {
        "step": [0, 25, 50],
        "loss": [18.666666666666664, 4.1783341577145333e-13, 9.315477649130814e-27],
        "w": [0.0, 1.9999997007747805, 1.9999999999999554],
    },
    "diverged": False,
    "message": None,
    "steps": 50,
    "rows": 3,
    "reduce": "mean",
    "warnings": [],
    "graph": {"output": "n6", "reduction": "reduce", "nodes": ["..."], "edges": ["..."]},
    "svg": None,
    "svg_error": None,
}
DATASET_EXAMPLE: JsonDict = {
    "name": "noisy-line",
    "description": "100 points of y = 7x plus Gaussian noise (Python random, seed 42); fit y ≈ w·x",
    "rows": 100,
    "columns": ["x", "y"],
    "expression": "(w*x - y)^2",
    "params": {"w": 0.2788535969157675},
    "reduce": "mean",
    "lr": 0.01,
    "steps": 100,
}


class OptimizeResponse(BaseModel):
    """Final parameters and loss, the recorded history, and the per-example graph."""

    model_config = ConfigDict(json_schema_extra={"examples": [OPTIMIZE_RESPONSE_EXAMPLE]})

    params: dict[str, float] = Field(description="Parameters after the last finite step.")
    loss: JSONFloat = Field(description="The reduced loss at those parameters.")
    gradients: dict[str, JSONFloat] = Field(description="d(loss)/d(param) at those parameters.")
    history: dict[str, list[float]] = Field(
        description='"step", "loss" and one list per parameter, at the recorded steps.'
    )
    diverged: bool = Field(description="True if the loss or a gradient stopped being finite.")
    message: str | None = Field(None, description="Why the run stopped early, if it did.")
    steps: int = Field(description="Steps run.")
    rows: int = Field(description="Rows of data.")
    reduce: str
    warnings: list[str] = Field(default_factory=list)
    graph: dict[str, Any] | None = Field(
        None,
        description="The per-example graph at the first row (nodes/edges as in "
        "/api/evaluate), parameter grads replaced by the reduced gradients, plus one "
        "reduction node.",
    )
    svg: str | None = Field(None, description="The picture of `graph`, when asked for.")
    svg_error: str | None = Field(None, description="Why there is no picture, if so.")


class DatasetOut(BaseModel):
    """A built-in dataset with the settings that suit it."""

    model_config = ConfigDict(json_schema_extra={"examples": [DATASET_EXAMPLE]})

    name: str
    description: str
    rows: int
    columns: list[str]
    expression: str
    params: dict[str, float]
    reduce: str
    lr: float
    steps: int


class DatasetData(DatasetOut):
    """A built-in dataset with its rows: each column as a list of numbers."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {**DATASET_EXAMPLE, "data": {"x": [-5.0, -4.9, "..."], "y": [-34.2, -33.1, "..."]}}
            ]
        }
    )

    data: dict[str, list[float]]
