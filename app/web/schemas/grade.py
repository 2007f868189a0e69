"""Requests and responses of POST /api/grade and /api/grade/batch (Gradescope's shape)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StrictFloat, StrictInt
from pydantic.config import JsonDict

from app.grading import Expect, Options
from app.grading.answers import MAX_FORMULA
from app.grading.formats import Format
from app.grading.spec import (
    MAX_ANSWERS,
    MAX_ATOL,
    MAX_EXPRESSION,
    MAX_NAME,
    MAX_POINTS,
    MAX_SAMPLES,
    MAX_SEED,
    MAX_VALUES,
)

MAX_SUBMISSIONS = 1_000

NodeName = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Visibility = Literal["visible", "hidden", "after_due_date", "after_published"]
Tag = Annotated[str, Field(max_length=MAX_NAME)]
Rtol = Annotated[float, Field(ge=0, le=1)]
Atol = Annotated[float, Field(ge=0, le=MAX_ATOL)]


class AnswerIn(BaseModel):
    """One answer: the value of `of`, or ∂of/∂wrt, as a number or a formula."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
    of: NodeName | None = Field(None, description="the node asked about (default: the output)")
    wrt: NodeName | None = Field(None, description="differentiate of with respect to this node")
    answer: StrictFloat | StrictInt | Annotated[str, Field(max_length=MAX_FORMULA)] | None = Field(
        description='a number (also as text: "2", " 5.0 "), a formula over the inputs '
        "and named nodes such as 'c + d', or null for no answer"
    )
    points: Annotated[float, Field(ge=0, le=MAX_POINTS, allow_inf_nan=False)] = 1.0
    expect: Expect = Field(
        "either",
        description="number: a formula is refused (a constant one such as 1/3 is read); "
        "formula: a number is checked as a constant formula, at random points too",
    )
    rtol: Rtol | None = Field(None, description="this answer's rtol (default: the problem's)")
    atol: Atol | None = Field(None, description="this answer's atol (default: the problem's)")
    visibility: Visibility | None = Field(None, description="Gradescope's test visibility")
    number: Annotated[str, Field(max_length=MAX_NAME)] | None = Field(
        None, description="Gradescope's test number, such as '1.2'"
    )
    tags: Annotated[list[Tag], Field(max_length=20)] | None = None


class ProblemIn(BaseModel):
    """A problem: the program, its input values and how answers are compared."""

    model_config = ConfigDict(strict=True)

    expression: Annotated[str, Field(min_length=1, max_length=MAX_EXPRESSION)]
    values: Annotated[dict[NodeName, Finite], Field(max_length=MAX_VALUES)] = {}
    rtol: Rtol = 1e-6
    atol: Atol = 1e-9
    samples: Annotated[int, Field(ge=0, le=MAX_SAMPLES)] = 5
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] | None = None
    reveal: bool = Field(True, description="false hides the expected values from the feedback")

    def options(self) -> Options:
        """Return the grading options."""
        return Options(self.rtol, self.atol, self.samples, self.seed, self.reveal)


Answers = Annotated[list[AnswerIn], Field(min_length=1, max_length=MAX_ANSWERS)]


class GradeRequest(ProblemIn):
    """POST /api/grade: a problem plus one list of answers."""

    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "expression": "c = a + b; d = b + 1; e = c * d",
                    "values": {"a": 2, "b": 1},
                    "answers": [
                        {"name": "de/dc", "wrt": "c", "answer": "d"},
                        {"name": "de/db", "wrt": "b", "answer": 5},
                    ],
                }
            ]
        },
    )

    answers: Answers
    format: Format = Field(
        "chainrule",
        description="chainrule (this API's shape), gradescope (strictly Gradescope's "
        "results.json keys) or prairielearn (score in [0, 1], points/max_points per test)",
    )
    visibility: Visibility | None = Field(
        None, description="Gradescope's visibility of the whole result (format gradescope)"
    )


class TestOut(BaseModel):
    """One answer's result (a Gradescope test)."""

    name: str
    score: float
    max_score: float
    status: Literal["passed", "failed"]
    output: str
    gradable: bool = True
    extra_data: dict[str, Any] | None = None


