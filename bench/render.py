"""Benchmark drawing: our SVG end to end against bare `dot` and against torchviz.

Run from the repository root:

    python bench/render.py                       # 10, 100, 500 and 1,000 op nodes
    python bench/render.py --sizes 10 100 --repeat 5

For each size the program is a chain `h1 = x * w + b`, `h2 = h1 * w + b`, ... with that
many operations (2 per line). Columns, each the best of --repeat runs (ms):

- build: parse, forward and backward (not part of drawing; shown for scale);
- ours cold: export_graph + to_dot + Renderer.svg with the cache cleared;
- dot: bare `dot -Tsvg` in a subprocess on the same DOT text (the floor);
- torchviz: the same chain in torch, make_dot + pipe to SVG (torch's own graph);
  torch is imported before timing starts and the heap is then frozen (gc.freeze), so that
  torch's objects do not slow the collector during our measurements;
- cached: export_graph + to_dot + Renderer.svg when the drawing is in the cache;
- svg() hit: Renderer.svg alone on a cached drawing (a caller keeping the DOT text).

Targets: ours cold / dot <= 1.2 at every size; cold / cached >= 50 (exit status 1 if not).
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.build import Built, evaluate
from app.graph import export_graph
from app.render import Renderer, to_dot

VALUES = {"x": 0.5, "w": 0.9, "b": 0.1}
MAX_OVERHEAD = 1.2
MIN_CACHE_SPEEDUP = 50.0
TORCH_TIMEOUT = 20.0


def program(ops: int) -> str:
    """Return a chain program with `ops` operations."""
    lines = ["h1 = x * w + b"] + [f"h{i} = h{i - 1} * w + b" for i in range(2, ops // 2 + 1)]
    return "\n".join(lines)


def best(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Return (best time in ms, last result) over repeat runs."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), result


def ours(built: Built, renderer: Renderer) -> str:
    """Export, write DOT and draw: what the API does for an SVG."""
    graph = export_graph(built)
    return renderer.svg(to_dot(graph), len(graph.nodes))


def bare_dot(dot: str, timeout: float | None = None) -> bytes:
    """Run `dot -Tsvg` directly."""
    cmd = ["dot", "-Tsvg"]
    done = subprocess.run(cmd, input=dot.encode(), capture_output=True, check=True, timeout=timeout)
    return done.stdout


def torchviz_svg(ops: int) -> Callable[[], bytes] | None:
    """Return a function drawing the same chain with torchviz, or None without torch.

    torchviz's own DOT goes through the same `dot -Tsvg` (with a TORCH_TIMEOUT), since its
    `pipe` cannot be stopped: torchviz draws w and b once with edges to every use, a layout
    that grows about quadratically with the chain's length.
    """
    try:
        import torch
        from torchviz import make_dot
    except ImportError:
        return None

    def draw() -> bytes:
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * ops + 1000))  # make_dot recurses
        x, w, b = (torch.tensor(v, requires_grad=True) for v in VALUES.values())
        h = x
        for _ in range(ops // 2):
            h = h * w + b
        source = make_dot(h, params={"x": x, "w": w, "b": b}).source
        return bare_dot(source, TORCH_TIMEOUT)

    return draw


def measure(ops: int, repeat: int) -> dict[str, float]:
    """Time every column for one size."""
    source = program(ops)
    build_ms, built = best(repeat, lambda: evaluate(source, VALUES))
    graph = export_graph(built)
    dot = to_dot(graph)
    renderer = Renderer(timeout=60.0, max_nodes=10**6)
    cold: list[float] = []
    floor: list[float] = []
    for _ in range(repeat):  # interleaved, so load on the machine hits both alike
        renderer.cache_clear()
        cold.append(best(1, lambda: ours(built, renderer))[0])
        floor.append(best(1, lambda: bare_dot(dot))[0])
    cached_ms, svg = best(max(repeat, 5), lambda: ours(built, renderer))
    assert svg == renderer.svg(dot, len(graph.nodes))
    torch_draw = torchviz_svg(ops)
    try:
        torch_ms = best(repeat, torch_draw)[0] if torch_draw else float("nan")
    except subprocess.TimeoutExpired:
        torch_ms = float("inf")  # printed as inf: longer than TORCH_TIMEOUT
    hit_ms = best(5, lambda: renderer.svg(dot, len(graph.nodes)))[0]
    return {
        "ops": ops,
        "nodes": len(graph.nodes),
        "build": build_ms,
        "cold": min(cold),
        "dot": min(floor),
        "torchviz": torch_ms,
        "cached": cached_ms,
        "hit": hit_ms,
    }


def main() -> int:
    """Run the benchmark and print the table; exit status 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 500, 1000])
    parser.add_argument("--repeat", type=int, default=0, help="runs per column (default: by size)")
    args = parser.parse_args()
    # Import the peers first, then freeze what is on the heap: torch's ~165,000 objects
    # would otherwise be scanned by every full collection our own allocations trigger,
    # a cost the web service (which never imports torch) does not pay.
    torchviz_svg(10)
    gc.collect()
    gc.freeze()
    header = (
        f"{'ops':>5} {'nodes':>6} {'build':>8} {'ours cold':>10} {'dot':>9} {'ours/dot':>9} "
        f"{'torchviz':>9} {'tv/ours':>8} {'cached':>8} {'cold/cached':>12} {'svg() hit':>10}"
    )
    print("times in ms, best of N runs\n" + header)
    ok = True
    for ops in args.sizes:
        repeat = args.repeat or (5 if ops <= 100 else 2)
        r = measure(ops, repeat)
        overhead, speedup = r["cold"] / r["dot"], r["cold"] / r["cached"]
        ok = ok and overhead <= MAX_OVERHEAD and speedup >= MIN_CACHE_SPEEDUP
        print(
            f"{ops:>5} {r['nodes']:>6.0f} {r['build']:>8.2f} {r['cold']:>10.1f} {r['dot']:>9.1f} "
            f"{overhead:>8.2f}x {r['torchviz']:>9.1f} {r['torchviz'] / r['cold']:>7.2f}x "
            f"{r['cached']:>8.3f} {speedup:>11.0f}x {r['hit']:>10.4f}"
        )
    print(
        f"targets: ours/dot <= {MAX_OVERHEAD}x, cold/cached >= {MIN_CACHE_SPEEDUP:.0f}x: "
        + ("met" if ok else "MISSED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
