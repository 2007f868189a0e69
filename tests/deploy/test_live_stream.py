"""The live page's stream through the compose deployment: nginx passes each snapshot on as
the run goes (unbuffered), not all at once when it ends."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.deploy.conftest import Stack

pytestmark = [pytest.mark.docker, pytest.mark.slow]

BODY = {
    "dataset": "moons",
    "optimizer": "adam",
    "lr": 0.03,
    "steps": 300,
    "every": 1,
    "trace": {"x1": 0.5, "x2": 0.25, "c0": 1, "c1": 0},
    "grid": [
        {"column": "x1", "lo": -2, "hi": 2, "n": 32},
        {"column": "x2", "lo": -2, "hi": 2, "n": 32},
    ],
    "predict": ["out"],
}


def test_snapshots_arrive_through_nginx_while_the_run_goes_on(stack: Stack) -> None:
    arrivals: list[float] = []
    with httpx.Client(timeout=60) as client:
        start = time.monotonic()
        url = stack.base_url + "/api/optimize/stream"
        with client.stream("POST", url, json=BODY) as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/x-ndjson"
            assert response.headers.get("x-upstream", "").endswith(":8000")
            for text in response.iter_lines():
                arrivals.append(time.monotonic() - start)
                last = json.loads(text)
    assert last["done"] is True and last["complete"] is True and last["step"] == 300
    assert len(arrivals) == 302
    # The property: the lines arrive as the run makes them, not held back until it ends.
    # Buffered, every line would come at the end in a few bursts; streamed, the first comes
    # early and the rest spread over the run. Measured against the run's own span (not a
    # fixed pause length, which a fast machine undercuts): an evenly paced run delivers
    # about half its lines in the first half of the span; a buffered one nearly none.
    total = arrivals[-1]
    assert arrivals[0] < total / 4, (arrivals[0], total)
    middle = (arrivals[0] + total) / 2
    early = sum(1 for t in arrivals if t < middle)
    assert early >= len(arrivals) // 10, (early, arrivals[0], total)
    answer = httpx.post(
        stack.base_url + "/api/optimize",
        json={k: BODY[k] for k in ("dataset", "optimizer", "lr", "steps")},
        timeout=60,
    ).json()
    assert answer["params"] == last["params"]  # either replica, the same trajectory
