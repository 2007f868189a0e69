"""POST /api/optimize and GET /api/datasets: answers, the graph, and every refusal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

LINE = {"expression": "(w*x - y)^2", "params": {"w": 0.0}, "data": {"x": [1, 2], "y": [2, 4]}}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(access_log=False))) as c:
        yield c


def ok(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/optimize", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def refused(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/optimize", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    result: dict[str, Any] = response.json()
    return result


def test_fits_a_line_through_the_origin(client: TestClient) -> None:
    result = ok(client, **LINE, lr=0.05, steps=200)
    assert result["params"]["w"] == pytest.approx(2.0, rel=1e-9)
    assert result["loss"] == pytest.approx(0.0, abs=1e-15)
    assert result["diverged"] is False and result["message"] is None
    assert (result["steps"], result["rows"], result["reduce"]) == (200, 2, "mean")
    history = result["history"]
    assert set(history) == {"step", "loss", "w"}
    assert history["step"][0] == 0 and history["step"][-1] == 200
    assert len(history["step"]) == len(history["loss"]) == len(history["w"]) == 101  # every 2nd


def test_csv_text_is_accepted_as_data(client: TestClient) -> None:
    result = ok(client, **{**LINE, "data": "x,y\n1,2\n2,4\n"}, lr=0.05, steps=200)
    assert result["params"]["w"] == pytest.approx(2.0, rel=1e-9)


def test_builtin_dataset_brings_its_program_and_settings(client: TestClient) -> None:
    result = ok(client, dataset="noisy-line")
    assert result["rows"] == 100 and result["steps"] == 100
    assert result["params"]["w"] == pytest.approx(6.984187629858922, rel=1e-12)


def test_graph_is_the_first_row_with_reduced_param_grads_and_a_reduction_node(
    client: TestClient,
) -> None:
    result = ok(client, **LINE, lr=0.01, steps=3)
    graph = result["graph"]
    nodes = {n["id"]: n for n in graph["nodes"]}
    w = next(n for n in graph["nodes"] if n["name"] == "w")
    x = next(n for n in graph["nodes"] if n["name"] == "x")
    assert (w["kind"], x["kind"]) == ("param", "data")
    assert w["value"] == result["params"]["w"] and w["grad"] == result["gradients"]["w"]
    assert x["value"] == 1.0
    reduce = nodes[graph["reduction"]]
    assert (reduce["op"], reduce["kind"], reduce["label"]) == (
        "mean",
        "reduction",
        "mean over 2 rows",
    )
    assert reduce["value"] == result["loss"]
    edge = next(e for e in graph["edges"] if e["target"] == reduce["id"])
    assert edge == {
        "source": graph["output"],
        "target": "reduce",
        "local_grad": 0.5,
        "kind": "input",
    }
    assert set(nodes[graph["output"]]) >= {"id", "name", "op", "value", "grad", "kind"}


def test_divergence_is_200_with_a_message_and_the_history_so_far(client: TestClient) -> None:
    result = ok(client, **LINE, lr=10, steps=1000)
    assert result["diverged"] is True
    assert "diverged" in result["message"] and result["steps"] < 1000
    assert result["history"]["step"][-1] < result["steps"]


def test_missing_inputs_are_listed(client: TestClient) -> None:
    problem = refused(client, expression="(w*x + b - y)^2", params={"w": 0}, data={"x": [1]})
    assert problem["missing"] == ["b", "y"]
    assert "parameter or a data column" in problem["detail"]


def test_unused_columns_are_warnings(client: TestClient) -> None:
    result = ok(client, **{**LINE, "data": {"x": [1, 2], "y": [2, 4], "z": [0, 0]}}, steps=1)
    assert result["warnings"] == ["column 'z' is not used by the program"]
    assert result["notices"] == [
        {"code": "unused-column", "message": "column 'z' is not used by the program"}
    ]


def test_an_unused_parameter_is_a_notice_with_its_code(client: TestClient) -> None:
    result = ok(client, **{**LINE, "params": {"w": 0, "q": 1}}, steps=1)
    assert [n["code"] for n in result["notices"]] == ["unused-parameter"]
    assert result["notices"][0]["message"] == result["warnings"][0]


@pytest.mark.parametrize(
    ("body", "slug"),
    [
        ({"dataset": "sin", "steps": 100_000}, "budget"),
        ({**LINE, "steps": 100_001}, "validation"),
        ({**LINE, "record_every": 1, "steps": 20_000}, "too-much-work"),
        ({**LINE, "lr": -1}, "validation"),
        ({**LINE, "optimizer": "lbfgs"}, "validation"),
        ({**LINE, "data": {"x": [1, 2], "y": [1]}}, "invalid-training"),
        ({**LINE, "data": "x,y\n1,oops\n"}, "invalid-training"),
        ({**LINE, "dataset": "sin"}, "invalid-training"),
        ({"params": {"w": 0}}, "invalid-training"),
        ({**LINE, "expression": "(w*x - "}, "syntax"),
    ],
)
def test_refusals(client: TestClient, body: dict[str, Any], slug: str) -> None:
    problem = refused(client, **body)
    assert problem["type"].endswith("/" + slug), problem


class TightSettings(Settings):
    """Settings with the optimize bounds set low (the names the route reads)."""

    budget_wall_seconds: float = 0.05
    optimize_max_rows: int = 1_000


def test_a_run_over_the_time_limit_is_422_not_a_hang() -> None:
    with TestClient(create_app(TightSettings(access_log=False))) as c:
        response = c.post("/api/optimize", json={**LINE, "lr": 1e-9, "steps": 100_000})
    problem = response.json()
    assert response.status_code == 422 and problem["type"].endswith("/budget")
    assert problem["budget"] == "wall_seconds"


def test_rows_over_the_limit_are_422() -> None:
    with TestClient(create_app(TightSettings(access_log=False))) as c:
        response = c.post(
            "/api/optimize", json={**LINE, "data": {"x": [1] * 1001, "y": [1] * 1001}}
        )
    assert response.status_code == 422 and "limit is 1000" in response.json()["detail"]


def test_datasets_are_listed(client: TestClient) -> None:
    response = client.get("/api/datasets")
    assert response.status_code == 200
    by_name = {d["name"]: d for d in response.json()}
    assert by_name["sin"]["rows"] == 2000 and by_name["sin"]["reduce"] == "sum"
    assert by_name["noisy-line"]["columns"] == ["x", "y"]


def test_one_dataset_comes_with_its_rows(client: TestClient) -> None:
    listed = {d["name"]: d for d in client.get("/api/datasets").json()}
    answer = client.get("/api/datasets/sin")
    assert answer.status_code == 200
    body = answer.json()
    assert {k: v for k, v in body.items() if k != "data"} == listed["sin"]
    assert sorted(body["data"]) == ["x", "y"]
    assert len(body["data"]["x"]) == len(body["data"]["y"]) == body["rows"] == 2000
    assert body["data"]["x"][0] == pytest.approx(-3.141592653589793)


def test_an_unknown_dataset_is_a_404_problem(client: TestClient) -> None:
    answer = client.get("/api/datasets/nope")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "noisy-line" in answer.json()["detail"]


@pytest.mark.graphviz
def test_the_picture_is_the_per_example_graph_with_a_reduction_node(client: TestClient) -> None:
    answer = client.post("/api/optimize", json={"dataset": "noisy-line", "svg": True}).json()
    kinds = {n["name"]: n["kind"] for n in answer["graph"]["nodes"] if n["name"]}
    assert kinds == {
        "w": "param",
        "x": "data",
        "y": "data",
        "output": "output",
        "loss": "reduction",
    }
    reduction = answer["graph"]["nodes"][-1]
    assert reduction["label"] == "mean over 100 rows"
    assert reduction["value"] == answer["loss"]
    w = next(n for n in answer["graph"]["nodes"] if n["name"] == "w")
    assert w["grad"] == answer["gradients"]["w"]  # the reduced gradient, not row 1's
    svg = answer["svg"]
    assert svg.startswith("<?xml") or svg.lstrip().startswith("<svg")
    assert "mean over 100 rows" in svg and "<script" not in svg
    assert answer["svg_error"] is None


def test_no_picture_unless_asked(client: TestClient) -> None:
    answer = client.post("/api/optimize", json={"dataset": "noisy-line"}).json()
    assert answer["svg"] is None and answer["graph"] is not None


def test_training_runs_pass_one_gate_and_a_full_queue_is_a_503_with_retry_after() -> None:
    # Each run may hold BUDGET_BYTES, so runs at once are bounded per process; with no
    # place left (here: none at all) the answer is 503 with Retry-After, never a pile-up.
    # (The gate of the process that trains: here the worker's own, with no pool processes.)
    from chainrule.work_gate import WorkGate

    with TestClient(create_app(Settings(access_log=False, pool_processes=0))) as c:
        services = cast(FastAPI, c.app).state.services
        services.train_gate = WorkGate(workers=1, queue=0, busy=services.train_gate.busy)
        with services.train_gate.job(wait=1.0):
            busy = c.post("/api/optimize", json=LINE)
        assert busy.status_code == 503
        assert busy.headers["content-type"].startswith("application/problem+json")
        assert int(busy.headers["retry-after"]) >= 1
        assert busy.json()["type"].endswith("/training-busy")
        assert c.post("/api/optimize", json=LINE).status_code == 200  # the place is free again


# ----- the fitted model on a grid (`fit`): the page plots it and computes nothing --------------


def test_fit_answers_the_losss_model_on_a_grid_with_the_fitted_params(client: TestClient) -> None:
    result = ok(client, **LINE, lr=0.05, steps=200, fit={"n": 5})
    fit = result["fit"]
    assert (fit["model"], fit["column"], fit["target"]) == ("w*x", "x", "y")
    assert fit["x"] == [1.0, 1.25, 1.5, 1.75, 2.0]  # the column's range by default
    w = result["params"]["w"]
    assert fit["y"] == pytest.approx([w * x for x in fit["x"]], rel=1e-12)
    assert fit["points"] == {"x": [1.0, 2.0], "y": [2.0, 4.0]}
    assert fit["note"] == "w*x with the fitted parameters, over the data (y against x)."
    assert ok(client, **LINE)["fit"] is None  # not asked for: not computed


def test_fit_reads_t_minus_model_and_earlier_lines_and_keeps_the_range_given(
    client: TestClient,
) -> None:
    body = {**LINE, "expression": "pred = w*x + 1\nloss = (y - pred)^2"}
    fit = ok(client, **body, steps=0, fit={"n": 3, "lo": -1, "hi": 1})["fit"]
    assert (fit["model"], fit["target"]) == ("pred", "y")
    assert fit["x"] == [-1.0, 0.0, 1.0] and fit["y"] == [1.0, 1.0, 1.0]  # w = 0: pred = 1


def test_fit_of_a_typed_model_is_null_where_it_has_no_number(client: TestClient) -> None:
    log = {"model": "log(w*x)", "n": 3}
    fit = ok(client, **{**LINE, "params": {"w": 1.0}}, steps=0, fit=log)
    assert fit["fit"]["y"][0] == 0.0  # log(1)
    fit = ok(client, **{**LINE, "params": {"w": -1.0}}, steps=0, fit=log)
    assert fit["fit"]["y"] == [None, None, None] and len(fit["fit"]["x"]) == 3


def test_fit_says_why_it_cannot_be_drawn(client: TestClient) -> None:
    two = {"x": [1, 2], "z": [0, 1], "y": [1, 2]}
    fit = ok(client, expression="(w*x + v*z - y)^2", params={"w": 0, "v": 0}, data=two, fit={})
    assert fit["fit"]["x"] == [] and "one data column" in fit["fit"]["note"]
    fit = ok(client, **LINE, fit={"model": "q*x"})["fit"]
    assert fit["x"] == [] and fit["note"] == "Cannot draw the model q*x: missing input value for q"
    fit = ok(client, **{**LINE, "expression": "w*x - y"}, fit={})["fit"]
    assert fit["model"] is None and fit["x"] == []  # no (MODEL - t)^2 and no model given


def test_a_fit_model_that_does_not_parse_is_a_422_pointing_into_it(client: TestClient) -> None:
    problem = refused(client, **LINE, fit={"model": "w*(x"})
    assert (problem["field"], problem["line"], problem["column"]) == ("fit.model", 1, 5)
    assert problem["snippet"].endswith("^")


def test_the_fit_grid_is_bounded_and_charged_to_the_budget() -> None:
    assert refused(TestClient(create_app()), **LINE, fit={"n": 100_000})["status"] == 422
    settings = Settings(access_log=False, budget_rebuilds=10)
    with TestClient(create_app(settings)) as small:
        problem = refused(small, **LINE, steps=1, fit={"n": 50})
    assert problem["budget"] == "rebuilds"


def test_the_stream_refuses_fit(client: TestClient) -> None:
    response = client.post("/api/optimize/stream", json={**LINE, "fit": {}})
    assert response.status_code == 422


# ----- POST /api/csv: the one CSV reader, for the form before training ----------------------------


def test_csv_answers_the_columns_and_rows_optimize_would_read(client: TestClient) -> None:
    response = client.post("/api/csv", json={"data": "\ufeffx, y\n0,1\n\n1,3e0\n"})
    assert response.status_code == 200
    assert response.json() == {"columns": ["x", "y"], "rows": 2}


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("x,y\n0,1\n1,z\n", 3, "y"),
        ("x,y\n0,1\n1\n", 3, None),
        ("\nx y\n1\n", 2, "x y"),
        ("x,y\n0,1\n2,inf\n", 3, "y"),
        ("x\n", None, None),
    ],
)
def test_csv_refusals_name_their_line_and_column(
    client: TestClient, text: str, line: int | None, column: str | None
) -> None:
    response = client.post("/api/csv", json={"data": text})
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/invalid-csv") and problem["field"] == "data"
    assert problem.get("line") == line and problem.get("csv_column") == column
    # the same text as optimize's data is refused with the same words
    optimize = refused(client, expression="(w*x - y)^2", params={"w": 0}, data=text)
    assert optimize["detail"] == problem["detail"]
