"""Build: a parsed program plus input values to a Value graph (forward and backward)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

from chainrule.budget import NODES, REBUILDS, Budget
from chainrule.engine import EngineError, Value, apply
from chainrule.lang import DEFAULT_LIMITS, Limits, Program, SourceError, parse
from chainrule.lang.ast import (
    Assign,
    Binary,
    Call,
    Expr,
    FuncDef,
    Name,
    Num,
    Unary,
    children,
    postorder,
)
from chainrule.lang.lint import Notice, lint
from chainrule.ops import ALIAS, CALL, CALLS, CONSTANT, can_underflow

DEFAULT_OUTPUT_NAME = "output"
GRAD_CHECK_RTOL = 1e-6


class EvalError(SourceError):
    """A computation failed at a position of the program (log of a negative number, ...)."""

    def __init__(self, message: str, source: str, start: int, end: int) -> None:
        super().__init__(message, source, start, end, kind="domain")


class MissingValuesError(ValueError):
    """Input values are missing; names every one of them."""

    def __init__(self, missing: list[str], hint: str = "") -> None:
        self.missing = missing
        message = "missing input value" + ("s" if len(missing) > 1 else "") + " for "
        super().__init__(message + ", ".join(missing) + (f" ({hint})" if hint else ""))


class FunctionCall(NamedTuple):
    """What a call node of a user function holds: its parameters and the body's graph."""

    function: str
    params: tuple[Value, ...]
    body: Value
    declared_grad: bool
    grad_graphs: tuple[Value, ...] | None = None  # the declared derivatives, over params


class Built(NamedTuple):
    """A program evaluated at some input values."""

    program: Program
    output: Value
    output_name: str
    inputs: dict[str, Value]
    named: dict[str, Value]
    warnings: list[str]

    def gradients(self) -> dict[str, float]:
        """Return d(output)/d(name) for every input and named node."""
        return {name: v.grad for name, v in {**self.inputs, **self.named}.items()}


class _Evaluator:
    def __init__(self, program: Program) -> None:
        self.program = program
        self.warnings: list[str] = []

    def expr(self, root: Expr, env: Mapping[str, Value]) -> Value:
        """Evaluate an expression tree bottom-up, without recursion over its depth."""
        done: list[Value] = []
        for node in postorder(root):
            operands = done[len(done) - len(children(node)) :] if children(node) else []
            try:
                done.append(self.node(node, env, done))
            except EngineError as exc:
                message = str(exc) + self.origin(node, operands)
                raise EvalError(message, self.program.source, node.start, node.end) from None
        return done[0]

    def origin(self, node: Expr, operands: list[Value]) -> str:
        """Say where a zero or non-finite operand of a failed operation came from."""
        notes = []
        for child, v in zip(children(node), operands, strict=False):
            if isinstance(child, (Num, Name)) or (v.data != 0.0 and math.isfinite(v.data)):
                continue
            text = self.program.source[child.start : child.end]
            nonzero = all(u.data != 0.0 and math.isfinite(u.data) for u in v.inputs)
            if v.data == 0.0 and nonzero and can_underflow(v.op):
                why = "underflows to 0 (too small for a float)"
            elif math.isinf(v.data) and all(math.isfinite(u.data) for u in v.inputs):
                why = f"overflows to {v.data:g} (too large for a float)"
            else:
                why = f"is {v.data:g}"
            notes.append(f"{text} {why}")
        return ("; " + "; ".join(notes)) if notes else ""

    def node(self, node: Expr, env: Mapping[str, Value], done: list[Value]) -> Value:
        """Return the Value of one syntax node whose children are the last ones in done."""
        if isinstance(node, Num):
            return Value(node.value, CONSTANT)
        if isinstance(node, Name):
            return env[node.id]
        if isinstance(node, Unary):
            return apply(node.op, done.pop())
        if isinstance(node, Binary):
            b, a = done.pop(), done.pop()
            return apply(node.op, a, b)
        args = done[len(done) - len(node.args) :]
        del done[len(done) - len(node.args) :]
        builtin = CALLS.get(node.func)
        if builtin is not None:
            return apply(builtin.name, *args)
        return self.call(self.program.functions[node.func], tuple(args), node)

    def call(self, func: FuncDef, args: tuple[Value, ...], site: Call) -> Value:
        """Evaluate a user function as one node whose local derivatives come from its body."""
        params = tuple(Value(a.data, name=p) for a, p in zip(args, func.params, strict=True))
        env = dict(zip(func.params, params, strict=True))
        body = self.expr(func.body, env)
        body.backward()
        autodiff = tuple(p.grad for p in params)
        local = autodiff
        grad_graphs = None
        if func.grads is not None:
            grad_graphs = tuple(self.expr(g, env) for g in func.grads)
            local = tuple(g.data for g in grad_graphs)
            for p, want, got in zip(func.params, autodiff, local, strict=True):
                if not math.isclose(want, got, rel_tol=GRAD_CHECK_RTOL, abs_tol=1e-9):
                    at = ", ".join(f"{q.name}={q.data:g}" for q in params)
                    self.warnings.append(
                        Notice(
                            "declared-grad-mismatch",
                            f"{func.name}: declared d/d{p} = {got:g} but the body's derivative "
                            f"is {want:g} at {at}",
                        )
                    )
        node = Value.node(body.data, CALL, args, local)
        node.detail = FunctionCall(func.name, params, body, func.grads is not None, grad_graphs)
        return node


