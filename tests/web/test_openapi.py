"""The OpenAPI document: every endpoint documented, with examples and problem responses."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.web.config import Settings
from app.web.main import create_app

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
