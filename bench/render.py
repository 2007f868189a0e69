"""Benchmark drawing: our first picture and a value change against micrograd's draw_dot and
torchviz, on the same graph in the same run.

Run from the repository root (bench extras: micrograd, torch, torchviz):

    python bench/render.py                      # 200, 600 and 1,000 operations
    python bench/render.py --sizes 1000 --repeat 3

The program is a chain `h1 = x * 0.99 + 0.01`, `h2 = h1 * 0.99 + 0.01`, ... with that many
operations (2 per line; every constant is a node of its own in micrograd's and torchviz's
drawings, while ours writes it beside its use in the op node, as the picture does since
issue 26; no edge is long). Columns, each the best of --repeat interleaved runs (ms):

- ours first: export_graph + to_dot + Renderer.svg with an empty cache, level=ops (every
  operation, nothing folded into boxes or series; the op written in its node above 60
  operations, as the API draws `level=ops`);
- ours classic: the same with compact=False (a value node and an op node per operation);
- new values: the same program at other values, its layout in the cache (dot not run);
- micrograd: micrograd's draw_dot written out (a record `name | data | grad` per Value, an
  op node per operation, rankdir LR) piped through `dot -Tsvg` by the graphviz package;
- torchviz: make_dot of the same chain in torch (its autograd graph: no values) through
  `dot -Tsvg`; torch is imported before timing and the heap frozen (gc.freeze).

Also printed: SVG bytes per drawn node. Targets: ours first <= 0.15x micrograd at 1,000
operations, SVG <= 1,500 bytes per node (exit status 1 if missed).
"""

from __future__ import annotations

import argparse
import gc
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chainrule.budget import Budget, BudgetLimits
from chainrule.build import Built, evaluate
from chainrule.graph import export_graph
from chainrule.render import DotOptions, Renderer, to_dot

TARGET_VS_MICROGRAD = 0.15
MAX_BYTES_PER_NODE = 1500
PEER_TIMEOUT = 60.0
BIG = BudgetLimits(draw_nodes=10**6, dot_seconds=PEER_TIMEOUT, wall_seconds=PEER_TIMEOUT)


