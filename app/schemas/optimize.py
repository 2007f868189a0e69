"""POST /api/optimize: the request (program, params, data or dataset) and the answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from app.schemas.common import FiniteNumber, Identifier, JSONFloat
from app.schemas.evaluate import NoticeOut
from chainrule.render.style import DRAW_DEFAULTS, PRECISION
from chainrule.train.bounds import DEFAULT_BOUNDS
from chainrule.train.fit import GRID_POINTS, FitRequest

if TYPE_CHECKING:  # (imported where used: NumPy only in a process that trains)
    from chainrule.train.run import RunRequest

MAX_ROWS = DEFAULT_BOUNDS.max_rows  # the settings' defaults (CHAINRULE_OPTIMIZE_MAX_*)
MAX_STEPS = DEFAULT_BOUNDS.max_steps
MAX_FIT_POINTS = 1_000
MAX_PARAMS = 10_000  # the schema's ceiling; the real limit is CHAINRULE_OPTIMIZE_MAX_PARAMS
# The most steps a resumed run may say it has taken (start, an optimizer's t): far past any
# run's wall clock, and a number every layer holds exactly.
MAX_RESUMED_STEPS = 10**12

DatasetName = Literal["noisy-line", "sin", "moons", "circles", "xor", "spirals", "blobs"]
Column = Annotated[list[FiniteNumber], Field(min_length=1, max_length=MAX_ROWS)]


class FitIn(BaseModel):
    """Ask for the fitted model's predictions on a grid of its one data column."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{}, {"model": "w*x", "n": 50}]}
    )

    model: str | None = Field(
        None,
        max_length=2_000,
        description="The model, e.g. w*x; by default the MODEL of a loss (MODEL - t)^2 "
        "or (t - MODEL)^2 whose t is a data column.",
    )
    column: Identifier | None = Field(
        None, description="The data column on the x axis (default: the model's one column)."
    )
    lo: FiniteNumber | None = Field(None, description="Grid start (default: the column's least).")
    hi: FiniteNumber | None = Field(None, description="Grid end (default: the column's greatest).")
    n: int = Field(GRID_POINTS, ge=2, le=MAX_FIT_POINTS, description="Grid points.")

    def fit_request(self) -> FitRequest:
        """Return the training layer's form of this request."""
        return FitRequest(self.model, self.column, self.lo, self.hi, self.n)


class FitPoints(BaseModel):
    """The data drawn under the fit: the target column against the x column (thinned)."""

    x: list[float]
    y: list[float]


