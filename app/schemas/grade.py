"""Requests of POST /api/grade and /api/grade/batch (their responses: grade_results.py)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StrictInt
from pydantic.config import JsonDict

from chainrule.grading import Expect, Options
from chainrule.grading import spec as rules
from chainrule.grading.answers import MAX_FORMULA
from chainrule.grading.formats import Format
from chainrule.grading.spec import MAX_ANSWERS, MAX_NAME, PROBLEM, QUESTION, VISIBILITY, Visibility

MAX_SUBMISSIONS = 1_000


def bounds(rule: rules.Field) -> Any:
    """The rule's bounds as pydantic's constraints (for Annotated)."""
    low, high = int(rule.low), int(rule.high)
    if rule.kind == "number":
        return Field(ge=rule.low, le=rule.high, allow_inf_nan=False)
    if rule.kind == "whole":
        return Field(ge=low, le=high)
    if rule.kind in ("text", "label"):
        return Field(min_length=low, max_length=high)
    if rule.kind == "texts":
        return Field(max_length=rule.items)
    if rule.kind == "values":
        return Field(max_length=high)
    return Field()


def default(rule: rules.Field) -> Any:
    """The rule's default (none when it is required) and its description."""
    return Field(... if rule.required else rule.default, description=rule.description or None)


Q, P = QUESTION, PROBLEM
NodeName = Annotated[str, bounds(Q["name"])]
Tag = Annotated[str, Field(max_length=int(Q["tags"].high))]


class AnswerIn(BaseModel):
    """One answer: the value of `of`, or ∂of/∂wrt, as a number or a formula."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: NodeName = default(Q["name"])
    of: Annotated[str, bounds(Q["of"])] | None = default(Q["of"])
    wrt: Annotated[str, bounds(Q["wrt"])] | None = default(Q["wrt"])
    answer: JsonValue = Field(
        description='a number (also as text: "2", " 5.0 "), a formula over the inputs '
        f"and named nodes such as 'c + d' (at most {MAX_FORMULA:,} characters), or null for "
        "no answer; anything else (true, a list, a number too large for a float) fails this "
        "one answer with a message, not the request"
    )
    points: Annotated[float, bounds(Q["points"])] = default(Q["points"])
    expect: Expect = default(Q["expect"])
    rtol: Annotated[float, bounds(Q["rtol"])] | None = default(Q["rtol"])
    atol: Annotated[float, bounds(Q["atol"])] | None = default(Q["atol"])
    visibility: Visibility | None = default(Q["visibility"])
    number: Annotated[str, bounds(Q["number"])] | None = default(Q["number"])
    tags: Annotated[list[Tag], bounds(Q["tags"])] | None = default(Q["tags"])
    description: Annotated[str, bounds(Q["description"])] | None = default(Q["description"])


class ProblemIn(BaseModel):
    """A problem: the program, its input values and how answers are compared."""

    model_config = ConfigDict(strict=True)

    expression: Annotated[str, bounds(P["expression"])] = default(P["expression"])
    values: Annotated[
        dict[NodeName, Annotated[float, Field(allow_inf_nan=False)]], bounds(P["values"])
    ] = default(P["values"])
    rtol: Annotated[float, bounds(P["rtol"])] = default(P["rtol"])
    atol: Annotated[float, bounds(P["atol"])] = default(P["atol"])
    samples: Annotated[int, bounds(P["samples"])] = default(P["samples"])
    seed: Annotated[int, bounds(P["seed"])] | None = default(P["seed"])
    reveal: bool = default(P["reveal"])

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
    visibility: Visibility | None = default(VISIBILITY)


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
