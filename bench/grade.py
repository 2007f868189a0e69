"""Benchmark POST /api/grade/batch against one POST /api/grade, in the same run.

Run from the repository root:

    python bench/grade.py                 # 1,000 submissions of 4 numeric answers
    python bench/grade.py --formulas      # the same with 2 of the 4 answers as formulas
    python bench/grade.py --submissions 200 --repeat 3
    python bench/grade.py --autograder    # also: one `chainrule grade` process per submission
    python bench/grade.py --attacks       # also: how fast issue 10's grading attacks are refused
    python bench/grade.py --http          # over real HTTP: a uvicorn process on loopback

Both go through the whole app (validation, routing, JSON), so the ratio compares like
with like: in process through FastAPI's TestClient, or with --http over a keep-alive
connection to a real uvicorn server on 127.0.0.1 (what a course's grader sees; a single
request there costs less than in the TestClient, so the ratio is larger). Request bodies
are encoded once, before timing (a client's work, not the server's). Time is the best of
--repeat runs after one warm-up.
A single request grades one submission; the batch grades --submissions of them against
the same problem, built and differentiated once. Answers vary between submissions (about
half right, half wrong with different values) so no answer is graded from a cache.

Targets: the batch of 1,000 takes under 10x one single request in process, 20x over HTTP
(exit status 1 otherwise).
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

PROBLEM = {"expression": "c = a + b\nd = b + 1\ne = c * d", "values": {"a": 2, "b": 1}}
TRUTH = {("e", "c"): 2.0, ("e", "d"): 3.0, ("e", "a"): 2.0, ("e", "b"): 5.0}
FORMULAS = {("e", "c"): ["d", "b + 1", "2*b"], ("e", "b"): ["c + d", "a + 2*b + 1", "5"]}
TARGET = 10.0  # in process (TestClient)
HTTP_TARGET = 20.0  # over HTTP to a real server


def answers(rng: random.Random, formulas: bool) -> list[dict[str, Any]]:
    """Return four answers for ∂e/∂c, ∂e/∂d, ∂e/∂a, ∂e/∂b, about half of them right."""
    out: list[dict[str, Any]] = []
    for (of, wrt), want in TRUTH.items():
        answer: float | str = want if rng.random() < 0.5 else round(rng.uniform(-9, 9), 3)
        if formulas and (of, wrt) in FORMULAS:
            answer = rng.choice(FORMULAS[of, wrt])
        out.append({"name": f"d{of}/d{wrt}", "of": of, "wrt": wrt, "answer": answer})
    return out


def timed(client: TestClient, path: str, body: dict[str, Any], repeat: int) -> float:
    """Return the best seconds of repeat POSTs (after one warm-up), checking status 200."""
    content = json.dumps(body).encode()
    headers = {"content-type": "application/json"}
    client.post(path, content=content, headers=headers).raise_for_status()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.post(path, content=content, headers=headers)
        times.append(time.perf_counter() - start)
        response.raise_for_status()
    return min(times)


def timed_http(base: str, path: str, body: dict[str, Any], repeat: int) -> float:
    """Return the best seconds of repeat POSTs over one keep-alive HTTP connection (after
    one warm-up), checking status 200 and reading every byte of the answer."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    content = json.dumps(body).encode()
    headers = {"content-type": "application/json"}

    def post() -> None:
        conn.request("POST", path, body=content, headers=headers)
        answer = conn.getresponse()
        answer.read()
        if answer.status != 200:
            raise RuntimeError(f"{path}: HTTP {answer.status}")

    post()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        post()
        times.append(time.perf_counter() - start)
    conn.close()
    return min(times)


ROOT = Path(__file__).resolve().parent.parent