def _fresh_if_taken(v: Value) -> Value:
    """Give a name its own node when the value already is a leaf or another name."""
    if v.name is not None or not v.inputs:
        return Value.node(v.data, ALIAS, (v,), (1.0,))
    return v


def build(
    program: Program, values: Mapping[str, float], budget: Budget, *, charged: bool = False
) -> Built:
    """Run the forward pass of program at values; raise MissingValuesError or EvalError.

    Charges the request's budget one build and the program's node count (a user function
    counts its whole expansion) before anything is computed; raises BudgetExceeded when
    over. With charged, the caller has charged this build's nodes already (grading charges
    a formula answer for every point it may be checked at, before the first): only the
    budget's wall clock is checked.
    """
    if charged:
        budget.check_time("building a formula")
    else:
        budget.charge(REBUILDS, 1, "building the program")
        budget.charge(NODES, max(1, program.node_count), "building the program")
    missing = [name for name in program.inputs if name not in values]
    if missing:
        raise MissingValuesError(missing)
    warnings: list[str] = [
        Notice("unused-value", f"value given for '{k}', which the program does not use")
        for k in values
        if k not in program.inputs
    ]
    inputs: dict[str, Value] = {}
    for name in program.inputs:
        x = float(values[name])
        if not math.isfinite(x):
            raise ValueError(f"value of '{name}' must be a finite number")
        inputs[name] = Value(x, name=name)
    env: dict[str, Value] = dict(inputs)
    named: dict[str, Value] = {}
    ev = _Evaluator(program)
    out: Value | None = None
    for stmt in program.statements:
        if isinstance(stmt, FuncDef):
            continue
        out = ev.expr(stmt.expr, env)
        if isinstance(stmt, Assign):
            out = _fresh_if_taken(out)
            out.name = stmt.name
            env[stmt.name] = named[stmt.name] = out
    assert out is not None
    output_name = program.output or _unused_name(program)
    if program.output is None:
        out = _fresh_if_taken(out) if out.name is not None else out
        out.name = output_name
    return Built(program, out, output_name, inputs, named, warnings + ev.warnings)


def _unused_name(program: Program) -> str:
    name = DEFAULT_OUTPUT_NAME
    while name in program.inputs:
        name += "_"
    return name


def evaluate(
    source: str | Program,
    values: Mapping[str, float],
    limits: Limits = DEFAULT_LIMITS,
    *,
    budget: Budget,
    warn: bool = True,
) -> Built:
    """Parse (if needed), run forward and backward; gradients are on the returned graph.

    The warnings also name lines that never reach the output and likely misspellings
    (unless warn is False: a value change on a program whose warnings are known).
    """
    program = source if isinstance(source, Program) else parse(source, limits)
    built = build(program, values, budget)
    built.output.backward()
    if warn:
        built.warnings[:0] = lint(program)
    return built
