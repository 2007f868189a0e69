"""The compose deployment on a real Docker engine: images, nginx in front of two replicas,
and a replica killed under load without a failed request (a response the kill cut off
mid-body is sent again by the client, as a safe request may be)."""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from tests.deploy.conftest import APP_IMAGE, Engine, Images, Stack
from tests.support.nginx import NGINX_ERRORS, long_program, raw

pytestmark = [pytest.mark.docker, pytest.mark.slow]

PROBLEM = {"expression": "(a+b)*(b+1)", "values": {"a": 2, "b": 1}}


def check_evaluation(body: dict[str, Any]) -> None:
    """The figure everyone knows: e = (a+b)(b+1) at a=2, b=1."""
    assert body["value"] == pytest.approx(6.0)
    assert body["gradients"]["a"] == pytest.approx(2.0)
    assert body["gradients"]["b"] == pytest.approx(5.0)


def test_images_build_and_report_their_size(
    engine: Engine, images: Images, capsys: pytest.CaptureFixture[str]
) -> None:
    with capsys.disabled():
        timing = ", ".join(f"{k} {v:.0f} s" for k, v in images.seconds.items())
        print(
            f"\n[deploy] app image {APP_IMAGE}: {images.app_size_mb:.0f} MB; "
            f"nginx stand-in: {images.nginx_size_mb:.0f} MB ({timing})"
        )
    assert images.app_size_mb < 600
    user = engine.inspect("{{.Config.User}}", APP_IMAGE)[0]
    assert user and not user.startswith(("0", "root"))
    assert engine.inspect("{{.Config.Healthcheck.Test}}", APP_IMAGE)[0].count("/api/health")


