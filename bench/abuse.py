"""Each attack of issues 10 and 20 against a real uvicorn, with a normal user measured meanwhile;
then the proxy attacks through deploy/nginx.conf (the machine's nginx) in front of two replicas.

    python bench/abuse.py [--workers 1 2] [--only NAME ...] [--probe-seconds 3] [--no-nginx]

For every attack: the attack request's status and time, the server's peak RSS growth (the
uvicorn process tree, sampled every 20 ms), and the median latency of a normal
`(a+b)*(b+1)` evaluate (and of a small drawing) sent during the attack, as a ratio to the
same measured quietly before. Targets: every attack answered or refused within 6 s; peak
RSS growth <= 300 MB per worker; normal evaluate median during an attack <= 5x quiet and
<= 1 s with drawing. Through nginx: 0 failed normal requests during and for 6 s after
each single client's attack. Loopback only; every loop is bounded in count and time; the
servers are stopped by their PIDs.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's root
from tests.support.nginx import NGINX_ERRORS, long_program, nginx_binary, raw, running_nginx
from tests.support.server import running_process

ROOT = Path(__file__).resolve().parent.parent
NORMAL = {"expression": "(a+b)*(b+1)", "values": {"a": 2, "b": 1}}
DRAWN = {**NORMAL, "svg": True}
LIMIT_SECONDS = 6.0
RSS_LIMIT_MB = 300.0


@dataclass
class Attack:
    """One hostile request (or a few at once: `copies`), made by `send(client, i)`."""

    name: str
    send: Callable[[httpx.Client, int], httpx.Response]
    copies: int = 1


def nested_calls(depth: int = 3) -> str:
    """def f(x) = x, each next function f nested 10 deep: 150 characters, ~3,000 nodes."""
    lines = ["def f0(x) = x"]
    for i in range(1, depth + 1):
        lines.append(f"def f{i}(x) = " + f"f{i - 1}(" * 10 + "x" + ")" * 10)
    lines.append(f"y = f{depth}(a)+f{depth}(a)+f{depth}(a)")
    return "\n".join(lines)


def wide_functions() -> str:
    """~1.7 KB of user functions that expand to ~48,000 nodes, with named nodes to grade."""
    lines = ["def p(x) = x*x + x*x + x*x + x*x + x*x + x*x + x*x + x*x"]
    lines.append("def q(x) = " + " + ".join(["p(x)"] * 14))
    lines += [f"n{i} = q(a + {i})" for i in range(100)]
    lines.append("y = " + " + ".join(f"n{i}" for i in range(100)))
    return "\n".join(lines)


def layered_graph(nodes: int = 1_200, seed: int = 7) -> str:
    """A random layered DAG of about `nodes` drawn nodes: hard for dot's layout."""
    rng = random.Random(seed)
    names = [f"x{i}" for i in range(12)]
    lines = []
    for i in range(nodes // 4):
        a, b = rng.sample(names[-60:], 2) if len(names) > 2 else (names[0], names[1])
        op = rng.choice("+*-")
        lines.append(f"v{i} = {a} {op} {b}")
        names.append(f"v{i}")
    lines.append(" + ".join(names[-8:]))
    return "\n".join(lines)


def attacks() -> list[Attack]:
    """The attacks of issue 10, items 1-8, each as a request a client can send."""
    chain = "-".join(["a"] * 3_000)
    mul = "*".join(["x"] * 5_000)
    grade_body = {
        "expression": wide_functions(),
        "values": {"a": 0.5},
        "answers": [
            {"name": f"q{i}", "of": f"n{i}", "wrt": "a", "answer": f"{i}*a"} for i in range(100)
        ],
        "samples": 100,
    }
    formula = lambda i: " + ".join(f"{j}*a" for j in range(i, i + 180))  # noqa: E731
    batch = {
        "problem": {
            "expression": "e = (a + b) * (b + 1)",
            "values": {"a": 2, "b": 1},
            "samples": 100,
        },
        "submissions": [
            {
                "id": f"s{s}",
                "answers": [
                    {"name": f"q{i}", "of": "e", "wrt": "a", "answer": formula(s * 100 + i)}
                    for i in range(100)
                ],
            }
            for s in range(20)
        ],
    }
    terms = lambda n: "w*(" + "+".join(["x"] * n) + ")"  # noqa: E731
    rows = list(range(100_000))
    train = lambda n: {  # noqa: E731
        "expression": f"({terms(n)} - y)^2",
        "params": {"w": 0.0},
        "data": {"x": rows, "y": rows},
        "steps": 1,
        "lr": 1e-9,
    }

    def big_program(i: int) -> str:
        """A program just under the 20,000-character limit, distinct for each i."""
        return "\n".join(f"v{j} = a + {i}.{j}" for j in range(900)) + "\nv0"

    def get(path: str, **params: str) -> Callable[[httpx.Client, int], httpx.Response]:
        return lambda c, _i: c.get(path, params=params)

    def post(path: str, body: object) -> Callable[[httpx.Client, int], httpx.Response]:
        return lambda c, _i: c.post(path, json=body)

    def drawing(c: httpx.Client, i: int) -> httpx.Response:
        return c.post(
            "/api/evaluate",
            json={
                "expression": layered_graph(),
                "values": {f"x{k}": 1 + i + k for k in range(12)},
                "svg": True,
            },
        )

    def parse_flood(c: httpx.Client, i: int) -> httpx.Response:
        """512 distinct 20k-character programs, one after another (the issue's memory
        attack); the answer carries the slowest single request's time."""
        last, slowest = c.get("/api/health"), 0.0
        for k in range(512):
            started = time.perf_counter()
            last = c.post(
                "/api/evaluate", json={"expression": big_program(i * 512 + k), "values": {"a": 1}}
            )
            slowest = max(slowest, time.perf_counter() - started)
        return httpx.Response(last.status_code, headers={"x-slowest": f"{slowest:.6f}"})

    def stalled_body(c: httpx.Client, _i: int) -> httpx.Response:
        host, port = c.base_url.host, c.base_url.port or 80
        with socket.create_connection((host, port), timeout=30) as s:
            s.sendall(
                b"POST /api/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: "
                b"application/json\r\nContent-Length: 100\r\n\r\n{"
            )
            status = int(s.recv(64).split(b" ")[1])
        return httpx.Response(status)

    return [
        Attack("1 page a-a-...-a (3,000 terms)", get("/", expression=chain, a="1")),
        Attack("1 page x*x*...*x (10,000 chars)", get("/", expression=mul, x="1")),
        Attack(
            "2 svg nested calls expanded",
            get("/api/graph.svg", expression=nested_calls(), a="1", expand_calls="true"),
        ),
        Attack("3 grade 48k nodes x 100 questions", post("/api/grade", grade_body)),
        Attack("3 batch 20 x 100 formulas", post("/api/grade/batch", batch)),
        Attack("4 train 2,000 terms x 100k rows", post("/api/optimize", train(2_000))),
        Attack("4 train 6,000 terms x 100k rows", post("/api/optimize", train(6_000))),
        Attack("5 six clients drawing 1,200 nodes", drawing, copies=6),
        Attack("6 parse cache: 512 distinct 20k programs", parse_flood),
        Attack("7 page a = 1.5e308", get("/", expression="a", a="1.5e308")),
        Attack("7 page precision=²", get("/", expression="a", a="1", precision="²")),
        Attack(
            "7 export 5,000-digit precision",
            get("/export/graph.dot", expression="a", a="1", precision="9" * 5_000),
        ),
        Attack(
            "7 optimize CSV field of 200k chars",
            post(
                "/api/optimize",
                {
                    "expression": "(w*x - y)^2",
                    "params": {"w": 0},
                    "data": "x,y\n1," + "1" * 200_000 + "\n",
                },
            ),
        ),
        Attack(
            "7 grade answer of 400 digits",
            post(
                "/api/grade",
                {**NORMAL, "answers": [{"name": "x", "wrt": "a", "answer": int("9" * 400)}]},
            ),
        ),
        Attack("8 a body that stalls", stalled_body),
    ]


def raw_post(path: str, body: bytes) -> Callable[[httpx.Client, int], httpx.Response]:
    """Send body bytes as JSON (bodies json.dumps would take long to build, or cannot)."""
    headers = {"content-type": "application/json"}
    return lambda c, _i: c.post(path, content=body, headers=headers)


def batch_with(answer: str, submissions: int = 1) -> bytes:
    """A grading batch whose every submission's one answer is the raw JSON `answer`."""
    subs = ",".join(
        f'{{"id": "s{i}", "answers": [{{"name": "x", "answer": {answer}}}]}}'
        for i in range(submissions)
    )
    problem = '{"expression": "e = (a + b) * (b + 1)", "values": {"a": 2, "b": 1}}'
    return f'{{"problem": {problem}, "submissions": [{subs}]}}'.encode()


def deep_answers_file(_c: httpx.Client, _i: int) -> httpx.Response:
    """`chainrule grade --format gradescope` on an answers.json nested 100,000 deep: 200 when
    it writes a results file and no traceback, else 500."""
    with tempfile.TemporaryDirectory() as tmp:
        problem, answers, out = (Path(tmp) / n for n in ("p.json", "a.json", "r/results.json"))
        problem.write_text(json.dumps({"expression": "e = a * b", "values": {"a": 1, "b": 2}}))
        answers.write_text('{"answers": [{"name": "x", "answer": ' + "[" * 100_000 + "]}]}")
        cmd = [
            sys.executable,
            "-m",
            "chainrule.cli",
            "grade",
            "--format",
            "gradescope",
            "-o",
            str(out),
        ]
        done = subprocess.run(
            [*cmd, str(problem), str(answers)], cwd=ROOT, capture_output=True, text=True
        )
        ok = out.exists() and "Traceback" not in done.stderr
        return httpx.Response(200 if ok else 500)


def drawings_flood(c: httpx.Client, i: int) -> httpx.Response:
    """150 distinct 300-op drawings, one after another (the layout cache's memory); the
    answer carries the slowest single request's time."""
    last, slowest = c.get("/api/health"), 0.0
    for k in range(150):
        terms = " - ".join(f"x{j % 7}" for j in range(300 + k + 150 * i))
        started = time.perf_counter()
        last = c.post(
            "/api/evaluate",
            json={
                "expression": terms,
                "values": {f"x{j}": -1.5 - j for j in range(7)},
                "svg": True,
            },
        )
        slowest = max(slowest, time.perf_counter() - started)
    return httpx.Response(last.status_code, headers={"x-slowest": f"{slowest:.6f}"})


def queued_training(c: httpx.Client, _i: int) -> httpx.Response:
    """One of several training runs at once, each too long to finish in the wall budget."""
    rows = list(range(2_000))
    run = {
        "expression": "(w*x - y)^2",
        "params": {"w": 0},
        "data": {"x": rows, "y": rows},
        "steps": 20_000,
        "lr": 1e-9,
    }
    return c.post("/api/optimize", json=run)


def round3_attacks() -> list[Attack]:
    """The attacks of issue 20 (items 2 and 4-8; item 1's are proxy_attacks, item 3 is the
    PNG export's, measured by its own rows above and in bench/render.py)."""
    seed = {"expression": "c = a + b\nd = b + 1\ne = c * d", "values": {"a": 2, "b": 1}}
    return [
        Attack(
            "r3-2 batch of 2.7M empty [] (7.8 MB)",
            raw_post("/api/grade/batch", batch_with("[" + ",".join(["[]"] * 2_700_000) + "]")),
        ),
        Attack(
            "r3-2 batch, answers 900 deep x 2,000",
            raw_post("/api/grade/batch", batch_with("[" * 900 + "]" * 900, 2_000)),
        ),
        Attack(
            "r3-2 optimize, 900k invalid cells",
            post_json("/api/optimize", {**OPT, "data": {"x": ["a"] * 900_000, "y": [1]}}),
        ),
        Attack("r3-2 batch, 100k validation errors", raw_post("/api/grade/batch", invalid_batch())),
        Attack(
            "r3-4 answer that names the asked node",
            post_json("/api/grade", {**seed, "answers": [{"name": "x", "answer": "e"}]}),
        ),
        Attack("r3-5 CLI answers.json 100k deep", deep_answers_file),
        Attack("r3-6 layout cache: 150 distinct drawings", drawings_flood),
        Attack(
            "r3-7 bidi control in a comment",
            post_json("/api/evaluate", {**seed, "expression": "e = a # \u202e b\n"}),
        ),
        Attack(
            "r3-8 graph.svg a=1_000",
            lambda c, _i: c.get("/api/graph.svg", params={"expression": "a", "a": "1_000"}),
        ),
        Attack(
            "r3-8 program with 1e-400",
            post_json("/api/evaluate", {**seed, "expression": "a * 1e-400"}),
        ),
        Attack("r3-8 six training runs at once", queued_training, copies=6),
    ]


OPT = {"expression": "(w*x - y)^2", "params": {"w": 0}}


def invalid_batch() -> bytes:
    """1,000 submissions of 100 answers, each answer's points not a number: 100k errors."""
    answers = ",".join(f'{{"name": "q{i}", "answer": 1, "points": "many"}}' for i in range(100))
    subs = ",".join(f'{{"id": "s{i}", "answers": [{answers}]}}' for i in range(1_000))
    problem = '{"expression": "e = a * b", "values": {"a": 1, "b": 2}}'
    return f'{{"problem": {problem}, "submissions": [{subs}]}}'.encode()


def get(path: str, **params: str) -> Callable[[httpx.Client, int], httpx.Response]:
    """GET path with params."""
    return lambda c, _i: c.get(path, params=params)


def post_json(path: str, body: object) -> Callable[[httpx.Client, int], httpx.Response]:
    """POST body as JSON."""
    return lambda c, _i: c.post(path, json=body)


def descendants(pid: int) -> list[int]:
    """Return pid and every process below it: workers and their `dot` children (which any
    thread may start, so every thread's children are read)."""
    found, stack = [], [pid]
    while stack and len(found) < 1_000:
        p = stack.pop()
        found.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                stack += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def tree_rss_mb(pid: int, field: str = "VmRSS:", source: str = "status") -> float:
    """Return the resident memory of pid and all its descendants, in MB (from /proc)."""
    total = 0
    for p in descendants(pid):
        try:
            for line in Path(f"/proc/{p}/{source}").read_text().splitlines():
                if line.startswith(field):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def tree_pss_mb(pid: int) -> float:
    """tree_rss_mb with each shared page divided among the processes that map it (PSS: the
    libraries every Python process of the tree maps count once, as a cgroup charges them)."""
    return tree_rss_mb(pid, "Pss:", "smaps_rollup")


def latencies(
    base: str, body: dict[str, object], seconds: float, stop: threading.Event
) -> list[float]:
    """Send body to /api/evaluate back to back for up to `seconds`; return each latency."""
    out: list[float] = []
    end = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=30) as c:
        while time.monotonic() < end and not stop.is_set() and len(out) < 2_000:
            t = time.perf_counter()
            c.post("/api/evaluate", json=body)
            out.append(time.perf_counter() - t)
    return out


