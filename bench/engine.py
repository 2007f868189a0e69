"""Benchmark chainrule's engine against micrograd and torch scalar tensors.

Run from the repository root:

    python bench/engine.py              # N = 10^3, 10^4, 10^5 on every shape
    python bench/engine.py --quick      # N = 10^3, 10^4 (faster, for iterating)
    python bench/engine.py --markdown   # the tables as Markdown, for the README
    python bench/engine.py --steady     # repetitions back to back, as in a training loop

Each engine builds the same graph with the same operations and then runs the backward
pass. A "node" is one scalar object of the graph: every input leaf, every constant
operand and every operation result. chainrule and micrograd both create one `Value`
per node (a Python float in `y * 1.0001` becomes a constant `Value`); torch performs the
same operations on 0-dim float64 tensors, wrapping the Python-float constants itself.
Every engine is divided by the same node count, which is checked against chainrule's
graph.

Shapes (n nodes):
    chain  y = y * 1.0001 + 0.001, repeated (4 nodes a step; depth ~ n/2)
    wide   n/2 input leaves added pairwise in a balanced tree (depth ~ log2 n)
    dag    y = y * y * 0.5 + y, repeated (4 nodes a step; every y used twice)

Each engine runs in a Python process of its own, so that one engine's objects (torch's
import alone adds ~165,000) do not slow the garbage collector for another; the processes
take turns, one repetition each, so that all engines see the same machine load. Time is the
best of 3 repetitions of each phase (build, backward) with
`time.perf_counter`, a fresh graph every repetition and `gc.collect()` between them.
chainrule and torch run as shipped (garbage collector on). micrograd is timed twice: as
shipped, and with `gc.disable()` around its build + backward. micrograd's recursive
topological sort runs under a raised recursion limit in a thread with a large stack.
Memory is the `tracemalloc` peak during the build divided by the node count (torch's
tensors live outside Python's allocator, so it is not compared).

With `--steady`, each engine instead runs its repetitions back to back in its process,
WITHOUT `gc.collect()` between them, as a training loop that builds a graph per step does:
an engine whose graphs are reference cycles (micrograd) pays for collecting them when its
collector runs, and every engine's build time includes freeing the previous repetition's
graph (dropping the last reference to it). The time reported is the mean of repetitions
2..k (the first starts from a collected heap); k is 5 unless --repeats says otherwise.

Targets, at 10^4 and 10^5 on every shape: chainrule's build + backward time at most
0.25x micrograd's as shipped, at most 1.0x micrograd's with gc off, at most 0.2x
torch's; memory per node at most micrograd's.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chainrule.engine import Value, topological_order

Leaf = Callable[[float], Any]
Shape = Callable[[Leaf, int], tuple[Any, int]]

REPEATS = 3
STEADY_REPEATS = 5
TARGET_N = 10_000  # targets apply from this size up
MG_RATIO, MG_NOGC_RATIO, TORCH_RATIO, MEM_RATIO = 0.25, 1.0, 0.2, 1.0


# ----- shapes: build(leaf, n) -> (root, nodes created) --------------------------------
def chain(leaf: Leaf, n: int) -> tuple[Any, int]:
    """y = y * 1.0001 + 0.001, repeated: a deep chain."""
    steps = (n - 1) // 4
    y = leaf(1.0)
    for _ in range(steps):
        y = y * 1.0001 + 0.001
    return y, 1 + 4 * steps


def wide(leaf: Leaf, n: int) -> tuple[Any, int]:
    """n/2 leaves summed pairwise: a wide, shallow, balanced tree."""
    k = (n + 1) // 2
    level = [leaf(0.5 + 0.1 * (i % 7)) for i in range(k)]
    while len(level) > 1:
        paired = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0], 2 * k - 1


def dag(leaf: Leaf, n: int) -> tuple[Any, int]:
    """y = y * y * 0.5 + y, repeated: every intermediate is used twice."""
    steps = (n - 1) // 4
    y = leaf(-1.0)
    for _ in range(steps):
        y = y * y * 0.5 + y
    return y, 1 + 4 * steps


SHAPES: dict[str, Shape] = {"chain": chain, "wide": wide, "dag": dag}


# ----- engines ----------------------------------------------------------------------
def _chainrule_leaf(x: float) -> Value:
    return Value(x)


ENGINES = ("chainrule", "micrograd", "torch")


def _engines(engine: str) -> Leaf:
    """Return the leaf maker of one engine; exit with status 3 if it is not installed."""
    if engine == "chainrule":
        return _chainrule_leaf
    try:
        if engine == "micrograd":
            from micrograd.engine import Value as MicrogradValue  # type: ignore[import-untyped]

            return MicrogradValue  # type: ignore[no-any-return]
        import torch
    except ImportError:
        print(f"{engine} is not installed (pip install -e '.[bench]'): skipped", file=sys.stderr)
        raise SystemExit(3) from None
    torch.set_num_threads(1)

    def torch_leaf(x: float) -> Any:
        return torch.tensor(x, dtype=torch.float64, requires_grad=True)

    return torch_leaf


def _in_big_thread(fn: Callable[[], Any], depth: int) -> Any:
    """Run fn in a thread with a large stack and a recursion limit above depth."""
    result: list[Any] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(fn())
        except BaseException as exc:
            errors.append(exc)

    old_limit = sys.getrecursionlimit()
    old_stack = threading.stack_size(512 * 1024 * 1024)
    sys.setrecursionlimit(max(old_limit, depth + 1000))
    try:
        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if errors:
        raise errors[0]
    return result[0]


def _one_run(leaf: Leaf, shape: Shape, n: int, gc_off: bool) -> tuple[float, float, int]:
    """Build and backpropagate once; return (build seconds, backward seconds, nodes)."""
    if gc_off:
        gc.disable()
    try:
        t0 = time.perf_counter()
        root, nodes = shape(leaf, n)
        t1 = time.perf_counter()
        root.backward()
        t2 = time.perf_counter()
    finally:
        if gc_off:
            gc.enable()
    del root
    return t1 - t0, t2 - t1, nodes


@dataclass
class Timing:
    """Best-of-repeats seconds for each phase, and the node count."""

    build: float
    backward: float
    nodes: int

    @property
    def total(self) -> float:
        """Build + backward seconds."""
        return self.build + self.backward

    def us(self, seconds: float) -> float:
        """Microseconds per node."""
        return seconds / self.nodes * 1e6


def _steady_runs(leaf: Leaf, shape: Shape, n: int, gc_off: bool, k: int) -> list[Timing]:
    """Build and backpropagate k times back to back; the previous graph is freed in build."""
    runs: list[Timing] = []
    root: Any = None
    for _ in range(k):
        if gc_off:
            gc.disable()
        try:
            t0 = time.perf_counter()
            root = None  # free the previous step's graph, as rebinding `loss` does
            root, nodes = shape(leaf, n)
            t1 = time.perf_counter()
            root.backward()
            t2 = time.perf_counter()
        finally:
            if gc_off:
                gc.enable()
        runs.append(Timing(t1 - t0, t2 - t1, nodes))
    del root
    return runs


def time_steady(engine: str, leaf: Leaf, shape: Shape, n: int, gc_off: bool, k: int) -> Timing:
    """Collect garbage once, run k repetitions back to back; return the mean of 2..k."""
    gc.collect()
    if engine == "micrograd":
        runs = _in_big_thread(lambda: _steady_runs(leaf, shape, n, gc_off, k), n)
    else:
        runs = _steady_runs(leaf, shape, n, gc_off, k)
    gc.collect()
    kept = runs[1:] or runs
    return Timing(
        sum(t.build for t in kept) / len(kept),
        sum(t.backward for t in kept) / len(kept),
        kept[0].nodes,
    )


def time_once(engine: str, leaf: Leaf, shape: Shape, n: int, gc_off: bool) -> Timing:
    """Collect garbage, then time one fresh build + backward."""
    gc.collect()
    if engine == "micrograd":
        b, k, nodes = _in_big_thread(lambda: _one_run(leaf, shape, n, gc_off), n)
    else:
        b, k, nodes = _one_run(leaf, shape, n, gc_off)
    gc.collect()
    return Timing(b, k, nodes)


def peak_bytes(leaf: Leaf, shape: Shape, n: int) -> float:
    """Return the tracemalloc peak during one build, in bytes per node."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        root, nodes = shape(leaf, n)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    del root
    gc.collect()
    return peak / nodes


