"""Every error chainrule answers, in one table: which status, title, type and detail text,
and which fields (a position in the source, a budget, a Retry-After) it carries.

`to_reply(exc)` turns an exception into an `ErrorReply`, a plain record that the API
writes as RFC 9457 problem+json (app/errors.py), the no-JS page shows next to the
program (app/playground.py), the command line prints (chainrule/cli/common.py) and grading
puts in a verdict (chainrule/grading/checks.py): the same words everywhere, written once here.

The table is keyed by each class's qualified name, not by the class: the grader's command
line loads neither training nor drawing, and must still read this table, so this module
imports nothing of chainrule. The service (app/errors.py) adds its own rows (HTTP) to a
copy of it; the library names no class of the service. tests/test_errors.py checks that
every key names a class that exists and that every exception class is in a table (or is
listed in NOT_ANSWERS, with why it never becomes an answer). Stdlib only.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

MAX_ERRORS = 20  # validation errors listed in one answer (their count is given too)
MAX_LOC = 12
MAX_MSG = 200


@dataclass(frozen=True)
class ErrorReply:
    """What an error answers: status, title, type (slug), detail, and its fields.

    `fields` are the members a problem+json document carries after the four standard
    ones, in order (field, line, column, length, snippet for a position in the source);
    `headers` go on an HTTP answer (Retry-After).
    """

    status: int
    title: str
    detail: str
    slug: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)

    def with_fields(self, **more: Any) -> ErrorReply:
        """Return this reply with more (or replaced) fields, in place of the old ones."""
        return replace(self, fields={**self.fields, **more})

    @property
    def at_source(self) -> bool:
        """True when the reply points at a place in the source (line, column, snippet)."""
        return "line" in self.fields and "snippet" in self.fields

    def text(self) -> str:
        """The reply as a person reads it: 'line:column: detail' and the caret snippet
        for a place in the source, else the detail."""
        if self.at_source:
            f = self.fields
            return f"{f['line']}:{f['column']}: {self.detail}\n{f['snippet']}"
        return self.detail


INTERNAL = ErrorReply(
    500, "Internal error", "the server could not complete the request", "internal"
)


def body_too_large(limit: int) -> ErrorReply:
    """The 413 for a request body over limit bytes."""
    detail = f"request body is larger than the limit of {limit:,} bytes"
    return ErrorReply(413, "Request body too large", detail, "body-too-large", {"limit": limit})


def request_timeout(seconds: float) -> ErrorReply:
    """The 408 for a request body that stopped arriving."""
    detail = f"no part of the request body arrived for {seconds:g} s"
    return ErrorReply(408, "Request timeout", detail, "request-timeout")


def body_too_complex(exc: Any) -> ErrorReply:
    """The 413 for a JSON body over the parse-cost limit (json_reader.JSONTooComplex)."""
    fields = {"limit": exc.limit, "unit": exc.what}
    detail = f"request body: {exc}"
    return ErrorReply(413, "Request body too complex", detail, "body-too-complex", fields)


def invalid_request(detail: str, **fields: Any) -> ErrorReply:
    """The 422 for a request field that is not what it should be (field=... names it)."""
    return ErrorReply(422, "Invalid request", detail, "validation", fields)


def _loc(loc: Any) -> list[str | int]:
    parts = [p if isinstance(p, int) else str(p)[:64] for p in list(loc or ())[:MAX_LOC]]
    return parts + (["..."] if len(loc or ()) > MAX_LOC else [])


def validation_errors(found: Sequence[Mapping[str, Any]], count: int) -> ErrorReply:
    """The 422 listing the first MAX_ERRORS of count schema errors (loc, msg, type; never
    the input), the first of them as the detail."""
    errors = [
        {
            "loc": _loc(e.get("loc")),
            "msg": str(e.get("msg", ""))[:MAX_MSG],
            "type": str(e.get("type"))[:64],
        }
        for e in found[:MAX_ERRORS]
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(p) for p in first["loc"])
    detail = f"{where}: {first['msg']}"
    if count > MAX_ERRORS:
        detail += f" (and {count - 1:,} more errors; the first {MAX_ERRORS} are listed)"
    fields = {"errors": errors, "error_count": count}
    return ErrorReply(422, "Invalid request", detail, "validation", fields)


def not_found(detail: str, title: str = "Not found", slug: str = "http") -> ErrorReply:
    """The 404 for a path that names nothing (an export, a dataset)."""
    return ErrorReply(404, title, detail, slug)


def retry_later(title: str, detail: str, slug: str, seconds: int) -> ErrorReply:
    """A 503 that says when to try again (the Retry-After header and the field)."""
    headers = {"Retry-After": str(seconds)}
    return ErrorReply(503, title, detail, slug, {"retry_after": seconds}, headers)


# Each row: the reply for an exception of that class (Any: the classes are named, not
# imported; each row reads only the attributes its class defines).
def _source(exc: Any) -> ErrorReply:
    title = "Cannot compute the program" if exc.kind == "domain" else "Invalid program"
    where = {
        "field": "expression",
        "line": exc.line,
        "column": exc.column,
        "length": exc.length,
        "snippet": exc.snippet,
    }
    return ErrorReply(422, title, exc.message, exc.kind, where)


def _budget(exc: Any) -> ErrorReply:
    fields = {
        "budget": exc.resource.key,
        "needed": exc.needed,
        "limit": exc.limit,
        "setting": exc.setting,
    }
    return ErrorReply(422, "Over the work budget", str(exc), "budget", fields)


def _busy(exc: Any) -> ErrorReply:
    slug = f"{exc.what}-busy" if exc.what else "busy"
    return retry_later("Busy", str(exc), slug, exc.retry_after)


def _csv(exc: Any) -> ErrorReply:
    where = {"line": exc.line, "csv_column": exc.column}
    found = {k: v for k, v in where.items() if v is not None}
    return ErrorReply(422, "Invalid CSV data", str(exc), "invalid-csv", {"field": "data", **found})


def _simple(status: int, title: str, slug: str) -> Callable[[Any], ErrorReply]:
    def reply(exc: Any) -> ErrorReply:
        return ErrorReply(status, title, str(exc), slug)

    return reply


Row = Callable[[Any], ErrorReply]
TABLE: dict[str, Row] = {
    # a program: its text, its values, its computation, its budget
    "chainrule.lang.errors.SourceError": _source,
    "chainrule.build.MissingValuesError": lambda exc: ErrorReply(
        422, "Missing input values", str(exc), "missing-values", {"missing": exc.missing}
    ),
    "chainrule.engine.errors.EngineError": _simple(422, "Cannot compute the program", "domain"),
    "chainrule.budget.BudgetExceeded": _budget,
    "chainrule.work_gate.Busy": _busy,
    # grading and training
    "chainrule.grading.problem.GradingError": lambda exc: ErrorReply(
        422, "Invalid grading request", exc.message, exc.slug, dict(exc.extra)
    ),
    "chainrule.train.optimizer.TrainingError": _simple(
        422, "Invalid training request", "invalid-training"
    ),
    "chainrule.train.run.TooMuchWork": _simple(422, "Too much work", "too-much-work"),
    "chainrule.train.datasets.CsvError": _csv,
    "chainrule.train.network.NetworkError": _simple(422, "Invalid network", "invalid-network"),
    # drawing (values and gradients are computed all the same)
    "chainrule.render.errors.GraphTooLarge": _simple(
        422, "Graph too large to draw", "graph-too-large"
    ),
    "chainrule.render.errors.RenderTimeout": _simple(
        422, "Drawing took too long", "render-timeout"
    ),
    "chainrule.render.errors.RenderBusy": lambda exc: retry_later(
        "Drawing busy", str(exc), "render-busy", exc.retry_after
    ),
    "chainrule.render.errors.RenderError": _simple(
        503, "Drawing unavailable", "render-unavailable"
    ),
}

# Exception classes of chainrule that never become an answer themselves, and why.
NOT_ANSWERS: dict[str, str] = {
    "chainrule.ops.Undefined": "the engine turns it into an EngineError naming the op",
    "chainrule.train.compiler.TapeError": "the training loop turns it into a TrainingError",
    "chainrule.cli.common.UsageError": "a command-line argument: the CLI prints it",
    "chainrule.json_reader.JSONTooComplex": "a body: body_too_complex() (a file: the CLI says)",
    "chainrule.json_reader.JSONNumberError": "a body: invalid_request() (a file: the CLI says)",
    "chainrule.notebook.checking.CannotCheck": "the notebook's own message to its user",
    "chainrule.notebook.order.NotANode": "a notebook call with something that is not a node",
}


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


Rows = Mapping[str, Row]


def find_reply(exc: BaseException, table: Rows = TABLE) -> ErrorReply | None:
    """Return the reply of the table's row for exc's class (or nearest base), else None."""
    for cls in type(exc).__mro__:
        row = table.get(_name(cls))
        if row is not None:
            return row(exc)
    return None


def to_reply(exc: BaseException, table: Rows = TABLE) -> ErrorReply:
    """Return the reply for exc: its row of the table, or INTERNAL for anything else."""
    return find_reply(exc, table) or INTERNAL


def answered_classes(table: Rows = TABLE) -> list[type[Exception]]:
    """Import and return every class the table names (for the service's handlers and the
    tests; loads training and drawing)."""
    found = []
    for name in table:
        module, _, qualname = name.rpartition(".")
        cls = getattr(importlib.import_module(module), qualname)
        assert isinstance(cls, type) and issubclass(cls, Exception), name
        found.append(cls)
    return found
