"""The OpenAPI document: every endpoint documented, with examples and problem responses."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

MINE = [
    ("post", "/api/evaluate"),
    ("get", "/api/graph.svg"),
    ("get", "/api/health"),
    ("get", "/api/examples"),
]


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    with TestClient(create_app(Settings(access_log=False))) as c:
        document: dict[str, Any] = c.get("/openapi.json").json()
    return document


def has_example(schema: dict[str, Any], spec: dict[str, Any]) -> bool:
    if "anyOf" in schema:  # one of several answers: each has its example
        return all(has_example(branch, spec) for branch in schema["anyOf"])
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "items" in schema:
        return has_example(schema["items"], spec)
    return bool(schema.get("examples") or schema.get("example"))


@pytest.mark.parametrize(("method", "path"), MINE)
def test_every_endpoint_has_a_documented_example(
    spec: dict[str, Any], method: str, path: str
) -> None:
    operation = spec["paths"][path][method]
    assert operation.get("summary") and operation.get("description")
    if "requestBody" in operation:
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert has_example(body, spec)
    ok = operation["responses"]["200"]["content"]
    if "application/json" in ok:
        assert has_example(ok["application/json"]["schema"], spec)
    else:
        params = {p["name"]: p for p in operation["parameters"]}
        assert params["expression"]["examples"]["seed"]["value"] == "(a+b)*(b+1)"


@pytest.mark.parametrize(("method", "path"), [("post", "/api/evaluate"), ("get", "/api/graph.svg")])
def test_input_errors_are_documented_as_problem_json(
    spec: dict[str, Any], method: str, path: str
) -> None:
    responses = spec["paths"][path][method]["responses"]
    assert "application/problem+json" in responses["422"]["content"]
    assert "application/problem+json" in responses["413"]["content"]


def test_the_non_finite_strings_are_in_the_schema(spec: dict[str, Any]) -> None:
    value = spec["components"]["schemas"]["EvaluateResponse"]["properties"]["value"]
    assert {"type": "string", "enum": ["inf", "-inf", "nan"]} in value["anyOf"]


def test_the_svg_endpoint_documents_its_media_type(spec: dict[str, Any]) -> None:
    responses = spec["paths"]["/api/graph.svg"]["get"]["responses"]
    assert "image/svg+xml" in responses["200"]["content"]
    assert "304" in responses


def test_every_endpoint_documents_request_and_response_examples() -> None:
    """Each operation's JSON request body (if any) and 200 answer carry an example."""
    spec = TestClient(create_app()).get("/openapi.json").json()
    schemas = spec["components"]["schemas"]

    def has_example(media: dict[str, Any]) -> bool:
        if "example" in media or "examples" in media:
            return True
        schema = media.get("schema", {})
        if "anyOf" in schema:  # one of several answers: each has its example
            return all(has_example({"schema": branch}) for branch in schema["anyOf"])
        schema = schema.get("items", schema)
        ref = schema.get("$ref", "")
        target = schemas[ref.split("/")[-1]] if ref else schema
        return "examples" in target or "example" in target

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {})
            for media in body.values():
                assert has_example(media), f"{method} {path} request"
            answer = operation["responses"]["200"].get("content", {})
            assert answer, f"{method} {path} has no 200 content"
            for kind, media in answer.items():
                assert has_example(media), f"{method} {path} response {kind}"
