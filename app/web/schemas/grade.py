"""Requests and responses of POST /api/grade and /api/grade/batch (Gradescope's shape)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StrictFloat, StrictInt
from pydantic.config import JsonDict

from app.grading import Options

MAX_ANSWERS = 100
MAX_SAMPLES = 100
MAX_SUBMISSIONS = 1_000
MAX_VALUES = 1_000
MAX_EXPRESSION = 100_000
MAX_FORMULA = 2_000
MAX_NAME = 200

NodeName = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
Finite = Annotated[float, Field(allow_inf_nan=False)]


class AnswerIn(BaseModel):
    """One answer: the value of `of`, or ∂of/∂wrt, as a number or a formula."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
    of: NodeName | None = Field(None, description="the node asked about (default: the output)")
    wrt: NodeName | None = Field(None, description="differentiate of with respect to this node")
    answer: StrictFloat | StrictInt | Annotated[str, Field(max_length=MAX_FORMULA)] = Field(
        description="a number, or a formula over the inputs and named nodes such as 'c + d'"
    )
    points: Annotated[float, Field(ge=0, le=1e6, allow_inf_nan=False)] = 1.0


class ProblemIn(BaseModel):
    """A problem: the program, its input values and how answers are compared."""

    model_config = ConfigDict(strict=True)

    expression: Annotated[str, Field(min_length=1, max_length=MAX_EXPRESSION)]
    values: Annotated[dict[NodeName, Finite], Field(max_length=MAX_VALUES)] = {}
    rtol: Annotated[float, Field(ge=0, le=1)] = 1e-6
    atol: Annotated[float, Field(ge=0, le=1e12)] = 1e-9
    samples: Annotated[int, Field(ge=0, le=MAX_SAMPLES)] = 5
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None
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


class QuestionIn(BaseModel):
    """A question of a problem file: what is asked and what it is worth (no answer)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
    of: NodeName | None = None
    wrt: NodeName | None = None
    points: Annotated[float, Field(ge=0, le=1e6, allow_inf_nan=False)] = 1.0


class ProblemFile(ProblemIn):
    """`chainrule grade`'s problem.json: a problem, optionally with its questions."""

    questions: Annotated[list[QuestionIn], Field(min_length=1, max_length=MAX_ANSWERS)] | None = (
        None
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
