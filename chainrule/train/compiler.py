"""Compile a finished per-example graph into a tape (tape.py) and plan its columns' lives.

Each slot is a constant, a parameter, a data column, or the output of one instruction:
"static" if it depends on data only (run once at bind), "varying" if on the parameters (run
every step). Constants are folded; user functions are inlined or use their declared
derivatives.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import numpy as np

from chainrule.build import Built, FunctionCall
from chainrule.engine import Value, topological_order
from chainrule.ops import OPS
from chainrule.train.liveness import dead_after, peak_columns
from chainrule.train.tape import Instr, Tape
from chainrule.train.tape_ops import Fwd, Local, Rule, backward_rule, forward_rule


class TapeError(ValueError):
    """The graph holds something the tape cannot compile."""


class _Compiler:
    def __init__(self, built: Built, params: Collection[str]) -> None:
        self.built = built
        self.tape = Tape(0, 0)
        self.slot: dict[Value, int] = {}
        self.kind: list[str] = []  # per slot: "const", "static" or "varying"
        self.rowish: list[bool] = []  # per slot: one value per row (params taken as scalars)
        for name, leaf in built.inputs.items():
            k = "varying" if name in params else "static"
            s = self.new(k, rowish=k == "static")
            self.slot[leaf] = s
            (self.tape.params if k == "varying" else self.tape.columns)[name] = s

    def new(self, kind: str, const: Any = None, rowish: bool = False) -> int:
        """Return a new slot of kind "const", "static" or "varying"."""
        self.kind.append(kind)
        self.rowish.append(rowish)
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
        """Return the slot holding node's value, emitting its instruction first."""
        if node.is_constant:
            return self.new("const", node.data)
        if node.is_input:
            raise TapeError(f"input '{node.name}' has no slot")
        ins = tuple(self.slot[x] for x in node.inputs)
        if node.is_alias:
            return ins[0]
        kinds = {self.kind[s] for s in ins}
        if kinds == {"const"}:
            return self.new("const", node.data)
        if node.is_call:
            return self.call(node, ins, diff)
        consts = tuple(self.tape.consts.get(s) for s in ins)
        fwd = forward_rule(node.op, ins, consts)
        rules = backward_rule(node.op, ins, consts, len(self.kind))
        return self.emit(node.op, ins, fwd, rules, diff, OPS[node.op].singular)

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
        rules = tuple(Rule(_slot_reader(s), (s,)) for s in local_slots)
        return self.emit("call", ins, _slot_reader(body), rules, diff, False, (body,))

    def emit(
        self,
        op: str,
        ins: tuple[int, ...],
        fwd: Fwd,
        rules: tuple[Rule, ...],
        diff: bool,
        safe: bool,
        uses: tuple[int, ...] | None = None,
    ) -> int:
        """Append one instruction to the data-only or the per-step part of the tape."""
        uses = ins if uses is None else uses
        kind = "varying" if any(self.kind[s] == "varying" for s in ins) else "static"
        out = self.new(kind, rowish=any(self.rowish[s] for s in uses))
        varying = [(s, r) for s, r in zip(ins, rules, strict=True) if self.kind[s] == "varying"]
        grads: tuple[tuple[int, Local], ...] = tuple((s, r.local) for s, r in varying)
        reads = tuple(sorted({x for _, r in varying for x in r.reads}))
        instr = Instr(op, out, ins, fwd, grads, safe, uses, reads)
        (self.tape.varying if kind == "varying" else self.tape.static).append(instr)
        if diff and kind == "varying":
            self.tape.backward.append(instr)
        return out


def _slot_reader(s: int) -> Callable[[list[Any]], Any]:
    return lambda v: v[s]


def compile_tape(built: Built, params: Collection[str] = (), keep: Collection[str] = ()) -> Tape:
    """Compile a built graph; names in params vary per step, other inputs are data columns.

    The named nodes in keep (a model's outputs) stay readable after forward (tape.named).
    """
    c = _Compiler(built, params)
    out = c.graph(built.output, True)
    tape = c.tape
    for name in keep:
        node = built.named.get(name)
        if node is None or node not in c.slot:
            raise TapeError(f"the program has no line '{name} = ...' that the loss uses")
        tape.named[name] = c.slot[node]
    tape.n_slots = len(c.kind)
    tape.output = out
    tape.backward.reverse()
    _plan(tape, c.rowish)
    return tape


def _plan(tape: Tape, rowish: list[bool]) -> None:
    """Give each instruction its free list and the tape its peak column count."""
    keep = {tape.output, *tape.consts, *tape.params.values(), *tape.columns.values()}
    keep.update(tape.named.values())
    keep.update(s for s, r in enumerate(rowish) if not r)  # scalars cost nothing to keep
    keep.update(s for ins in tape.backward for s in ins.reads)
    resident = keep | {s for ins in tape.varying for s in ins.uses}
    for code, hold in ((tape.static, resident), (tape.varying, keep)):
        for ins, free in zip(code, dead_after(code, hold), strict=True):
            ins.free = free
    tape.peak = peak_columns(tape.static, tape.varying, tape.backward, rowish, tape.output)
