"""The API's grading requests are built from the fields chainrule/grading/spec.py describes, so
`chainrule grade`'s standard-library reader and POST /api/grade accept and refuse alike:
the same fields, defaults and bounds, checked at the edges of every bound."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any, get_args

import pytest
from pydantic import BaseModel, ValidationError

from app.schemas.grade import AnswerIn, BatchRequest, GradeRequest, ProblemIn
from chainrule.grading import spec
from chainrule.grading.spec import PROBLEM_FIELDS, QUESTION_FIELDS, VISIBILITY, Field

ABSENT = object()


def edges(rule: Field) -> Iterator[Any]:
    """Values at and just beyond each of the rule's bounds, and values of other kinds."""
    low, high = rule.low, rule.high
    yield None
    yield ABSENT
    if rule.kind in ("text", "label"):
        n, m = int(low), int(high)
        yield from ("x" * n, "x" * m, "x" * (m + 1), ["x"], True)
        if n > 0:
            yield "x" * (n - 1)
    if rule.kind == "number":
        step = max(1.0, high * 1e-6)
        yield from (low, high, int(low), high + step, low - step, "1", True, 10**400)
    if rule.kind == "whole":
        yield from (int(low), int(high), int(high) + 1, int(low) - 1, 1.5, "1", True)
    if rule.kind == "flag":
        yield from (True, False, "no", 1, 0)
    if rule.kind == "choice":
        yield from (*rule.choices, "nope", 1)
    if rule.kind == "texts":
        m = int(high)
        yield from ([], ["x" * m] * rule.items, ["x"] * (rule.items + 1), ["x" * (m + 1)])
        yield from ("t", [1], [None])
    if rule.kind == "values":
        m = int(high)
        yield from ({}, {"a": 1.5, "b": -2}, {"x" * spec.MAX_NAME: 1}, {"x" * 201: 1})
        yield from ({"": 1}, {"a": "2"}, {"a": True}, {"a": 10**400}, [1, 2])
        yield from ({f"v{i}": 1 for i in range(m)}, {f"v{i}": 1 for i in range(m + 1)})


def accepts(read: Callable[[], object]) -> bool:
    try:
        read()
    except (ValueError, ValidationError):  # pydantic's ValidationError is a ValueError
        return False
    return True


def cases(fields: tuple[Field, ...]) -> list[tuple[Field, Any]]:
    return [(rule, x) for rule in fields for x in edges(rule)]


def with_field(base: dict[str, Any], rule: Field, x: Any) -> dict[str, Any]:
    out = {k: v for k, v in base.items() if k != rule.name}
    return out if x is ABSENT else {**out, rule.name: x}


def ids(case: tuple[Field, Any]) -> str:
    rule, x = case
    shown = "absent" if x is ABSENT else repr(x)
    return f"{rule.name}={shown[:30]}"


@pytest.mark.parametrize("case", cases(QUESTION_FIELDS), ids=ids)
def test_a_question_is_read_alike_by_the_file_reader_and_the_api(case: tuple[Field, Any]) -> None:
    rule, x = case
    data = with_field({"name": "q", "answer": None}, rule, x)
    by_file = accepts(lambda: spec.question(data, "q", ["answer"]))
    by_api = accepts(lambda: AnswerIn.model_validate_json(json.dumps(data)))
    if rule.kind == "label" and isinstance(x, int | float) and not isinstance(x, bool):
        assert by_file and not by_api  # a file may write a test number as a JSON number
    else:
        assert by_file == by_api, (by_file, by_api)


@pytest.mark.parametrize("case", cases(PROBLEM_FIELDS), ids=ids)
def test_a_problem_is_read_alike_by_the_file_reader_and_the_api(case: tuple[Field, Any]) -> None:
    rule, x = case
    data = with_field({"expression": "a"}, rule, x)
    by_file = accepts(lambda: spec.problem(data))
    by_api = accepts(lambda: ProblemIn.model_validate_json(json.dumps(data)))
    assert by_file == by_api, (by_file, by_api)