def run_attack(
    base: str, pid: int, attack: Attack, quiet: tuple[float, float], probe_seconds: float
) -> dict[str, object]:
    """Send one attack while a normal user keeps evaluating; measure what happens."""
    results: list[tuple[int, float]] = []
    done = threading.Event()
    peak = [tree_rss_mb(pid)]
    before = peak[0]

    def attacker(i: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            t = time.perf_counter()
            try:
                answer = attack.send(c, i)
                status = answer.status_code
            except httpx.HTTPError:
                answer, status = None, 0
            took = time.perf_counter() - t
            if answer is not None and "x-slowest" in answer.headers:  # many requests: the
                took = float(answer.headers["x-slowest"])  # slowest one is what counts
            results.append((status, took))

    def sampler() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_mb(pid))
            time.sleep(0.02)

    threads = [threading.Thread(target=attacker, args=(i,)) for i in range(attack.copies)]
    watch = threading.Thread(target=sampler)
    watch.start()
    for t in threads:
        t.start()
    time.sleep(0.2)  # the attack is under way
    plain = latencies(base, NORMAL, probe_seconds, done)
    drawn = latencies(base, DRAWN, probe_seconds / 2, done)
    for t in threads:
        t.join(timeout=120)
    done.set()
    watch.join()
    statuses = sorted({s for s, _ in results})
    slowest = max((s for _, s in results), default=float("nan"))
    return {
        "attack": attack.name,
        "status": ",".join(str(s) for s in statuses),
        "seconds": slowest,
        "rss_growth_mb": peak[0] - before,
        "normal_ratio": statistics.median(plain) / quiet[0] if plain else float("nan"),
        "drawn_ms": statistics.median(drawn) * 1e3 if drawn else float("nan"),
    }