def check_nodes(shape: Shape, n: int) -> int:
    """Build chainrule's graph once and check the node count against the graph."""
    root, nodes = shape(_chainrule_leaf, n)
    found = len(topological_order(root))
    if found != nodes:
        raise SystemExit(f"node count mismatch: {found} in the graph, {nodes} counted")
    return nodes


# ----- report -----------------------------------------------------------------------
@dataclass
class Row:
    """One shape at one requested size (n nodes, about size): times and bytes per node."""

    shape: str
    size: int
    n: int
    times: dict[str, Timing]
    mem: dict[str, float]

    def ratio(self, other: str) -> float | None:
        """chainrule's total time divided by other's, or None if other was not run."""
        if other not in self.times:
            return None
        return self.times["chainrule"].total / self.times[other].total

    def mem_ratio(self) -> float | None:
        """chainrule's bytes per node divided by micrograd's."""
        if "micrograd" not in self.mem:
            return None
        return self.mem["chainrule"] / self.mem["micrograd"]


COLUMNS = ("chainrule", "micrograd", "micrograd gc-off", "torch")
CHECKS = (
    ("vs micrograd", "micrograd", MG_RATIO),
    ("vs mg gc-off", "micrograd gc-off", MG_NOGC_RATIO),
    ("vs torch", "torch", TORCH_RATIO),
)


