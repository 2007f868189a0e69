"""GET /api/graph.svg: an embeddable, cacheable drawing; errors as problem+json."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

SEED = {"expression": "(a+b)*(b+1)", "a": "2", "b": "1"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(access_log=False, svg_max_age=600))) as c:
        yield c


@pytest.mark.graphviz
def test_the_drawing_is_svg_with_an_etag_and_cache_control(client: TestClient) -> None:
    response = client.get("/api/graph.svg", params=SEED)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.text.lstrip().startswith("<?xml") and "<svg" in response.text
    assert response.headers["cache-control"] == "public, max-age=600"
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 10


@pytest.mark.graphviz
def test_the_drawing_shows_the_values(client: TestClient) -> None:
    text = client.get("/api/graph.svg", params=SEED).text
    assert ">6</text>" in text and ">5</text>" in text  # the output's value, b's gradient
    assert "<script" not in text.lower()


@pytest.mark.graphviz
def test_a_matching_if_none_match_gets_304_without_a_body(client: TestClient) -> None:
    etag = client.get("/api/graph.svg", params=SEED).headers["etag"]
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = client.get("/api/graph.svg", params=SEED, headers={"if-none-match": header})
        assert response.status_code == 304, header
        assert response.content == b""
        assert response.headers["etag"] == etag


@pytest.mark.graphviz
def test_a_stale_etag_gets_the_drawing(client: TestClient) -> None:
    response = client.get("/api/graph.svg", params=SEED, headers={"if-none-match": '"stale"'})
    assert response.status_code == 200 and "<svg" in response.text


@pytest.mark.graphviz
def test_different_values_or_options_give_different_etags(client: TestClient) -> None:
    base = client.get("/api/graph.svg", params=SEED).headers["etag"]
    other_value = client.get("/api/graph.svg", params={**SEED, "a": "3"}).headers["etag"]
    other_layout = client.get("/api/graph.svg", params={**SEED, "rankdir": "TB"}).headers["etag"]
    assert len({base, other_value, other_layout}) == 3


@pytest.mark.graphviz
def test_the_same_request_gets_the_same_etag(client: TestClient) -> None:
    first = client.get("/api/graph.svg", params=SEED).headers["etag"]
    assert client.get("/api/graph.svg", params=SEED).headers["etag"] == first


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({}, "expression"),
        ({"expression": "a", "a": "abc"}, "finite number"),
        ({"expression": "a", "a": "nan"}, "finite number"),
        ({"expression": "a", "a": "inf"}, "finite number"),
        ({"expression": "a", "a": "1e309"}, "finite number"),
        ({"expression": "a", "1a": "1"}, "not a name"),
        ({"expression": "a*b", "a": "1"}, "missing"),
        ({"expression": "(a", "a": "1"}, "never closed"),
        ({"expression": "a", "a": "1", "rankdir": "XY"}, "rankdir"),
        ({"expression": "a", "a": "1", "precision": "99"}, "precision"),
    ],
)
def test_errors_are_problem_json(client: TestClient, params: dict[str, str], says: str) -> None:
    response = client.get("/api/graph.svg", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert says in response.text


def test_a_parse_error_has_its_position(client: TestClient) -> None:
    problem = client.get("/api/graph.svg", params={"expression": "a +* b"}).json()
    assert (problem["line"], problem["column"]) == (1, 4)


def test_a_graph_over_the_drawing_limit_is_a_422() -> None:
    with TestClient(create_app(Settings(budget_draw_nodes=3, access_log=False))) as c:
        response = c.get("/api/graph.svg", params=SEED)
    assert response.status_code == 422
    assert response.json()["type"].endswith("/graph-too-large")


@pytest.mark.graphviz
def test_constants_and_legend_can_be_left_out(client: TestClient) -> None:
    params = {"expression": "(a+b)*(b+1)", "a": "2", "b": "1"}
    full = client.get("/api/graph.svg", params=params).text
    bare = client.get(
        "/api/graph.svg", params={**params, "constants": "false", "legend": "false"}
    ).text
    # a constant is written beside its use, in its op node (named by a class), never a node
    assert 'class="node op const&#45;n3"' in full and ">+ 1</text>" in full
    assert 'class="node value constant"' not in full + bare
    assert ">input</text>" in full  # the legend above the drawing names the kinds shown
    assert ">+ 1</text>" not in bare and ">+</text>" in bare and ">input</text>" not in bare


@pytest.mark.graphviz
def test_evaluate_honours_the_constants_option(client: TestClient) -> None:
    body = {"expression": "(a+b)*(b+1)", "values": {"a": 2, "b": 1}, "svg": True}
    full = client.post("/api/evaluate", json=body).json()["svg"]
    bare = client.post("/api/evaluate", json={**body, "constants": False}).json()["svg"]
    assert full != bare