@dataclass
class ProxyAttack:
    """One client's attack through nginx: `send(base_url)` returns (status, seconds) of each
    request it made."""

    name: str
    send: Callable[[str], list[tuple[int, float]]]


Request = Callable[[httpx.Client], httpx.Response]
Timed = list[tuple[int, float]]


def _timed(request: Callable[[], int]) -> tuple[int, float]:
    t = time.perf_counter()
    return request(), time.perf_counter() - t


def _repeat(n: int, request: Request) -> Callable[[str], Timed]:
    def send(base: str) -> Timed:
        with httpx.Client(base_url=base, timeout=60) as c:
            return [_timed(lambda: request(c).status_code) for _ in range(n)]

    return send


def in_threads(target: Callable[[], None], n: int) -> None:
    """Run target in n threads at once and wait for them (at most 120 s each)."""
    threads = [threading.Thread(target=target) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)


def _at_once(n: int, request: Request) -> Callable[[str], Timed]:
    def send(base: str) -> Timed:
        out: Timed = []

        def one() -> None:
            with httpx.Client(base_url=base, timeout=60) as c:
                out.append(_timed(lambda: request(c).status_code))

        in_threads(one, n)
        return out

    return send


def proxy_attacks() -> list[ProxyAttack]:
    """The attacks of issue 20 item 1 (and 8's nginx pages), each from one client."""
    short, full = long_program(3_000), "y = a*0 # " + "*" * 19_990

    # Not the 413 case: it declares a body it never sends, and nginx waits for it (lingering).
    pages = [r for name, (r, _) in NGINX_ERRORS.items() if not name.startswith("413")]

    def nginx_errors(base: str) -> Timed:
        return [_timed(partial(lambda r: raw(base, r)[0], r)) for r in pages * 10]

    return [
        ProxyAttack(
            "r3-1 form POST, 3,000-char program x 10",
            _repeat(10, lambda c: c.post("/", data={"expression": short, "a": "2", "view": "1"})),
        ),
        ProxyAttack(
            "r3-1 form POST, 20,000-char program x 10",
            _repeat(10, lambda c: c.post("/", data={"expression": full, "a": "2", "view": "1"})),
        ),
        ProxyAttack(
            "r3-1 share link, 20,000 chars x 10",
            _repeat(10, lambda c: c.get("/", params={"expression": full, "a": "2"})),
        ),
        ProxyAttack("r3-1 the app's 503s: 14 training runs", _at_once(14, queued_training_c)),
        ProxyAttack("r3-8 nginx's own 4xx pages x 40", nginx_errors),
    ]


