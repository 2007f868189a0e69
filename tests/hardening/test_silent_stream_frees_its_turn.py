"""Hardening round 4 (issue 28, item 1): a stream's wall clock covers waiting. A client that
opens POST /api/optimize/stream, reads 12 bytes and stays silent (the socket open) holds
the one training turn no longer than the stream's wall budget, on a real uvicorn."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.server import running_process

pytestmark = pytest.mark.slow

WALL = 6.0  # the stream's wall budget for this test (CHAINRULE_LIVE_WALL_SECONDS; 20 s shipped)
# Lines of 64 x 64 grid predictions, one per step: megabytes a second, so a silent reader's
# socket buffers fill long before the wall clock runs out.
GRID = [{"column": "x1", "lo": -2, "hi": 2, "n": 64}, {"column": "x2", "lo": -2, "hi": 2, "n": 64}]
FLOOD = {
    "dataset": "moons",
    "optimizer": "adam",
    "lr": 0.03,
    "steps": 450,  # 4,096 points x 452 snapshots: within the work budget
    "every": 1,
    "grid": GRID,
    "predict": ["out"],
}
SMALL = {"dataset": "moons", "optimizer": "adam", "lr": 0.03, "steps": 1}


def silent_stream(base: str) -> socket.socket:
    """Open the stream, read 12 bytes of the answer, and return the socket (left silent)."""
    url = urlsplit(base)
    body = json.dumps(FLOOD).encode()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window, set first
    sock.connect((url.hostname or "127.0.0.1", url.port or 80))
    head = (
        f"POST /api/optimize/stream HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    sock.sendall(head.encode() + body)
    assert sock.recv(12) == b"HTTP/1.1 200"
    return sock


@pytest.mark.parametrize("write_timeout", ["3", "1000"])  # the write timeout, or the clock
def test_a_silent_stream_client_frees_the_training_turn_within_the_wall_budget(
    write_timeout: str, tmp_path: Path
) -> None:
    env = {
        "CHAINRULE_TRAIN_CONCURRENCY": "1",
        "CHAINRULE_TRAIN_QUEUE": "0",
        "CHAINRULE_POOL_PROCESSES": "0",  # /api/optimize at the stream's gate, in the worker
        "CHAINRULE_LIVE_WALL_SECONDS": str(WALL),
        "CHAINRULE_STREAM_WRITE_TIMEOUT": write_timeout,
    }
    log = tmp_path / "server.log"
    with (
        running_process(env, log=log) as (base, _),
        httpx.Client(base_url=base, timeout=30) as http,
    ):
        sock = silent_stream(base)
        opened = time.monotonic()
        try:
            busy = http.post("/api/optimize", json=SMALL)
            assert busy.status_code == 503  # the silent stream holds the one turn
            statuses = []
            while time.monotonic() - opened < WALL + 10:
                status = http.post("/api/optimize", json=SMALL).status_code
                statuses.append((round(time.monotonic() - opened, 1), status))
                if status == 200:
                    break
                time.sleep(0.5)
            freed_after = statuses[-1][0]
            assert statuses[-1][1] == 200, statuses
            assert freed_after <= WALL + 1.5, statuses  # within the wall budget (and a poll)
        finally:
            sock.close()
    if write_timeout == "3":  # ended for its silent reader: said so, not as a server error
        text = log.read_text()
        assert "a stream's reader took nothing for 3 s: its answer is ended" in text, text
        assert "ASGI callable returned without completing response" not in text, text