def test_every_container_is_healthy_hardened_and_limited(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    eng = stack.engine
    with capsys.disabled():
        timing = ", ".join(f"{k} {v:.1f} s" for k, v in eng.timings.items())
        print(f"\n[deploy] {timing}")
    apps, proxies = stack.containers("app"), stack.containers("nginx")
    assert len(apps) == 2 and len(proxies) == 1
    for name in apps + proxies:
        assert eng.inspect("{{.State.Health.Status}}", name) == ["healthy"], name
        assert eng.inspect("{{.HostConfig.ReadonlyRootfs}}", name) == ["true"], name
        assert int(eng.inspect("{{.HostConfig.Memory}}", name)[0]) > 0, name
        uid = eng.docker("exec", name, "id", "-u").stdout.strip()
        assert uid != "0", name
        touch = eng.docker("exec", name, "touch", "/etc/chainrule-probe", check=False)
        assert touch.returncode != 0, f"{name}: root filesystem is writable"


def test_playground_page_through_nginx(stack: Stack) -> None:
    r = httpx.get(stack.base_url + "/", timeout=30)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "chainrule" in r.text.lower()
    assert r.headers.get("x-upstream", "").endswith(":8000")


def test_evaluate_through_nginx(stack: Stack) -> None:
    r = httpx.post(stack.base_url + "/api/evaluate", json=PROBLEM, timeout=30)
    assert r.status_code == 200, r.text
    check_evaluation(r.json())


def test_both_replicas_answer(stack: Stack) -> None:
    expected = {f"{stack.address(c)}:8000" for c in stack.containers("app")}
    seen: Counter[str] = Counter()
    with httpx.Client(base_url=stack.base_url, timeout=30) as client:
        for _ in range(20):
            r = client.post("/api/evaluate", json=PROBLEM)
            assert r.status_code == 200
            seen[r.headers["x-upstream"]] += 1
    assert set(seen) == expected, seen


def test_nginx_compresses_and_caches_graphs(stack: Stack) -> None:
    url = stack.base_url + "/api/graph.svg"
    params = {"expression": "(a+b)*(b+1)", "a": "2", "b": "1", "nonce": str(time.time_ns())}
    with httpx.Client(timeout=30) as client:
        first = client.get(url, params=params, headers={"accept-encoding": "gzip"})
        second = client.get(url, params=params)
    assert first.status_code == second.status_code == 200
    assert first.headers["content-type"].startswith("image/svg+xml")
    assert first.headers.get("content-encoding") == "gzip"
    assert "<svg" in first.text
    assert first.headers["x-cache-status"] in {"MISS", "EXPIRED"}
    assert second.headers["x-cache-status"] == "HIT"


def test_nginx_refuses_large_bodies_as_problem_json(stack: Stack) -> None:
    body = b"x" * (300 * 1024)  # over the 256 KiB limit; never reaches the app
    r = httpx.post(
        stack.base_url + "/api/evaluate",
        content=body,
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 413


def test_a_one_mib_batch_passes_nginx_to_the_app(stack: Stack) -> None:
    # The bulk routes accept the app's 8 MiB, not the 256 KiB of everything else.
    formula = "b + 1" + " + 0*a" * 300  # ~1.8 KB, the same for everyone (graded once)
    submissions = [
        {"id": f"s{i}", "answers": [{"name": "de/dc", "of": "e", "wrt": "c", "answer": formula}]}
        for i in range(560)
    ]
    body = {
        "problem": {"expression": "c = a + b\nd = b + 1\ne = c * d", "values": {"a": 2, "b": 1}},
        "submissions": submissions,
    }
    payload = json.dumps(body).encode()
    assert len(payload) > 1024 * 1024
    r = httpx.post(
        stack.base_url + "/api/grade/batch",
        content=payload,
        headers={"content-type": "application/json"},
        timeout=120,
    )
    assert r.status_code == 200, r.text[:500]
    results = r.json()["results"]
    assert len(results) == 560 and all(x["score"] == x["max_score"] == 1 for x in results)


def evaluations_reach_both_replicas(stack: Stack, n: int = 20) -> None:
    """n evaluates through nginx all succeed, answered by both replicas (none marked failed)."""
    expected = {f"{stack.address(c)}:8000" for c in stack.containers("app")}
    seen: Counter[str] = Counter()
    with httpx.Client(base_url=stack.base_url, timeout=30) as client:
        for _ in range(n):
            r = client.post("/api/evaluate", json=PROBLEM)
            assert r.status_code == 200, r.text[:300]
            seen[r.headers["x-upstream"]] += 1
    assert set(seen) == expected, seen


@pytest.mark.parametrize("chars", [3_000, 19_900])
def test_form_posts_of_long_programs_never_take_a_replica_out(stack: Stack, chars: int) -> None:
    # Issue 20: two such posts used to make nginx mark both replicas failed for ~5 s.
    form = {"expression": long_program(chars), "a": "2", "view": "1"}
    with httpx.Client(base_url=stack.base_url, timeout=30) as client:
        for _ in range(4):
            r = client.post("/", data=form)
            assert r.status_code == 200, r.text[:300]
    evaluations_reach_both_replicas(stack)


def test_a_share_link_as_long_as_the_app_accepts_passes_nginx(stack: Stack) -> None:
    program = "y = a*0 # " + "*" * 19_990  # 20,000 characters, each one %XX in the URL
    r = httpx.get(f"{stack.base_url}/?{urlencode({'expression': program, 'a': '2'})}", timeout=30)
    assert r.status_code == 200, r.text[:300]
    evaluations_reach_both_replicas(stack)


@pytest.mark.parametrize(("request_bytes", "status"), NGINX_ERRORS.values(), ids=NGINX_ERRORS)
def test_nginx_own_errors_are_problem_json(stack: Stack, request_bytes: bytes, status: int) -> None:
    got, headers, body = raw(stack.base_url, request_bytes)
    assert got == status
    assert headers["content-type"].startswith("application/problem+json"), (headers, body[:200])
    assert json.loads(body)["status"] == status


@dataclass
class Outcome:
    """One request of the load (started: time.monotonic())."""

    started: float
    seconds: float
    ok: bool
    upstream: str
    detail: str = ""
    truncated: bool = False  # cut off mid-body by the kill, then sent again by the client


def run_load(
    base_url: str,
    threads: int,
    seconds: float,
    during: Any = None,
    at: float = 0.0,
    after: float = 0.0,
) -> list[Outcome]:
    """Send POST /api/evaluate and GET /api/health from `threads` threads for `seconds`,
    and at least `after` seconds past the end of `during()` (called `at` seconds in), however
    late a busy machine runs it."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            n = 0
            while time.monotonic() < stop:
                n += 1
                start = time.monotonic()
                truncated = False
                for attempt in (1, 2):
                    try:
                        if (index + n) % 2:
                            r = client.post("/api/evaluate", json=PROBLEM)
                            ok = r.status_code == 200 and r.json()["value"] == 6.0
                        else:
                            r = client.get("/api/health")
                            ok = r.status_code == 200
                        detail = "" if ok else f"{r.status_code} {r.text[:200]}"
                        upstream = r.headers.get("x-upstream", "")
                    except httpx.RemoteProtocolError as exc:
                        # A replica killed between writing a response's headers and its
                        # body: nginx has passed the headers on and cannot replay it, so
                        # the client sees a cut-off response and sends it again, as HTTP
                        # clients do for a request that is safe to repeat (both are).
                        ok, detail, upstream = False, repr(exc), ""
                        if attempt == 1 and "complete message body" in str(exc):
                            truncated = True
                            continue
                    except httpx.HTTPError as exc:
                        ok, detail, upstream = False, repr(exc), ""
                    break
                out = Outcome(start, time.monotonic() - start, ok, upstream, detail, truncated)
                with lock:
                    outcomes.append(out)

    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for t in pool:
        t.start()
    if during is not None:
        time.sleep(at)
        during()
        stop = max(stop, time.monotonic() + after)  # (the workers read it on each turn)
    for t in pool:
        t.join(timeout=seconds + 60)
    return outcomes


def test_killing_a_replica_under_load_fails_no_request(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    victim, survivor = stack.containers("app")
    victim_addr, survivor_addr = (f"{stack.address(c)}:8000" for c in (victim, survivor))
    killed_at: list[float] = []
    t0 = time.monotonic()

    def kill() -> None:
        killed_at.append(time.monotonic())
        stack.engine.docker("kill", victim)

    outcomes = run_load(stack.base_url, threads=20, seconds=10.0, during=kill, at=3.0, after=8.0)
    failures = [o for o in outcomes if not o.ok]
    latencies = sorted(o.seconds for o in outcomes)
    retried = sum("," in o.upstream for o in outcomes)
    truncated = sum(o.truncated for o in outcomes)
    span = max(o.started + o.seconds for o in outcomes) - min(o.started for o in outcomes)
    with capsys.disabled():
        print(
            f"\n[deploy] kill under load: {len(outcomes)} requests in {span:.1f} s "
            f"({len(outcomes) / span:.0f}/s), {len(failures)} failed, {retried} retried by nginx, "
            f"{truncated} cut off mid-body and sent again, "
            f"p50 {statistics.median(latencies) * 1e3:.0f} ms, "
            f"p99 {latencies[int(len(latencies) * 0.99)] * 1e3:.0f} ms, "
            f"max {latencies[-1] * 1e3:.0f} ms; killed {victim} at {killed_at[0] - t0:.1f} s"
        )
    assert not failures, failures[:5]
    assert truncated <= 3  # only what was in flight at the instant of the kill
    assert len(outcomes) > 200
    before = {o.upstream for o in outcomes if o.started < killed_at[0] - 0.5}
    assert {victim_addr, survivor_addr} <= before
    late = [o for o in outcomes if o.started > killed_at[0] + 6.0]
    assert late and all(o.upstream == survivor_addr for o in late)
    assert stack.engine.inspect("{{.State.Running}}", victim) == ["false"]