@pytest.mark.parametrize(
    ("model", "fields", "more"),
    [
        (AnswerIn, QUESTION_FIELDS, {"answer"}),
        (ProblemIn, PROBLEM_FIELDS, set()),
        (GradeRequest, (*PROBLEM_FIELDS, VISIBILITY), {"answers", "format"}),
    ],
)
def test_the_models_have_the_fields_their_defaults_and_descriptions(
    model: type[BaseModel], fields: tuple[Field, ...], more: set[str]
) -> None:
    assert set(model.model_fields) == {f.name for f in fields} | more
    for rule in fields:
        got = model.model_fields[rule.name]
        assert got.is_required() == rule.required, rule.name
        if not rule.required:
            assert got.default == rule.default, rule.name
        assert got.description == (rule.description or None), rule.name


def test_choices_are_the_literal_types_of_the_models() -> None:
    literal = AnswerIn.model_fields["visibility"].annotation
    assert set(spec.VISIBILITIES) == set(get_args(get_args(literal)[0]))
    assert spec.QUESTION["expect"].choices == get_args(AnswerIn.model_fields["expect"].annotation)


def test_the_question_type_has_the_question_fields() -> None:
    assert list(spec.Question.__dataclass_fields__) == [f.name for f in QUESTION_FIELDS]


SUB: dict[str, Any] = {"id": "a", "answers": [{"name": "q", "answer": 1}]}
BAD_SUB: dict[str, Any] = {"id": 1.5, "answers": []}
PROBLEM_A: dict[str, Any] = {"expression": "a"}


@pytest.mark.parametrize(
    "body",
    [
        {"problem": PROBLEM_A, "submissions": [SUB] * 1001},
        {"problem": PROBLEM_A, "submissions": [BAD_SUB] * 1001, "format": "x"},
        {"problem": PROBLEM_A, "submissions": [BAD_SUB] * 10, "format": "x"},
        {"problem": PROBLEM_A, "submissions": []},
        {"submissions": [{"answers": [{"x": 1}]}], "format": 3, "other": 1},
        {"submissions": [SUB, 5, SUB], "problem": {"expression": "a", "values": {"a": "x"}}},
        {"problem": 3, "submissions": 4},
        [SUB],
    ],
    ids=repr,
)
def test_a_large_batch_is_refused_with_the_models_own_errors(body: Any) -> None:
    with pytest.raises(ValidationError) as whole:
        BatchRequest.model_validate(body)
    value, errors = BatchRequest.validate_lean(body)
    assert value is None
    expected = [(e["type"], ("body", *e["loc"]), e["msg"]) for e in whole.value.errors()]
    assert [(e["type"], e["loc"], e["msg"]) for e in errors] == expected


def test_a_large_batch_reads_as_the_model_reads_it() -> None:
    body = {"problem": PROBLEM_A, "submissions": [SUB, {**SUB, "id": 7}], "format": "gradescope"}
    value, errors = BatchRequest.validate_lean(body)
    assert errors == [] and value is not None
    whole = BatchRequest.model_validate(body)
    assert (value.problem, value.format) == (whole.problem, whole.format)
    assert list(value.submissions) == whole.submissions
    assert len(value.submissions) == 2 and value.submissions[1] == whole.submissions[1]


def test_a_large_batch_is_validated_holding_one_submissions_models_at_a_time() -> None:
    answers = [{"name": f"q{i}", "answer": "a*b + a*b"} for i in range(50)]
    body = {
        "problem": PROBLEM_A,
        "submissions": [{"id": i, "answers": answers} for i in range(200)],
    }

    def peak(validate: Callable[[], Any]) -> int:
        tracemalloc.start()
        try:
            validate()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    whole = peak(lambda: BatchRequest.model_validate(body))  # 10,000 answers' models: ~7 MB
    lean = peak(lambda: BatchRequest.validate_lean(body))
    assert lean < whole / 20, (lean, whole)