def queued_training_c(c: httpx.Client) -> httpx.Response:
    """queued_training for a client of its own."""
    return queued_training(c, 0)


def run_proxy_attack(
    base: str, pids: list[int], attack: ProxyAttack, quiet: float, after: float = 6.0
) -> dict[str, object]:
    """Send one client's attack through nginx while a normal user evaluates, and for `after`
    seconds more; count the normal requests that failed."""
    got: list[tuple[int, float]] = []
    done = threading.Event()
    before = sum(tree_rss_mb(p) for p in pids)
    peak = [before]

    def attacker() -> None:
        try:
            got.extend(attack.send(base))
        except (httpx.HTTPError, OSError):
            got.append((0, float("nan")))

    def sampler() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], sum(tree_rss_mb(p) for p in pids))
            time.sleep(0.05)

    during: list[float] = []
    failed = [0, 0]  # during, after
    thread, watch = threading.Thread(target=attacker), threading.Thread(target=sampler)
    watch.start()
    thread.start()
    with httpx.Client(base_url=base, timeout=30) as c:
        end: float | None = None
        while end is None or time.monotonic() < end:
            if end is None and not thread.is_alive():
                end = time.monotonic() + after
            t = time.perf_counter()
            try:
                ok = c.post("/api/evaluate", json=NORMAL).status_code == 200
            except httpx.HTTPError:
                ok = False
            if end is None:
                during.append(time.perf_counter() - t)
            failed[end is not None] += not ok
            time.sleep(0.01)
    thread.join()
    done.set()
    watch.join()
    statuses = ",".join(str(x) for x in sorted({status for status, _ in got}))
    return {
        "attack": attack.name,
        "status": statuses,
        "seconds": max((t for _, t in got), default=float("nan")),  # the slowest request
        "rss_growth_mb": peak[0] - before,
        "normal_ratio": statistics.median(during) / quiet if during else float("nan"),
        "failed": failed,
    }


