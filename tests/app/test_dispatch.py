"""Which requests the worker's pool answers (app/dispatch.py): every request of a bulk
route, and a large program's of the program routes (evaluate, the drawing, the page), each
answered as the worker itself answers it (CHAINRULE_POOL_PROCESSES=0)."""

from __future__ import annotations

import asyncio
import json
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app import jobs
from app.config import Settings
from app.main import create_app
from app.pool import JobPool
from tests.support.nginx import long_program

SMALL = {"expression": "(a+b)*(b+1)", "values": {"a": 2, "b": 1}}
# Under 2,000 characters (a short text, parsed here) whose user functions expand to 49,567
# nodes: about the largest program the language's limits allow (50,000)
WIDE = "\n".join(
    [
        "def p(x)=x*x+x*x+x*x+x*x+x*x+x*x+x*x+x*x",
        "def q(x)=" + "+".join(["p(x)"] * 14),
        *(f"n{i}=q(a+{i})" for i in range(102)),
        "y=" + "+".join(f"n{i}" for i in range(102)),
    ]
)
LONG = long_program(3_000)  # a long text: large unparsed (over CHAINRULE_INLINE_THRESHOLD)


@pytest.fixture(scope="module")
def clients() -> tuple[TestClient, TestClient]:
    """A client of an application with its pool, and one without (computing in the worker)."""
    pooled = TestClient(create_app(Settings(access_log=False)))
    here = TestClient(create_app(Settings(access_log=False, pool_processes=0)))
    return pooled, here


def pool_of(client: TestClient) -> JobPool:
    pool = cast(FastAPI, client.app).state.services.pool
    assert isinstance(pool, JobPool)
    return pool


def answered(client: TestClient, send: Any) -> tuple[Any, int]:
    """send(client)'s response, and how many requests the pool answered meanwhile."""
    pool = pool_of(client)
    before = pool.answered
    response = send(client)
    return response, pool.answered - before


def renderer_counts() -> tuple[int, int]:
    """The layout cache's (hits, misses) in the pool process that runs this."""
    from app import jobs

    renderer = jobs._Process.app.state.services.renderer
    return renderer.hits, renderer.misses


def test_a_large_programs_evaluate_is_computed_in_the_pool_as_in_the_worker(
    clients: tuple[TestClient, TestClient],
) -> None:
    pooled, here = clients
    for program in (WIDE, LONG):
        body = {"expression": program, "values": {"a": 0.5}}
        sent, by_pool = answered(pooled, lambda c, body=body: c.post("/api/evaluate", json=body))
        assert (sent.status_code, by_pool) == (200, 1)
        assert sent.content == here.post("/api/evaluate", json=body).content
    lean = {"expression": WIDE, "values": {"a": 0.5}, "numbers_only": True}
    sent, by_pool = answered(pooled, lambda c: c.post("/api/evaluate", json=lean))
    assert (sent.status_code, by_pool) == (200, 1)
    assert sent.content == here.post("/api/evaluate", json=lean).content


def test_a_small_programs_evaluate_stays_in_the_worker(
    clients: tuple[TestClient, TestClient],
) -> None:
    pooled, _ = clients
    sent, by_pool = answered(pooled, lambda c: c.post("/api/evaluate", json=SMALL))
    assert (sent.status_code, by_pool) == (200, 0)
    assert sent.content == clients[1].post("/api/evaluate", json=SMALL).content


def malformed_evaluates() -> list[bytes]:
    """Bodies /api/evaluate refuses: short ones (read here) and long ones (sent unread)."""
    padding = " " * 70_000  # over INLINE_BYTES: large unread, answered by the pool
    return [
        b"{",
        b"[1, 2]",
        b'{"values": {"a": 1}}',
        b'{"expression": 12}',
        b'{"expression": "a +", "values": {"a": 1}}',
        json.dumps({"expression": WIDE, "values": {"a": "x"}}).encode(),
        json.dumps({"expression": WIDE, "values": {"a": 1}, "precision": 99}).encode(),
        json.dumps({"expression": LONG + " +", "values": {"a": 1}}).encode(),
        json.dumps({"expression": "a" * 30_000}).encode(),
        b'{"expression": "a", ' + padding.encode() + b'"values": {"a": [1]}}',
        b'{"expression": "a", ' + padding.encode(),
        b'{"expression": "a", "values": {"a": 1e999999}' + padding.encode() + b"}",
        b'{"expression": "\\ud800", "x": "' + b"y" * 70_000 + b'"}',
    ]


def test_a_malformed_evaluate_gets_the_same_answer_with_the_pool_as_without(
    clients: tuple[TestClient, TestClient],
) -> None:
    pooled, here = clients
    headers = {"content-type": "application/json"}
    by_pool = 0
    for body in malformed_evaluates():
        sent, count = answered(
            pooled, lambda c, body=body: c.post("/api/evaluate", content=body, headers=headers)
        )
        alone = here.post("/api/evaluate", content=body, headers=headers)
        assert 400 <= sent.status_code < 500, body[:60]
        assert (sent.status_code, sent.content) == (alone.status_code, alone.content), body[:60]
        by_pool += count
    assert by_pool >= 5  # the long bodies and the large programs' were the pool's


