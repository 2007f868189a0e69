"""Bench: the live page's targets (issue 17), printed as a table.

1. Snapshots per second from one uvicorn worker: the default 2-8-8-1 tanh network over the
   200 points of two moons, every step streamed with the traced datapoint's graph and a
   32 x 32 grid of the plane (what /live asks for); beside it the bare tape's steps per
   second (no snapshots) as the peer. Target: >= 30 snapshots/s.
2. The page's time to apply one snapshot (boundary, loss curve, graph numbers), measured
   in the page by Playwright in real Chromium while it plays. Target: <= 30 ms (p95).
3. The server's CPU after the client leaves a stream: CPU share in the windows after the
   disconnect. Target: ~0 (< 5% of a core) from 1 s on.

Run: python bench/live.py [--steps N] [--seconds S] [--no-browser]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chainrule.budget import Budget, BudgetLimits
from chainrule.lang import parse
from chainrule.train.datasets import get_dataset
from chainrule.train.loop import prepare, train
from chainrule.train.optimizer import TrainConfig
from tests.support.server import running_process

N = 32
H = 4 / N / 2
GRID = [
    {"column": "x1", "lo": -2 + H, "hi": 2 - H, "n": N},
    {"column": "x2", "lo": -2 + H, "hi": 2 - H, "n": N},
]
TRACE = {"x1": -0.967, "x2": 0.763, "c0": 1, "c1": 0}


def body(steps: int) -> dict[str, object]:
    return {
        "dataset": "moons",
        "optimizer": "adam",
        "lr": 0.03,
        "steps": steps,
        "every": 1,
        "trace": TRACE,
        "grid": GRID,
        "predict": ["out"],
    }


def tape_steps_per_second(steps: int) -> float:
    ds = get_dataset("moons")
    limits = BudgetLimits(wall_seconds=600)
    budget = Budget(limits)
    problem = prepare(parse(ds.expression), ds.params, ds.columns, budget)
    start = time.perf_counter()
    train(problem, TrainConfig(optimizer="adam", lr=0.03, steps=steps), budget)
    return steps / (time.perf_counter() - start)


def snapshots_per_second(base: str, steps: int) -> tuple[float, float, int]:
    """Lines per second between the first and the last, the first line's delay, and bytes."""
    with httpx.Client(timeout=120) as http:
        start = time.perf_counter()
        first = last = 0.0
        count = size = 0
        with http.stream("POST", base + "/api/optimize/stream", json=body(steps)) as response:
            response.raise_for_status()
            for text in response.iter_lines():
                now = time.perf_counter()
                if not count:
                    first = now
                last = now
                count += 1
                size += len(text)
        assert json.loads(text)["done"] is True
    return (count - 2) / (last - first), first - start, size // count


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_after_disconnect(base: str, pid: int) -> list[tuple[str, float]]:
    """CPU share of the server (cores) while streaming, and in windows after leaving."""
    windows = [(0.0, 0.25), (0.25, 0.5), (0.5, 1.0), (1.0, 2.0)]
    out = []
    with httpx.Client(timeout=60) as http:
        with http.stream("POST", base + "/api/optimize/stream", json=body(1000)) as response:
            response.raise_for_status()
            lines = response.iter_lines()
            next(lines)
            c0, t0 = cpu_seconds(pid), time.perf_counter()
            for _ in range(40):
                next(lines)
            out.append(("while streaming", (cpu_seconds(pid) - c0) / (time.perf_counter() - t0)))
        left = time.perf_counter()
        for lo, hi in windows:
            time.sleep(max(0.0, left + lo - time.perf_counter()))
            c, t = cpu_seconds(pid), time.perf_counter()
            time.sleep(max(0.0, left + hi - time.perf_counter()))
            share = (cpu_seconds(pid) - c) / (time.perf_counter() - t)
            out.append((f"{lo:g}-{hi:g} s after leaving", share))
    return out


def page_apply_ms(base: str, seconds: float, ops: bool) -> tuple[float, float, float, int]:
    """Median, p95 and max of the page's apply time per snapshot, and snapshots applied.

    ops: every operation (the server's drawing, fitted: every node's numbers written, none
    culled off screen) instead of the network (the view /live opens with).
    """
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(base + "/live")
        page.wait_for_selector("html[data-live-ready=true]", timeout=60_000)
        if ops:
            page.click("#live-graph-view")
            page.wait_for_selector("#live-graph svg g.node.value", timeout=60_000)
            page.click("#live-zoom-fit")
        page.evaluate("() => { window.__live.stats.times.length = 0; }")
        page.click("[data-testid=live-play]")
        time.sleep(seconds)
        page.click("[data-testid=live-pause]")
        times: list[float] = page.evaluate("() => window.__live.stats.times")
        browser.close()
    times = times[1:]  # the first includes the layout of the freshly drawn graph
    ordered = sorted(times)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return statistics.median(times), p95, max(times), len(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    rows: list[tuple[str, str, str, bool | None]] = []
    env = {"CHAINRULE_LIVE_WALL_SECONDS": "120"}
    with running_process(env) as (base, pid):
        snaps, delay, size = snapshots_per_second(base, args.steps)
        tape = tape_steps_per_second(args.steps)
        what = "snapshots/s, 2-8-8-1 tanh, 200 points, every step"
        rows.append((what, f"{snaps:.0f}", ">= 30", snaps >= 30))
        rows.append(("  peer: bare tape steps/s (no snapshots)", f"{tape:.0f}", "", None))
        rows.append(("  snapshot/step ratio", f"{snaps / tape:.2f}", "", None))
        rows.append(("  first line after (ms)", f"{delay * 1000:.0f}", "", None))
        rows.append(("  bytes per line", f"{size:,}", "", None))
        if not args.no_browser:
            for ops, view in (
                (False, "the network (as it opens)"),
                (True, "every operation, fitted"),
            ):
                median, p95, most, count = page_apply_ms(base, args.seconds, ops)
                what = f"page apply ms, {view}: median ({count} applied)"
                rows.append((what, f"{median:.1f}", "", None))
                rows.append((f"page apply ms, {view}: p95", f"{p95:.1f}", "<= 30", p95 <= 30))
                rows.append((f"page apply ms, {view}: max", f"{most:.1f}", "", None))
        for label, share in cpu_after_disconnect(base, pid):
            late = label.startswith(("1-", "0.5-"))
            target = "< 0.05 cores" if late else ""
            verdict = (share < 0.05) if late else None
            rows.append((f"server CPU (cores) {label}", f"{share:.3f}", target, verdict))
    width = max(len(r[0]) for r in rows)
    print(f"# bench/live.py  (load average {load:.1f} at the start; 2 cores)")
    print(f"| {'measure':<{width}} | value | target | verdict |")
    print(f"|{'-' * (width + 2)}|-------|--------|---------|")
    for label, value, target, ok in rows:
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        print(f"| {label:<{width}} | {value} | {target} | {verdict} |")
    return 0 if all(ok is not False for *_, ok in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
