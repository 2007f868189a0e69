"""Hardening round 4 (issue 28, items 2 and 3): bytes before objects. A body's cost, every
column and value counted whether the program uses it or not, is weighed on its bytes
before it becomes objects; a worker holds only so many large bodies at once; answers
stay small. Measured on a real uvicorn by the RSS of its process."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.decode_gate import DecodeGate, GateFull
from app.main import create_app
from chainrule.json_reader import JSONLimits, JSONTooComplex, check, held
from tests.hardening.test_body_parse_cost import peak_growth, rss_mb
from tests.support.server import running_process

MB = 1024 * 1024


def one_row_columns(count: int) -> bytes:
    data = ",".join(f'"c{i:x}":[1]' for i in range(count))  # short names: the attack's 7.9 MiB
    return f'{{"expression": "(w - 1)^2", "params": {{"w": 0}}, "data": {{{data}}}}}'.encode()


def test_the_cost_of_every_column_is_weighed_on_the_bytes() -> None:
    body = one_row_columns(600_000)
    assert held(check(body, JSONLimits(max_held=2**40))) > 200 * MB  # 600,000 lists and keys
    with pytest.raises(JSONTooComplex, match="bytes once decoded"):
        check(body)
    small = one_row_columns(100)
    assert held(check(small)) < MB


def test_the_decoding_gate_refuses_a_body_that_does_not_fit_with_retry_after() -> None:
    gate = DecodeGate(100)
    gate.take(60)
    with pytest.raises(GateFull) as refused:
        gate.take(50)
    assert refused.value.reply.status == 503
    assert refused.value.reply.headers["Retry-After"] == "2"
    gate.give(60)
    gate.take(150)  # alone, a body larger than the allowance is still taken (its own limit
    gate.give(150)  # is CHAINRULE_JSON_MAX_HELD)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    with running_process() as up:
        yield up


@pytest.mark.slow
def test_600000_unused_columns_are_refused_before_they_are_objects(
    server: tuple[str, int],
) -> None:
    base, pid = server
    body = one_row_columns(600_000)
    assert len(body) < 8 * MB  # within the bulk body limit: only the weighed cost stops it
    with httpx.Client(base_url=base, timeout=60) as c:
        r, growth = peak_growth(pid, c, "/api/optimize", body)
    assert r.status_code == 413, r.text[:300]
    assert r.json()["type"].endswith("/body-too-complex") and r.json()["unit"] == "bytes"
    assert growth < 40, growth  # was +650 MB and a 76 MB answer


@pytest.mark.slow
def test_700000_csv_columns_are_refused_on_the_header_text(server: tuple[str, int]) -> None:
    base, pid = server
    header = ",".join(f"c{i}" for i in range(700_000))
    body = json.dumps({"expression": "(w - 1)^2", "params": {"w": 0}, "data": header + "\n"})
    with httpx.Client(base_url=base, timeout=60) as c:
        r, growth = peak_growth(pid, c, "/api/optimize", body.encode())
    assert r.status_code == 422, r.text[:300]
    assert "700,000 columns; the limit is 1,000" in r.json()["detail"]
    assert growth < 60, growth  # was +634 MB


@pytest.mark.slow
def test_many_unused_columns_within_the_limits_are_one_notice(server: tuple[str, int]) -> None:
    base, _ = server
    data = {"x": [1.0, 2.0], "y": [2.0, 4.0]} | {f"u{i}": [0.0, 0.0] for i in range(900)}
    body = {"expression": "(w*x - y)^2", "params": {"w": 0}, "data": data, "steps": 2}
    with httpx.Client(base_url=base, timeout=60) as c:
        r = c.post("/api/optimize", json=body)
    assert r.status_code == 200, r.text[:300]
    assert r.json()["warnings"] == [
        "900 columns are not used by the program: 'u0', 'u1', 'u2', 'u3', 'u4' and 895 more"
    ]
    assert len(r.content) < 4_000


def test_a_large_body_that_does_not_fit_the_gate_is_a_503_with_retry_after() -> None:
    app = create_app(Settings(access_log=False, decode_bytes=10 * MB, pool_processes=0))
    app.state.services.decode_gate.take(9 * MB)  # another request's body, being held
    rows = [1.5] * 20_000  # a body over INLINE_BYTES: weighed and gated
    body = {"expression": "(w*x - 1)^2", "params": {"w": 0}, "data": {"x": rows}, "steps": 1}
    with TestClient(app) as c:
        refused = c.post("/api/optimize", json=body)
        assert refused.status_code == 503, refused.text[:300]
        assert refused.headers["retry-after"] == "2"
        assert refused.json()["type"].endswith("/busy-bodies")
        app.state.services.decode_gate.give(9 * MB)
        assert c.post("/api/optimize", json=body).status_code == 200
    assert app.state.services.decode_gate.taken == 0  # given back once answered


@pytest.mark.slow
def test_a_worker_relaying_bulk_bodies_gives_their_memory_back(
    server: tuple[str, int],
) -> None:
    # The uvicorn worker reads each 4.5 MiB body, hands it to its pool and relays the answer;
    # glibc raised its mapping threshold to the largest block freed, so every later body
    # came from the heap, which kept it: +3 MB a request (app/decode_gate.map_large_buffers)
    base, pid = server
    rows = [round(i * 0.001, 3) for i in range(100_000)]
    data = {"x": rows, "y": rows} | {f"u{i}": rows for i in range(4)}
    body = json.dumps({"expression": "(w*x - y)^2", "params": {"w": 0}, "data": data}).encode()
    assert len(body) > 4 * MB
    headers = {"content-type": "application/json"}
    with httpx.Client(base_url=base, timeout=60) as c:

        def relayed() -> float:
            assert c.post("/api/optimize", content=body, headers=headers).status_code == 200
            time.sleep(0.5)
            return rss_mb(pid)

        first = relayed()
        after = [relayed() for _ in range(5)]
    assert max(after) - first < 4, (first, after)
