"""POST /api/evaluate's table: `rows` (every input in the order of first use, then every named
node) with their numbers written once on the server, and `check` (the finite differences of
each input's gradient) when asked; the same in the numbers-only answer of a value change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.web.main import create_app
from app.web.table import FD_MAX_INPUTS, skip_note

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


def test_numbers_are_written_at_six_significant_digits(client: TestClient) -> None:
    body = post(client, "y = x / 3", values={"x": 1})
    assert table(body["rows"]) == [("x", "1", "0.333333"), ("y", "0.333333", "1")]


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
