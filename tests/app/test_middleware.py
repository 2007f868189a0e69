"""Security headers on every response, CORS from settings, one JSON access-log line each."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.middleware import ACCESS_LOGGER

EXPECTED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
CSP_PARTS = (
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    settings = Settings(access_log=False, cors_origins=["https://course.example"])
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/api/health", {}),
        ("GET", "/api/examples", {}),
        ("POST", "/api/evaluate", {"json": {"expression": "a", "values": {"a": 1}}}),
        ("POST", "/api/evaluate", {"json": {"expression": "(", "values": {}}}),
        ("GET", "/api/graph.svg", {"params": {"expression": "a", "a": "1"}}),
        ("GET", "/api/missing", {}),
        ("GET", "/openapi.json", {}),
    ],
)
def test_every_response_has_the_security_headers(
    client: TestClient, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    response = client.request(method, path, **kwargs)
    for name, value in EXPECTED.items():
        assert response.headers[name] == value
    csp = response.headers["content-security-policy"]
    assert all(part in csp for part in CSP_PARTS), csp
    assert "unsafe-inline" not in csp


def test_the_docs_page_allows_its_own_inline_script_only_by_hash(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200 and "swagger" in response.text.lower()
    csp = response.headers["content-security-policy"]
    assert "'sha256-" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_cors_allows_the_configured_origin(client: TestClient) -> None:
    response = client.get("/api/health", headers={"origin": "https://course.example"})
    assert response.headers["access-control-allow-origin"] == "https://course.example"


def test_cors_ignores_other_origins(client: TestClient) -> None:
    response = client.get("/api/health", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_preflight_for_post(client: TestClient) -> None:
    response = client.options(
        "/api/evaluate",
        headers={
            "origin": "https://course.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert "POST" in response.headers["access-control-allow-methods"]


def test_without_configured_origins_there_are_no_cors_headers() -> None:
    with TestClient(create_app(Settings(access_log=False))) as c:
        response = c.get("/api/health", headers={"origin": "https://course.example"})
    assert "access-control-allow-origin" not in response.headers


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_each_request_logs_one_json_line_without_bodies() -> None:
    lines = Lines()
    logging.getLogger(ACCESS_LOGGER).addHandler(lines)
    try:
        with TestClient(create_app(Settings(access_log=True))) as c:
            c.post(
                "/api/evaluate",
                json={"expression": "secret_name * 2", "values": {"secret_name": 1}},
            )
            c.get("/api/nowhere")
    finally:
        logging.getLogger(ACCESS_LOGGER).removeHandler(lines)
    records = [json.loads(line) for line in lines.lines]
    assert [(r["method"], r["path"], r["status"]) for r in records] == [
        ("POST", "/api/evaluate", 200),
        ("GET", "/api/nowhere", 404),
    ]
    assert all(set(r) == {"method", "path", "status", "duration_ms"} for r in records)
    assert all(r["duration_ms"] >= 0 for r in records)
    assert "secret_name" not in "".join(lines.lines)
