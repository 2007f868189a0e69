"""Hardening round 3 (issue 20, item 8): one number reader everywhere (`1_000` is refused
the same way by /, /export, /api/graph.svg, CSV and the CLI), a number that would silently
become 0 (`1e-400`) is refused with a position, and a training run that waited in the queue
gets 503 with Retry-After instead of a 422 for the wall budget the wait used up."""

from __future__ import annotations

import threading

import httpx
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from chainrule.cli import main
from tests.support.server import running_server


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.mark.parametrize("text", ["1_000", "1e-400", "0x10", "inf", "١٢"])
def test_every_value_reader_refuses_the_same_texts(
    client: TestClient, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    query = {"expression": "a * 2", "a": text}
    page = client.get("/", params=query)
    assert page.status_code == 200 and "not a number: a" in page.text
    for path in ("/export/graph.json", "/api/graph.svg"):
        assert client.get(path, params=query).status_code == 422, path
    csv = {"expression": "(w*x - y)^2", "params": {"w": 0}, "data": f"x,y\n1,2\n{text},3\n"}
    r = client.post("/api/optimize", json=csv)
    assert r.status_code == 422 and "CSV line 3" in r.text, r.text
    assert main(["eval", "a * 2", f"a={text}"]) == 2
    assert "value of a" in capsys.readouterr().err


def test_the_same_texts_are_numbers_everywhere(client: TestClient) -> None:
    query = {"expression": "a * 2", "a": " -1.5e-3 "}
    assert client.get("/export/graph.json", params=query).json()["value"] == -0.003
    assert client.get("/api/graph.svg", params=query).status_code == 200
    csv = {"expression": "(w*x - y)^2", "params": {"w": 0}, "data": "x,y\n1,2\n-1.5e-3,3\n"}
    assert client.post("/api/optimize", json=csv).status_code == 200


def test_an_underflowing_number_in_a_program_is_refused_at_its_position(
    client: TestClient,
) -> None:
    r = client.post(
        "/api/evaluate", json={"expression": "c = a + 1\ne = c * 1e-400", "values": {"a": 1}}
    )
    assert r.status_code == 422
    body = r.json()
    assert "too small for a float: it would be 0" in body["detail"]
    assert (body["line"], body["column"], body["length"]) == (2, 9, 6)
    ok = client.post(
        "/api/evaluate", json={"expression": "a * 1e-300 + 0e-400", "values": {"a": 1}}
    )
    assert ok.status_code == 200  # small but a float; and a written 0 is 0


@pytest.mark.parametrize("where", ["values", "answer"])
def test_an_underflowing_number_in_a_json_body_is_refused(client: TestClient, where: str) -> None:
    if where == "values":
        raw = '{"expression": "a * 2", "values": {"a": 1e-400}}'
        r = client.post("/api/evaluate", content=raw, headers={"content-type": "application/json"})
    else:
        answers = '[{"name": "x", "answer": 2e-999}]'
        raw = f'{{"expression": "e = a*2", "values": {{"a": 1}}, "answers": {answers}}}'
        r = client.post("/api/grade", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert "too small for a float: it would be 0" in r.json()["detail"]


def test_a_queued_training_run_gets_503_with_retry_after_not_422() -> None:
    env = {
        "CHAINRULE_TRAIN_CONCURRENCY": "1",
        "CHAINRULE_TRAIN_QUEUE": "6",
        "CHAINRULE_BUDGET_WALL_SECONDS": "1.5",
        "CHAINRULE_BUDGET_TAPE_WORK": str(10**12),  # so the wall clock is what stops a run
    }
    run = {
        "expression": "(w*x - y)^2",
        "params": {"w": 0},
        "data": {"x": list(range(1_000)), "y": list(range(1_000))},
        "steps": 100_000,  # stopped by the wall budget when it runs alone: a 422 naming it
        "lr": 1e-9,
    }
    answers: list[httpx.Response] = []
    with running_server(env) as base:

        def train() -> None:
            with httpx.Client(base_url=base, timeout=60) as c:
                answers.append(c.post("/api/optimize", json=run))

        threads = [threading.Thread(target=train) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    statuses = sorted(r.status_code for r in answers)
    assert statuses.count(422) == 1, statuses  # the one that ran: its own work was too much
    assert statuses.count(503) == 3, statuses  # the queued ones: the wait, not their work
    for r in answers:
        if r.status_code == 503:
            assert int(r.headers["retry-after"]) >= 1
            assert r.json()["type"].endswith("/training-busy")