def main_proxy(chosen: list[ProxyAttack], probe: float) -> bool:
    """Run the proxy attacks through nginx in front of two replicas; print; True if all met."""
    if nginx_binary() is None:
        print("\nnginx: not installed, proxy attacks skipped")
        return True
    ok_all = True
    with running_process() as (one, pid1), running_process() as (two, pid2):
        upstreams = [one.removeprefix("http://"), two.removeprefix("http://")]
        with running_nginx(upstreams) as proxy:
            stop = threading.Event()
            quiet = statistics.median(latencies(proxy.base_url, NORMAL, probe, stop))
            print(
                f"\nnginx (deploy/nginx.conf, no rate limits) in front of 2 replicas x 1 worker: "
                f"quiet evaluate {quiet * 1e3:.2f} ms"
            )
            print(
                f"{'attack':44} {'status':>9} {'time s':>7} {'RSS +MB':>8} "
                f"{'normal x':>9} {'failed':>9}  verdict"
            )
            for attack in chosen:
                row = run_proxy_attack(proxy.base_url, [pid1, pid2], attack, quiet)
                failed = row["failed"]
                assert isinstance(failed, list)
                ok = (
                    float(row["seconds"]) <= LIMIT_SECONDS  # type: ignore[arg-type]
                    and float(row["rss_growth_mb"]) <= 2 * RSS_LIMIT_MB  # type: ignore[arg-type]
                    # nan: over before a normal request could overlap it
                    and not float(row["normal_ratio"]) > 5.0  # type: ignore[arg-type]
                    and sum(failed) == 0
                    and "502" not in str(row["status"])
                    and "500" not in str(row["status"])
                )
                ok_all &= ok
                print(
                    f"{row['attack']:44} {row['status']:>9} {row['seconds']:7.2f} "
                    f"{row['rss_growth_mb']:8.0f} {row['normal_ratio']:9.2f} "
                    f"{f'{failed[0]}+{failed[1]}':>9}  {'ok' if ok else 'MISSED'}"
                )
            too_big = proxy.error_log().count("too big header")
            print(f"nginx error log: {too_big} 'upstream sent too big header'")
            ok_all &= too_big == 0
    return ok_all


# ---- Round 4 (issue 28): the targets through nginx (with its limits) in front of two
# replicas of two workers each (as compose runs them); a steady client from 127.0.0.2.

STEADY_ADDRESS = "127.0.0.2"  # per-address limits treat it as another client
R4_RSS_SINGLE_MB = 100.0  # one request's growth of a replica tree
R4_RSS_TREE_MB = 400.0  # a replica tree (two workers) under ten of the worst bodies
R4_IDLE_MB = 50.0  # idle after an attack, against idle before
R4_P99_RATIO = 5.0


def one_row_columns(count: int) -> bytes:
    """The review's bulk body: count one-row columns, short names (600,000: 7.9 MiB)."""
    data = ",".join(f'"c{i:x}":[1]' for i in range(count))
    return f'{{"expression": "(w - 1)^2", "params": {{"w": 0}}, "data": {{{data}}}}}'.encode()


def widest_accepted() -> bytes:
    """About the costliest /api/optimize body the app accepts: 100,000 rows x 6 columns."""
    rows = [round(i * 0.001, 3) for i in range(100_000)]
    data = {"x": rows, "y": rows} | {f"u{i}": rows for i in range(4)}
    return json.dumps({**OPT, "data": data, "steps": 1}).encode()


def bulk_batch() -> bytes:
    """A 7.5 MiB grading batch: 1,000 submissions of 50 formula answers."""
    formula = " + ".join(["a*b"] * 21)
    subs = [
        {"id": f"s{s}", "answers": [{"name": f"q{i}", "answer": formula} for i in range(50)]}
        for s in range(1_000)
    ]
    problem = {"expression": "e = a * b", "values": {"a": 1, "b": 2}}
    return json.dumps({"problem": problem, "submissions": subs}).encode()


def valid_json(response: httpx.Response) -> bool:
    """True when an answer's body is JSON every parser reads (each line of a stream)."""
    kind = response.headers.get("content-type", "")
    strict = partial(
        json.loads, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name))
    )
    try:
        if "ndjson" in kind:
            for text in response.text.splitlines():
                strict(text)
        elif "json" in kind:
            strict(response.text)
        response.content.decode("utf-8")
    except ValueError:
        return False
    return True


# One client's attack, made ready: `go()` sends it and returns the answers it got.
Go = Callable[[], list[httpx.Response]]
# ... with the clients it sends through (closed once the attack is over).
Ready = tuple[Go, list[httpx.Client]]
# A short attack is sent again, back to back, until it has lasted this long: over one burst
# of ~0.3 s the steady client sends ~20 requests, so its "p99" would be its worst sample.
R4_ATTACK_SECONDS = 3.0


@dataclass
class R4Attack:
    """One client's attack: `prepare(base)` makes its clients (an attacker's own set-up,
    which a remote attacker does on its own machine: creating an httpx client loads TLS
    certificates, ~30 ms of CPU each, which here took the steady client's cores before the
    first byte was sent) and returns what sends it."""

    name: str
    prepare: Callable[[str], Ready]
    worst_body: bool = False  # compared against the one-request / ten-body memory targets


def _clients(base: str, n: int) -> list[httpx.Client]:
    return [httpx.Client(base_url=base, timeout=60) for _ in range(n)]


