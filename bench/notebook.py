"""Benchmark chainrule.check and chainrule.draw on a learner's engine against that engine.

Run from the repository root (micrograd 0.1.0 comes with the test and bench extras):

    python bench/notebook.py            # N = 10^3, 10^4, 10^5 nodes
    python bench/notebook.py --quick    # N = 10^3, 10^4
    python bench/notebook.py --picture  # 1,000-node learner graphs to SVG (see below)

The graph is a neuron-like sum of products in micrograd (n/4 inputs x_i and weights w_i,
products summed pairwise in a balanced tree, then relu: depth ~ log2 n, so micrograd's
recursive topological sort works). The peer is micrograd itself: building the graph and
its own `backward()`. chainrule.check then reads that graph (walk, content order), rebuilds
it in chainrule's engine, runs its backward pass and compares every value and gradient;
chainrule.draw reads it and writes the DOT text (the SVG is `dot`'s work, timed apart at
the drawing budget's scale). Best of 3 repetitions, `gc.collect()` between them.

--picture: the first picture (no cached layout) of two learner graphs of about 1,000 nodes,
a micrograd MLP's loss over a few rows and a chain that reuses one weight (long edges, the
worst case for `dot`), drawn by chainrule.draw (op by op while that fits, else collapsed
into boxes) against the peer, a micrograd draw_dot-style drawing (a record node per Value
and an op node per operation, handed to the same `dot`; stopped after --peer-timeout s).
Target: every chainrule picture within 5 s, an SVG (never text only).

Target: check at most 20x micrograd's build + backward at 10^4 and 10^5: reading a graph
someone else built costs more than building it (check walks it, orders a set's operands by
content signatures, rebuilds every node, runs chainrule's backward, compares two numbers a
node and prepares the drawing's graph).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from micrograd.engine import Value as Micro

import chainrule

TARGET = 20.0


def neuron(n: int) -> Any:
    """micrograd graph of about n nodes: sum of x_i * w_i (balanced), then relu, backward."""
    k = max(2, n // 4)
    terms = [Micro(0.01 * (i % 7)) * Micro(0.02 * (i % 5) - 0.04) for i in range(k)]
    while len(terms) > 1:
        pairs = [a + b for a, b in zip(terms[::2], terms[1::2], strict=False)]
        terms = pairs + ([terms[-1]] if len(terms) % 2 else [])
    out = terms[0].relu()
    out.backward()
    return out


def best(run: Callable[[], object], repeats: int = 3) -> float:
    """Return the best wall time of run over repeats, the heap collected before each."""
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def mlp_loss(rows: int) -> Any:
    """A micrograd MLP(4, [8, 8, 1])'s squared loss summed over rows (backward run)."""
    import random

    from micrograd.nn import MLP

    random.seed(0)
    model = MLP(4, [8, 8, 1])
    loss = Micro(0.0)
    for r in range(rows):
        x = [((r * 7 + i * 3) % 11) / 5.0 - 1.0 for i in range(4)]
        loss = loss + (model(x) - 1.0) ** 2
    loss.backward()
    return loss


def shared_chain(n: int) -> Any:
    """y = (...((1 * w + c) * w + c)...): n steps reusing one weight w (backward run)."""
    sys.setrecursionlimit(max(10_000, 10 * n))  # micrograd's recursive topological sort
    w, y = Micro(0.999), Micro(1.0)
    for _ in range(n):
        y = y * w + 0.001
    y.backward()
    return y


def draw_dot_style(root: Any) -> str:
    """DOT text as micrograd's draw_dot makes it: a record per Value, an op node per op."""
    nodes, edges, todo, seen = [], [], [root], set()
    while todo:
        v = todo.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        uid = str(id(v))
        nodes.append(f'"{uid}" [shape=record label="{{ data {v.data:.4f} | grad {v.grad:.4f} }}"]')
        if v._op:
            nodes.append(f'"{uid}{v._op}" [label="{v._op}"]')
            edges.append(f'"{uid}{v._op}" -> "{uid}"')
        for child in v._prev:
            edges.append(f'"{id(child)}" -> "{uid}{v._op}"')
            todo.append(child)
    return "digraph {\nrankdir=LR\n" + "\n".join(nodes + edges) + "\n}\n"


def peer_svg(dot: str, timeout: float) -> float | None:
    """Seconds `dot -Tsvg` takes on the DOT text, or None when stopped at timeout."""
    import subprocess

    start = time.perf_counter()
    try:
        subprocess.run(
            ["dot", "-Tsvg"], input=dot, text=True, capture_output=True, timeout=timeout, check=True
        )
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def pictures(peer_timeout: float) -> bool:
    """Print the picture table; return whether every chainrule picture met the 5 s target."""
    print("| graph | nodes | chainrule first SVG s | how | draw_dot-style dot s |")
    print("|---|---|---|---|---|")
    met = True
    for name, root in (("MLP loss, 4 rows", mlp_loss(4)), ("chain sharing w", shared_chain(330))):
        start = time.perf_counter()
        drawing = chainrule.draw(root, names={})
        bundle = drawing._repr_mimebundle_()
        took = time.perf_counter() - start
        picture = "image/svg+xml" in bundle
        how = "collapsed (boxes)" if drawing.opts.level == "lines" else "op by op"
        met &= picture and took <= 5.0
        peer = peer_svg(draw_dot_style(root), peer_timeout)
        said = f"{peer:.2f}" if peer is not None else f"> {peer_timeout:g} (stopped)"
        shown = f"{took:.2f}" if picture else f"{took:.2f} (text only)"
        print(f"| {name} | {len(drawing.graph.nodes):,} | {shown} | {how} | {said} |")
    print(f"\ntarget: a picture within 5 s: {'met' if met else 'missed'}")
    return met


def main() -> int:
    """Print a table of times and ratios; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--picture", action="store_true", help="only the 1,000-node pictures")
    parser.add_argument("--peer-timeout", type=float, default=60.0)
    args = parser.parse_args()
    if args.picture:
        return 0 if pictures(args.peer_timeout) else 1
    sizes = (1_000, 10_000) if args.quick else (1_000, 10_000, 100_000)
    missed = False
    print("| nodes | micrograd build+backward ms | check ms | check / micrograd | draw (walk) ms |")
    print("|---|---|---|---|---|")
    for n in sizes:
        peer = best(lambda n=n: neuron(n))
        graph = neuron(n)
        result = chainrule.check(graph, names={})
        assert result.ok, result.text()
        nodes = result.checked
        check = best(lambda g=graph: chainrule.check(g, names={}))
        dot = best(lambda g=graph: chainrule.draw(g, names={}))  # walk + its Graph
        ratio = check / peer
        missed |= n >= 10_000 and ratio > TARGET
        ms = [f"{t * 1e3:.1f}" for t in (peer, check)]
        print(f"| {nodes:,} | {ms[0]} | {ms[1]} | {ratio:.2f} | {dot * 1e3:.1f} |")
    small = neuron(300)
    drawing = chainrule.draw(small, names={})
    drawing.svg()  # the first drawing lays out; the next of the same structure is cached
    svg = best(lambda: chainrule.draw(neuron(300), names={}).svg())
    nodes = len(drawing.graph.nodes)
    print(f"\ndraw + SVG of a {nodes}-node graph (layout cached): {svg * 1e3:.1f} ms")
    print(f"target check/micrograd <= {TARGET:g} at 10^4 and 10^5: {'missed' if missed else 'met'}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
