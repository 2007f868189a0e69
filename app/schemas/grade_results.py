"""Responses of POST /api/grade and /api/grade/batch: chainrule's, Gradescope's, PrairieLearn's."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue
from pydantic.config import JsonDict

from chainrule.grading.spec import Visibility


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


class SubmissionResult(GradeResult):
    """One submission's result."""

    id: str | int


class GradescopeSubmissionResult(GradescopeResult):
    """One submission's result, format gradescope."""

    id: str | int


class PrairieLearnSubmissionResult(PrairieLearnResult):
    """One submission's result, format prairielearn."""

    id: str | int


class BatchResult(BaseModel):
    """Results in submission order."""

    model_config = ConfigDict(json_schema_extra={"examples": [BATCH_RESULT_EXAMPLE]})

    results: list[SubmissionResult | GradescopeSubmissionResult | PrairieLearnSubmissionResult]
