"""Bench: the cubic fit of sin(x) (2,000 points, 2,000 steps) three ways, in one run.

chainrule's tape against the seed's NumPy loop with hand-written gradients and against
its torch autograd loop (float64 here, so all three do the same arithmetic; torch is
skipped when it is not installed). Targets: at most 2x NumPy's time and no slower than
torch. With --memory, also issue 10's memory attack (w*(x+x+…) over 100,000 rows): the
time and peak RSS growth of each. Run: python bench/optimize.py [--repeat N] [--memory]
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import resource
import time
from collections.abc import Callable

import numpy as np

from chainrule.budget import Budget, BudgetExceeded
from chainrule.lang import parse
from chainrule.train.datasets import sine
from chainrule.train.loop import prepare, train
from chainrule.train.optimizer import TrainConfig
from chainrule.train.run import RunRequest, run

STEPS = 2000
LR = 1e-6
INIT = {"a": -0.4, "b": 0.9, "c": 1.2, "d": -0.7}


def with_tape() -> dict[str, float]:
    ds = sine()
    budget = Budget()
    problem = prepare(parse(ds.expression), INIT, ds.columns, budget)
    config = TrainConfig(reduce="sum", lr=LR, steps=STEPS, record_every=100)
    return train(problem, config, budget).params


def with_numpy() -> dict[str, float]:
    x = np.linspace(-math.pi, math.pi, 2000)
    y = np.sin(x)
    a, b, c, d = INIT.values()
    for _ in range(STEPS):
        y_pred = a + b * x + c * x**2 + d * x**3
        g = 2.0 * (y_pred - y)
        a, b = a - LR * g.sum(), b - LR * (g * x).sum()
        c, d = c - LR * (g * x**2).sum(), d - LR * (g * x**3).sum()
    return {"a": a, "b": b, "c": c, "d": d}


def with_torch() -> dict[str, float]:
    import torch

    x = torch.linspace(-math.pi, math.pi, 2000, dtype=torch.float64)
    y = torch.sin(x)
    p = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in INIT.items()}
    for _ in range(STEPS):
        y_pred = p["a"] + p["b"] * x + p["c"] * x**2 + p["d"] * x**3
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            for t in p.values():
                assert t.grad is not None
                t -= LR * t.grad
                t.grad = None
    return {k: float(t.detach()) for k, t in p.items()}


def best_of(fn: Callable[[], dict[str, float]], repeat: int) -> tuple[float, dict[str, float]]:
    times, result = [], {}
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def attack(terms: int, rows: int = 100_000) -> str:
    """Run issue 10's w*(x+x+…) over CSV rows, steps 1, with the default budget."""
    req = RunRequest(
        expression="w*(" + "+".join(["x"] * terms) + ")",
        params={"w": 0.5},
        data="x\n" + "1\n" * rows,
        steps=1,
    )
    try:
        run(req, budget=Budget())
    except BudgetExceeded as exc:
        return f"refused ({exc.resource.key} budget)"
    return "ran"


def memory() -> None:
    print("issue 10's memory attack, 100,000 rows, steps 1 (default budget):")
    for terms in (2_000, 6_000):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        outcome = attack(terms)
        seconds = time.perf_counter() - start
        grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        print(f"  {terms:>5} terms: {outcome} in {seconds:.2f} s, peak RSS +{grew:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", action="store_true", help="also run the memory attack")
    args = parser.parse_args()
    has_torch = importlib.util.find_spec("torch") is not None
    if has_torch:
        import torch  # imported before timing: its ~2 s start-up is not part of the loop

        torch.set_num_threads(1)
    t_tape, p_tape = best_of(with_tape, args.repeat)
    t_np, p_np = best_of(with_numpy, args.repeat)
    worst = max(abs(p_tape[k] - p_np[k]) / abs(p_np[k]) for k in INIT)
    print(f"sin(x) cubic fit, 2,000 points x {STEPS} steps (best of {args.repeat})")
    print(f"  chainrule tape   {t_tape * 1e3:8.1f} ms")
    print(
        f"  numpy (seed)     {t_np * 1e3:8.1f} ms   tape/numpy = {t_tape / t_np:.2f}  (target <= 2)"
    )
    print(f"  params vs numpy: max relative difference {worst:.1e}")
    if not has_torch:
        print("  torch autograd   (torch is not installed: skipped)")
    else:
        t_torch, p_torch = best_of(with_torch, args.repeat)
        ratio = t_tape / t_torch
        print(
            f"  torch autograd   {t_torch * 1e3:8.1f} ms   tape/torch = {ratio:.2f}  (target <= 1)"
        )
        print(f"  torch params:    {', '.join(f'{k}={v:.6g}' for k, v in p_torch.items())}")
    if args.memory:
        memory()


if __name__ == "__main__":
    main()
