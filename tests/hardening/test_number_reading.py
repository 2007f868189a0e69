"""One number reader everywhere (`1_000` is refused the same way by /, /export,
/api/graph.svg, CSV and the CLI), and a number that would silently become 0 (`1e-400`) is
refused with a position."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from chainrule.cli import main


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
