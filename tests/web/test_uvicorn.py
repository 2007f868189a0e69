"""The service as deployed: a real uvicorn process on a free port, stopped by its PID."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "app.web.main:create_app"]
    proc = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "CHAINRULE_MAX_BODY_BYTES": "4096"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, "uvicorn exited"
            assert time.monotonic() < deadline, "uvicorn did not answer within 30 s"
            time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
