"""POST /api/optimize/stream: NDJSON framing, one trajectory with /api/optimize, stateless
resume, the live views' numbers, budgets and the gate, and a stream outliving the body
read timeout."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from chainrule.ops import ACTIVATIONS, OPS
from tests.support.server import running_process, running_server

TRACE = {"x1": 0.5, "x2": 0.25, "c0": 1, "c1": 0}
GRID = [{"column": "x1", "lo": -2, "hi": 2, "n": 5}, {"column": "x2", "lo": -1, "hi": 1, "n": 3}]
MOONS = {"dataset": "moons", "optimizer": "adam", "lr": 0.03}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(access_log=False))) as c:
        yield c


def lines(client: TestClient, **body: Any) -> list[dict[str, Any]]:
    """The stream's lines, each checked to be one JSON object ending in a newline."""
    with client.stream("POST", "/api/optimize/stream", json=body) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"] == "application/x-ndjson"
        raw = response.read()
    assert raw.endswith(b"\n")
    out = [json.loads(line) for line in raw.split(b"\n")[:-1]]
    assert all(isinstance(x, dict) for x in out)
    return out


def test_one_snapshot_per_every_steps_then_a_done_line(client: TestClient) -> None:
    out = lines(client, **MOONS, steps=20, every=5, trace=TRACE, grid=GRID, predict=["out"])
    snapshots, last = out[:-1], out[-1]
    assert [s["step"] for s in snapshots] == [0, 5, 10, 15, 20]
    assert all("done" not in s for s in snapshots)
    assert last["done"] is True and last["complete"] is True and last["diverged"] is False
    assert last["step"] == 20 and last["params"] == snapshots[-1]["params"]
    first = snapshots[0]
    assert set(first) == {"step", "loss", "params", "state", "grid", "trace"}
    assert len(first["params"]) == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1
    assert len(first["grid"]["out"]) == 5 * 3
    assert first["state"]["optimizer"] == "adam" and first["state"]["t"] == 0
    assert snapshots[-1]["loss"] < first["loss"]


def test_the_last_line_equals_api_optimize_for_the_same_body(client: TestClient) -> None:
    for optimizer in ("gd", "momentum", "adam"):
        body = {**MOONS, "optimizer": optimizer, "steps": 15}
        answer = client.post("/api/optimize", json=body).json()
        last = lines(client, **body, every=4)[-1]
        assert last["params"] == answer["params"]  # exactly: one trajectory
        assert last["loss"] == answer["loss"]


def test_resuming_from_a_sent_state_equals_an_uninterrupted_run(client: TestClient) -> None:
    for optimizer in ("gd", "momentum", "adam"):
        body = {**MOONS, "optimizer": optimizer}
        straight = lines(client, **body, steps=30, every=10)[-1]
        first = lines(client, **body, steps=30, every=10)
        middle = first[1]  # the snapshot at step 10, as a paused page holds it
        assert middle["step"] == 10
        rest = lines(
            client,
            **body,
            steps=20,
            every=10,
            params=middle["params"],
            state=middle["state"],
            start=middle["step"],
        )
        assert [s["step"] for s in rest[:-1]] == [10, 20, 30]
        assert rest[-1]["params"] == straight["params"]
        assert rest[-1]["state"] == straight["state"]


def test_a_state_of_another_optimizer_starts_that_optimizer_afresh(client: TestClient) -> None:
    gd = lines(client, **{**MOONS, "optimizer": "gd"}, steps=5, every=5)[-1]
    resumed = lines(
        client, **MOONS, steps=5, every=5, params=gd["params"], state=gd["state"], start=5
    )
    fresh = lines(client, **MOONS, steps=5, every=5, params=gd["params"], start=5)
    assert resumed[-1]["params"] == fresh[-1]["params"]
    assert resumed[-1]["state"]["t"] == 5


def test_a_state_without_a_new_parameter_starts_its_moments_at_zero(client: TestClient) -> None:
    body = {"expression": "(w*x - y)^2", "data": {"x": [1, 2], "y": [2, 4]}}
    one = lines(client, **body, params={"w": 0.0}, optimizer="adam", steps=3, every=3)[-1]
    more = "(w*x + k - y)^2"
    params = {**one["params"], "k": 0.0}
    resumed = lines(
        client,
        **{**body, "expression": more},
        params=params,
        optimizer="adam",
        steps=1,
        state=one["state"],
        start=3,
    )[-1]
    assert set(resumed["state"]["m"]) == {"w", "k"} and resumed["state"]["t"] == 4


