"""Hardening round 4 (issue 28, items 4, 5, 6, 9): text that is not Unicode, answers that
must be valid JSON, forged resume state and redirects, on the in-process app."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.responses import json_bytes

PROBLEM = '"expression": "c = a + b; e = c * 2", "values": {"a": 1, "b": 2}'
SURROGATE = "\\ud800"  # as JSON text writes it: the only way a body holds half a character
ONE = '[{"name": "e", "answer": 1}]'


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(access_log=False))) as c:
        yield c


def post(client: TestClient, path: str, text: str) -> tuple[int, dict[str, object]]:
    r = client.post(path, content=text.encode(), headers={"content-type": "application/json"})
    return r.status_code, json.loads(r.content)  # strict: the answer must be valid JSON


def answers(first: str) -> str:
    return f'[{{"name": "e", "answer": "{first}"}}, {{"name": "de/da", "wrt": "a", "answer": 2}}]'


def test_a_lone_surrogate_in_an_answer_fails_that_answer_and_the_rest_are_scored(
    client: TestClient,
) -> None:
    status, result = post(
        client, "/api/grade", f'{{{PROBLEM}, "answers": {answers("a+b #" + SURROGATE)}}}'
    )
    assert status == 200, result
    tests = result["tests"]
    assert isinstance(tests, list)
    assert tests[0]["score"] == 0 and "lone surrogate" in tests[0]["output"]
    assert tests[1]["score"] == 1
    assert result["score"] == 1


def test_a_lone_surrogate_in_a_batch_answer_is_that_answer_alone(client: TestClient) -> None:
    first = answers("a+b #" + SURROGATE)
    subs = f'[{{"id": "s1", "answers": {first}}}, {{"id": "s2", "answers": {answers("2*c")}}}]'
    status, result = post(
        client, "/api/grade/batch", f'{{"problem": {{{PROBLEM}}}, "submissions": {subs}}}'
    )
    assert status == 200, result
    results = result["results"]
    assert isinstance(results, list)
    assert [r["score"] for r in results] == [1, 2]
    assert "lone surrogate" in results[0]["tests"][0]["output"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/grade",
            f'{{"expression": "e = a #{SURROGATE}", "values": {{"a": 1}}, "answers": {ONE}}}',
            "expression",
        ),
        (
            "/api/grade",
            f'{{{PROBLEM}, "answers": [{{"name": "e{SURROGATE}", "answer": 1}}]}}',
            "answers.0.name",
        ),
        (
            "/api/grade/batch",
            f'{{"problem": {{{PROBLEM}}}, "submissions": [{{"id": "{SURROGATE}", "answers": {ONE}}}]}}',  # noqa: E501
            "submissions.0.id",
        ),
        (
            "/api/evaluate",
            f'{{"expression": "a*b", "values": {{"a": 1, "b{SURROGATE}": 2}}}}',
            "values.b\\ud800",
        ),
        (
            "/api/optimize",
            f'{{"expression": "(w-1)^2 #{SURROGATE}", "params": {{"w": 0}}}}',
            "expression",
        ),
    ],
)
def test_a_lone_surrogate_in_a_problem_field_is_a_422_naming_it(
    client: TestClient, path: str, body: str, field: str
) -> None:
    status, problem = post(client, path, body)
    assert status == 422, problem
    assert problem["field"] == field
    assert "lone surrogate" in str(problem["detail"])


DIVERGING = {  # relu stops the loss, not w: w leaves the floats while the loss is 0
    "expression": "(relu(w*x) - y)^2",
    "params": {"w": 1},
    "data": {"x": [1], "y": [0]},
    "lr": 1e308,
    "steps": 3,
}


def test_a_parameter_past_the_floats_is_the_documented_string(client: TestClient) -> None:
    r = client.post("/api/optimize", json=DIVERGING)
    assert r.status_code == 200
    result = json.loads(r.content)  # strict JSON: no -Infinity
    assert result["params"]["w"] == "-inf"
    assert result["history"]["w"][1:] == ["-inf"] * 3


def test_every_stream_line_is_valid_json_with_the_documented_strings(client: TestClient) -> None:
    r = client.post("/api/optimize/stream", json=DIVERGING)
    assert r.status_code == 200
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert lines[-1]["done"] is True and "error" not in lines[-1]
    assert lines[-1]["params"]["w"] == "-inf"


def test_the_one_writer_never_writes_nan_or_infinity() -> None:
    content = {
        "a": [math.inf, -math.inf, math.nan],
        "b": {"c": 1.5},
        "d": "Infinity",
        "e": "x\ud800",
    }
    assert json.loads(json_bytes(content)) == {
        "a": ["inf", "-inf", "nan"],
        "b": {"c": 1.5},
        "d": "Infinity",
        "e": "x\ufffd",
    }


STREAM = {
    "expression": "(w*x - y)^2",
    "params": {"w": 1},
    "data": {"x": [1], "y": [2]},
    "optimizer": "adam",
    "lr": 0.1,
    "steps": 2,
}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (
            {"state": {"optimizer": "adam", "t": 1, "m": {"w": 0.1}, "v": {"w": -1.0}}},
            "body.state.v.w",
        ),
        (
            {"state": {"optimizer": "adam", "t": "9" * 4_299, "m": {"w": 0.1}, "v": {"w": 1.0}}},
            "body.state.t",
        ),
        ({"start": "9" * 4_300}, "body.start"),
        ({"start": "9" * 20}, "body.start"),
    ],
)
def test_forged_resume_state_is_a_422_naming_the_field(
    client: TestClient, extra: dict[str, object], field: str
) -> None:
    text = json.dumps({**STREAM, **extra})
    for digits in ("9" * 4_300, "9" * 4_299, "9" * 20):  # numbers, not strings
        text = text.replace(f'"{digits}"', digits)
    status, problem = post(client, "/api/optimize/stream", text)
    assert status == 422, problem
    assert str(problem["detail"]).startswith(field + ":")


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8443"])
def test_a_trailing_slash_redirect_never_points_at_the_host_header(
    client: TestClient, host: str
) -> None:
    r = client.get("/docs/", headers={"host": host}, follow_redirects=False)
    assert r.status_code in (301, 307, 308)
    assert r.headers["location"] == "/docs"


def test_a_redirect_uses_the_configured_public_origin() -> None:
    settings = Settings(access_log=False, public_origin="https://chainrule.example.edu/")
    with TestClient(create_app(settings)) as c:
        r = c.get("/docs/", headers={"host": "evil.example"}, follow_redirects=False)
    assert r.headers["location"] == "https://chainrule.example.edu/docs"
