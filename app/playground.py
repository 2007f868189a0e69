"""The playground's view model: the state a URL asks for, and what the page shows of it
(values, gradients, the backward steps, finite-difference checks) when rendered on the
server."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from app.errors import find_reply
from app.schemas.common import (
    DRAW_FIELDS,
    QUERY_NAME,
    QUERY_OPTIONS,
    DrawOptions,
    DrawQuery,
)
from app.services import Computed, Services
from app.steptext import step_texts
from app.table import PAGE_STEPS, fd_check, graph_rows
from chainrule.budget import Budget, BudgetExceeded
from chainrule.engine import EngineError
from chainrule.errors import ErrorReply
from chainrule.lang import SourceError
from chainrule.lang.numbers import read_number
from chainrule.lang.text import normalize_breaks
from chainrule.render import RenderError, fmt, to_dot
from chainrule.render.size import Dot

DEFAULT_PROGRAM = "c = a + b\nd = b + 1\ne = c * d"
DEFAULT_VALUES = {"a": 2.0, "b": 1.0}
DEFAULT_VALUE = 1.0
# The table's digits, the numeric check's limit and the steps per page: app/table.py.
# Query parameters that are options, not input values: the API's drawing options (by the
# same names), the program, and the page's own.
OPTIONS = QUERY_OPTIONS | {"view", "steps_from"}  # the page's own two
CHECKBOXES = ("local_grads", "constants", "expand_calls")  # the form's boxes of options
DIGITS = re.compile(r"[0-9]{1,6}")


@dataclass
class PageState:
    """What the URL asks for: program, values, drawing options, and input errors."""

    expression: str
    values: dict[str, float]
    options: DrawOptions
    bad_values: list[str] = field(default_factory=list)
    steps_from: int = 0

    def query(self, api: bool = False) -> str:
        """Return the query string reproducing this view (without the page's own if api)."""
        params: list[tuple[str, str]] = [("expression", self.expression)]
        params += [(k, round_trip_text(v)) for k, v in self.values.items()]
        params += self.options.query()
        if not api and self.steps_from:
            params.append(("steps_from", str(self.steps_from)))
        return urlencode(params)


def round_trip_text(x: float) -> str:
    """The shortest text that reads back as x exactly ("0.1", "2", "1e-07"), for the
    page's fields and links (grading's feedback rounds: grading.checks.feedback_number)."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def read_state(params: Any) -> PageState:
    """Read a PageState from query (or form) parameters; never raises for user text."""
    expression = params.get("expression")
    if expression is None:
        return PageState(DEFAULT_PROGRAM, dict(DEFAULT_VALUES), DrawOptions())
    words = {k: str(params.get(k)) for k in DRAW_FIELDS if params.get(k) is not None}
    if params.get("view") is not None:  # the form was sent: an unchecked box is absent
        words = {k: "false" for k in CHECKBOXES} | words
    options = DrawQuery.lenient(words)
    values: dict[str, float] = {}
    bad: list[str] = []
    for key, text in params.multi_items():
        if key in OPTIONS or not QUERY_NAME.fullmatch(key):
            continue
        try:
            values[key] = read_number(str(text))  # the language's one number reader
        except ValueError:
            bad.append(key)
    steps_from = _whole(params.get("steps_from"), 0)
    # The language's one rule for line breaks, so the page shows the lines it computes.
    return PageState(normalize_breaks(str(expression)), values, options, bad, steps_from)


def _whole(text: Any, default: int) -> int:
    """A whole number of at most six ASCII digits, else default (never raises)."""
    return int(text) if text is not None and DIGITS.fullmatch(str(text)) else default


def _rows(
    state: PageState, computed: Computed, budget: Budget
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The table's rows and the numeric check, as /api/evaluate answers them (app/table.py),
    each input's row carrying its check's texts; the check's builds are charged to budget."""
    built = computed.built
    p = state.options.precision
    rows = graph_rows(computed.graph, list(built.inputs), p)
    grads = {name: v.grad for name, v in built.inputs.items()}
    check = fd_check(built.program, state.values, grads, budget, p)
    checked = {c["name"]: c for c in check["inputs"]}
    for r in rows:
        c = checked.get(r["name"]) if r["kind"] == "input" else None
        r["fd_text"] = c["fd_text"] if c else ""
        r["diff_text"] = c["diff_text"] if c else ""
        r["fd_bad"] = bool(c and c["bad"])
    return rows, check


def _error(exc: Exception, source: str) -> dict[str, Any]:
    """What the page shows of an error: the reply's detail (chainrule/errors.py, the API's words),
    with the span of the source it points at marked."""
    reply: ErrorReply | None = find_reply(exc)
    if reply is None:
        return {"message": str(exc)}
    if not reply.at_source:
        return {"message": reply.detail}
    line, column, length = (reply.fields[k] for k in ("line", "column", "length"))
    lines = source.split("\n")
    text = lines[line - 1] if line <= len(lines) else ""
    col = column - 1
    span = text[col : col + max(1, length)] or " "
    return {
        "message": reply.detail,
        "line": line,
        "column": column,
        "before": text[:col],
        "span": span,
        "after": text[col + len(span) :],
    }


def _compute(services: Services, budget: Budget, state: PageState) -> dict[str, Any]:
    """Parse and compute the page's program (CPU work: called on a worker thread)."""
    try:
        program = services.parse(state.expression)
    except SourceError as exc:
        return {"error": _error(exc, state.expression), "inputs": list(state.values)}
    inputs = list(program.inputs)
    for name in inputs:
        state.values.setdefault(name, DEFAULT_VALUE)
    state.values = {k: v for k, v in state.values.items() if k in inputs}
    try:
        o = state.options
        computed = services.compute_now(
            state.expression, state.values, o.expand_calls, budget, o.expand
        )
    except (EngineError, ValueError, BudgetExceeded) as exc:  # SourceError is a ValueError
        return {"error": _error(exc, state.expression), "inputs": inputs}
    count = len(computed.graph.steps)
    first = min(state.steps_from, max(0, count - 1))
    steps = step_texts(computed.graph, state.options.precision, first, first + PAGE_STEPS)
    rows, check = _rows(state, computed, budget)
    result = {
        "output": computed.built.output_name,
        "value_text": fmt(computed.built.output.data, state.options.precision),
        "warnings": computed.built.warnings,
        "rows": rows,
        "fd_note": check["note"],
        "page_steps": PAGE_STEPS,
        "steps": steps,
        "steps_first": first + 1,
        "steps_last": first + len(steps),
        "steps_count": count,
    }
    return {"result": result, "inputs": inputs, "computed": computed}


def heavy_page(services: Services, state: PageState) -> bool:
    """True when the page's program is large (Services.large): its work then runs in the
    worker's pool, or waits for the heavy-work gate, never on the event loop."""
    return services.large(state.expression, state.options.expand_calls)


async def large_in_query(request: Request, services: Services) -> bool:
    """True when the program of a request's query string (read as the page reads it) is
    large: the page and the drawing of a large program are made in the worker's pool."""
    return heavy_page(services, read_state(request.query_params))


def _compute_dot(
    services: Services, budget: Budget, state: PageState
) -> tuple[dict[str, Any], Dot | None, str | None]:
    """_compute, and the DOT text of its drawing (or why there is none)."""
    outcome = _compute(services, budget, state)
    computed: Computed | None = outcome.pop("computed", None)
    if computed is None:
        return outcome, None, None
    try:
        return outcome, to_dot(computed.graph, state.options.dot(), budget=budget), None
    except (RenderError, BudgetExceeded) as exc:
        return outcome, None, _error(exc, "")["message"]


async def page_result(services: Services, budget: Budget, state: PageState) -> dict[str, Any]:
    """Compute the page's result, or its error; the template shows either. Everything it
    does (the build, the finite differences, the drawing) is charged to the request's budget;
    a large program's waits for the heavy-work gate (503 with Retry-After when it is full)."""
    work = partial(_compute_dot, services, budget, state)
    if heavy_page(services, state):
        outcome, dot, svg_error = await run_in_threadpool(
            services.heavy, work, budget.seconds_left()
        )
    else:
        outcome, dot, svg_error = await run_in_threadpool(work)
    if "result" not in outcome:
        return outcome
    svg = None
    if dot is not None:
        try:
            text = await services.svg(dot, budget)
            # Trusted markup: our renderer escapes every label (chainrule.render.style.html_text).
            svg = Markup(text[text.find("<svg") :])
        except (RenderError, BudgetExceeded) as exc:
            svg_error = _error(exc, "")["message"]
    outcome["result"] |= {"svg": svg, "svg_error": svg_error}
    return outcome


def steps_links(state: PageState, result: dict[str, Any]) -> dict[str, str]:
    """Links to the previous and next pages of backward steps (when there are more)."""
    links = {}
    first, last = result["steps_first"] - 1, result["steps_last"]
    if first > 0:
        links["previous"] = (
            "/?"
            + PageState(
                state.expression, state.values, state.options, [], max(0, first - PAGE_STEPS)
            ).query()
        )
    if last < result["steps_count"]:
        links["next"] = (
            "/?" + PageState(state.expression, state.values, state.options, [], last).query()
        )
    return links
