"""Against real nginx: deploy/nginx.conf on
loopback in front of two real uvicorn replicas (tests/support/nginx.py). Nothing the app
sends takes a healthy replica out; share links as long as the app accepts pass; nginx's own
errors are problem+json. The same runs in the compose stack (tests/deploy/test_compose.py).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from urllib.parse import urlencode

import httpx
import pytest

from app.config import Settings
from tests.support.nginx import NGINX_ERRORS, Proxy, long_program, nginx_binary, raw, running_nginx
from tests.support.server import running_process

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(nginx_binary() is None, reason="needs nginx (apt-get install -y nginx)"),
]
NORMAL = {"expression": "(a+b)*(b+1)", "values": {"a": 2, "b": 1}}
# Training runs one at a time with no queue, so a second one at once is the app's 503
# (in the worker: no pool processes, whose queue would hold it).
ENV = {
    "CHAINRULE_TRAIN_CONCURRENCY": "1",
    "CHAINRULE_TRAIN_QUEUE": "0",
    "CHAINRULE_POOL_PROCESSES": "0",
}


@pytest.fixture(scope="module")
def proxy() -> Iterator[tuple[Proxy, set[str]]]:
    with ExitStack() as stack:
        bases = [stack.enter_context(running_process(ENV))[0] for _ in range(2)]
        upstreams = [b.removeprefix("http://") for b in bases]
        yield stack.enter_context(running_nginx(upstreams)), set(upstreams)


def both_replicas_answer(proxy: Proxy, upstreams: set[str], n: int = 20) -> Counter[str]:
    """Send n evaluates; every one must succeed; return which replica answered each."""
    seen: Counter[str] = Counter()
    with httpx.Client(base_url=proxy.base_url, timeout=30) as c:
        for _ in range(n):
            r = c.post("/api/evaluate", json=NORMAL)
            assert r.status_code == 200, r.text[:300]
            seen[r.headers["x-upstream"]] += 1
    assert set(seen) == upstreams, seen  # neither replica was marked failed
    return seen


@pytest.mark.parametrize("chars", [3_000, 6_000, 19_900])
def test_form_posts_of_long_programs_never_take_a_replica_out(
    proxy: tuple[Proxy, set[str]], chars: int
) -> None:
    nginx, upstreams = proxy
    form = {"expression": long_program(chars), "a": "2", "view": "1"}
    with httpx.Client(base_url=nginx.base_url, timeout=30) as c:
        for _ in range(4):  # two used to take both replicas out for 5 s
            r = c.post("/", data=form)
            assert r.status_code == 200, r.text[:300]
            assert "too big header" not in nginx.error_log()
    both_replicas_answer(nginx, upstreams)


def test_a_share_link_as_long_as_the_app_accepts_passes_nginx(
    proxy: tuple[Proxy, set[str]],
) -> None:
    nginx, upstreams = proxy
    limit = Settings().max_length
    program = "y = a*0 # " + "*" * (limit - 10)  # the worst case: every character is %XX
    query = urlencode({"expression": program, "a": "2"})
    assert len(program) == limit and len(query) > 3 * limit
    r = httpx.get(f"{nginx.base_url}/?{query}", timeout=30)
    assert r.status_code == 200, r.text[:300]  # was 414 from 6,000 characters on
    assert 'id="output-value">0<' in r.text
    both_replicas_answer(nginx, upstreams)


def test_the_apps_own_503_does_not_mark_its_replica_failed(
    proxy: tuple[Proxy, set[str]],
) -> None:
    nginx, upstreams = proxy
    run = {
        "expression": "(w*x - y)^2",
        "params": {"w": 0},
        "data": {"x": list(range(2_000)), "y": list(range(2_000))},
        "steps": 3_000,
        "lr": 1e-9,
    }
    statuses: list[int] = []

    def train(address: str) -> None:
        transport = httpx.HTTPTransport(local_address=address)
        with httpx.Client(base_url=nginx.base_url, timeout=60, transport=transport) as c:
            statuses.append(c.post("/api/optimize", json=run).status_code)

    # Enough at once that each replica is busy training and refuses the next ones; from six
    # addresses, as nginx lets one address have only two bulk requests at once (round 4).
    threads = [threading.Thread(target=train, args=(f"127.0.0.{i}",)) for i in range(1, 7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert 503 in statuses, statuses  # the app said "busy, retry after"
    assert 502 not in statuses
    both_replicas_answer(nginx, upstreams)


@pytest.mark.parametrize(("request_bytes", "status"), NGINX_ERRORS.values(), ids=NGINX_ERRORS)
def test_nginx_own_errors_are_problem_json(
    proxy: tuple[Proxy, set[str]], request_bytes: bytes, status: int
) -> None:
    nginx, _ = proxy
    got, headers, body = raw(nginx.base_url, request_bytes)
    assert got == status
    assert headers["content-type"].startswith("application/problem+json"), (headers, body[:200])
    problem = httpx.Response(status, content=body).json()
    assert problem["status"] == status and problem["title"]
