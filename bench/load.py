"""Bounded load test of a running chainrule (by default the compose stack on port 8080).

    python bench/load.py                                  # 60 s, 64 connections
    python bench/load.py --duration 20 --connections 16
    python bench/load.py --kill-container chainrule-app-1 # half the time, kill, the rest

Uses `wrk` (Debian package wrk) when it is installed, else an httpx/asyncio client (which
is itself the bottleneck at a few thousand requests/s). Reports requests/s, p50/p99 latency
and errors; with --kill-container it reports before and after the kill (the kill happens a
second into the second half, with requests in flight) and any error makes the exit status 1.
Only loopback addresses are accepted: this is not a tool for loading other machines.

nginx limits each client address (all of this machine, as nginx sees it) to the rate in
deploy/nginx-limits.conf; to measure what the replicas can do, start the stack without it:
`CHAINRULE_NGINX_LIMITS=/dev/null docker compose up -d --wait`.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

PROBLEM: dict[str, object] = {"expression": "(a+b)*(b+1)", "values": {"a": 2, "b": 1}}
ENDPOINTS: dict[str, tuple[str, str, dict[str, object] | None]] = {
    "evaluate": ("POST", "/api/evaluate", PROBLEM),
    "health": ("GET", "/api/health", None),
    "page": ("GET", "/?expression=(a%2Bb)*(b%2B1)&a=2&b=1", None),
    "svg": ("GET", "/api/graph.svg?expression=(a%2Bb)*(b%2B1)&a=2&b=1", None),
}
NGINX_LIMITS = Path(__file__).resolve().parents[1] / "deploy" / "nginx-limits.conf"
RESULT_MARK = "CHAINRULE-RESULT "
WRK_SCRIPT = """
wrk.method = "%(method)s"
wrk.body = %(body)s
wrk.headers["Content-Type"] = "application/json"
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%(mark)s{"requests": %%d, "seconds": %%f, "p50_ms": %%f, "p99_ms": %%f, ' ..
    '"errors": %%d, "status_errors": %%d, "timeouts": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, e.connect + e.read + e.write + e.timeout + e.status,
    e.status, e.timeout))
end
"""


@dataclass
class Result:
    """What one phase of load measured."""

    phase: str
    tool: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        """One human-readable line."""
        return (
            f"{self.phase:<7} {self.tool:<5} {self.requests:>8} req  {self.rate:>8.0f} req/s  "
            f"p50 {self.p50_ms:>7.1f} ms  p99 {self.p99_ms:>7.1f} ms  errors {self.errors}"
        )


def require_loopback(url: str) -> None:
    """Exit unless every address the URL's host resolves to is a loopback address."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        sys.exit(f"cannot resolve {host!r}: {exc}")
    addresses = {str(info[4][0]) for info in infos}
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        sys.exit(f"refusing to load {host} ({', '.join(sorted(addresses))}): loopback only")


def run_wrk(url: str, endpoint: str, seconds: float, connections: int, phase: str) -> Result:
    """Run wrk for `seconds` and parse the summary its Lua `done` hook prints."""
    method, path, body = ENDPOINTS[endpoint]
    script = WRK_SCRIPT % {
        "method": method,
        "body": json.dumps(json.dumps(body)) if body is not None else "nil",
        "mark": RESULT_MARK,
    }
    threads = max(1, min(connections, os.cpu_count() or 1))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    try:
        proc = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "30s",
                "-s",
                fh.name,
                url.rstrip("/") + path,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        Path(fh.name).unlink(missing_ok=True)
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            data = json.loads(line[len(RESULT_MARK) :])
            return Result(
                phase,
                "wrk",
                data["requests"],
                data["seconds"],
                data["p50_ms"],
                data["p99_ms"],
                data["errors"],
            )
    sys.exit(f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


async def _httpx_load(
    url: str, endpoint: str, seconds: float, connections: int
) -> tuple[list[float], int]:
    import httpx

    method, path, body = ENDPOINTS[endpoint]
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds

    async def worker() -> None:
        # One client (one connection) per worker: a shared pool of many connections makes
        # httpx itself the bottleneck.
        nonlocal errors
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            while time.monotonic() < deadline:
                start = time.monotonic()
                try:
                    r = await client.request(method, path, json=body)
                    ok = r.status_code < 400
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.monotonic() - start)
                errors += not ok

    await asyncio.gather(*(worker() for _ in range(connections)))
    return latencies, errors