def test_the_trace_is_the_graph_api_evaluate_draws_at_that_point(client: TestClient) -> None:
    snapshot = lines(client, **MOONS, steps=3, every=3, trace=TRACE)[1]
    program = client.get("/api/datasets/moons").json()["expression"]
    evaluated = client.post(
        "/api/evaluate", json={"expression": program, "values": {**snapshot["params"], **TRACE}}
    ).json()
    trace = snapshot["trace"]
    assert trace["output_id"] == evaluated["output_id"]
    assert trace["value"] == evaluated["value"]
    by_id = {n["id"]: n for n in evaluated["nodes"]}
    assert set(trace["nodes"]) == set(by_id)
    for nid, (value, grad, value_text, grad_text) in trace["nodes"].items():
        n = by_id[nid]
        assert (value, grad, value_text, grad_text) == (
            n["value"],
            n["grad"],
            n["value_text"],
            n["grad_text"],
        )


def test_the_grid_holds_the_model_output_at_each_point(client: TestClient) -> None:
    snapshot = lines(client, **MOONS, steps=2, every=2, trace=TRACE, grid=GRID, predict=["out"])[1]
    program = client.get("/api/datasets/moons").json()["expression"]
    # the grid runs x1 fastest: point 7 is x1 = lo + 2 steps (0.0), x2 = the middle row (0.0)
    for index, (x1, x2) in {0: (-2.0, -1.0), 7: (0.0, 0.0), 14: (2.0, 1.0)}.items():
        values = {**snapshot["params"], "x1": x1, "x2": x2, "c0": 1, "c1": 0}
        nodes = client.post("/api/evaluate", json={"expression": program, "values": values})
        out = next(n for n in nodes.json()["nodes"] if n["name"] == "out")
        assert snapshot["grid"]["out"][index] == pytest.approx(out["value"], abs=5e-4)


def test_a_curve_fit_streams_its_one_axis(client: TestClient) -> None:
    query = {"inputs": 1, "hidden": "", "classes": 0, "loss": "squared"}
    net = client.get("/api/network", params=query).json()
    out = lines(
        client,
        expression=net["expression"],
        params=net["params"],
        dataset="noisy-line",
        steps=10,
        every=10,
        trace={"x": 1.0, "y": 7.0},
        grid=[{"column": "x", "lo": -5, "hi": 5, "n": 11}],
        predict=net["predict"],
    )
    assert len(out[0]["grid"]["pred"]) == 11
    w, b = out[0]["params"]["wo_1"], out[0]["params"]["bo"]
    assert out[0]["grid"]["pred"][0] == pytest.approx(-5 * w + b, abs=5e-4)


def test_a_diverging_run_ends_with_the_last_finite_params(client: TestClient) -> None:
    body = {"expression": "(w*x - y)^2", "params": {"w": 0.0}, "data": {"x": [1e3], "y": [1]}}
    answer = client.post("/api/optimize", json={**body, "lr": 1.0, "steps": 200}).json()
    last = lines(client, **body, lr=1.0, steps=200, every=50)[-1]
    assert last["diverged"] is True and "diverged" in last["message"]
    assert last["params"] == answer["params"]