_EXAMPLE_TESTS: list[JsonValue] = [
    {
        "name": "de/dc",
        "score": 1.0,
        "max_score": 1.0,
        "status": "passed",
        "output": "correct: d is ∂e/∂c (checked at the given values and at 5 random points "
        "near them)",
    },
    {
        "name": "de/dc as 2*b",
        "score": 0.0,
        "max_score": 1.0,
        "status": "failed",
        "output": "2*b is not ∂e/∂c: at a = 2.876, b = 1.116 it gives 2.232, expected 2.116",
    },
    {
        "name": "de/db",
        "score": 1.0,
        "max_score": 1.0,
        "status": "passed",
        "output": "correct (∂e/∂b = 5)",
    },
]
GRADE_RESULT_EXAMPLE: JsonDict = {
    "score": 2.0,
    "max_score": 3.0,
    "gradable": True,
    "tests": _EXAMPLE_TESTS,
}


class GradeResult(BaseModel):
    """Gradescope's results.json shape: total score and one test per answer."""

    model_config = ConfigDict(json_schema_extra={"examples": [GRADE_RESULT_EXAMPLE]})

    score: float
    max_score: float
    gradable: bool
    tests: list[TestOut]


class GradescopeTest(BaseModel):
    """One test of Gradescope's results.json (only its documented keys)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    score: float
    max_score: float
    status: Literal["passed", "failed"]
    output: str
    output_format: Literal["text"]
    number: str | None = None
    tags: list[str] | None = None
    visibility: Visibility | None = None
    extra_data: dict[str, Any] | None = None


class GradescopeResult(BaseModel):
    """format gradescope: Gradescope's results.json (our own data is under extra_data)."""

    model_config = ConfigDict(extra="forbid")

    score: float
    output: str
    output_format: Literal["text"]
    tests: list[GradescopeTest]
    visibility: Visibility | None = None
    extra_data: dict[str, Any] | None = None


class PrairieLearnTest(BaseModel):
    """One test of PrairieLearn's external grading results."""

    model_config = ConfigDict(extra="forbid")

    name: str
    points: float
    max_points: float
    message: str
    output: str
    description: str | None = None


class PrairieLearnResult(BaseModel):
    """format prairielearn: PrairieLearn's results.json (score is a fraction in [0, 1])."""

    model_config = ConfigDict(extra="forbid")

    gradable: bool
    score: Annotated[float, Field(ge=0, le=1)]
    message: str
    output: str
    tests: list[PrairieLearnTest]
    format_errors: list[str] | None = None


AnyGradeResult = GradeResult | GradescopeResult | PrairieLearnResult


BATCH_REQUEST_EXAMPLE: JsonDict = {
    "problem": {"expression": "c = a + b; d = b + 1; e = c * d", "values": {"a": 2, "b": 1}},
    "submissions": [
        {"id": "alice", "answers": [{"name": "de/dc", "wrt": "c", "answer": "d"}]},
        {"id": "bob", "answers": [{"name": "de/dc", "wrt": "c", "answer": 3}]},
    ],
}
BATCH_RESULT_EXAMPLE: JsonDict = {
    "results": [
        {
            **GRADE_RESULT_EXAMPLE,
            "id": "alice",
            "score": 1.0,
            "max_score": 1.0,
            "tests": _EXAMPLE_TESTS[:1],
        },
        {
            "id": "bob",
            "score": 0.0,
            "max_score": 1.0,
            "gradable": True,
            "tests": [
                {
                    "name": "de/dc",
                    "score": 0.0,
                    "max_score": 1.0,
                    "status": "failed",
                    "output": "expected ∂e/∂c = 2 (within 2e-06), got 3",
                }
            ],
        },
    ]
}


class Submission(BaseModel):
    """One student's answers, with an id echoed back."""

    model_config = ConfigDict(strict=True)

    id: Annotated[str, Field(max_length=MAX_NAME)] | StrictInt
    answers: Answers


class BatchRequest(BaseModel):
    """POST /api/grade/batch: one problem, many submissions."""

    model_config = ConfigDict(strict=True, json_schema_extra={"examples": [BATCH_REQUEST_EXAMPLE]})

    problem: ProblemIn
    submissions: Annotated[list[Submission], Field(min_length=1, max_length=MAX_SUBMISSIONS)]


class SubmissionResult(GradeResult):
    """One submission's result."""

    id: str | int


class BatchResult(BaseModel):
    """Results in submission order."""

    model_config = ConfigDict(json_schema_extra={"examples": [BATCH_RESULT_EXAMPLE]})

    results: list[SubmissionResult]
