"""The bulk routes' worker processes (app/pool.py): another process, niced and capped in
memory; a job over the cap, or whose process dies, fails alone and the next one is served."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import subprocess
import sys
import time
import urllib.request
from typing import Any, cast

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Route

from app.config import Settings
from app.main import create_app
from app.pool import JobPool
from tests.support.server import ROOT, free_port

LINE = {"expression": "(w*x - y)^2", "params": {"w": 0.0}, "data": {"x": [1, 2], "y": [2, 4]}}
MB = 1024 * 1024


def pool_of(client: TestClient) -> JobPool:
    pool = cast(FastAPI, client.app).state.services.pool
    assert isinstance(pool, JobPool)
    return pool


def in_pool(pool: JobPool, fn: Any, *args: Any) -> Any:
    """fn(*args) run in one of the pool's processes."""
    return asyncio.run(pool.call(10.0, fn, *args))


def wide_body(rows: int = 100_000, columns: int = 6) -> dict[str, Any]:
    """An /api/optimize body of rows x columns numbers (about 4 MB of JSON)."""
    values = [round(i * 0.001, 3) for i in range(rows)]
    data = {"x": values, "y": values} | {f"u{i}": values for i in range(columns - 2)}
    return {**LINE, "data": data, "steps": 1}


def test_bulk_work_runs_in_another_process_niced_and_capped() -> None:
    client = TestClient(create_app(Settings(access_log=False, pool_nice=7, pool_tasks=50)))
    pool = pool_of(client)
    before = pool.answered
    assert client.post("/api/optimize", json=LINE).status_code == 200
    assert pool.answered == before + 1  # answered by the pool, not here
    assert in_pool(pool, os.getpid) != os.getpid()
    assert in_pool(pool, os.nice, 0) == min(19, os.nice(0) + 7)
    soft, _ = in_pool(pool, resource.getrlimit, resource.RLIMIT_AS)
    assert soft != resource.RLIM_INFINITY


def test_a_job_over_the_memory_cap_fails_alone_and_the_next_is_served() -> None:
    # 1.9 million numbers: ~60 MB as Python objects (the body limits raised to let it in)
    settings = Settings(
        access_log=False, pool_memory=4 * MB, max_bulk_body_bytes=32 * MB, json_max_held=512 * MB
    )
    client = TestClient(create_app(settings))
    over = client.post("/api/optimize", json=wide_body(columns=19))
    assert over.status_code in (422, 503), over.text
    assert over.headers["content-type"] == "application/problem+json"
    if over.status_code == 422:  # a MemoryError: the process lives
        assert over.json()["budget"] == "memory"
        assert over.json()["setting"] == "CHAINRULE_POOL_MEMORY"
    else:  # the process died: the pool is rebuilt
        assert int(over.headers["retry-after"]) >= 1
    assert client.post("/api/optimize", json=LINE).status_code == 200


def test_the_wide_body_fits_the_shipped_cap() -> None:
    client = TestClient(create_app(Settings(access_log=False)))
    answer = client.post("/api/optimize", json=wide_body())
    assert answer.status_code == 200, answer.text


def test_a_dead_process_is_replaced_and_a_job_it_took_is_a_503() -> None:
    client = TestClient(create_app(Settings(access_log=False, pool_queue=2)))
    pool = pool_of(client)
    assert client.post("/api/optimize", json=LINE).status_code == 200
    os.kill(in_pool(pool, os.getpid), signal.SIGKILL)  # dies between jobs
    racing = client.post("/api/optimize", json=LINE)  # sent before the pool may know
    assert racing.status_code == 200 or "retry-after" in racing.headers
    assert client.post("/api/optimize", json=LINE).status_code == 200
    try:
        in_pool(pool, os._exit, 1)  # dies during a job
    except Exception as exc:
        assert type(exc).__name__ == "JobLost"
        assert exc.reply.status == 503  # type: ignore[attr-defined]
    else:
        raise AssertionError("a job whose process died got an answer")
    assert client.post("/api/optimize", json=LINE).status_code == 200


def test_a_malformed_bulk_body_is_a_422_naming_the_field_from_the_pool() -> None:
    client = TestClient(create_app(Settings(access_log=False)))
    pool = pool_of(client)
    before = pool.answered
    problem = {"expression": "e = a * b", "values": {"a": 1, "b": 2}}
    body = {"problem": problem, "submissions": [{"id": "s", "answers": [{"name": "q"}]}]}
    answer = client.post("/api/grade/batch", json=body)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["body", "submissions", 0, "answers", 0, "answer"]
    assert pool.answered == before + 1


def test_a_full_pool_is_a_503_with_retry_after_before_the_body_is_read() -> None:
    client = TestClient(create_app(Settings(access_log=False, pool_processes=1, pool_queue=0)))
    pool = pool_of(client)
    pool.gate.take_place()  # another request has the only place
    try:
        busy = client.post("/api/grade/batch", json={"problem": {}, "submissions": []})
    finally:
        pool.gate.release_place()
    assert busy.status_code == 503
    assert int(busy.headers["retry-after"]) >= 1
    assert busy.json()["type"].endswith("/bulk-busy")


def test_a_process_left_large_by_a_job_is_replaced() -> None:
    client = TestClient(create_app(Settings(access_log=False, pool_keep=0)))
    pool = pool_of(client)
    assert client.post("/api/optimize", json=wide_body()).status_code == 200
    first = in_pool(pool, os.getpid)
    retired = pool.retired
    assert client.post("/api/optimize", json=wide_body()).status_code == 200
    assert pool.retired == retired + 1  # it kept more than nothing
    assert in_pool(pool, os.getpid) != first