def _each_at_once(clients: list[httpx.Client], send: Callable[[httpx.Client], None]) -> None:
    """send(client) for every client, each in a thread, all at once."""
    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)


def _bodies(path: str, body: bytes, n: int) -> Callable[[str], Ready]:
    def prepare(base: str) -> Ready:
        clients = _clients(base, n)

        def go() -> list[httpx.Response]:
            out: list[httpx.Response] = []

            def one(c: httpx.Client) -> None:
                headers = {"content-type": "application/json"}
                try:
                    out.append(c.post(path, content=body, headers=headers))
                except httpx.HTTPError:
                    out.append(httpx.Response(599))

            _each_at_once(clients, one)
            return out

        return go, clients

    return prepare


def _heavy_evaluates() -> Callable[[str], Ready]:
    body = {"expression": wide_functions(), "values": {"a": 0.5}}
    return _bodies("/api/evaluate", json.dumps(body).encode(), 10)


def _full_speed_stream() -> Callable[[str], Ready]:
    run = {"dataset": "moons", "optimizer": "adam", "lr": 0.03, "steps": 450, "every": 1}
    grid = [{"column": c, "lo": -2, "hi": 2, "n": 64} for c in ("x1", "x2")]
    body = {**run, "grid": grid, "predict": ["out"]}
    return _bodies("/api/optimize/stream", json.dumps(body).encode(), 1)


def _form_posts(base: str) -> Ready:
    form = {"expression": long_program(6_000), "a": "2", "view": "1"}
    clients = _clients(base, 20)

    def go() -> list[httpx.Response]:
        out: list[httpx.Response] = []

        def client(c: httpx.Client) -> None:
            for _ in range(5):
                out.append(c.post("/", data=form))

        _each_at_once(clients, client)
        return out

    return go, clients


def _half_headers(base: str, count: int = 4_300, hold: float = 12.0) -> Ready:
    host, port = base.removeprefix("http://").split(":")

    def go() -> list[httpx.Response]:
        held = []
        for _ in range(count):
            try:
                s = socket.create_connection((host, int(port)), timeout=5)
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                held.append(s)
            except OSError:
                break
        time.sleep(hold)
        for s in held:
            s.close()
        return [httpx.Response(200 if len(held) == count else 599)]

    return go, []


def round4_attacks() -> list[R4Attack]:
    """The attacks of issue 28's review, each from one client (127.0.0.1)."""
    widest = widest_accepted()
    return [
        R4Attack(
            "600,000 one-row columns (7.9 MiB)",
            _bodies("/api/optimize", one_row_columns(600_000), 1),
        ),
        R4Attack("widest accepted optimize body x 1", _bodies("/api/optimize", widest, 1), True),
        R4Attack("widest accepted optimize body x 10", _bodies("/api/optimize", widest, 10), True),
        R4Attack("7.5 MiB grading batch x 6", _bodies("/api/grade/batch", bulk_batch(), 6), True),
        R4Attack("10 heavy evaluates at once", _heavy_evaluates()),
        R4Attack("one full-speed stream", _full_speed_stream()),
        R4Attack("20 clients x 5 long form posts", _form_posts),
        R4Attack("4,300 half-header connections, 12 s", _half_headers),
    ]


def steady(
    base: str, stop: threading.Event, seconds: float, ready: Any = None
) -> tuple[list[float], int]:
    """Small evaluates from STEADY_ADDRESS until stop (at most `seconds`): latencies, failures.
    ready (an event) is set once the first one is answered."""
    out: list[float] = []
    failed = 0
    end = time.monotonic() + seconds
    transport = httpx.HTTPTransport(local_address=STEADY_ADDRESS)
    with httpx.Client(base_url=base, timeout=30, transport=transport) as c:
        while not stop.is_set() and time.monotonic() < end:
            t = time.perf_counter()
            try:
                failed += c.post("/api/evaluate", json=NORMAL).status_code != 200
            except httpx.HTTPError:
                failed += 1
            out.append(time.perf_counter() - t)
            if ready is not None:
                ready.set()
            time.sleep(0.01)
    return out, failed


def _steady_process(base: str, stop: Any, seconds: float, out: Any, ready: Any) -> None:
    out.put(steady(base, stop, seconds, ready))


def steady_apart(
    base: str,
    stop: threading.Event,
    seconds: float,
    started: Callable[[], None] | None = None,
) -> tuple[list[float], int]:
    """steady() from a process of its own (so the attack's client threads in this one do not
    take its turns at this interpreter's GIL), until stop is set here (at most `seconds`).

    started() is called once that process is sending (its start takes a second of imports:
    an attack started with it would be half over, or over, before its first request)."""
    context = multiprocessing.get_context("spawn")
    stopped, out, ready = context.Event(), context.Queue(), context.Event()
    process = context.Process(target=_steady_process, args=(base, stopped, seconds, out, ready))
    process.start()
    ready.wait(timeout=60)
    if started is not None:
        started()
    end = time.monotonic() + seconds + 30
    while process.is_alive() and not stop.is_set() and time.monotonic() < end:
        if not out.empty():
            break
        time.sleep(0.05)
    stopped.set()
    result: tuple[list[float], int] = out.get(timeout=60)
    process.join(timeout=10)
    return result


def p99(xs: list[float]) -> float:
    """The 99th percentile of xs (nan when empty)."""
    return statistics.quantiles(xs, n=100)[98] if len(xs) >= 2 else float("nan")