def autograder(repeat: int) -> None:
    """Time one `chainrule grade --format gradescope` process on the example submission."""
    example = ROOT / "examples" / "gradescope"
    cmd = [sys.executable, "-m", "chainrule.cli", "grade", "--format", "gradescope"]
    cmd += [str(example / "problem.json"), str(example / "submission" / "answers.json")]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    print(
        f"chainrule grade (a process per submission, 7 questions): "
        f"median {statistics.median(times) * 1e3:.0f} ms of {repeat}"
    )


def attacks(client: TestClient) -> None:
    """Time issue 10's grading attacks: each should be refused (422 budget) at once."""
    sys.path.insert(0, str(ROOT))
    from tests.hardening.test_grading_budget import big_program

    answers = [{"name": f"q{i}", "of": f"n{i}", "wrt": "a", "answer": f"{i}*a"} for i in range(100)]
    big = {"expression": big_program(), "values": {"a": 0.5, "b": 1}, "samples": 100}
    formulas = [
        {
            "id": s,
            "answers": [
                {
                    "name": f"q{i}",
                    "wrt": "b",
                    "answer": " + ".join(f"{s * 100 + i + j}*a*b/(b+{j})" for j in range(80))[
                        :1900
                    ],
                }
                for i in range(100)
            ],
        }
        for s in range(20)
    ]
    cases = {
        "100 questions x 100 points, ~49k-node program": (
            "/api/grade",
            {**big, "answers": answers},
        ),
        "batch: 20 x 100 distinct 1,900-char formulas": (
            "/api/grade/batch",
            {"problem": {**PROBLEM, "samples": 100}, "submissions": formulas},
        ),
    }
    for name, (path, body) in cases.items():
        content = json.dumps(body).encode()
        start = time.perf_counter()
        r = client.post(path, content=content, headers={"content-type": "application/json"})
        took = time.perf_counter() - start
        print(
            f"{name}: {r.status_code} {r.json().get('budget', '')} in {took * 1e3:.0f} ms "
            f"({len(content) / 1024:.0f} KiB)"
        )


def main() -> int:
    """Run the benchmark and print the ratio; exit 1 if it misses the target."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--submissions", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--formulas", action="store_true", help="two answers of four as formulas")
    ap.add_argument("--autograder", action="store_true", help="time a chainrule grade process")
    ap.add_argument("--attacks", action="store_true", help="time issue 10's grading attacks")
    ap.add_argument("--http", action="store_true", help="over HTTP to a uvicorn process")
    args = ap.parse_args()
    rng = random.Random(1)
    subs = [
        {"id": f"s{i}", "answers": answers(rng, args.formulas)} for i in range(args.submissions)
    ]
    # 1,000 submissions are ~260-320 KB of JSON: over the default body limit of 256 KiB.
    client = TestClient(
        create_app(Settings(max_body_bytes=4 * 1024 * 1024)), raise_server_exceptions=False
    )
    if args.autograder:
        autograder(args.repeat)
    if args.attacks:
        attacks(client)
    one = {**PROBLEM, "answers": subs[0]["answers"]}
    many = {"problem": PROBLEM, "submissions": subs}
    if args.http:
        from tests.support.server import running_server

        with running_server({"CHAINRULE_MAX_BODY_BYTES": str(4 * 1024 * 1024)}) as base:
            single = timed_http(base, "/api/grade", one, args.repeat)
            batch = timed_http(base, "/api/grade/batch", many, args.repeat)
        target, where = HTTP_TARGET, "over HTTP"
    else:
        single = timed(client, "/api/grade", one, args.repeat)
        batch = timed(client, "/api/grade/batch", many, args.repeat)
        target, where = TARGET, "in process"
    ratio = batch / single
    print(f"single request: {single * 1e3:8.2f} ms (1 submission of 4 answers, {where})")
    print(f"batch request:  {batch * 1e3:8.2f} ms ({args.submissions} submissions)")
    print(f"ratio batch / single: {ratio:.2f} (target < {target:g} for 1,000 submissions)")
    return 0 if ratio < target or args.submissions != 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
