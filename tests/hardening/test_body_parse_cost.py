"""A JSON body's memory is bounded by the parse-cost
limit (depth, items) checked on its bytes before anything is decoded, and error bodies are
bounded. Measured on a real uvicorn by the RSS of its process."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from chainrule.json_reader import JSONLimits, JSONTooComplex, check, loads
from tests.support.server import running_process

pytestmark = pytest.mark.slow
MB = 1024 * 1024


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    with running_process() as up:
        yield up


def peak_growth(
    pid: int, send: httpx.Client, path: str, body: bytes
) -> tuple[httpx.Response, float]:
    """Send body; return the answer and the server's peak RSS growth meanwhile (MB)."""
    before = peak = rss_mb(pid)
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_mb(pid))
            time.sleep(0.01)

    t = threading.Thread(target=watch)
    t.start()
    try:
        r = send.post(path, content=body, headers={"content-type": "application/json"})
    finally:
        done.set()
        t.join()
    return r, peak - before


def batch(answer: str, submissions: int = 1) -> bytes:
    subs = ",".join(
        f'{{"id": "s{i}", "answers": [{{"name": "x", "answer": {answer}}}]}}'
        for i in range(submissions)
    )
    problem = '{"expression": "e = a * b", "values": {"a": 1, "b": 2}}'
    return f'{{"problem": {problem}, "submissions": [{subs}]}}'.encode()


def test_millions_of_empty_lists_are_refused_before_they_are_built(
    server: tuple[str, int],
) -> None:
    base, pid = server
    body = batch("[" + ",".join(["[]"] * 2_700_000) + "]")
    assert 7 * MB < len(body) < 8 * MB  # under the bulk body limit: only the parse cost stops it
    with httpx.Client(base_url=base, timeout=60) as c:
        r, growth = peak_growth(pid, c, "/api/grade/batch", body)
        assert r.status_code == 413, r.text[:300]
        assert r.json()["type"].endswith("/body-too-complex")
        assert "items" in r.json()["detail"]
        assert growth < 80, growth  # was ~400 MB: 2.7 million lists and pydantic's copies
        assert (
            c.post("/api/evaluate", json={"expression": "a*b", "values": {"a": 2, "b": 3}}).json()[
                "value"
            ]
            == 6
        )


def test_deep_nesting_is_refused_with_a_small_answer(server: tuple[str, int]) -> None:
    base, pid = server
    body = batch("[" * 900 + "]" * 900, submissions=2_000)
    with httpx.Client(base_url=base, timeout=60) as c:
        r, growth = peak_growth(pid, c, "/api/grade/batch", body)
    assert r.status_code == 413, r.text[:300]
    assert "nested more than 32 levels deep" in r.json()["detail"]
    assert len(r.content) < 1_000  # was 12-21 MB of echoed locations
    assert growth < 80, growth


def test_many_invalid_items_give_a_bounded_error_body(server: tuple[str, int]) -> None:
    base, pid = server
    answers = ",".join(f'{{"name": "q{i}", "answer": 1, "points": "many"}}' for i in range(100))
    subs = [f'{{"id": {i}, "answers": [{answers}]}}' for i in range(400)]  # ids must be text
    body = batch("1").decode()[: -len("]}")] + "," + ",".join(subs) + "]}"
    with httpx.Client(base_url=base, timeout=60) as c:
        r, growth = peak_growth(pid, c, "/api/grade/batch", body.encode())
    assert r.status_code == 422, r.text[:300]
    problem = r.json()
    assert len(problem["errors"]) == 20 and problem["error_count"] > 1_000
    assert len(r.content) < 8_000
    assert growth < 200, growth


@pytest.mark.parametrize(
    ("doc", "what"),
    [
        ("[" * 33 + "]" * 33, "levels"),
        ('{"a":' * 33 + "1" + "}" * 33, "levels"),
        ("[" + "0," * 200 + "0]", "items"),
    ],
)
def test_the_reader_refuses_over_either_limit(doc: str, what: str) -> None:
    with pytest.raises(JSONTooComplex) as info:
        loads(doc, JSONLimits(max_depth=32, max_items=100))
    assert info.value.what == what


def test_brackets_and_commas_inside_strings_do_not_count() -> None:
    text = json.dumps({"s": "[" * 100 + "," * 500 + '\\"[', "t": ["]" * 40]})
    check(text.encode(), JSONLimits(max_depth=3, max_items=10))
    assert loads(text, JSONLimits(max_depth=3, max_items=10))["t"] == ["]" * 40]


def test_a_large_valid_body_is_validated_once_and_graded(server: tuple[str, int]) -> None:
    base, _ = server
    answer = {"name": "v", "of": "e", "answer": 0}
    subs = [{"id": f"s{i}", "answers": [{**answer, "answer": 2 + i % 2}]} for i in range(1_000)]
    problem = {"expression": "e = a * b  # " + "x" * 19_000, "values": {"a": 1, "b": 2}}
    body = {"problem": problem, "submissions": subs}
    payload = json.dumps(body).encode()
    assert len(payload) > 64 * 1024  # decoded and validated on a worker thread
    with httpx.Client(base_url=base, timeout=60) as c:
        r = c.post(
            "/api/grade/batch", content=payload, headers={"content-type": "application/json"}
        )
    assert r.status_code == 200, r.text[:300]
    scores = [x["score"] for x in r.json()["results"]]
    assert scores == [1.0 if i % 2 == 0 else 0.0 for i in range(1_000)]
