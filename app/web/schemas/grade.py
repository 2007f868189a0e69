"""Requests of POST /api/grade and /api/grade/batch (their responses: grade_results.py)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StrictInt
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
from app.web.schemas.grade_results import Visibility

MAX_SUBMISSIONS = 1_000

NodeName = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Tag = Annotated[str, Field(max_length=MAX_NAME)]
Rtol = Annotated[float, Field(ge=0, le=1)]
Atol = Annotated[float, Field(ge=0, le=MAX_ATOL)]


class AnswerIn(BaseModel):
    """One answer: the value of `of`, or ∂of/∂wrt, as a number or a formula."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
    of: NodeName | None = Field(None, description="the node asked about (default: the output)")
    wrt: NodeName | None = Field(None, description="differentiate of with respect to this node")
    answer: JsonValue = Field(
        description='a number (also as text: "2", " 5.0 "), a formula over the inputs '
        f"and named nodes such as 'c + d' (at most {MAX_FORMULA:,} characters), or null for "
        "no answer; anything else (true, a list, a number too large for a float) fails this "
        "one answer with a message, not the request"
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


BATCH_REQUEST_EXAMPLE: JsonDict = {
    "problem": {"expression": "c = a + b; d = b + 1; e = c * d", "values": {"a": 2, "b": 1}},
    "submissions": [
        {"id": "alice", "answers": [{"name": "de/dc", "wrt": "c", "answer": "d"}]},
        {"id": "bob", "answers": [{"name": "de/dc", "wrt": "c", "answer": 3}]},
    ],
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
    format: Format = Field("chainrule", description="each result's shape, as in /api/grade")