def _verdict(value: float | None, limit: float, applies: bool) -> tuple[str, bool]:
    if value is None:
        return "n/a", True
    ok = value <= limit
    mark = ("PASS" if ok else "FAIL") if applies else "info"
    return f"{value:.2f}x {mark}", ok or not applies


def tables(rows: list[Row]) -> tuple[list[str], list[list[str]], list[str], list[list[str]], bool]:
    """Return (headers, cells) of the summary and detail tables, and whether all pass."""
    head = ["shape", "N", *(f"{c} µs/op" for c in COLUMNS)]
    head += [f"{label} (≤{limit:g}x)" for label, _, limit in CHECKS]
    head += ["B/node chainrule", "B/node micrograd", f"mem (≤{MEM_RATIO:g}x)"]
    body: list[list[str]] = []
    detail_head = ["shape", "N", *(f"{c} build / backward" for c in COLUMNS)]
    detail: list[list[str]] = []
    all_ok = True
    for row in rows:
        applies = row.size >= TARGET_N
        cells = [row.shape, f"{row.n:,}"]
        dcells = [row.shape, f"{row.n:,}"]
        for col in COLUMNS:
            t = row.times.get(col)
            cells.append(f"{t.us(t.total):.2f}" if t else "n/a")
            dcells.append(f"{t.us(t.build):.2f} / {t.us(t.backward):.2f}" if t else "n/a")
        for _, other, limit in CHECKS:
            text, ok = _verdict(row.ratio(other), limit, applies)
            cells.append(text)
            all_ok &= ok
        for eng in ("chainrule", "micrograd"):
            cells.append(f"{row.mem[eng]:.0f}" if eng in row.mem else "n/a")
        text, ok = _verdict(row.mem_ratio(), MEM_RATIO, applies)
        cells.append(text)
        all_ok &= ok
        body.append(cells)
        detail.append(dcells)
    return head, body, detail_head, detail, all_ok


def render(head: list[str], body: list[list[str]], markdown: bool) -> str:
    """Format one table as aligned text or as Markdown."""
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in body]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(head)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in body]
    return "\n".join(lines)


DEFINITION = (
    "node = one scalar object of the graph: each input leaf, constant operand and "
    "operation result (a Value in chainrule and micrograd; torch does the same ops on "
    "0-dim float64 tensors). µs/op = {how}, over nodes. Ratios are chainrule's time (gc on) "
    "over the other's; B/node = tracemalloc "
    f"peak during build / nodes. Targets apply from N ≈ {TARGET_N:,} (10^4) up."
)
HOW = {
    False: "best build + best backward of the repetitions (fresh graph, gc.collect() between)",
    True: "mean build + backward of repetitions 2..k run back to back without gc.collect() "
    "(build includes freeing the previous repetition's graph)",
}


def worker(engines: list[str]) -> None:
    """Serve measurements of the given engines: one JSON request per stdin line, one answer.

    Requests: [engine, "time", shape, n, gc_off], [engine, "steady", shape, n, gc_off, k],
    [engine, "mem", shape, n], [engine, "check", shape, n].
    """
    leaves = {e: _engines(e) for e in engines}
    print(json.dumps("ready"), flush=True)
    for line in sys.stdin:
        engine, kind, name, n, *rest = json.loads(line)
        leaf = leaves[engine]
        shape = SHAPES[name]
        answer: Any
        if kind == "time":
            t = time_once(engine, leaf, shape, n, gc_off=bool(rest[0]))
            answer = [t.build, t.backward, t.nodes]
        elif kind == "steady":
            t = time_steady(engine, leaf, shape, n, bool(rest[0]), int(rest[1]))
            answer = [t.build, t.backward, t.nodes]
        elif kind == "mem":
            answer = peak_bytes(leaf, shape, n)
        else:
            answer = check_nodes(shape, n)
        print(json.dumps(answer), flush=True)