def silent_stream_seconds(wall: float = 20.0) -> float:
    """Seconds until a training turn is free again after a client read 12 bytes of a stream
    and fell silent (one uvicorn worker, one turn, the shipped wall budget)."""
    env = {"CHAINRULE_TRAIN_CONCURRENCY": "1", "CHAINRULE_TRAIN_QUEUE": "0"}
    env["CHAINRULE_POOL_PROCESSES"] = "0"  # /api/optimize at the stream's gate (the probe)
    run = {"dataset": "moons", "optimizer": "adam", "lr": 0.03, "steps": 450, "every": 1}
    grid = [{"column": c, "lo": -2, "hi": 2, "n": 64} for c in ("x1", "x2")]
    body = json.dumps({**run, "grid": grid, "predict": ["out"]}).encode()
    small = {"dataset": "moons", "optimizer": "adam", "lr": 0.03, "steps": 1}
    with running_process(env) as (base, _pid), httpx.Client(base_url=base, timeout=30) as c:
        host, port = base.removeprefix("http://").split(":")
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect((host, int(port)))
        head = (
            "POST /api/optimize/stream HTTP/1.1\r\nHost: x\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        sock.sendall(head.encode() + body)
        sock.recv(12)
        start = time.monotonic()
        try:
            while time.monotonic() - start < wall + 40:
                if c.post("/api/optimize", json=small).status_code == 200:
                    return time.monotonic() - start
                time.sleep(0.5)
        finally:
            sock.close()
    return float("inf")


def settled(pid1: int, pid2: int, seconds: float = 30.0) -> list[float]:
    """The two replica trees' memory once it stops changing (within 2 MB over a second)."""
    now = [tree_rss_mb(pid1), tree_rss_mb(pid2)]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(1.0)
        last, now = now, [tree_rss_mb(pid1), tree_rss_mb(pid2)]
        if all(abs(a - b) <= 2.0 for a, b in zip(last, now, strict=True)):
            break
    return now


def main_round4(only: list[str] | None, probe: float, attacker_nice: int = 0) -> bool:
    """Run round 4's attacks through nginx (limits on) in front of two replicas x 2 workers;
    print a table against the targets; True if every one is met.

    attacker_nice > 0 runs the attack's client threads at that nice level: the attacker as if
    on another machine (on this one, its own client work takes the same two cores as the
    servers and the steady client, which a real remote attacker's does not)."""
    if nginx_binary() is None:
        print("round 4: nginx not installed")
        return False
    chosen = [a for a in round4_attacks() if not only or any(o in a.name for o in only)]
    ok_all = True
    with running_process(workers=2) as (one, pid1), running_process(workers=2) as (two, pid2):
        upstreams = [one.removeprefix("http://"), two.removeprefix("http://")]
        with running_nginx(upstreams, limits=True) as proxy:
            base = proxy.base_url
            steady(base, threading.Event(), 1.0)  # warm up
            idle0 = settled(pid1, pid2)  # (worker processes started with the replicas)
            print(
                f"\nround 4: nginx (deploy/nginx.conf with its limits) in front of 2 replicas x "
                f"2 workers; idle trees {idle0[0]:.0f} + {idle0[1]:.0f} MB; steady client from "
                f"{STEADY_ADDRESS}; attacker's client threads at nice {attacker_nice}"
            )
            print(
                f"{'attack':40} {'statuses':>16} {'bad':>4} {'peak MB':>15} {'PSS':>9} "
                f"{'idle +MB':>9} "
                f"{'p99 ms':>13} {'x':>6} {'fail':>4} {'atk cores':>9}  verdict"
            )
            for attack in chosen:
                quiet, _ = steady_apart(base, threading.Event(), probe)
                stop = threading.Event()
                peak = [*idle0]
                pss = [tree_pss_mb(pid1), tree_pss_mb(pid2)]
                got: list[httpx.Response] = []
                go, clients = attack.prepare(base)  # (made before the steady client starts)

                def attacker(
                    go: Go = go,
                    got: list[httpx.Response] = got,
                    stop: threading.Event = stop,
                ) -> None:
                    if attacker_nice:  # threads it starts inherit this thread's nice level
                        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), attacker_nice)
                    end = time.monotonic() + R4_ATTACK_SECONDS
                    got.extend(go())
                    while time.monotonic() < end:  # a short attack again, back to back
                        got.extend(go())
                    stop.set()

                sampling = [0.0]  # the sampler's own CPU seconds

                def sampler(
                    stop: threading.Event = stop,
                    peak: list[float] = peak,
                    pss: list[float] = pss,
                    sampling: list[float] = sampling,
                ) -> None:
                    while not stop.is_set():
                        peak[0] = max(peak[0], tree_rss_mb(pid1))
                        peak[1] = max(peak[1], tree_rss_mb(pid2))
                        pss[0] = max(pss[0], tree_pss_mb(pid1))
                        pss[1] = max(pss[1], tree_pss_mb(pid2))
                        time.sleep(0.05)
                    sampling[0] = time.thread_time()

                threads = [threading.Thread(target=attacker), threading.Thread(target=sampler)]
                began = [0.0, 0.0]  # when the attack started, and this process's CPU then

                def start(
                    threads: list[threading.Thread] = threads, began: list[float] = began
                ) -> None:
                    began[:] = [time.monotonic(), time.process_time()]
                    for t in threads:
                        t.start()

                during, failed = steady_apart(base, stop, 90.0, started=start)
                stop.set()
                for t in threads:
                    t.join(timeout=120)
                for c in clients:
                    c.close()
                # The attacker's client work, in cores: its CPU over the attack's time (on
                # this machine it takes the servers' and the steady client's two cores)
                wall = max(time.monotonic() - began[0], 1e-9)
                cores = (time.process_time() - began[1] - sampling[0]) / wall
                time.sleep(3.0)  # idle again: memory given back?
                idle = [tree_rss_mb(pid1), tree_rss_mb(pid2)]
                statuses = Counter(r.status_code for r in got)
                bad = sum(n for s, n in statuses.items() if s in (500, 502, 504, 599))
                bad += sum(not valid_json(r) for r in got)
                ratio = p99(during) / p99(quiet)
                growth = max(peak[0] - idle0[0], peak[1] - idle0[1])
                ok = (
                    bad == 0
                    and failed == 0
                    and ratio <= R4_P99_RATIO  # (nan: too few samples to say)
                    and max(idle[0] - idle0[0], idle[1] - idle0[1]) <= R4_IDLE_MB
                    and max(peak) <= R4_RSS_TREE_MB
                    and (
                        not attack.worst_body
                        or "x 1" not in attack.name
                        or growth <= R4_RSS_SINGLE_MB
                    )
                )
                ok_all &= ok
                shown = ",".join(f"{s}:{n}" for s, n in sorted(statuses.items()))
                print(
                    f"{attack.name:40} {shown:>16} {bad:>4} "
                    f"{f'{peak[0]:.0f}/{peak[1]:.0f}':>15} {f'{pss[0]:.0f}/{pss[1]:.0f}':>9} "
                    f"{max(idle[0] - idle0[0], idle[1] - idle0[1]):9.0f} "
                    f"{f'{p99(quiet) * 1e3:.1f}->{p99(during) * 1e3:.1f}':>13} {ratio:6.1f} "
                    f"{failed:>4} {cores:9.2f}  {'ok' if ok else 'MISSED'}"
                )
                idle0 = [min(idle0[0], idle[0]), min(idle0[1], idle[1])]
    if not only or any(o in "silent stream" for o in only):
        freed = silent_stream_seconds()
        ok = freed <= 20.0
        ok_all &= ok
        verdict = "ok" if ok else "MISSED"
        print(f"{'silent stream: turn free again after':40} {freed:6.1f} s  {verdict}")
    return ok_all


