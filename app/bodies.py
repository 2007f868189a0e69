"""JSON request bodies: their cost counted on the raw bytes, then decoded and validated off
the loop, a bounded amount at once.

The API routers use `BoundedJSONRoute` (FastAPI's custom route class): its request's
`json()` scans the raw body (chainrule/json_reader.py) for depth, item count and the memory
its objects would hold, every column and value counted whether the program uses it or not,
before any object exists. That estimate is then taken from the worker's decoding allowance
(DecodeGate: a semaphore counted in bytes) for the whole request, so a worker holds only so
many large bodies at once; beyond it, 503 with Retry-After. A large body is decoded and
validated against the route's body model on a worker thread (by the model's own
`validate_lean` where it has one: a grading batch holds one submission's models at a time):
the model instance goes on to FastAPI (which passes an instance of its own model through
unchanged), and an invalid body is answered with its first MAX_ERRORS errors and their
count. Text that is not Unicode
(a lone surrogate, only possible through a \\u escape) is refused naming its field, except a
student's answer, which the grader reads as unreadable. After a large body, the memory
Python freed is given back to the system (glibc's malloc_trim).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi._compat import ModelField
from starlette.concurrency import run_in_threadpool

from app.decode_gate import DecodeGate, GateFull, trim_memory
from app.dispatch import PooledRoute
from chainrule.errors import MAX_ERRORS, ErrorReply, body_too_complex, invalid_request
from chainrule.json_reader import (
    DEFAULT_JSON_LIMITS,
    JSONLimits,
    JSONNumberError,
    JSONTooComplex,
    Path,
    check,
    decode,
    held,
    may_hold_surrogates,
    unencodable_texts,
)

INLINE_BYTES = 64 * 1024  # smaller bodies are decoded on the loop (a thread hop costs more)


class BodyRefused(HTTPException):
    """A JSON body refused before validation, answered with its reply (over the parse-cost
    limit, a number that would become 0, text that is not Unicode, the decoding gate full).

    An HTTPException, so FastAPI's body reading passes it on instead of a generic 400.
    """

    def __init__(self, reply: ErrorReply) -> None:
        self.reply = reply
        super().__init__(reply.status, reply.detail)


class BodyInvalid(HTTPException):
    """A large body that does not match the route's model: its first errors and how many."""

    def __init__(self, errors: list[dict[str, Any]], count: int) -> None:
        super().__init__(422, "the request does not match its schema")
        self.errors = errors
        self.count = count


def graded_text(path: Path) -> bool:
    """True for a student's answer (answers[i].answer): its text is the grader's to judge,
    never a reason to refuse the request."""
    return len(path) >= 3 and path[-1] == "answer" and path[-3] == "answers"


def refuse_unencodable(data: Any) -> None:
    """Raise BodyRefused naming the first field whose text UTF-8 cannot encode (a lone
    surrogate), students' answers aside."""
    for path in unencodable_texts(data):
        if graded_text(path):
            continue
        where = ".".join(str(p).encode("utf-8", "backslashreplace").decode() for p in path)
        detail = f"{where or 'body'}: the text holds a lone surrogate (a \\u escape of half a "
        detail += "character): it is not Unicode text"
        raise BodyRefused(invalid_request(detail, field=where or None))


def decode_body(body: bytes, structure: bytes, limits: JSONLimits, field: ModelField | None) -> Any:
    """Decode body (check()ed: its structure) and refuse text that is not Unicode; with field,
    validate it too (a model instance, or BodyInvalid). Runs on a worker thread for large
    bodies."""
    data = decode(body, structure, limits)
    if may_hold_surrogates(body):
        refuse_unencodable(data)
    if field is None:
        return data
    lean = getattr(field.field_info.annotation, "validate_lean", None)
    if lean is not None:  # a model that validates a large body holding less of it at once
        value, errors = lean(data)
    else:
        value, errors = field.validate(data, {}, loc=("body",))
    if errors:
        raise BodyInvalid(list(errors[:MAX_ERRORS]), len(errors))
    return value


_decoding = threading.Lock()


def decode_one_at_a_time(
    body: bytes, structure: bytes, limits: JSONLimits, field: ModelField | None
) -> Any:
    """decode_body for a large body, one at a time per process: decoding and validating
    hold the GIL without a pause (C and Rust), so two at once would keep the event loop's
    small requests waiting twice as long."""
    with _decoding:
        return decode_body(body, structure, limits, field)


def json_limits(request: Request) -> JSONLimits:
    """Return the application's JSON limits (the settings), or the defaults."""
    settings = getattr(request.app.state, "settings", None)
    if settings is None:
        return DEFAULT_JSON_LIMITS
    limits: JSONLimits = settings.json_limits()
    return limits


def decode_gate(request: Request) -> DecodeGate | None:
    """Return the application's decoding gate (Services'), if it has one."""
    services = getattr(request.app.state, "services", None)
    return getattr(services, "decode_gate", None)


class BoundedJSONRequest(Request):
    """A Request whose json() is bounded by the parse-cost limit, counted against the
    worker's decoding gate, and off the loop when big."""

    body_field: ModelField | None = None  # the route's body model, validated with a big body
    held_bytes: int = 0  # what this request took from the decoding gate

    async def json(self) -> Any:
        """Return the decoded body; BodyRefused over the limits, for a number that would
        become 0, for text that is not Unicode, or when the gate is full."""
        if not hasattr(self, "_json"):
            body = await self.body()
            limits = json_limits(self)
            try:
                if len(body) <= INLINE_BYTES:
                    structure = check(body, limits)
                    self._json = decode_body(body, structure, limits, None)
                else:
                    structure = await run_in_threadpool(check, body, limits)
                    self._take(held(structure) + len(body))
                    self._json = await run_in_threadpool(
                        decode_one_at_a_time, body, structure, limits, self.body_field
                    )
            except (JSONTooComplex, JSONNumberError) as exc:
                too_complex = isinstance(exc, JSONTooComplex)
                reply = body_too_complex(exc) if too_complex else invalid_request(str(exc))
                raise BodyRefused(reply) from None
        return self._json

    def _take(self, amount: int) -> None:
        gate = decode_gate(self)
        if gate is not None:
            try:
                gate.take(amount)
            except GateFull as exc:
                raise BodyRefused(exc.reply) from None
            self.held_bytes = amount

    def release(self) -> None:
        """Give back what the body took from the gate (when the request is answered)."""
        gate = decode_gate(self)
        if gate is not None and self.held_bytes:
            gate.give(self.held_bytes)
            self.held_bytes = 0

    def forget(self) -> None:
        """Drop the body and its objects (answered: nothing reads them any more)."""
        for name in ("_json", "_body"):
            if hasattr(self, name):
                delattr(self, name)


class BoundedJSONRoute(PooledRoute):
    """A PooledRoute whose requests are BoundedJSONRequest (routers: route_class=...)."""

    def request_class(self) -> type[Request]:
        """BoundedJSONRequest."""
        return BoundedJSONRequest

    def direct(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler so it reads the body through BoundedJSONRequest, and give
        a large body's share of the gate back (and its memory) once answered."""
        handler = super().direct()
        single = len(self.dependant.body_params) == 1 and self.body_field is not None

        async def bounded(request: Request) -> Response:
            ours = request
            if not isinstance(ours, BoundedJSONRequest):
                ours = BoundedJSONRequest(request.scope, request.receive)
            ours.body_field = self.body_field if single else None
            try:
                return await handler(ours)
            finally:
                if ours.held_bytes:
                    ours.release()
                    ours.forget()
                    await run_in_threadpool(trim_memory)

        return bounded
