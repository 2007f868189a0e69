"""The playground's view model: the state a URL asks for, and what the page shows of it
(values, gradients, the backward steps, finite-difference checks) when rendered on the
server."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from app.build import MissingValuesError
from app.engine import EngineError
from app.graph import Graph
from app.lang import ParseError
from app.render import DotOptions, RenderError, fmt, to_dot
from app.web.deps import Computed, Services
from app.web.errors import ProblemError

DEFAULT_PROGRAM = "c = a + b\nd = b + 1\ne = c * d"
DEFAULT_VALUES = {"a": 2.0, "b": 1.0}
DEFAULT_VALUE = 1.0
FD_MAX_INPUTS = 20
# Query parameters that are options, not input values (the API's, plus the page's own).
OPTIONS = ("expression", "rankdir", "local_grads", "precision", "expand_calls", "constants", "view")
API_OPTIONS = ("rankdir", "local_grads", "precision", "expand_calls")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
FORMULAS = {"+": ("1", "1"), "=": ("1",), "-": ("1", "−1"), "neg": ("−1",)}


@dataclass
class PageState:
    """What the URL asks for: program, values, drawing options, and input errors."""

    expression: str
    values: dict[str, float]
    options: DotOptions
    defaults: bool = False
    bad_values: list[str] = field(default_factory=list)

    def query(self, api: bool = False) -> str:
        """Return the query string reproducing this view (only the API's options if api)."""
        o = self.options
        params: list[tuple[str, str]] = [("expression", self.expression)]
        params += [(k, fmt(v, 17)) for k, v in self.values.items()]
        params += [("rankdir", o.rankdir)] if o.rankdir != "LR" else []
        params += [("local_grads", "true")] if o.local_grads else []
        params += [("expand_calls", "true")] if o.expand_calls else []
        if not api and not o.constants:
            params.append(("constants", "false"))
        return urlencode(params)


def _flag(params: Any, key: str, default: bool, view: bool) -> bool:
    """A checkbox: absent means unchecked when the form was sent (view), else default."""
    text = params.get(key)
    if text is None:
        return False if view else default
    return str(text).lower() in ("1", "true", "on", "yes")


def read_state(params: Any) -> PageState:
    """Read a PageState from query (or form) parameters; never raises for user text."""
    expression = params.get("expression")
    if expression is None:
        return PageState(DEFAULT_PROGRAM, dict(DEFAULT_VALUES), DotOptions(), defaults=True)
    view = params.get("view") is not None
    precision = params.get("precision", "4")
    options = DotOptions(
        rankdir="TB" if params.get("rankdir") == "TB" else "LR",
        local_grads=_flag(params, "local_grads", False, view),
        constants=_flag(params, "constants", True, view),
        precision=int(precision) if str(precision).isdigit() and 1 <= int(precision) <= 12 else 4,
        expand_calls=_flag(params, "expand_calls", False, view),
    )
    values: dict[str, float] = {}
    bad: list[str] = []
    for key, text in params.multi_items():
        if key in OPTIONS or not NAME.fullmatch(key):
            continue
        try:
            x = float(str(text).strip())
        except ValueError:
            x = math.nan
        if math.isfinite(x):
            values[key] = x
        else:
            bad.append(key)
    return PageState(str(expression), values, options, bad_values=bad)


def _node_text(graph: Graph, nid: str, depth: int = 0) -> str:
    """A short readable name for a node: its name, its constant, or its formula."""
    node = next(n for n in graph.nodes if n.id == nid)
    if node.name:
        return node.name
    if node.kind == "constant":
        return fmt(node.value, 6)
    if depth > 2:
        return "…"
    args = [_node_text(graph, e.source, depth + 1) for e in graph.edges if e.target == nid]
    args = [_term(a) for a in args]
    text = f" {node.label} ".join(args) if len(args) == 2 else f"{node.label}({', '.join(args)})"
    return text if len(text) <= 28 else text[:27] + "…"


def _term(text: str) -> str:
    """The text in parentheses unless it is a single name or number."""
    return text if re.fullmatch(r"[\w.]+", text) else f"({text})"


def _steps(graph: Graph, precision: int) -> list[dict[str, Any]]:
    steps = []
    for step in graph.steps:
        node = next(n for n in graph.nodes if n.id == step.node)
        contributions = []
        for k, c in enumerate(step.contributions):
            formulas = FORMULAS.get(node.op, ())
            contributions.append(
                {
                    "name": _term(_node_text(graph, c.target)),
                    "formula": formulas[k] if k < len(formulas) else "",
                    "local_text": fmt(c.local_grad, precision),
                    "product_text": fmt(c.product, precision),
                }
            )
        steps.append(
            {
                "node": step.node,
                "name": _term(_node_text(graph, step.node)),
                "grad_text": fmt(step.grad, precision),
                "contributions": contributions,
            }
        )
    return steps


def _fd(services: Services, state: PageState, name: str) -> float | None:
    """Central finite difference d(output)/d(name), or None where it cannot be computed."""
    x = state.values[name]
    h = 1e-5 * max(1.0, abs(x))
    try:
        up = services.compute_now(state.expression, {**state.values, name: x + h}, False)
        down = services.compute_now(state.expression, {**state.values, name: x - h}, False)
    except (ParseError, EngineError, ValueError):
        return None
    return (up.built.output.data - down.built.output.data) / (2 * h)


def _rows(services: Services, state: PageState, computed: Computed) -> list[dict[str, Any]]:
    p = state.options.precision
    rows = []
    check = len(computed.built.inputs) <= FD_MAX_INPUTS
    order = list(computed.built.inputs)
    nodes = sorted(
        computed.graph.nodes,
        key=lambda n: order.index(n.name) if n.kind == "input" and n.name in order else len(order),
    )
    for n in nodes:
        if n.name is None or n.group is not None:
            continue
        fd = _fd(services, state, n.name) if check and n.kind == "input" else None
        rows.append(
            {
                "id": n.id,
                "name": n.name,
                "kind": n.kind,
                "value_text": fmt(n.value, p),
                "grad_text": fmt(n.grad, p),
                "fd_text": "" if fd is None else fmt(fd, 6),
                "diff_text": "" if fd is None else fmt(abs(fd - n.grad), 2),
            }
        )
    return rows


def _error(exc: ParseError, source: str) -> dict[str, Any]:
    lines = source.split("\n")
    text = lines[exc.line - 1] if exc.line <= len(lines) else ""
    col = exc.column - 1
    span = text[col : col + max(1, exc.length)] or " "
    return {
        "message": exc.message,
        "line": exc.line,
        "column": exc.column,
        "before": text[:col],
        "span": span,
        "after": text[col + len(span) :],
    }


async def page_result(services: Services, state: PageState) -> dict[str, Any]:
    """Compute the page's result, or its error; the template shows either."""
    try:
        program = services.parse(state.expression)
    except ParseError as exc:
        return {"error": _error(exc, state.expression), "inputs": list(state.values)}
    inputs = list(program.inputs)
    for name in inputs:
        state.values.setdefault(name, DEFAULT_VALUE)
    state.values = {k: v for k, v in state.values.items() if k in inputs}
    try:
        computed = services.compute_now(state.expression, state.values, state.options.expand_calls)
    except ParseError as exc:
        return {"error": _error(exc, state.expression), "inputs": inputs}
    except (EngineError, MissingValuesError, ValueError) as exc:
        return {"error": {"message": str(exc)}, "inputs": inputs}
    svg, svg_error = None, None
    try:
        text = await services.svg(to_dot(computed.graph, state.options), computed.graph)
        # Trusted markup: our renderer escapes every label (app.render.style.html_text).
        svg = Markup(text[text.find("<svg") :])
    except (ProblemError, RenderError) as exc:
        svg_error = str(exc)
    result = {
        "output": computed.built.output_name,
        "value_text": fmt(computed.built.output.data, state.options.precision),
        "svg": svg,
        "svg_error": svg_error,
        "warnings": computed.built.warnings,
        "rows": await run_in_threadpool(_rows, services, state, computed),
        "steps": _steps(computed.graph, state.options.precision),
    }
    return {"result": result, "inputs": inputs}


def slider_range(x: float) -> dict[str, str]:
    """The range of an input's slider: a power of ten around the value."""
    span = 10.0 ** math.ceil(math.log10(max(abs(x), 1.0)))
    span = span * 10 if abs(x) >= span else span
    return {"min": fmt(-span, 6), "max": fmt(span, 6), "step": fmt(span / 1000, 6)}