class Worker:
    """A Python process of its own running worker() for one or more engines."""

    def __init__(self, engines: list[str]) -> None:
        self.engines = engines
        cmd = [sys.executable, __file__, "--worker", ",".join(engines)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.ok = self._read() == "ready"  # False: the engine is not installed

    def _read(self) -> Any:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        return json.loads(line) if line else None

    def ask(self, engine: str, *request: Any) -> Any:
        """Send one request about engine and return the answer."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps([engine, *request]) + "\n")
        self.proc.stdin.flush()
        answer = self._read()
        if answer is None:
            raise SystemExit(f"worker {self.proc.args!r} died")
        return answer

    def close(self) -> None:
        """End the worker process."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def _installed(engine: str) -> bool:
    return engine == "chainrule" or importlib.util.find_spec(engine) is not None


def measure(
    shapes: list[str],
    sizes: list[int],
    repeats: int = REPEATS,
    same_process: bool = False,
    steady: bool = False,
) -> list[Row]:
    """Time every engine round-robin (same moments, same load).

    By default each engine has a process of its own; with same_process all share one, as
    when a user runs them side by side (torch's objects then weigh on every collector).
    With steady, each engine runs its repetitions back to back in one request (the mean
    of repetitions 2..k is kept) and the engines take turns per request.
    """
    engines = [e for e in ENGINES if _installed(e)]
    if same_process:
        shared = Worker(engines)
        workers = dict.fromkeys(engines, shared)
    else:
        workers = {e: Worker([e]) for e in engines}
    runs = [("chainrule", False), ("micrograd", False), ("micrograd", True), ("torch", False)]
    runs = [(e, off) for e, off in runs if e in workers and workers[e].ok]
    rows: list[Row] = []
    try:
        for name in shapes:
            for n in sizes:
                nodes = workers["chainrule"].ask("chainrule", "check", name, n)
                best: dict[str, Timing] = {}
                for engine, off in runs if steady else []:
                    build, back, count = workers[engine].ask(
                        engine, "steady", name, n, off, repeats
                    )
                    if count != nodes:
                        raise SystemExit(f"{engine} made {count} nodes, chainrule {nodes}")
                    best[f"{engine} gc-off" if off else engine] = Timing(build, back, nodes)
                for _ in range(0 if steady else repeats):
                    for engine, off in runs:
                        build, back, count = workers[engine].ask(engine, "time", name, n, off)
                        if count != nodes:
                            raise SystemExit(f"{engine} made {count} nodes, chainrule {nodes}")
                        label = f"{engine} gc-off" if off else engine
                        old = best.get(label)
                        best[label] = Timing(
                            min(build, old.build) if old else build,
                            min(back, old.backward) if old else back,
                            nodes,
                        )
                mem: dict[str, float] = {
                    e: workers[e].ask(e, "mem", name, n)
                    for e in ("chainrule", "micrograd")
                    if e in workers and workers[e].ok
                }
                rows.append(Row(name, n, nodes, best, mem))
                print(f"  {name} N={nodes:,} done", file=sys.stderr, flush=True)
    finally:
        for w in {id(w): w for w in workers.values()}.values():
            w.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the tables; exit status 1 if a target fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 10^3 and 10^4 only")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated shapes")
    parser.add_argument(
        "--repeats",
        type=int,
        help=f"repetitions per phase: the best is kept ({REPEATS}); with --steady, the mean "
        f"of 2..k ({STEADY_REPEATS})",
    )
    parser.add_argument(
        "--steady",
        action="store_true",
        help="run repetitions back to back without gc.collect() between them, as a "
        "training loop does, and report the mean of repetitions 2..k",
    )
    parser.add_argument("--sizes", help="comma-separated node counts (overrides --quick)")
    parser.add_argument(
        "--same-process",
        action="store_true",
        help="run every engine in one process (torch's objects then weigh on every "
        "garbage collector), instead of a process per engine",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    shapes = args.shapes.split(",")
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    if args.sizes:
        sizes = [int(x) for x in args.sizes.split(",")]
    if args.worker:
        worker(args.worker.split(","))
        return 0
    repeats = args.repeats or (STEADY_REPEATS if args.steady else REPEATS)
    if repeats < (2 if args.steady else 1):
        parser.error("--repeats must be at least 1 (2 with --steady)")
    rows = measure(shapes, sizes, repeats, args.same_process, args.steady)

    head, body, detail_head, detail, all_ok = tables(rows)
    where = "all engines in one process" if args.same_process else "a process per engine"
    mode = "steady (--steady)" if args.steady else "default (best of repetitions)"
    text = f"Mode: {mode}. {DEFINITION.format(how=HOW[args.steady])} Repetitions: {repeats}; "
    text += f"{where}."
    print(f"_{text}_" if args.markdown else text)
    print()
    print(render(head, body, args.markdown))
    print()
    print(render(detail_head, detail, args.markdown))
    print()
    print("all targets PASS" if all_ok else "some targets FAIL")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
