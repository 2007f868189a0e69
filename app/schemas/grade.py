"""Requests of POST /api/grade and /api/grade/batch (their responses: grade_results.py)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Any, overload

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StrictInt,
    ValidationError,
    create_model,
)
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


SUBMISSION_COUNT = Field(min_length=1, max_length=MAX_SUBMISSIONS)
FORMAT: Any = Field("chainrule", description="each result's shape, as in /api/grade")


class BatchRequest(BaseModel):
    """POST /api/grade/batch: one problem, many submissions."""

    model_config = ConfigDict(strict=True, json_schema_extra={"examples": [BATCH_REQUEST_EXAMPLE]})

    problem: ProblemIn
    # (validate_lean's: a LeanSubmissions, which the route reads the same way)
    submissions: Annotated[list[Submission], SUBMISSION_COUNT]
    format: Format = FORMAT

    @classmethod
    def validate_lean(cls, data: Any) -> tuple[BatchRequest | None, list[dict[str, Any]]]:
        """Validate a large body as this model would (the same errors, in the same order),
        holding one submission's models at a time: each is checked and let go here, and
        validated again when it is graded (LeanSubmissions). Returns the request or the
        errors (their locations under "body", as FastAPI's)."""
        errors: list[dict[str, Any]] = []
        envelope: BaseModel | None = None
        try:
            envelope = _Envelope.model_validate(data)
        except ValidationError as exc:
            errors.extend(dict(e) for e in exc.errors())
        raw = data.get("submissions") if isinstance(data, dict) else None
        if isinstance(raw, list) and not any(e["loc"] == ("submissions",) for e in errors):
            for index, item in enumerate(raw):
                try:
                    Submission.model_validate(item)
                except ValidationError as exc:
                    where = ("submissions", index)
                    errors.extend({**e, "loc": (*where, *e["loc"])} for e in exc.errors())
        if errors:
            order = list(cls.model_fields)
            errors.sort(key=lambda e: order.index(e["loc"][0]) if e["loc"] else -1)
            return None, [{**e, "loc": ("body", *e["loc"])} for e in errors]
        assert envelope is not None and isinstance(raw, list)
        fields = {**dict(envelope), "submissions": LeanSubmissions(raw)}
        return cls.model_construct(envelope.model_fields_set, **fields), []


# A batch's fields with its submissions left as decoded (their count checked), named as the
# body is in pydantic's messages ("a valid dictionary or instance of BatchRequest").
_Envelope = create_model(
    "BatchRequest",
    __config__=ConfigDict(strict=True),
    problem=(ProblemIn, ...),
    submissions=(Annotated[list[Any], SUBMISSION_COUNT], ...),
    format=(Format, FORMAT),
)


class LeanSubmissions(Sequence[Submission]):
    """A checked batch's submissions as decoded, each validated into a Submission when it
    is read (a thousand submissions' models would be ~40 MB at once)."""

    def __init__(self, raw: list[Any]) -> None:
        self._raw = raw

    def __len__(self) -> int:
        return len(self._raw)

    @overload
    def __getitem__(self, index: int) -> Submission: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Submission]: ...
    def __getitem__(self, index: int | slice) -> Submission | Sequence[Submission]:
        if isinstance(index, slice):
            return LeanSubmissions(self._raw[index])
        return Submission.model_validate(self._raw[index])

    def __iter__(self) -> Iterator[Submission]:
        return (Submission.model_validate(item) for item in self._raw)
