"""Benchmark chainrule.check and chainrule.draw on a learner's engine against that engine.

Run from the repository root (micrograd 0.1.0 comes with the test and bench extras):

    python bench/notebook.py            # N = 10^3, 10^4, 10^5 nodes
    python bench/notebook.py --quick    # N = 10^3, 10^4

The graph is a neuron-like sum of products in micrograd (n/4 inputs x_i and weights w_i,
products summed pairwise in a balanced tree, then relu: depth ~ log2 n, so micrograd's
recursive topological sort works). The peer is micrograd itself: building the graph and
its own `backward()`. chainrule.check then reads that graph (walk, content order), rebuilds
it in chainrule's engine, runs its backward pass and compares every value and gradient;
chainrule.draw reads it and writes the DOT text (the SVG is `dot`'s work, timed apart at
the drawing budget's scale). Best of 3 repetitions, `gc.collect()` between them.

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


def main() -> int:
    """Print a table of times and ratios; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    sizes = (1_000, 10_000) if parser.parse_args().quick else (1_000, 10_000, 100_000)
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
