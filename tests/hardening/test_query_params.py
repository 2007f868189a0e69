"""The class behind "precision=² gives a 500": every query parameter of every GET route,
given any hostile text, gets an answer below 500 (a page, a picture, or a 4xx).

The classes found: `str.isdigit()` accepts digits `int()` refuses (², ١); `int()` refuses
more than 4,300 digits; float arithmetic on a value near the largest float overflows
(a slider range around 1.5e308); a float parsed from text may be inf or nan.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

ROUTES = ["/", "/export/graph.png", "/export/graph.dot", "/export/graph.json", "/api/graph.svg"]
DRAWN = {"/export/graph.png", "/api/graph.svg"}  # laid out by Graphviz's dot
PARAMS = ["a", "precision", "rankdir", "local_grads", "expand_calls", "constants", "legend"]
HOSTILE = [
    "²",
    "١٢",
    "9" * 5_000,
    "1" + "0" * 400,
    "1.5e308",
    "-1.7976931348623157e308",
    "1e309",
    "nan",
    "-inf",
    "",
    " 3 ",
    "0x10",
    "-0",
    "1_000",
    "\u00a0",
    "<script>",
]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(access_log=False))) as c:
        yield c


@pytest.mark.parametrize(
    "route", [pytest.param(r, marks=pytest.mark.graphviz) if r in DRAWN else r for r in ROUTES]
)
@pytest.mark.parametrize("param", PARAMS)
def test_no_query_value_gives_a_server_error(client: TestClient, route: str, param: str) -> None:
    for value in HOSTILE:
        query = {"expression": "a*2", "a": "1.5", param: value}
        answer = client.get(route, params=query)
        assert answer.status_code < 500, (route, param, value, answer.text[:300])
        if answer.status_code >= 400 and route != "/":
            assert answer.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("value", ["1.5e308", "-1.7976931348623157e308", "1e-320", "123456789e300"])
def test_the_page_draws_extreme_but_finite_values(client: TestClient, value: str) -> None:
    page = client.get("/", params={"expression": "a", "a": value})
    assert page.status_code == 200, page.text[:300]


def test_the_share_link_never_names_the_host_the_client_claimed(client: TestClient) -> None:
    page = client.get("/", params={"expression": "a", "a": "1"}, headers={"host": "evil.example"})
    assert page.status_code == 200
    assert "evil.example" not in page.text
