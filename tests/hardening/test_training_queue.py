"""A training run that waited in the queue for its turn gets 503 with Retry-After, not a 422
for the wall budget the wait used up; the run that had the turn gets the 422 its own work
earned. The order is forced with events (no race against the clock decides who queues)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.services import Services
from chainrule.train import run as train_run
from chainrule.train.run import run as real_run

RUN = {
    "expression": "(w*x - y)^2",
    "params": {"w": 0},
    "data": {"x": list(range(1_000)), "y": list(range(1_000))},
    "steps": 100_000,  # stopped by the wall budget when it runs alone: a 422 naming it
    "lr": 1e-9,
}


def test_a_queued_training_run_gets_503_with_retry_after_not_422(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings(
        train_concurrency=1,
        train_queue=6,
        budget_wall_seconds=1.5,
        budget_tape_work=10**12,  # so the wall clock is what stops a run
        pool_processes=0,  # trained in this process, where the test holds the first run
    )
    app = create_app(settings)
    services: Services = app.state.services
    gate = services.train_gate
    holding = threading.Event()  # the first run has the turn
    queued_answered = threading.Event()  # every queued run has its answer

    def run_after_the_queue(*args: Any, **kwargs: Any) -> Any:
        if not holding.is_set():  # the first run keeps its turn until the others answered
            holding.set()
            assert queued_answered.wait(60)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(train_run, "run", run_after_the_queue)  # (the route imports it when used)
    client = TestClient(app)
    answers: dict[str, Any] = {}

    def train(who: str) -> None:
        answers[who] = client.post("/api/optimize", json=RUN)

    first = threading.Thread(target=train, args=("first",))
    first.start()
    assert holding.wait(60)
    assert gate.running == 1 and gate.taken == 1
    queued = [threading.Thread(target=train, args=(f"queued{i}",)) for i in range(3)]
    for t in queued:
        t.start()
    for t in queued:
        t.join(60)
    queued_answered.set()
    first.join(60)

    assert answers["first"].status_code == 422, answers["first"].text  # its own work
    assert "wall" in answers["first"].json()["detail"]
    for who in ("queued0", "queued1", "queued2"):  # the wait, not their work
        r = answers[who]
        assert r.status_code == 503, r.text
        assert int(r.headers["retry-after"]) >= 1
        assert r.json()["type"].endswith("/training-busy")
