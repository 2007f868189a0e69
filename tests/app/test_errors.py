"""Every error is application/problem+json with type, title, status, detail; no internals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

LEAKS = ("Traceback", "/work/", "site-packages", 'File "', ".py")


def assert_problem(response: object, status: int) -> dict[str, object]:
    from httpx import Response

    assert isinstance(response, Response)
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    assert not any(leak in response.text for leak in LEAKS), response.text
    return body


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(access_log=False, max_body_bytes=1_000))) as c:
        yield c


def test_unknown_path_is_404(client: TestClient) -> None:
    assert_problem(client.get("/api/nothing"), 404)


def test_wrong_method_is_405_with_allow(client: TestClient) -> None:
    response = client.get("/api/evaluate")
    assert_problem(response, 405)
    assert "POST" in response.headers["allow"]


def test_invalid_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/api/evaluate", content=b'{"expression": ', headers={"content-type": "application/json"}
    )
    body = assert_problem(response, 422)
    assert str(body["type"]).endswith("/validation")


def test_missing_field_names_it(client: TestClient) -> None:
    body = assert_problem(client.post("/api/evaluate", json={"values": {}}), 422)
    assert "expression" in str(body["detail"])


def test_a_body_over_the_limit_by_content_length_is_413(client: TestClient) -> None:
    body = assert_problem(client.post("/api/evaluate", json={"expression": "x" * 2_000}), 413)
    assert "1,000 bytes" in str(body["detail"])


def test_a_streamed_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"expression": "'
        for _ in range(20):
            yield b"x" * 100
        yield b'"}'

    response = client.post(
        "/api/evaluate", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers  # really streamed
    assert_problem(response, 413)


def test_a_body_under_the_limit_is_served(client: TestClient) -> None:
    response = client.post("/api/evaluate", json={"expression": "x*2", "values": {"x": 1}})
    assert response.status_code == 200


def test_an_unexpected_failure_is_a_bare_500() -> None:
    app: FastAPI = create_app(Settings(access_log=False))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail at /work/main/app/x.py")

    with TestClient(app, raise_server_exceptions=False) as c:
        body = assert_problem(c.get("/boom"), 500)
    assert "secret" not in str(body)


def test_an_unexpected_failure_still_has_the_security_headers() -> None:
    app: FastAPI = create_app(Settings(access_log=False))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("internal")

    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/boom")
    assert response.status_code == 500
    assert response.headers["x-content-type-options"] == "nosniff"
