"""Requests and responses of POST /api/grade and /api/grade/batch (Gradescope's shape)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt

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


class GradeResult(BaseModel):
    """Gradescope's results.json shape: total score and one test per answer."""

    score: float
    max_score: float
    gradable: bool
    tests: list[TestOut]


class Submission(BaseModel):
    """One student's answers, with an id echoed back."""

    model_config = ConfigDict(strict=True)

    id: Annotated[str, Field(max_length=MAX_NAME)] | StrictInt
    answers: Answers


class BatchRequest(BaseModel):
    """POST /api/grade/batch: one problem, many submissions."""

    model_config = ConfigDict(strict=True)

    problem: ProblemIn
    submissions: Annotated[list[Submission], Field(min_length=1, max_length=MAX_SUBMISSIONS)]


class SubmissionResult(GradeResult):
    """One submission's result."""

    id: str | int


class BatchResult(BaseModel):
    """Results in submission order."""

    results: list[SubmissionResult]