class FitOut(BaseModel):
    """The fitted model on a grid, the data's points, and a sentence saying what is drawn."""

    model: str | None = Field(description="The model's text (the loss's MODEL, or the one given).")
    column: str | None = Field(description="The data column on the x axis.")
    target: str | None = Field(description="The data column the model predicts.")
    x: list[float] = Field(description="The grid; empty when the fit cannot be drawn.")
    y: list[float | None] = Field(description="The model at each grid point (null: no number).")
    points: FitPoints | None = Field(description="The data, when it has the target column.")
    note: str = Field(description="What is drawn, or why nothing is.")


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
                    "fit": {"n": 5},
                },
            ]
        },
    )

    expression: str | None = Field(
        None, description="The per-example loss, e.g. (w*x - y)^2; a dataset supplies one."
    )
    params: dict[Identifier, FiniteNumber] | None = Field(
        None,
        max_length=MAX_PARAMS,
        description="Parameters to fit, with their initial values (at most the setting "
        f"CHAINRULE_OPTIMIZE_MAX_PARAMS, {DEFAULT_BOUNDS.max_params:,} by default; the work "
        "budget bounds the rest).",
    )
    data: dict[Identifier, Column] | str | None = Field(
        None,
        description="Named columns of equal length (up to 100,000 rows and 1,000 columns, "
        "the settings CHAINRULE_OPTIMIZE_MAX_ROWS and _MAX_COLUMNS), or CSV text with a "
        "header row of names and plain decimal numbers (digits, a point, an exponent; a bad "
        "one is a 422 naming its line and column).",
    )
    dataset: DatasetName | None = Field(
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
    fit: FitIn | None = Field(
        None, description="Also answer the fitted model's predictions on a grid (`fit`)."
    )

    def run_request(self, record_every: int | None = None) -> RunRequest:
        """Return the training run this body asks for (one trajectory: /api/optimize and
        the stream both start from it)."""
        from chainrule.train.run import RunRequest

        return RunRequest(
            expression=self.expression,
            params=self.params,
            data=self.data,
            dataset=self.dataset,
            reduce=self.reduce,
            optimizer=self.optimizer,
            lr=self.lr,
            steps=self.steps,
            record_every=record_every,
            fit=self.fit.fit_request() if self.fit is not None else None,
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
    "notices": [],
    "graph": {"output": "n6", "reduction": "reduce", "nodes": ["..."], "edges": ["..."]},
    "svg": None,
    "svg_error": None,
    "fit": {
        "model": "w*x",
        "column": "x",
        "target": "y",
        "x": [1.0, 2.0, 3.0],
        "y": [1.9999999999999554, 3.999999999999911, 5.999999999999866],
        "points": {"x": [1.0, 2.0, 3.0], "y": [2.0, 4.0, 6.0]},
        "note": "w*x with the fitted parameters, over the data (y against x).",
    },
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
    notices: list[NoticeOut] = Field(
        default_factory=list, description="The same warnings, each with its code."
    )
    graph: dict[str, Any] | None = Field(
        None,
        description="The per-example graph at the first row (nodes/edges as in "
        "/api/evaluate), parameter grads replaced by the reduced gradients, plus one "
        "reduction node.",
    )
    svg: str | None = Field(None, description="The picture of `graph`, when asked for.")
    svg_error: str | None = Field(None, description="Why there is no picture, if so.")
    fit: FitOut | None = Field(None, description="The fitted model on a grid, when asked for.")


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
    classes: int = Field(0, description="0 for regression; else one-hot columns c0, c1, ...")


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


class CsvIn(BaseModel):
    """CSV text to read as /api/optimize reads its `data`."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"data": "x,y\n0,1\n1,3\n2,5\n"}]}
    )

    data: str = Field(description="A header row of names, then rows of plain decimal numbers.")


class CsvOut(BaseModel):
    """What the CSV holds: its columns' names, in order, and its number of rows."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"columns": ["x", "y"], "rows": 3}]})

    columns: list[str]
    rows: int


class AxisIn(BaseModel):
    """One axis of the grid the model is evaluated on: a data column from lo to hi."""

    model_config = ConfigDict(extra="forbid")

    column: Identifier
    lo: FiniteNumber
    hi: FiniteNumber
    n: int = Field(32, ge=2, le=256, description="Points along the axis.")


class StateIn(BaseModel):
    """An optimizer's state, as a snapshot sent it: send it back to resume exactly there."""

    model_config = ConfigDict(extra="forbid")

    optimizer: Literal["gd", "momentum", "adam"]
    t: int = Field(
        ge=0,
        le=MAX_RESUMED_STEPS,
        description="Optimizer steps taken so far (Adam's bias correction).",
    )
    m: dict[Identifier, FiniteNumber] | None = Field(
        None, max_length=MAX_PARAMS, description="Momentum's velocity, or Adam's first moment."
    )
    v: dict[Identifier, Annotated[FiniteNumber, Field(ge=0)]] | None = Field(
        None,
        max_length=MAX_PARAMS,
        description="Adam's second moment: a mean of squares, never negative.",
    )


class OptimizeStreamRequest(OptimizeRequest):
    """/api/optimize's body plus how often to report and what the live views need."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "dataset": "moons",
                    "optimizer": "adam",
                    "lr": 0.03,
                    "steps": 100,
                    "every": 10,
                    "trace": {"x1": 0.5, "x2": 0.25, "c0": 1, "c1": 0},
                    "grid": [
                        {"column": "x1", "lo": -2, "hi": 2, "n": 24},
                        {"column": "x2", "lo": -2, "hi": 2, "n": 24},
                    ],
                    "predict": ["out"],
                }
            ]
        },
    )

    every: int = Field(1, ge=1, description="Send a snapshot every this many steps.")
    start: int = Field(
        0, ge=0, le=MAX_RESUMED_STEPS, description="The step the params are at (when resuming)."
    )
    state: StateIn | None = Field(
        None, description="The optimizer state of the snapshot to resume from."
    )
    trace: dict[Identifier, FiniteNumber] | None = Field(
        None,
        max_length=64,
        description="The traced datapoint: a value for every data column the program reads.",
    )
    grid: list[AxisIn] = Field(
        default_factory=list, max_length=2, description="One axis (a curve) or two (a plane)."
    )
    predict: list[Identifier] = Field(
        default_factory=list,
        max_length=16,
        description="Named lines of the program evaluated on the grid (the model's outputs).",
    )
    precision: int = Field(
        DRAW_DEFAULTS.precision,
        ge=PRECISION[0],
        le=PRECISION[1],
        description="Significant digits of the trace texts.",
    )
    fit: None = Field(None, description="Not in a stream: `grid` and `predict` draw the model.")


class NetworkOut(BaseModel):
    """A network written as a program, with seeded starting parameters."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "expression": "# A 2-1 network ...\nout = wo_1*x1 + wo_2*x2 + bo\n"
                    "s = c1 - c0  # the label as +1 or -1\nloss = log(1 + exp(-s*out))\n",
                    "params": {"wo_1": 0.31, "wo_2": -0.5, "bo": 0.0},
                    "predict": ["out"],
                    "columns": ["x1", "x2", "c0", "c1"],
                }
            ]
        }
    )

    expression: str
    params: dict[str, float]
    predict: list[str] = Field(description="The named lines holding the model's outputs.")
    columns: list[str] = Field(description="The data columns the program reads.")
