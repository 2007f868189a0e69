"""The service as deployed: a real uvicorn process on a free port, stopped by its PID."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.server import running_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_server({"CHAINRULE_MAX_BODY_BYTES": "4096"}) as url:
        yield url


def test_evaluate_over_real_http(base_url: str) -> None:
    body = {"expression": "(a+b)*(b+1)", "values": {"a": 2, "b": 1}}
    response = httpx.post(base_url + "/api/evaluate", json=body)
    assert response.status_code == 200
    assert response.json()["gradients"] == {"a": 2.0, "b": 5.0}
    assert response.headers["x-frame-options"] == "DENY"


def test_svg_and_304_over_real_http(base_url: str) -> None:
    params = {"expression": "c = a + b; d = b + 1; e = c * d", "a": "2", "b": "1"}
    first = httpx.get(base_url + "/api/graph.svg", params=params)
    assert first.status_code == 200 and first.headers["content-type"] == "image/svg+xml"
    again = httpx.get(
        base_url + "/api/graph.svg", params=params, headers={"if-none-match": first.headers["etag"]}
    )
    assert again.status_code == 304


def test_settings_come_from_the_environment(base_url: str) -> None:
    response = httpx.post(base_url + "/api/evaluate", json={"expression": "x" * 5_000})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_a_streamed_oversized_body_is_refused(base_url: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"expression": "'
        for _ in range(100):
            yield b"x" * 100
        yield b'"}'

    response = httpx.post(
        base_url + "/api/evaluate", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
