"""A finished per-example graph compiled to a flat program run over NumPy arrays.

One column per row of data: every slot holds either a scalar (a constant, a parameter,
or something computed from them only) or an array with one entry per row. Constants are
folded, data-only work runs once in `bind`, and each step runs only what depends on the
parameters. The Value engine stays the reference: the same ops, the same conventions
(relu'(0) = 0, |x|'(0) = 0, max/min ties split the gradient, sqrt'(0) = inf).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.build import Built, FunctionCall
from app.engine import Value, topological_order
from app.train.tape_ops import Local, backward_rule, forward_rule

Fwd = Callable[[list[Any]], Any]


class TapeError(ValueError):
    """The graph holds something the tape cannot compile."""


@dataclass(frozen=True, slots=True)
class Instr:
    """One operation: out = fwd(V); in backward, grad[ins[k]] += grad[out] * locals[k](V)."""

    op: str
    out: int
    ins: tuple[int, ...]
    fwd: Fwd
    grads: tuple[tuple[int, Local], ...]  # (input slot, local derivative) for live inputs
    safe: bool  # a zero upstream gradient gives zero even where the local one is inf


@dataclass
class Tape:
    """A compiled program: slots, constants, the once-per-data and per-step code."""

    n_slots: int
    output: int
    consts: dict[int, Any] = field(default_factory=dict)
    params: dict[str, int] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)
    static: list[Instr] = field(default_factory=list)  # depends on data only
    live: list[Instr] = field(default_factory=list)  # depends on parameters
    backward: list[Instr] = field(default_factory=list)  # differentiable live ops, reversed

    def __len__(self) -> int:
        """Number of operations run per step (forward and backward)."""
        return len(self.live) + len(self.backward) + 1

    def bind(self, data: Mapping[str, Any]) -> Bound:
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
        return Bound(self, values, rows)


class Bound:
    """A tape with its data: run forward and backward for given parameter values."""

    def __init__(self, tape: Tape, values: list[Any], rows: int) -> None:
        self.tape = tape
        self.values = values
        self.rows = rows

    def forward(self, params: Mapping[str, Any]) -> Any:
        """Return the output for every row (a scalar if no data reaches the output)."""
        v = self.values
        for name, slot in self.tape.params.items():
            p = params[name]
            v[slot] = np.float64(p) if np.ndim(p) == 0 else np.asarray(p, dtype=np.float64)
        with np.errstate(all="ignore"):
            for ins in self.tape.live:
                v[ins.out] = ins.fwd(v)
        return v[self.tape.output]

    def gradients(self, seed: Any) -> dict[str, Any]:
        """Return d(seed · output)/d(param) after forward; scalar params sum over the rows."""
        v = self.values
        g: list[Any] = [None] * len(v)
        g[self.tape.output] = seed
        ndim = np.ndim
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
        out: dict[str, Any] = {}
        for name, slot in self.tape.params.items():
            gs = g[slot]
            if gs is None:
                gs = np.zeros_like(v[slot])
            elif ndim(gs) and not ndim(v[slot]):
                gs = gs.sum()
            out[name] = gs
        return out

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


class _Compiler:
    def __init__(self, built: Built, params: Collection[str]) -> None:
        self.built = built
        self.tape = Tape(0, 0)
        self.slot: dict[Value, int] = {}
        self.kind: list[str] = []  # per slot: "const", "static" or "live"
        for name, leaf in built.inputs.items():
            k = "live" if name in params else "static"
            s = self.new(k)
            self.slot[leaf] = s
            (self.tape.params if k == "live" else self.tape.columns)[name] = s

    def new(self, kind: str, const: Any = None) -> int:
        self.kind.append(kind)
        s = len(self.kind) - 1
        if kind == "const":
            self.tape.consts[s] = np.float64(const)
        return s

    def graph(self, root: Value, diff: bool) -> int:
        """Compile every node reachable from root; return the slot of root."""
        for node in topological_order(root):
            if node not in self.slot:
                self.slot[node] = self.node(node, diff)
        return self.slot[root]

    def node(self, node: Value, diff: bool) -> int:
        if node.op == "const":
            return self.new("const", node.data)
        if node.op == "":
            raise TapeError(f"input '{node.name}' has no slot")
        ins = tuple(self.slot[x] for x in node.inputs)
        if node.op == "=":
            return ins[0]
        kinds = {self.kind[s] for s in ins}
        if kinds == {"const"}:
            return self.new("const", node.data)
        if node.op == "call":
            return self.call(node, ins, diff)
        consts = tuple(self.tape.consts.get(s) for s in ins)
        fwd = forward_rule(node.op, ins, consts)
        locals_ = backward_rule(node.op, ins, consts, len(self.kind))
        return self.emit(node.op, ins, fwd, locals_, diff, node.op in ("^", "sqrt", "/", "log"))

    def call(self, node: Value, ins: tuple[int, ...], diff: bool) -> int:
        """Inline a user function's body, or use its declared derivative formulas."""
        detail: FunctionCall = node.detail
        for p, s in zip(detail.params, ins, strict=True):
            self.slot[p] = s
        if not detail.declared_grad:
            return self.graph(detail.body, diff)
        body = self.graph(detail.body, False)
        assert detail.grad_graphs is not None
        local_slots = [self.graph(g, False) for g in detail.grad_graphs]
        locals_: list[Local] = [_slot_reader(s) for s in local_slots]
        return self.emit("call", ins, _slot_reader(body), tuple(locals_), diff, False)

    def emit(
        self,
        op: str,
        ins: tuple[int, ...],
        fwd: Fwd,
        locals_: tuple[Local, ...],
        diff: bool,
        safe: bool,
    ) -> int:
        kind = "live" if any(self.kind[s] == "live" for s in ins) else "static"
        out = self.new(kind)
        grads = tuple(
            (s, loc) for s, loc in zip(ins, locals_, strict=True) if self.kind[s] == "live"
        )
        instr = Instr(op, out, ins, fwd, grads, safe)
        (self.tape.live if kind == "live" else self.tape.static).append(instr)
        if diff and kind == "live":
            self.tape.backward.append(instr)
        return out


def _slot_reader(s: int) -> Callable[[list[Any]], Any]:
    return lambda v: v[s]


def compile_tape(built: Built, params: Collection[str] = ()) -> Tape:
    """Compile a built graph; names in params vary per step, other inputs are data columns."""
    c = _Compiler(built, params)
    out = c.graph(built.output, True)
    tape = c.tape
    tape.n_slots = len(c.kind)
    tape.output = out
    tape.backward.reverse()
    return tape