def test_the_largest_program_evaluates_in_a_pool_process_within_its_memory() -> None:
    # ~50,000 nodes computed and exported (calls expanded), every node's numbers and steps
    # written, under the shipped
    # CHAINRULE_POOL_MEMORY (not a 422 over memory)
    client = TestClient(create_app(Settings(access_log=False)))
    body = {"expression": WIDE, "values": {"a": 0.5}, "expand_calls": True, "svg": True}
    sent, by_pool = answered(client, lambda c: c.post("/api/evaluate", json=body))
    assert (sent.status_code, by_pool) == (200, 1), sent.text[:300]
    assert len(sent.json()["nodes"]) > 25_000
    assert sent.json()["svg"] is None and sent.json()["svg_error"]  # over the drawing limit


@pytest.mark.graphviz
def test_a_large_programs_drawing_is_made_in_the_pool_and_its_layout_reused() -> None:
    client = TestClient(create_app(Settings(access_log=False)))
    here = TestClient(create_app(Settings(access_log=False, pool_processes=0)))
    pool = pool_of(client)
    program = long_program(2_400)  # ~1,900 drawn nodes: drawable, and large
    firsts = []
    for a in ("2", "3"):
        params = {"expression": program, "a": a}
        sent, by_pool = answered(client, lambda c, p=params: c.get("/api/graph.svg", params=p))
        alone = here.get("/api/graph.svg", params=params)
        assert (sent.status_code, by_pool) == (200, 1)
        assert sent.content == alone.content
        assert sent.headers["etag"] == alone.headers["etag"]
        firsts.append(sent.headers["etag"])
    hits, misses = asyncio.run(pool.call(10.0, renderer_counts))
    assert (hits, misses) == (1, 1)  # `dot` ran once for the structure
    again = {"expression": program, "a": "3"}
    unchanged = client.get("/api/graph.svg", params=again, headers={"if-none-match": firsts[1]})
    assert unchanged.status_code == 304


def test_a_large_programs_drawing_error_is_a_picture_from_the_pool(
    clients: tuple[TestClient, TestClient],
) -> None:
    pooled, here = clients
    params = {"expression": WIDE, "a": "1", "expand_calls": "true"}  # over the drawing limit
    for accept in ("image/svg+xml", "application/json"):
        headers = {"accept": accept}
        sent, by_pool = answered(
            pooled, lambda c, h=headers: c.get("/api/graph.svg", params=params, headers=h)
        )
        alone = here.get("/api/graph.svg", params=params, headers=headers)
        assert by_pool == 1
        assert 400 <= sent.status_code < 500
        assert (sent.status_code, sent.content) == (alone.status_code, alone.content)
        assert sent.headers["content-type"] == alone.headers["content-type"]


def test_a_large_programs_page_is_made_in_the_pool_as_in_the_worker(
    clients: tuple[TestClient, TestClient],
) -> None:
    pooled, here = clients
    for program in (WIDE, long_program(2_400)):
        params = {"expression": program, "a": "2"}
        sent, by_pool = answered(pooled, lambda c, p=params: c.get("/", params=p))
        assert (sent.status_code, by_pool) == (200, 1)
        assert sent.text == here.get("/", params=params).text
    sent, by_pool = answered(pooled, lambda c: c.get("/", params={"expression": "a*b"}))
    assert (sent.status_code, by_pool) == (200, 0)


def test_a_pool_process_left_large_by_the_largest_program_is_replaced() -> None:
    # the memory it freed but kept (~18 MB, its answer's pickling included) would stay with
    # the replica (two such processes); it is replaced, at the latest after the next job
    client = TestClient(create_app(Settings(access_log=False, pool_tasks=78)))  # a new pool
    body = {"expression": WIDE, "values": {"a": 0.5}, "expand_calls": True}
    for _ in range(2):
        assert client.post("/api/evaluate", json=body).status_code == 200
    assert asyncio.run(pool_of(client).call(10.0, jobs.kept)) <= 8 * 1024 * 1024


def test_a_large_programs_download_is_made_in_the_pool_as_in_the_worker(
    clients: tuple[TestClient, TestClient],
) -> None:
    pooled, here = clients
    params = {"expression": long_program(2_400), "a": "2"}
    for kind in ("dot", "json", "gif"):  # (gif: no such download, a 404 from either)
        path = f"/export/graph.{kind}"
        sent, by_pool = answered(pooled, lambda c, path=path: c.get(path, params=params))
        alone = here.get(path, params=params)
        assert by_pool == 1, kind
        assert (sent.status_code, sent.content) == (alone.status_code, alone.content), kind
        assert sent.headers.get("content-disposition") == alone.headers.get("content-disposition")
    small = {"expression": "a*b", "a": "2", "b": "3"}
    sent, by_pool = answered(pooled, lambda c: c.get("/export/graph.dot", params=small))
    assert (sent.status_code, by_pool) == (200, 0)


def test_a_large_programs_inputs_are_read_in_the_pool_as_in_the_worker(
    clients: tuple[TestClient, TestClient],
) -> None:
    pooled, here = clients
    for program, pool_answers in ((LONG, 1), (LONG + " +", 1), ("a*b + c", 0)):
        body = {"expression": program}
        sent, by_pool = answered(pooled, lambda c, b=body: c.post("/api/inputs", json=b))
        alone = here.post("/api/inputs", json=body)
        assert by_pool == pool_answers, program[-20:]
        assert (sent.status_code, sent.content) == (alone.status_code, alone.content)