def run_httpx(url: str, endpoint: str, seconds: float, connections: int, phase: str) -> Result:
    """Fallback without wrk: an asyncio client with `connections` concurrent requests."""
    start = time.monotonic()
    latencies, errors = asyncio.run(_httpx_load(url, endpoint, seconds, connections))
    elapsed = time.monotonic() - start
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * q))] * 1e3

    if not latencies:
        return Result(phase, "httpx", 0, elapsed, 0.0, 0.0, errors)
    return Result(phase, "httpx", len(latencies), elapsed, pct(0.50), pct(0.99), errors)


def nginx_client_rate() -> float | None:
    """Return the per-client rate (requests/s) deploy/nginx-limits.conf sets, if any."""
    try:
        match = re.search(r"rate=(\d+)r/s", NGINX_LIMITS.read_text())
    except OSError:
        return None
    return float(match.group(1)) if match else None


def kill_later(container: str, delay: float) -> threading.Thread:
    """`docker kill` the container after `delay` seconds, in the background."""

    def kill() -> None:
        time.sleep(delay)
        proc = subprocess.run(["docker", "kill", container], capture_output=True, text=True)
        status = "killed" if proc.returncode == 0 else f"could not kill: {proc.stderr.strip()}"
        print(f"        {status} {container}", file=sys.stderr)

    thread = threading.Thread(target=kill, daemon=True)
    thread.start()
    return thread


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--url", default="http://127.0.0.1:8080", help="base URL (loopback only)")
    p.add_argument("--duration", type=float, default=60.0, help="seconds in all (default 60)")
    p.add_argument("--connections", type=int, default=64, help="concurrent connections (64)")
    p.add_argument("--endpoint", choices=sorted(ENDPOINTS), default="evaluate")
    p.add_argument("--kill-container", metavar="NAME", help="docker kill NAME halfway through")
    p.add_argument("--tool", choices=["auto", "wrk", "httpx"], default="auto")
    p.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = p.parse_args(argv)
    if not 0 < args.duration <= 600 or not 0 < args.connections <= 1024:
        p.error("duration must be in (0, 600] s and connections in (0, 1024]")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the load, print the results; exit status 1 if any request failed."""
    args = parse_args(argv)
    require_loopback(args.url)
    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "httpx"
    run = run_wrk if tool == "wrk" else run_httpx
    phases = [("all", args.duration)]
    if args.kill_container:
        phases = [("before", args.duration / 2), ("after", args.duration / 2)]
    print(
        f"load: {args.url} {args.endpoint}, {args.connections} connections, "
        f"{args.duration:g} s, {tool}",
        file=sys.stderr,
    )
    results: list[Result] = []
    for phase, seconds in phases:
        killer = kill_later(args.kill_container, 1.0) if phase == "after" else None
        result = run(args.url, args.endpoint, seconds, args.connections, phase)
        if killer is not None:
            killer.join()
        print(result.line())
        results.append(result)
    if args.json:
        print(json.dumps([{**asdict(r), "rate": r.rate} for r in results]))
    limit = nginx_client_rate()
    if limit and any(0.8 * limit <= r.rate <= 1.5 * limit for r in results):
        print(
            f"note: the rate is close to nginx's per-client limit ({limit:.0f}/s), so this may "
            "measure the limit; CHAINRULE_NGINX_LIMITS=/dev/null starts the stack without it",
            file=sys.stderr,
        )
    errors = sum(r.errors for r in results)
    if errors:
        print(f"FAILED: {errors} requests failed", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