def refusal(client: TestClient, status: int, **body: Any) -> dict[str, Any]:
    response = client.post("/api/optimize/stream", json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    return problem


def test_refusals_come_before_the_stream_as_problems(client: TestClient) -> None:
    huge = refusal(client, 422, **MOONS, steps=100_000, every=100)
    assert huge["budget"] == "tape_work"
    many = refusal(client, 422, **MOONS, every=1, steps=3_000)
    assert "3002 snapshots; the limit is 2000" in many["detail"]
    grid = [{"column": "x1", "lo": -2, "hi": 2, "n": 256}] * 2
    too_big = refusal(client, 422, **MOONS, steps=1, grid=grid, predict=["out"])
    assert "grid points" in too_big["detail"]
    no_line = refusal(client, 422, **MOONS, steps=1, grid=GRID, predict=["nope"])
    assert "nope" in no_line["detail"]
    short = refusal(client, 422, **MOONS, steps=1, trace={"x1": 0, "x2": 0, "c0": 1})
    assert "c1" in short["detail"]
    assert refusal(client, 422, **MOONS, steps=1, state={"optimizer": "adam", "t": -1})["detail"]
    assert refusal(client, 422, **MOONS, steps=1, expression="w *")["line"] == 1


def test_the_stream_wall_clock_ends_a_run_with_a_line_to_resume_from() -> None:
    settings = Settings(access_log=False, live_wall_seconds=1.5)
    with TestClient(create_app(settings)) as c:
        out = lines(c, **MOONS, steps=4_000, every=100)
    last = out[-1]
    assert last["done"] is True and last["complete"] is False
    assert last["budget"] == "wall_seconds" and 0 < last["step"] < 4_000
    assert last["state"]["t"] == last["step"]


@pytest.mark.slow  # seconds of work: the full suite runs it, not ./dev check
def test_a_stream_outlives_the_body_read_timeout() -> None:
    """The timeout is for reading the body: the stream waits on receive() much longer."""
    settings = Settings(access_log=False, body_read_timeout=0.05)
    with TestClient(create_app(settings)) as c:
        out = lines(c, **MOONS, steps=300, every=1, trace=TRACE)
    assert out[-1]["done"] is True and out[-1]["complete"] is True and out[-1]["step"] == 300


def test_more_than_a_hundred_parameters_train_up_to_the_setting() -> None:
    net = {"dataset": "moons", "steps": 2}  # the default network: 105 parameters
    with TestClient(create_app(Settings(access_log=False))) as c:
        assert c.post("/api/optimize", json=net).status_code == 200
    with TestClient(create_app(Settings(access_log=False, optimize_max_params=100))) as c:
        problem = c.post("/api/optimize", json=net).json()
        assert problem["status"] == 422 and "105 parameters; the limit is 100" in problem["detail"]


# ----- over real HTTP (uvicorn): timing of the lines, disconnects, the training gate -----

LONG = {**MOONS, "steps": 1_500, "every": 1, "trace": TRACE, "grid": GRID, "predict": ["out"]}


def cpu_seconds(pid: int) -> float:
    """The user + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.slow
def test_over_http_the_first_line_comes_long_before_the_last() -> None:
    body = {**MOONS, "steps": 400, "every": 1, "trace": TRACE, "grid": GRID, "predict": ["out"]}
    with running_server() as base, httpx.Client(timeout=60) as http:
        start = time.monotonic()
        arrivals = []
        with http.stream("POST", base + "/api/optimize/stream", json=body) as response:
            for text in response.iter_lines():
                arrivals.append(time.monotonic() - start)
                last = json.loads(text)
    assert last["done"] is True and len(arrivals) == 402
    assert arrivals[0] < arrivals[-1] / 4, arrivals[:: len(arrivals) // 8]


@pytest.mark.slow
def test_a_client_that_leaves_stops_the_run_and_frees_the_turn() -> None:
    # (no pool processes: /api/optimize trains in the worker, at the stream's training gate)
    env = {
        "CHAINRULE_TRAIN_CONCURRENCY": "1",
        "CHAINRULE_TRAIN_QUEUE": "0",
        "CHAINRULE_POOL_PROCESSES": "0",
    }
    with running_process(env) as (base, pid), httpx.Client(timeout=60) as http:
        with http.stream("POST", base + "/api/optimize/stream", json=LONG) as response:
            assert response.status_code == 200
            reading = response.iter_lines()
            lines_read = [json.loads(next(reading)) for _ in range(3)]
            # the one training turn is taken: another run is refused with 503 + Retry-After
            busy = http.post(base + "/api/optimize", json={**MOONS, "steps": 1})
            assert busy.status_code == 503 and int(busy.headers["retry-after"]) >= 1
            assert busy.json()["type"].endswith("/training-busy")
        assert [x["step"] for x in lines_read] == [0, 1, 2]
        time.sleep(1.0)  # within a second of the disconnect the run has stopped ...
        before = cpu_seconds(pid)
        time.sleep(1.0)
        assert cpu_seconds(pid) - before < 0.1  # ... so the server is idle
        assert http.post(base + "/api/optimize", json={**MOONS, "steps": 1}).status_code == 200


def test_the_plane_datasets_are_listed_apart_from_the_fits(client: TestClient) -> None:
    fits = [d["name"] for d in client.get("/api/datasets").json()]
    plane = {d["name"]: d for d in client.get("/api/datasets?kind=plane").json()}
    assert fits == ["noisy-line", "sin"]
    assert set(plane) == {"moons", "circles", "xor", "spirals", "blobs"}
    assert plane["spirals"]["classes"] == 3
    assert plane["moons"]["columns"] == ["x1", "x2", "c0", "c1"]
    assert len(client.get("/api/datasets?kind=all").json()) == 7


def least_squares(x: np.ndarray, y: np.ndarray, powers: range) -> float:
    """The smallest mean squared error of sum_k c_k x^k over the rows (NumPy lstsq)."""
    design = np.stack([x**k for k in powers], axis=1)
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(np.mean((design @ coef - y) ** 2))


@pytest.mark.parametrize(
    ("dataset", "model", "optimizer", "lr", "steps", "powers"),
    [  # the live page's defaults for the seeds' fits (static/js/live-state.js MODELS)
        ("noisy-line", "line", "gd", 0.01, 100, range(1, 2)),
        ("sin", "cubic", "momentum", 0.002, 400, range(4)),
    ],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_seeds_curve_fits_stream_to_the_least_squares_loss(
    client: TestClient,
    dataset: str,
    model: str,
    optimizer: str,
    lr: float,
    steps: int,
    powers: range,
    seed: int,
) -> None:
    net = client.get("/api/network", params={"model": model, "seed": seed}).json()
    assert net["predict"] == ["pred"] and net["columns"] == ["x", "y"]
    cols = client.get(f"/api/datasets/{dataset}").json()["data"]
    out = lines(  # as the page sends it: the rows as data, so the loss is their mean
        client,
        expression=net["expression"],
        params=net["params"],
        data=cols,
        optimizer=optimizer,
        lr=lr,
        steps=steps,
        every=steps // 4,
        trace={"x": 1.0, "y": 1.0},
        grid=[{"column": "x", "lo": -3, "hi": 3, "n": 7}],
        predict=["pred"],
    )
    best = least_squares(np.array(cols["x"]), np.array(cols["y"]), powers)
    losses = [s["loss"] for s in out[:-1]]
    assert losses[0] > 10 * best and losses == sorted(losses, reverse=True)
    assert out[-1]["loss"] == pytest.approx(best, rel=1e-3)
    p = out[-1]["params"]
    pred = p["w"] * 3 if model == "line" else p["a"] + 3 * p["b"] + 9 * p["c"] + 27 * p["d"]
    assert out[-2]["grid"]["pred"][-1] == pytest.approx(pred, abs=5e-4)


def test_the_network_endpoint_writes_the_program(client: TestClient) -> None:
    query = {"hidden": "3", "classes": 3, "loss": "softmax", "activation": "relu", "seed": 4}
    net = client.get("/api/network", params=query).json()
    assert net["predict"] == ["o0", "o1", "o2"] and net["columns"][-1] == "c2"
    assert "def neuron2(x1, x2, w1, w2, b) = relu(w1*x1 + w2*x2 + b)" in net["expression"]
    again = client.get("/api/network", params=query).json()
    assert again == net
    bad = client.get("/api/network", params={"hidden": "40"})
    assert bad.status_code == 422 and "1 to 16" in bad.json()["detail"]


def test_the_activations_are_the_tables_on_the_page_and_in_the_api(client: TestClient) -> None:
    select = re.search(
        r'<select id="live-activation">(.*?)</select>', client.get("/live").text, re.S
    )
    assert select and re.findall(r'<option value="(\w+)">', select[1]) == list(ACTIVATIONS)
    assert ACTIVATIONS and all(OPS[name].activation for name in ACTIVATIONS)
    for name in ACTIVATIONS:
        net = client.get("/api/network", params={"hidden": "2", "activation": name}).json()
        assert f"= {name}(w1*x1" in net["expression"]
    assert client.get("/api/network", params={"activation": "exp"}).status_code == 422
    enum = client.get("/openapi.json").json()["paths"]["/api/network"]["get"]["parameters"]
    assert next(p for p in enum if p["name"] == "activation")["schema"]["enum"] == list(ACTIVATIONS)


def test_the_live_page_carries_its_hooks_and_is_linked(client: TestClient) -> None:
    page = client.get("/live")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for hook in ("play", "pause", "step", "reset", "loss", "boundary", "graph"):
        assert f'data-testid="live-{hook}"' in page.text
    assert 'src="/static/js/live.js"' in page.text
    assert 'href="/live"' in client.get("/").text
