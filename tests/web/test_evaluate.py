"""POST /api/evaluate: values, gradients, graph, drawing, and every way a request can fail."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.web.main import create_app

SEED = "c = a + b\nd = b + 1\ne = c * d"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(access_log=False))) as c:
        yield c


def post(client: TestClient, expression: str, **body: object) -> dict[str, Any]:
    response = client.post("/api/evaluate", json={"expression": expression, **body})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_the_seed_product_is_6_with_gradients_2_and_5(client: TestClient) -> None:
    body = post(client, "(a+b)*(b+1)", values={"a": 2, "b": 1})
    assert body["value"] == 6.0
    assert body["gradients"] == {"a": 2.0, "b": 5.0}
    assert body["output"] == "output"
    assert "svg" not in body


def test_named_intermediates_get_their_own_gradients(client: TestClient) -> None:
    body = post(client, SEED, values={"a": 2, "b": 1})
    assert body["output"] == "e"
    assert body["gradients"] == {"a": 2.0, "b": 5.0, "c": 2.0, "d": 3.0, "e": 1.0}


def test_nodes_edges_and_steps_describe_the_graph(client: TestClient) -> None:
    body = post(client, SEED, values={"a": 2, "b": 1})
    nodes = {n["id"]: n for n in body["nodes"]}
    assert nodes[body["output_id"]]["value"] == 6.0
    assert {n["name"] for n in nodes.values()} >= {"a", "b", "c", "d", "e"}
    for edge in body["edges"]:
        assert edge["source"] in nodes and edge["target"] in nodes
    first = body["steps"][0]
    assert first["node"] == body["output_id"] and first["grad"] == 1.0
    assert sorted(c["local_grad"] for c in first["contributions"]) == [2.0, 3.0]


def test_values_for_unused_names_are_warnings(client: TestClient) -> None:
    body = post(client, "a * 2", values={"a": 1, "zzz": 3})
    assert body["gradients"] == {"a": 2.0}
    assert any("zzz" in w for w in body["warnings"])


@pytest.mark.graphviz
def test_svg_is_drawn_on_request(client: TestClient) -> None:
    body = post(client, SEED, values={"a": 2, "b": 1}, svg=True, rankdir="TB")
    assert "<svg" in str(body["svg"]) and "svg_error" not in body


def test_a_graph_over_the_drawing_limit_still_answers_with_a_reason() -> None:
    with TestClient(create_app(Settings(budget_draw_nodes=3, access_log=False))) as c:
        response = c.post(
            "/api/evaluate", json={"expression": SEED, "values": {"a": 2, "b": 1}, "svg": True}
        )
    body = response.json()
    assert response.status_code == 200
    assert body["value"] == 6.0 and body["gradients"]["b"] == 5.0
    assert body["svg"] is None and "limited to 3" in body["svg_error"]


@pytest.mark.graphviz
def test_a_drawing_that_times_out_still_answers_with_a_reason() -> None:
    with TestClient(create_app(Settings(budget_dot_seconds=1e-6, access_log=False))) as c:
        response = c.post(
            "/api/evaluate", json={"expression": SEED, "values": {"a": 2, "b": 1}, "svg": True}
        )
    body = response.json()
    assert response.status_code == 200 and body["value"] == 6.0
    assert body["svg"] is None and "longer than" in body["svg_error"]


def test_long_programs_run_in_the_threadpool_with_the_same_answer() -> None:
    source = " + ".join(["x*x"] * 200)
    with TestClient(create_app(Settings(inline_threshold=10, access_log=False))) as c:
        body = c.post("/api/evaluate", json={"expression": source, "values": {"x": 3}}).json()
    assert body["value"] == 200 * 9.0 and body["gradients"]["x"] == 200 * 6.0


def test_non_finite_results_are_strings(client: TestClient) -> None:
    body = post(client, "sqrt(x)", values={"x": 0})
    assert body["value"] == 0.0
    assert body["gradients"] == {"x": "inf"}


def test_missing_values_are_listed(client: TestClient) -> None:
    response = client.post("/api/evaluate", json={"expression": "a*b+c", "values": {"b": 1}})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["missing"] == ["a", "c"]
    assert problem["type"].endswith("/missing-values") and problem["status"] == 422


def test_a_syntax_error_has_its_position_and_a_snippet(client: TestClient) -> None:
    response = client.post("/api/evaluate", json={"expression": "x = 1\ny = (x +", "values": {}})
    problem = response.json()
    assert response.status_code == 422
    assert {"type", "title", "status", "detail", "line", "column", "length", "snippet"} <= set(
        problem
    )
    assert problem["line"] == 2 and problem["field"] == "expression"
    assert "^" in problem["snippet"]


def test_a_domain_error_points_at_the_operation(client: TestClient) -> None:
    problem = client.post(
        "/api/evaluate", json={"expression": "1 + log(x)", "values": {"x": -1}}
    ).json()
    assert problem["status"] == 422 and problem["type"].endswith("/domain")
    assert (problem["line"], problem["column"]) == (1, 5)


@pytest.mark.parametrize("raw", [b"NaN", b"Infinity", b"-Infinity", b"1e309", b'"2"', b"true"])
def test_values_must_be_finite_numbers(client: TestClient, raw: bytes) -> None:
    body = b'{"expression": "a", "values": {"a": ' + raw + b"}}"
    response = client.post(
        "/api/evaluate", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/validation")
    assert problem["errors"][0]["loc"] == ["body", "values", "a"]


@pytest.mark.parametrize("key", ["1a", "a-b", "", "a b", "x" * 65])
def test_value_names_must_be_identifiers(client: TestClient, key: str) -> None:
    response = client.post("/api/evaluate", json={"expression": "1", "values": {key: 1}})
    assert response.status_code == 422
    assert response.json()["type"].endswith("/validation")


def test_integers_are_accepted_as_values(client: TestClient) -> None:
    assert post(client, "a / 2", values={"a": 3})["value"] == 1.5


def test_answers_never_contain_non_standard_json(client: TestClient) -> None:
    response = client.post("/api/evaluate", json={"expression": "-sqrt(x)", "values": {"x": 0}})
    assert "Infinity" not in response.text and "NaN" not in response.text
    assert response.json()["gradients"]["x"] == "-inf"
    assert math.isinf(float(response.json()["gradients"]["x"]))


@pytest.mark.parametrize(("field", "value"), [("svg", 0), ("svg", "true"), ("precision", "4")])
def test_options_must_have_their_json_types(client: TestClient, field: str, value: object) -> None:
    body = {"expression": "a", "values": {"a": 1}, field: value}
    assert client.post("/api/evaluate", json=body).status_code == 422


# ----- what a page needs, answered: inputs with positions, coded warnings, default values -------


def test_the_answer_names_the_inputs_in_order_of_first_use_with_positions(
    client: TestClient,
) -> None:
    body = post(client, "c = b + a\nd = c * x", values={"a": 1, "b": 2, "x": 3})
    assert body["inputs"] == [
        {"name": "b", "line": 1, "column": 5},
        {"name": "a", "line": 1, "column": 9},
        {"name": "x", "line": 2, "column": 9},
    ]


def test_inputs_of_a_program_are_answered_without_computing_it(client: TestClient) -> None:
    response = client.post("/api/inputs", json={"expression": "log(b - a) + a"})
    assert response.status_code == 200
    assert response.json() == {
        "inputs": [{"name": "b", "line": 1, "column": 5}, {"name": "a", "line": 1, "column": 9}],
        "output": None,
    }
    assert client.post("/api/inputs", json={"expression": SEED}).json()["output"] == "e"
    bad = client.post("/api/inputs", json={"expression": "c = b +"})
    assert bad.status_code == 422 and (bad.json()["line"], bad.json()["column"]) == (1, 8)


def test_every_warning_has_a_stable_code_beside_its_text(client: TestClient) -> None:
    body = post(client, "cc = b + a\nc", values={"a": 1, "b": 1, "c": 1, "z": 1})
    codes = {n["code"]: n["message"] for n in body["notices"]}
    assert set(codes) == {"unused-line", "misspelled-name", "unused-value"}
    assert codes["unused-value"] == "value given for 'z', which the program does not use"
    assert [n["message"] for n in body["notices"]] == body["warnings"]
    wrong = "def f(x) = x^2 grad 3*x\nf(a)"
    mismatch = post(client, wrong, values={"a": 1})["notices"]
    assert [n["code"] for n in mismatch] == ["declared-grad-mismatch"]


def test_default_value_fills_the_inputs_not_given_and_names_them(client: TestClient) -> None:
    body = post(client, "a * b + c", values={"b": 3}, default_value=2)
    assert body["value"] == 8.0 and body["defaulted"] == ["a", "c"]
    lean = post(client, "a * b + c", values={"b": 3}, default_value=2, numbers_only=True)
    assert lean["value"] == 8.0
    assert post(client, "a * b", values={"a": 1, "b": 1})["defaulted"] == []
    missing = client.post("/api/evaluate", json={"expression": "a * b", "values": {"a": 1}})
    assert missing.status_code == 422 and missing.json()["missing"] == ["b"]  # as before