def large_batch() -> dict[str, Any]:
    """A grading batch whose answer is over 1 MiB of JSON."""
    problem = {"expression": "e = a * b", "values": {"a": 1, "b": 2}}
    answers = [{"name": f"q{i}", "wrt": "a", "answer": "b + 0*a"} for i in range(50)]
    subs = [{"id": f"s{s}", "answers": answers} for s in range(200)]
    return {"problem": problem, "submissions": subs}


def test_a_large_answer_is_the_same_bytes_with_its_length() -> None:
    body, plain = large_batch(), {"accept-encoding": "identity"}
    pooled = TestClient(create_app(Settings(access_log=False))).post(
        "/api/grade/batch", json=body, headers=plain
    )
    here = TestClient(create_app(Settings(access_log=False, pool_processes=0)))
    alone = here.post("/api/grade/batch", json=body, headers=plain)
    assert "content-encoding" not in pooled.headers
    assert len(pooled.content) > 1024 * 1024  # sent in pieces
    assert pooled.content == alone.content
    assert pooled.headers["content-length"] == str(len(pooled.content))
    assert pooled.headers["content-type"] == "application/json"


def test_a_large_answer_is_gzipped_in_the_pool_for_a_client_that_takes_gzip() -> None:
    # (nginx gzips what the app does not, in the event loop every other client waits on)
    body = large_batch()
    client = TestClient(create_app(Settings(access_log=False)))
    here = TestClient(create_app(Settings(access_log=False, pool_processes=0)))
    alone = here.post("/api/grade/batch", json=body, headers={"accept-encoding": "identity"})
    for taken in ("gzip", "br;q=1, gzip;q=0.5", "*"):
        sent = client.post("/api/grade/batch", json=body, headers={"accept-encoding": taken})
        assert sent.headers["content-encoding"] == "gzip"
        assert sent.headers["vary"] == "Accept-Encoding"
        assert int(sent.headers["content-length"]) < len(alone.content) // 5
        assert sent.content == alone.content  # (decoded by the client)
    for refused in ("identity", "gzip;q=0", "br"):
        sent = client.post("/api/grade/batch", json=body, headers={"accept-encoding": refused})
        assert "content-encoding" not in sent.headers
        assert sent.content == alone.content


def test_a_small_pooled_answer_is_not_gzipped() -> None:
    client = TestClient(create_app(Settings(access_log=False)))
    sent = client.post("/api/optimize", json=LINE, headers={"accept-encoding": "gzip"})
    assert sent.status_code == 200
    assert "content-encoding" not in sent.headers


def test_a_pooled_route_is_given_the_request_method_query_and_path_params(monkeypatch: Any) -> None:
    from app import jobs

    seen: list[dict[str, Any]] = []

    async def direct(request: Any) -> Any:
        from fastapi.responses import PlainTextResponse

        seen.append(dict(request.scope))
        return PlainTextResponse(request.url.query)

    route = Route("/export/graph.{kind}", direct)
    monkeypatch.setattr(jobs, "_handler", lambda key: (direct, route))
    monkeypatch.setattr(jobs._Process, "app", create_app(Settings(access_log=False)))
    loop = asyncio.new_event_loop()
    monkeypatch.setattr(jobs._Process, "loop", loop)
    try:
        status, _, content, _ = jobs.run_job("m:f", "GET", "/export/graph.dot", b"a=1&b=2", [], b"")
    finally:
        loop.close()
    assert (status, content) == (200, b"a=1&b=2")
    assert seen[0]["query_string"] == b"a=1&b=2"
    assert seen[0]["method"] == "GET"
    assert seen[0]["path_params"] == {"kind": "dot"}  # read from the path, as the router does


def test_a_stopping_server_ends_its_pool_cleanly() -> None:
    """SIGTERM to a real two-worker server that answered a pooled request: the pool's
    processes end with their worker and leave nothing behind (no 'leaked semaphore'
    warning from the resource tracker), within the stop's time."""
    port = free_port()
    command = [sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(port)]
    env = {**os.environ, "CHAINRULE_ACCESS_LOG": "false"}
    server = subprocess.Popen(
        [*command, "--workers", "2"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=1):
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        request = urllib.request.Request(
            f"{base}/api/optimize",
            data=json.dumps({**LINE, "steps": 2}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert answer.status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=30)
    assert server.returncode == 0
    assert "leaked" not in errors, errors


def numpy_loaded() -> bool:
    """True when NumPy is imported in the process that runs this."""
    return "numpy" in sys.modules


def test_a_worker_loads_numpy_only_to_train_and_its_pool_process_before_its_cap() -> None:
    # NumPy is ~13 MB resident (and ~120 MB of address space) in each process: a uvicorn
    # worker loads it for the training stream only; a pool process, which trains, maps it
    # before its memory cap (so a job's CHAINRULE_POOL_MEMORY is the job's alone)
    code = (
        "import sys\nfrom fastapi.testclient import TestClient\n"
        "from app.config import Settings\nfrom app.main import create_app\n"
        "c = TestClient(create_app(Settings(access_log=False, pool_processes=0)))\n"
        "assert c.post('/api/evaluate', json={'expression': 'a*b', 'values': {'a': 1, 'b': 2}})"
        ".status_code == 200\n"
        "print('numpy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.split() == ["False"], done.stderr[-2000:]
    client = TestClient(create_app(Settings(access_log=False, pool_tasks=77)))  # a new pool
    assert in_pool(pool_of(client), numpy_loaded) is True
