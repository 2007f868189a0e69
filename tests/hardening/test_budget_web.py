"""The work budget through HTTP: over budget is a 422 naming the budget and the amount;
HEAD answers like GET; a stalled body gets 408; the parse cache is bounded; big programs
run off the event loop, decided by their node count (their expansion), not their length."""

from __future__ import annotations

import socket
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from starlette.concurrency import run_in_threadpool

from app import services as web_services
from app.config import Settings
from app.main import create_app
from app.parse_cache import ParseCache
from chainrule.lang import DEFAULT_LIMITS, ParseError
from tests.support.server import running_server

NORMAL: dict[str, Any] = {"expression": "(a+b)*(b+1)", "values": {"a": 2, "b": 1}}
# 150 characters that expand to ~3,000 nodes: def f(x) = x, nested three times.
NESTED = (
    "def f(x) = x\n"
    "def g(x) = f(f(f(f(f(f(f(f(f(f(x))))))))))\n"
    "def h(x) = g(g(g(g(g(g(g(g(g(g(x))))))))))\n"
    "def k(x) = h(h(h(h(h(h(h(h(h(h(x))))))))))\n"
    "y = k(a)+k(a)+k(a)"
)


def client(**settings: Any) -> TestClient:
    return TestClient(create_app(Settings(access_log=False, **settings)))


def test_a_program_over_the_node_budget_is_a_422_naming_the_budget() -> None:
    with client(budget_nodes=1_000) as c:
        answer = c.post("/api/evaluate", json={"expression": NESTED, "values": {"a": 1}})
        assert answer.status_code == 422, answer.text
        problem = answer.json()
        assert problem["type"].endswith("/budget")
        assert problem["budget"] == "nodes" and problem["limit"] == 1_000
        assert problem["needed"] > 1_000
        assert "CHAINRULE_BUDGET_NODES" in problem["detail"]
        assert c.post("/api/evaluate", json=NORMAL).json()["value"] == 6.0


def test_the_same_budget_guards_the_svg_route_and_the_page() -> None:
    with client(budget_nodes=1_000) as c:
        svg = c.get("/api/graph.svg", params={"expression": NESTED, "a": "1"})
        assert svg.status_code == 422 and svg.json()["budget"] == "nodes"
        page = c.get("/", params={"expression": NESTED, "a": "1"})
        assert page.status_code == 200  # the page shows the problem in place of the picture
        assert "budget" in page.text


@pytest.mark.parametrize(
    "path",
    # /api/health answers 503 when Graphviz is missing
    ["/", pytest.param("/api/health", marks=pytest.mark.graphviz), "/api/examples", "/docs"],
)
def test_head_answers_like_get_without_a_body(path: str) -> None:
    with client() as c:
        get, head = c.get(path), c.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert "content-security-policy" in head.headers


def test_a_misspelt_name_is_warned_about() -> None:
    body = {"expression": "c = a + b; d = b + 1; e = c * dd", "values": {"a": 2, "b": 1, "dd": 1}}
    with client() as c:
        warnings = c.post("/api/evaluate", json=body).json()["warnings"]
    assert any("'d'" in w and "never used" in w for w in warnings), warnings
    assert any("'dd'" in w and "did you mean 'd'" in w for w in warnings), warnings


def test_the_parse_cache_is_bounded_by_nodes_and_keeps_no_failure() -> None:
    cache = ParseCache(DEFAULT_LIMITS, max_entries=100, max_nodes=1_000)
    for i in range(50):
        cache(" + ".join(f"x{j}" for j in range(i, i + 30)))  # ~60 nodes each
    assert cache.held_nodes <= 1_000 and 0 < len(cache) < 50
    big = " + ".join(f"x{j}" for j in range(200))  # over a tenth of the bound: not kept
    cache(big)
    assert big not in cache._entries
    with pytest.raises(ParseError):
        cache("a +")
    assert "a +" not in cache._entries


@pytest.mark.graphviz
def test_a_small_text_with_a_big_expansion_runs_in_the_thread_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # with no pool process (with one, it goes there: tests/app/test_dispatch.py)
    moved: list[str] = []
    sending: list[str] = []
    real = run_in_threadpool  # what app.services calls; the spy stands in for it there

    async def spy(func: Any, *args: Any) -> Any:
        moved.append(sending[-1])
        return await real(func, *args)

    monkeypatch.setattr(web_services, "run_in_threadpool", spy)
    with client(inline_nodes=500, pool_processes=0) as c:
        cases: tuple[tuple[str, dict[str, Any]], ...] = (
            ("nested", {"expression": NESTED, "values": {"a": 1}}),
            ("normal", NORMAL),
        )
        for name, body in cases:
            sending.append(name)
            assert c.post("/api/evaluate", json=body).is_success
            values = {k: str(v) for k, v in body["values"].items()}
            svg = c.get("/api/graph.svg", params={"expression": body["expression"], **values})
            assert svg.status_code == 200, svg.text
    assert "nested" in moved and "normal" not in moved


@pytest.mark.slow  # seconds of work: the full suite runs it, not ./dev check
@pytest.mark.graphviz
def test_a_client_that_stalls_its_body_gets_408_and_others_are_served() -> None:
    env = {"CHAINRULE_BODY_READ_TIMEOUT": "1"}
    with running_server(env) as base:
        url = urlsplit(base)
        with socket.create_connection((url.hostname, url.port), timeout=30) as s:
            s.sendall(
                b"POST /api/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b'Content-Length: 100\r\n\r\n{"expr'
            )
            started = time.monotonic()
            reply = s.recv(4096)
            waited = time.monotonic() - started
        assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
        assert waited < 20  # generous: the timeout is 1 s
