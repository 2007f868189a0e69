"""Each attack of issue 10 against a real uvicorn, with a normal user measured meanwhile.

    python bench/abuse.py [--workers 1 2] [--only NAME ...] [--probe-seconds 3]

For every attack: the attack request's status and time, the server's peak RSS growth (the
uvicorn process tree, sampled every 20 ms), and the median latency of a normal
`(a+b)*(b+1)` evaluate (and of a small drawing) sent during the attack, as a ratio to the
same measured quietly before. Targets: every attack answered or refused within 6 s; peak
RSS growth <= 300 MB per worker; normal evaluate median during an attack <= 5x quiet and
<= 1 s with drawing. Loopback only; every loop is bounded in count and time; the server is
stopped by its PID.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's root
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


def tree_rss_mb(pid: int) -> float:
    """Return the resident memory of pid and its children, in MB (from /proc)."""
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


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


def main() -> int:
    """Run every attack against 1 and 2 workers; print a table; exit 1 if a target fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--only", nargs="*", default=None, help="attacks whose name has this")
    parser.add_argument("--probe-seconds", type=float, default=3.0)
    args = parser.parse_args()
    chosen = [a for a in attacks() if not args.only or any(o in a.name for o in args.only)]
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
    print(json.dumps({"all_targets_met": not failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
