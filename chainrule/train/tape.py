"""A finished per-example graph compiled to a flat program run over NumPy arrays.

One column per row of data: every slot holds either a scalar (a constant, a parameter,
or something computed from them only) or an array with one entry per row. Constants are
folded, data-only work runs once in `bind`, and each step runs only what depends on the
parameters. A column is freed after its last use (liveness.py), so a long chain of data-only
work holds a few columns, not one per operation. The Value engine stays the reference: the
same ops, the same conventions (relu'(0) = 0, |x|'(0) = 0, max/min ties split the gradient,
sqrt'(0) = inf).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.budget import Budget
from chainrule.train.liveness import ROW_BYTES
from chainrule.train.tape_ops import Fwd, Local

_GONE = np.empty(0)  # a freed column (an array: backward still sees it was one)
TICK_CELLS = 1_000_000  # from this many cells per step, the clock is read after each op


@dataclass(slots=True)
class Instr:
    """One operation: out = fwd(V); in backward, grad[ins[k]] += grad[out] * locals[k](V)."""

    op: str
    out: int
    ins: tuple[int, ...]
    fwd: Fwd
    grads: tuple[tuple[int, Local], ...]  # (input slot, local derivative) for varying inputs
    safe: bool  # a zero upstream gradient gives zero even where the local one is inf
    uses: tuple[int, ...]  # slots fwd reads
    reads: tuple[int, ...]  # slots the local derivatives in grads read
    free: tuple[int, ...] = ()  # slots dead after this instruction in forward


@dataclass
class Tape:
    """A compiled program: slots, constants, the once-per-data and per-step code."""

    n_slots: int
    output: int
    consts: dict[int, Any] = field(default_factory=dict)
    params: dict[str, int] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)
    named: dict[str, int] = field(default_factory=dict)  # kept named nodes (compile keep=)
    static: list[Instr] = field(default_factory=list)  # depends on data only
    varying: list[Instr] = field(default_factory=list)  # depends on parameters
    backward: list[Instr] = field(default_factory=list)  # differentiable varying ops, reversed
    peak: int = 0  # most per-row columns held at once, data columns aside (liveness.py)

    def __len__(self) -> int:
        """Number of operations run per step (forward and backward)."""
        return len(self.varying) + len(self.backward) + 1

    def work(self, rows: int, steps: int) -> int:
        """Return the cells a run computes: rows × (data-only ops + (steps + 1) × len)."""
        return rows * (len(self.static) + (steps + 1) * len(self))

    def peak_bytes(self, rows: int) -> int:
        """Return the most bytes the run's columns hold at once, besides the data."""
        return rows * ROW_BYTES * self.peak

    def bind(self, data: Mapping[str, Any], budget: Budget) -> Bound:
        """Run the data-only code once over the given columns (arrays of equal length)."""
        values: list[Any] = [None] * self.n_slots
        for slot, c in self.consts.items():
            values[slot] = c
        rows = 1
        for name, slot in self.columns.items():
            arr = np.asarray(data[name], dtype=np.float64)
            values[slot] = arr
            rows = max(rows, int(arr.size))
        with np.errstate(all="ignore"):
            for ins in self.static:
                values[ins.out] = ins.fwd(values)
                for s in ins.free:
                    values[s] = _GONE
                budget.check_time("computing the data-only part of the program")
        tick = None
        if rows * len(self) >= TICK_CELLS:
            tick = functools.partial(budget.check_time, "training, within one step")
        return Bound(self, values, rows, tick)


class Bound:
    """A tape with its data: run forward and backward for given parameter values."""

    def __init__(
        self, tape: Tape, values: list[Any], rows: int, tick: Callable[[], None] | None = None
    ) -> None:
        self.tape = tape
        self.values = values
        self.rows = rows
        self.tick = tick  # checks the wall clock after each operation of a long step

    def forward(self, params: Mapping[str, Any]) -> Any:
        """Return the output for every row (a scalar if no data reaches the output)."""
        v = self.values
        for name, slot in self.tape.params.items():
            p = params[name]
            v[slot] = np.float64(p) if np.ndim(p) == 0 else np.asarray(p, dtype=np.float64)
        tick = self.tick
        with np.errstate(all="ignore"):
            for ins in self.tape.varying:
                v[ins.out] = ins.fwd(v)
                for s in ins.free:
                    v[s] = _GONE
                if tick:
                    tick()
        return v[self.tape.output]

    def gradients(self, seed: Any) -> dict[str, Any]:
        """Return d(seed · output)/d(param) after forward; scalar params sum over the rows."""
        v = self.values
        g: list[Any] = [None] * len(v)
        g[self.tape.output] = seed
        ndim = np.ndim
        tick = self.tick
        with np.errstate(all="ignore"):
            for ins in self.tape.backward:
                up = g[ins.out]
                if up is None:
                    continue
                for slot, local in ins.grads:
                    if isinstance(local, float):
                        c = up if local == 1.0 else up * local
                    else:
                        c = up * local(v)
                        if ins.safe:
                            c = np.where(up == 0.0, 0.0, c)
                    if ndim(c) and not ndim(v[slot]):
                        c = c.sum()
                    g[slot] = c if g[slot] is None else g[slot] + c
                g[ins.out] = None
                if tick:
                    tick()
        out: dict[str, Any] = {}
        for name, slot in self.tape.params.items():
            gs = g[slot]
            if gs is None:
                gs = np.zeros_like(v[slot])
            elif ndim(gs) and not ndim(v[slot]):
                gs = gs.sum()
            out[name] = gs
        return out

    def read(self, name: str) -> Any:
        """Return a kept named node's values after forward (one per row, or a scalar)."""
        return self.values[self.tape.named[name]]

    def loss_and_grad(
        self, params: Mapping[str, float], mean: bool
    ) -> tuple[float, dict[str, float]]:
        """Return the reduced loss (mean or sum over rows) and its gradient."""
        out = self.forward(params)
        n = self.rows
        scale = 1.0 / n if mean else 1.0
        if np.ndim(out):
            with np.errstate(all="ignore"):
                total = float(np.sum(out))
            seed: Any = np.full(out.shape, scale)
        else:
            total = float(out) * n
            seed = np.float64(scale * n)
        grads = self.gradients(seed)
        return total * scale, {k: float(x) for k, x in grads.items()}
