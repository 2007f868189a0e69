"""POST /api/evaluate: values, gradients, graph, drawing, and every way a request can fail."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.table import FD_MAX_INPUTS, skip_note

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


# ----- the table: rows (inputs in the order of first use, then named nodes), their texts
# written once on the server, and the numeric check when asked ----------------------------


def table(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(r["name"], r["value_text"], r["grad_text"]) for r in rows]


def test_rows_are_the_inputs_then_the_named_nodes_with_their_texts(client: TestClient) -> None:
    body = post(client, SEED, values={"a": 2, "b": 1})
    assert table(body["rows"]) == [
        ("a", "2", "2"),
        ("b", "1", "5"),
        ("c", "3", "2"),
        ("d", "2", "3"),
        ("e", "6", "1"),
    ]
    kinds = ["input", "input", "intermediate", "intermediate", "output"]
    assert [r["kind"] for r in body["rows"]] == kinds
    assert "check" not in body  # the numeric check only when asked


@pytest.mark.parametrize(
    ("program", "values", "order"),
    [
        ("y = b * a", {"a": 1, "b": 2}, ["b", "a", "y"]),  # first use, not the alphabet
        ("t = z + 1\nu = t * x", {"x": 1, "z": 2}, ["z", "x", "t", "u"]),
    ],
)
def test_inputs_come_in_the_order_of_first_use(
    client: TestClient, program: str, values: dict[str, float], order: list[str]
) -> None:
    assert [r["name"] for r in post(client, program, values=values)["rows"]] == order


@pytest.mark.parametrize(
    ("asked", "third"), [({}, "0.3333"), ({"precision": 6}, "0.333333"), ({"precision": 2}, "0.33")]
)
def test_the_table_writes_numbers_at_the_precision_the_drawing_does(
    client: TestClient, asked: dict[str, int], third: str
) -> None:
    # one rule: the precision the learner chose (4 unless asked), for the table, the
    # numbers-only answer's rows, the check and the drawing
    body = post(client, "y = x / 3", values={"x": 1}, check=True, **asked)
    assert table(body["rows"]) == [("x", "1", third), ("y", third, "1")]
    assert body["check"]["inputs"][0]["fd_text"] == third
    lean = post(client, "y = x / 3", values={"x": 1}, numbers_only=True, **asked)
    assert table(lean["rows"]) == [("x", "1", third), ("y", third, "1")]
    assert lean["value_texts"][-1] == third


def test_the_check_is_the_central_difference_of_each_input(client: TestClient) -> None:
    body = post(client, SEED, values={"a": 2, "b": 1}, check=True)
    check = body["check"]
    assert check["skipped"] is False and check["note"] is None
    by_name = {c["name"]: c for c in check["inputs"]}
    assert list(by_name) == ["a", "b"]
    assert by_name["a"]["fd"] == pytest.approx(2.0, abs=1e-6)
    assert by_name["b"]["fd"] == pytest.approx(5.0, abs=1e-6)
    assert [c["fd_text"] for c in check["inputs"]] == ["2", "5"]
    assert not any(c["bad"] for c in check["inputs"])


def test_a_kink_is_marked_where_the_difference_disagrees(client: TestClient) -> None:
    # at x = 0, relu has a corner: autodiff takes one side's slope (0 or 1), the central
    # difference averages both (0.5)
    check = post(client, "y = relu(x)", values={"x": 0}, check=True)["check"]
    (only,) = check["inputs"]
    assert only["fd"] == pytest.approx(0.5, abs=1e-9)
    assert only["bad"] is True and only["diff_text"] != ""


def test_no_number_nearby_is_a_dash_not_a_failure(client: TestClient) -> None:
    # sqrt(x) at 0: the step below 0 has no value, so there is no central difference
    check = post(client, "y = sqrt(x) + 1", values={"x": 0}, check=True)["check"]
    (only,) = check["inputs"]
    assert (only["fd"], only["fd_text"], only["diff_text"]) == (None, "—", "")


def test_above_the_input_limit_the_check_says_why_it_was_skipped(client: TestClient) -> None:
    n = FD_MAX_INPUTS + 1
    program = "y = " + " + ".join(f"x{k}" for k in range(n))
    body = post(client, program, values={f"x{k}": 1 for k in range(n)}, check=True)
    assert body["check"] == {"skipped": True, "note": skip_note(n), "inputs": []}


def test_the_numbers_only_answer_carries_the_same_rows_and_check(client: TestClient) -> None:
    full = post(client, SEED, values={"a": 2, "b": 1}, check=True)
    lean = post(client, SEED, values={"a": 2, "b": 1}, check=True, numbers_only=True)
    assert table(lean["rows"]) == table(full["rows"])
    assert [r["id"] for r in lean["rows"]] == [r["id"] for r in full["rows"]]
    assert lean["check"] == full["check"]
    assert "nodes" not in lean and "steps" not in lean
