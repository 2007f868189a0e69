"""The fitted model drawn over the data: its predictions on a grid of one data column.

The model is the one the request names, or the one inside a squared-error loss
`(MODEL - t)^2` / `(t - MODEL)^2` (t a data column), read from the syntax tree. It is
evaluated with the fitted parameters at n evenly spaced points of its one data column,
by the engine (one build per point, charged to the request's budget); a point where the
model cannot be computed is null. The data's points (target against that column, thinned
to at most MAX_POINTS) come with it, so a page plots both and computes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chainrule.budget import Budget
from chainrule.build import MissingValuesError, build
from chainrule.lang import Limits, Program, SourceError, parse
from chainrule.lang.ast import Binary, Expr, ExprStmt, FuncDef, Name, Num

MAX_POINTS = 500  # data points sent back with the fit (a scatter of more is thinned evenly)
GRID_POINTS = 120


@dataclass(frozen=True)
class FitRequest:
    """How to draw the fit: the model (None: read it from the loss), the column, the range."""

    model: str | None = None
    column: str | None = None
    lo: float | None = None
    hi: float | None = None
    n: int = GRID_POINTS


def squared_error_model(program: Program, columns: Sequence[str]) -> tuple[Expr, str] | None:
    """Return (MODEL, t) of a program whose output is (MODEL - t)^2 or (t - MODEL)^2, t a
    name (a data column when either side could be it)."""
    last = [s for s in program.statements if not isinstance(s, FuncDef)][-1]
    e = last.expr
    if not (isinstance(e, Binary) and e.op in ("^", "**") and isinstance(e.right, Num)):
        return None
    if e.right.value != 2 or not isinstance(e.left, Binary) or e.left.op != "-":
        return None
    left, right = e.left.left, e.left.right
    sides = [(left, right), (right, left)]
    named = [(m, t.id) for m, t in sides if isinstance(t, Name)]
    return next(((m, t) for m, t in named if t in columns), named[0] if named else None)


def model_program(
    loss: Program, fit: FitRequest, columns: Sequence[str], limits: Limits
) -> tuple[Program, str | None] | None:
    """Return the model as a program and its target column (None: no model to draw).

    A model the request gives is parsed on its own (SourceError with its position); one
    read from the loss keeps the loss's earlier lines, so it may use their names.
    """
    found = squared_error_model(loss, columns)
    target = found[1] if found and found[1] in columns else None
    if target is None:
        target = "y" if "y" in columns else (columns[-1] if columns else None)
    if fit.model is not None and fit.model.strip():
        return parse(fit.model, limits), target
    if found is None:
        return None
    model, _ = found
    last = [s for s in loss.statements if not isinstance(s, FuncDef)][-1]
    source = loss.source[: last.start] + loss.source[model.start : model.end]
    return parse(source, limits), target


def _thinned(xs: Sequence[float], ys: Sequence[float]) -> dict[str, list[float]]:
    step = max(1, math.ceil(len(xs) / MAX_POINTS))
    return {"x": [float(x) for x in xs[::step]], "y": [float(y) for y in ys[::step]]}


def _text(program: Program) -> str:
    """The model's text as the note shows it: its output line."""
    last = [s for s in program.statements if not isinstance(s, FuncDef)][-1]
    return (
        program.source[last.expr.start : last.expr.end]
        if isinstance(last, ExprStmt)
        else (program.source[last.start : last.end])
    )


def fitted_curve(
    program: Program | None,
    target: str | None,
    fit: FitRequest,
    params: Mapping[str, float],
    data: Mapping[str, Sequence[float]],
    budget: Budget,
) -> dict[str, Any]:
    """Return the fit's answer: the model, its column, the grid and its predictions, the
    data's points and a note to show; x and y are empty when it cannot be drawn (the note
    says why)."""
    out: dict[str, Any] = {"model": None, "column": None, "target": target, "x": [], "y": []}
    out["points"] = None
    if program is None:
        return {**out, "note": "Give a model (or a loss (MODEL - y)^2) to draw the fit."}
    text = out["model"] = _text(program)
    xs = [fit.column] if fit.column else [c for c in program.inputs if c in data and c != target]
    if len(xs) != 1 or xs[0] not in program.inputs:
        used = len(xs) if xs else "none"
        note = f"The fit is drawn for a model of one data column; {text} uses {used}."
        return {**out, "note": note}
    x = out["column"] = xs[0]
    if fit.lo is not None and fit.hi is not None:
        lo, hi = fit.lo, fit.hi
    else:
        col = data.get(x) or []
        lo, hi = (float(min(col)), float(max(col))) if len(col) else (math.nan, math.nan)
    if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
        return {**out, "note": "Give an x range (x from < x to) to draw the fitted curve."}
    grid = [lo + (hi - lo) * i / (fit.n - 1) for i in range(fit.n)]
    values = {p: v for p, v in params.items() if p in program.inputs}
    ys: list[float | None] = []
    for g in grid:
        try:
            y = build(program, {**values, x: g}, budget).output.data
        except MissingValuesError as exc:
            return {**out, "note": f"Cannot draw the model {text}: {exc}"}
        except (ArithmeticError, ValueError, SourceError):
            y = math.nan
        ys.append(y if math.isfinite(y) else None)  # a point the model has no number at
    points = _thinned(data[x], data[target]) if target is not None and target in data else None
    note = (
        f"{text} with the fitted parameters, over the data ({target} against {x})."
        if points
        else f"{text} with the fitted parameters over {lo:.4g} ≤ {x} ≤ {hi:.4g}."
    )
    return {**out, "x": grid, "y": ys, "points": points, "note": note}
