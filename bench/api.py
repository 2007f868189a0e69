"""HTTP throughput and latency with wrk: /api/evaluate and /api/graph.svg vs a trivial app.

    python bench/api.py [--duration 10] [--connections 32]

Each app runs as its own uvicorn process (1 worker) on 127.0.0.1 and is stopped by PID.
Targets: evaluate >= 0.7x the trivial endpoint's requests/s; p99 < 50 ms at 32 connections.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the repository's root
from tests.support.server import free_port, stop  # noqa: E402

EVALUATE_BODY = json.dumps({"expression": "(a+b)*(b+1)", "values": {"a": 2, "b": 1}})
SVG_PATH = "/api/graph.svg?expression=%28a%2Bb%29%2A%28b%2B1%29&a=2&b=1"
POST_LUA = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = {body}
"""


def trivial_app() -> Any:
    """A FastAPI app with one JSON endpoint: the baseline, served the same way."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/ping")
    def ping() -> dict[str, bool]:
        return {"ok": True}

    return app


@contextmanager
def serve(factory: str, probe: str) -> Iterator[str]:
    """Run uvicorn (1 worker) on factory; yield its base URL; stop it by PID."""
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "--factory", factory, "--port", str(port)]
    cmd += ["--host", "127.0.0.1", "--workers", "1", "--no-access-log", "--log-level", "warning"]
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}"}
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + probe, timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{factory} did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        stop(proc)


def to_ms(text: str) -> float:
    """Return a wrk latency ("812.00us", "1.20ms", "2.01s") in milliseconds."""
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    assert m, text
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)]
    return float(m.group(1)) * scale


def wrk(url: str, duration: int, connections: int, script: str | None = None) -> dict[str, float]:
    """Run wrk against url; return requests/s, p50, p99 (ms) and error counts."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "rps": rps,
        "p50_ms": to_ms(pct["50"]),
        "p99_ms": to_ms(pct["99"]),
        "non_2xx": float(non2xx.group(1)) if non2xx else 0.0,
        "socket_errors": 1.0 if errors else 0.0,
    }


def main() -> int:
    """Measure and print a small table; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per run (10)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (32)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(POST_LUA.format(body=json.dumps(EVALUATE_BODY)))
        lua = f.name
    results: dict[str, dict[str, float]] = {}
    try:
        with serve("api:trivial_app", "/ping") as url:
            results["trivial GET /ping"] = wrk(url + "/ping", args.duration, args.connections)
        with serve("app.main:create_app", "/api/health") as url:
            results["POST /api/evaluate"] = wrk(
                url + "/api/evaluate", args.duration, args.connections, lua
            )
            results["GET /api/graph.svg"] = wrk(url + SVG_PATH, args.duration, args.connections)
    finally:
        os.unlink(lua)
    print(f"{'endpoint':<22}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>9}")
    for name, r in results.items():
        print(
            f"{name:<22}{r['rps']:>10.0f}{r['p50_ms']:>10.2f}{r['p99_ms']:>10.2f}"
            f"{r['non_2xx']:>9.0f}"
        )
    ratio = results["POST /api/evaluate"]["rps"] / results["trivial GET /ping"]["rps"]
    p99 = results["POST /api/evaluate"]["p99_ms"]
    print(f"evaluate / trivial = {ratio:.2f} (target >= 0.70); evaluate p99 = {p99:.1f} ms (< 50)")
    return 0 if ratio >= 0.7 and p99 < 50 else 1


if __name__ == "__main__":
    sys.exit(main())
