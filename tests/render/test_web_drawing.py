"""Every web path that draws checks the drawing's size before building DOT, draws at the one
gate, answers 503 with Retry-After when it is full, and gives value_text/grad_text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from chainrule.render import DotGate


def nested(depth: int = 10) -> str:
    """issue 10's attack: f, g = f nested `depth` deep, h = g nested, k = h nested; 3 k's."""
    lines, inner = ["def f(x) = x"], "f"
    for name in ("g", "h", "k"):
        body = "x"
        for _ in range(depth):
            body = f"{inner}({body})"
        lines.append(f"def {name}(x) = {body}")
        inner = name
    return "\n".join([*lines, "y = k(a)+k(a)+k(a)"])


ATTACK = {"expression": nested(), "a": "1", "expand_calls": "true"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(access_log=False))) as c:
        yield c


@pytest.mark.slow
def test_the_nested_call_attack_is_refused_before_any_drawing(client: TestClient) -> None:
    svg = client.get("/api/graph.svg", params=ATTACK)
    assert svg.status_code == 422 and svg.json()["type"].endswith("/graph-too-large")
    assert "6669 nodes; drawing is limited to 3000" in svg.json()["detail"]
    again = client.get("/api/graph.svg", params=ATTACK, headers={"If-None-Match": "*"})
    assert again.status_code == 422  # no ETag (no DOT) for a drawing that is refused
    body = {"expression": ATTACK["expression"], "values": {"a": 1}, "svg": True}
    evaluated = client.post("/api/evaluate", json={**body, "expand_calls": True}).json()
    assert evaluated["value"] == 3 and evaluated["svg"] is None
    assert "limited to 3000" in evaluated["svg_error"]
    for kind in ("png", "dot"):
        export = client.get(f"/export/graph.{kind}", params=ATTACK)
        assert export.status_code == 422 and export.json()["type"].endswith("/graph-too-large")
    assert client.get("/export/graph.json", params=ATTACK).status_code == 200
    page = client.get("/", params=ATTACK)
    assert page.status_code == 200 and "limited to 3000" in page.text


@pytest.mark.graphviz
def test_evaluate_gives_the_drawn_texts_at_the_requested_precision(client: TestClient) -> None:
    body = {"expression": "y = x / 3", "values": {"x": 1}, "precision": 6, "svg": True}
    answer = client.post("/api/evaluate", json=body).json()
    texts = {n["name"]: (n["value_text"], n["grad_text"]) for n in answer["nodes"]}
    assert texts["x"] == ("1", "0.333333") and texts["y"] == ("0.333333", "1")
    assert ">0.333333</text>" in answer["svg"]


@pytest.mark.graphviz
def test_compact_is_an_option_of_the_api(client: TestClient) -> None:
    params = {"expression": "tanh(a*b)", "a": "1", "b": "2"}
    assert 'class="node op"' in client.get("/api/graph.svg", params=params).text
    compact = client.get("/api/graph.svg", params={**params, "compact": "true"}).text
    assert 'class="node op"' not in compact and "tanh</text>" in compact
    body = {"expression": "tanh(a*b)", "values": {"a": 1, "b": 2}, "svg": True, "compact": True}
    assert 'class="node op"' not in client.post("/api/evaluate", json=body).json()["svg"]


@pytest.mark.graphviz
def test_a_full_drawing_queue_answers_503_with_retry_after(client: TestClient) -> None:
    renderer = cast(FastAPI, client.app).state.services.renderer
    full = DotGate(workers=1, queue=0)
    full.take_place()  # the one place is taken
    gate, renderer.gate = renderer.gate, full
    try:
        params = {"expression": "exp(a) * a * a * a", "a": "3"}  # not drawn before
        busy = client.get("/api/graph.svg", params=params)
        assert busy.status_code == 503 and busy.json()["type"].endswith("/render-busy")
        assert int(busy.headers["retry-after"]) >= 1
        png = client.get("/export/graph.png", params=params)
        assert png.status_code == 503 and "retry-after" in png.headers
        body = {"expression": params["expression"], "values": {"a": 3}, "svg": True}
        evaluated = client.post("/api/evaluate", json=body).json()
        assert evaluated["svg"] is None and "busy" in evaluated["svg_error"]
    finally:
        renderer.gate = gate
    assert client.get("/api/graph.svg", params=params).status_code == 200
