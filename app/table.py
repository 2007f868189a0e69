"""The values table and its numeric check, as every page shows them: one set of rules.

The rows (every input in the order of first use, then every named node in node order)
with their numbers written at the precision the learner chose (the drawing's, one rule:
`precision` of the request or page), and the finite-difference check of each
input's gradient (two builds per input, charged to the request's budget, for at most
FD_MAX_INPUTS inputs; above that a note says it was skipped). /api/evaluate answers them
(`rows`, and `check` when asked) and the page without scripts renders the same fields, so
the script renders and computes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from chainrule.budget import Budget, BudgetExceeded
from chainrule.build import Built, build
from chainrule.engine import topological_order
from chainrule.graph import Graph, fmt, json_number
from chainrule.lang import Program, SourceError
from chainrule.ops import is_input

FD_MAX_INPUTS = 12  # inputs up to which each gradient is checked (two builds per input)
DIFF_DIGITS = 2  # the check's difference: its size is what it says
FD_RTOL = 1e-4  # a difference above this (relative to max(1, |grad|)) is marked
PAGE_STEPS = 200  # backward steps written into one page without scripts


def _ordered(rows: list[dict[str, Any]], inputs: Sequence[str]) -> list[dict[str, Any]]:
    """Inputs first, in the order of first use; then the rest as they came (node order)."""
    rank = {name: i for i, name in enumerate(inputs)}
    last = len(rank)
    return sorted(rows, key=lambda r: rank.get(r["name"], last) if r["input"] else last)


def graph_rows(graph: Graph, inputs: Sequence[str], precision: int) -> list[dict[str, Any]]:
    """The table's rows of an exported graph: id, name, kind and the numbers' texts (at
    precision significant digits, as the drawing writes them)."""
    rows = [
        {
            "id": n.id,
            "name": n.name,
            "kind": n.kind,
            "value_text": fmt(n.value, precision),
            "grad_text": fmt(n.grad, precision),
            "input": is_input(n.op),
        }
        for n in graph.nodes
        if n.name is not None and n.group is None
    ]
    return [{k: v for k, v in r.items() if k != "input"} for r in _ordered(rows, inputs)]


def built_rows(built: Built, precision: int) -> list[dict[str, Any]]:
    """The same rows (without kind) from the built graph alone: a value change's answer."""
    rows = [
        {
            "id": f"n{k}",
            "name": v.name,
            "value_text": fmt(v.data, precision),
            "grad_text": fmt(None if v.is_constant else v.grad, precision),
            "input": v.name in built.inputs and built.inputs[v.name] is v,
        }
        for k, v in enumerate(topological_order(built.output))
        if v.name is not None
    ]
    return [
        {k: v for k, v in r.items() if k != "input"} for r in _ordered(rows, list(built.inputs))
    ]


def skip_note(count: int) -> str:
    """Why the numeric check was not run."""
    return (
        f"Numeric check skipped: the program has {count} inputs, and the check runs for at "
        f"most {FD_MAX_INPUTS} (it evaluates the program twice per input)."
    )


def _difference(program: Program, values: Mapping[str, float], name: str, budget: Budget) -> float:
    """Central finite difference d(output)/d(name), NaN where it cannot be computed."""
    x = values[name]
    h = 1e-5 * max(1.0, abs(x))
    try:
        up = build(program, {**values, name: x + h}, budget).output.data
        down = build(program, {**values, name: x - h}, budget).output.data
    except (ArithmeticError, ValueError, SourceError):
        return math.nan
    return (up - down) / (2 * h)


def fd_check(
    program: Program,
    values: Mapping[str, float],
    grads: Mapping[str, float],
    budget: Budget,
    precision: int,
) -> dict[str, Any]:
    """The numeric check of every input's gradient: {skipped, note, inputs: [{name, fd,
    fd_text, diff_text, bad}]}; fd_text (at precision, as the gradient beside it) is "—"
    where the output has no number nearby."""
    inputs = list(program.inputs)
    if len(inputs) > FD_MAX_INPUTS:
        return {"skipped": True, "note": skip_note(len(inputs)), "inputs": []}
    out = []
    try:
        for name in inputs:
            fd = _difference(program, values, name, budget)
            grad = grads.get(name)
            ok = math.isfinite(fd) and grad is not None and math.isfinite(grad)
            diff = abs(fd - grad) if ok and grad is not None else None
            out.append(
                {
                    "name": name,
                    "fd": json_number(fd) if math.isfinite(fd) else None,
                    "fd_text": fmt(fd, precision) if math.isfinite(fd) else "—",
                    "diff_text": "" if diff is None else fmt(diff, DIFF_DIGITS),
                    "bad": diff is not None and diff > FD_RTOL * max(1.0, abs(grad or 0.0)),
                }
            )
    except BudgetExceeded as exc:
        return {"skipped": True, "note": f"Numeric check skipped: {exc}", "inputs": []}
    return {"skipped": False, "note": None, "inputs": out}