def program(ops: int) -> str:
    """Return a chain program with `ops` operations."""
    lines = ["h1 = x * 0.99 + 0.01"] + [
        f"h{i} = h{i - 1} * 0.99 + 0.01" for i in range(2, ops // 2 + 1)
    ]
    return "\n".join(lines)


def cpu() -> float:
    """Return the CPU seconds used so far by this process and its finished children."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def best(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Return (best time in ms, last result) over repeat runs."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), result


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Return (wall ms, CPU ms of this process and its children, result) of one run."""
    wall, used = time.perf_counter(), cpu()
    result = fn()
    return (time.perf_counter() - wall) * 1000, (cpu() - used) * 1000, result


def ours(built: Built, renderer: Renderer, options: DotOptions) -> str:
    """Export, write DOT and draw: what the API does for an SVG."""
    graph = export_graph(built)
    budget = Budget(BIG)
    return renderer.svg(to_dot(graph, options, budget=budget), len(graph.nodes), budget)


def micrograd_draw(ops: int) -> Callable[[], bytes] | None:
    """Return micrograd's draw_dot of the chain (built and backpropagated first), or None."""
    try:
        import graphviz
        from micrograd.engine import Value  # type: ignore[import-untyped]
    except ImportError:
        return None
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20 * ops + 1000))
    h = x = Value(0.5)
    for _ in range(ops // 2):
        h = h * 0.99 + 0.01
    h.backward()

    def draw() -> bytes:
        nodes, edges = set(), set()

        def build(v: Any) -> None:  # draw_dot's trace: recursive, as micrograd's is
            if v not in nodes:
                nodes.add(v)
                for child in v._prev:
                    edges.add((child, v))
                    build(child)

        build(h)
        dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
        for n in nodes:
            uid = str(id(n))
            label = f"{{  | data {n.data:.4f} | grad {n.grad:.4f} }}"
            dot.node(name=uid, label=label, shape="record")
            if n._op:
                dot.node(name=uid + n._op, label=n._op)
                dot.edge(uid + n._op, uid)
        for a, b in edges:
            dot.edge(str(id(a)), str(id(b)) + b._op)
        out: bytes = dot.pipe()
        return out

    del x
    return draw


def torchviz_draw(ops: int) -> Callable[[], bytes] | None:
    """Return a function drawing the same chain with torchviz, or None without torch."""
    try:
        import torch
        from torchviz import make_dot  # type: ignore[import-untyped]
    except ImportError:
        return None

    def draw() -> bytes:
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * ops + 1000))  # make_dot recurses
        x = torch.tensor(0.5, requires_grad=True)
        h = x
        for _ in range(ops // 2):
            h = h * 0.99 + 0.01
        source = make_dot(h, params={"x": x}).source
        cmd = ["dot", "-Tsvg"]
        run = subprocess.run(cmd, input=source.encode(), capture_output=True, timeout=PEER_TIMEOUT)
        out: bytes = run.stdout
        return out

    return draw


def measure(ops: int, repeat: int) -> dict[str, float]:
    """Time every column for one size (runs interleaved, so load hits them alike)."""
    source = program(ops)
    built = evaluate(source, {"x": 0.5}, budget=Budget(BIG))
    other = evaluate(source, {"x": -1.25}, budget=Budget(BIG))
    renderer = Renderer(timeout=PEER_TIMEOUT, max_nodes=10**6)
    auto, classic = DotOptions(), DotOptions(compact=False)
    peers = {"micrograd": micrograd_draw(ops), "torchviz": torchviz_draw(ops)}
    walls: dict[str, list[float]] = {k: [] for k in ("first", "classic", "new", *peers)}
    cpus: dict[str, list[float]] = {k: [] for k in walls}

    def run(name: str, fn: Callable[[], Any]) -> Any:
        wall, used, result = timed(fn)
        walls[name].append(wall)
        cpus[name].append(used)
        return result

    svg = ""
    for _ in range(repeat):
        renderer.cache_clear()
        svg = run("first", lambda: ours(built, renderer, auto))
        run("new", lambda: ours(other, renderer, auto))
        renderer.cache_clear()
        run("classic", lambda: ours(built, renderer, classic))
        for name, draw in peers.items():
            if draw is not None:
                run(name, draw)
    nodes = len(export_graph(built).nodes)
    out = {k: min(v) if v else float("nan") for k, v in walls.items()}
    out |= {f"{k} cpu": min(v) if v else float("nan") for k, v in cpus.items()}
    return {**out, "ops": ops, "nodes": nodes, "bytes": len(svg.encode()) / nodes}


def main() -> int:
    """Run the benchmark and print the table; exit status 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 600, 1000])
    parser.add_argument("--repeat", type=int, default=3, help="interleaved runs per column")
    args = parser.parse_args()
    torchviz_draw(10)  # import torch now, then freeze the heap (see the docstring)
    gc.collect()
    gc.freeze()
    print(
        "wall ms (CPU ms of the process and its dot), best of N interleaved runs\n"
        f"{'ops':>5} {'nodes':>6} {'ours first':>15} {'classic':>15} {'new values':>13} "
        f"{'micrograd':>15} {'ours/mg':>11} {'torchviz':>13} {'ours/tv':>11} {'B/node':>7}"
    )
    ok = True
    for ops in args.sizes:
        r = measure(ops, args.repeat)
        vs_mg, vs_tv = r["first"] / r["micrograd"], r["first"] / r["torchviz"]
        cpu_mg = r["first cpu"] / r["micrograd cpu"]
        cpu_tv = r["first cpu"] / r["torchviz cpu"]
        ok = ok and r["bytes"] <= MAX_BYTES_PER_NODE
        if ops >= 1000:
            ok = ok and not vs_mg > TARGET_VS_MICROGRAD

        def both(key: str, r: dict[str, float] = r) -> str:
            return f"{r[key]:.0f} ({r[key + ' cpu']:.0f})"

        print(
            f"{ops:>5} {r['nodes']:>6.0f} {both('first'):>15} {both('classic'):>15} "
            f"{both('new'):>13} {both('micrograd'):>15} {f'{vs_mg:.2f}x ({cpu_mg:.2f})':>11} "
            f"{both('torchviz'):>13} {f'{vs_tv:.2f}x ({cpu_tv:.2f})':>11} {r['bytes']:>7.0f}"
        )
    print(
        f"targets: ours first <= {TARGET_VS_MICROGRAD}x micrograd at 1,000 ops, "
        f"<= {MAX_BYTES_PER_NODE} B/node: " + ("met" if ok else "MISSED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