def main() -> int:
    """Run every attack against 1 and 2 workers; print a table; exit 1 if a target fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--only", nargs="*", default=None, help="attacks whose name has this")
    parser.add_argument("--probe-seconds", type=float, default=3.0)
    parser.add_argument("--no-nginx", action="store_true", help="skip the attacks through nginx")
    parser.add_argument(
        "--round4", action="store_true", help="only issue 28's targets through nginx (about 5 min)"
    )
    parser.add_argument(
        "--attacker-nice",
        type=int,
        default=0,
        help="round 4: run the attack's client threads at this nice level (0-19), as if the "
        "attacker were on another machine",
    )
    args = parser.parse_args()
    if args.round4:
        met = main_round4(args.only, args.probe_seconds, args.attacker_nice)
        print(json.dumps({"all_targets_met": met}))
        return 0 if met else 1
    every = attacks() + round3_attacks()
    chosen = [a for a in every if not args.only or any(o in a.name for o in args.only)]
    failed = False
    for workers in args.workers:
        with running_process(workers=workers) as (base, pid):
            stop = threading.Event()
            quiet_plain = statistics.median(latencies(base, NORMAL, 2.0, stop))
            quiet_drawn = statistics.median(latencies(base, DRAWN, 1.0, stop))
            print(
                f"\n{workers} worker(s): quiet evaluate {quiet_plain * 1e3:.2f} ms, "
                f"with drawing {quiet_drawn * 1e3:.2f} ms (median)"
            )
            print(
                f"{'attack':44} {'status':>9} {'time s':>7} {'RSS +MB':>8} "
                f"{'normal x':>9} {'drawn ms':>9}  verdict"
            )
            for attack in chosen:
                row = run_attack(base, pid, attack, (quiet_plain, quiet_drawn), args.probe_seconds)
                ok = (
                    float(row["seconds"]) <= LIMIT_SECONDS  # type: ignore[arg-type]
                    and float(row["rss_growth_mb"]) <= RSS_LIMIT_MB * workers  # type: ignore[arg-type]
                    and float(row["normal_ratio"]) <= 5.0  # type: ignore[arg-type]
                    and float(row["drawn_ms"]) <= 1_000.0  # type: ignore[arg-type]
                    and "500" not in str(row["status"])
                )
                failed |= not ok
                print(
                    f"{row['attack']:44} {row['status']:>9} {row['seconds']:7.2f} "
                    f"{row['rss_growth_mb']:8.0f} {row['normal_ratio']:9.2f} "
                    f"{row['drawn_ms']:9.1f}  {'ok' if ok else 'MISSED'}"
                )
    proxied = [a for a in proxy_attacks() if not args.only or any(o in a.name for o in args.only)]
    if proxied and not args.no_nginx:
        failed |= not main_proxy(proxied, min(args.probe_seconds, 2.0))
    print(json.dumps({"all_targets_met": not failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
