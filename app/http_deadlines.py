"""HTTP details uvicorn leaves to the application: HEAD on every GET route, a deadline for
reading a request body (a slow client cannot hold a worker's request open), and redirects
that never take their Location from the Host header."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit, urlunsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import closing_reply
from chainrule.errors import request_timeout


class HeadAsGet:
    """Answer HEAD like GET without the body (FastAPI routes declare GET only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run a HEAD request as GET and drop the body bytes it sends."""
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class ReadTimeout(Exception):
    """The client sent no part of its body for longer than the read timeout."""


class BodyReadTimeout:
    """Answer 408 when a client stops sending its request body for `timeout` seconds."""

    def __init__(self, app: ASGIApp, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with a receive() that gives up after the timeout."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        timed_out = False
        body_done = False

        async def timed_receive() -> Message:
            nonlocal timed_out, body_done
            if body_done:  # after the body only a disconnect can come: wait as long as it takes
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except TimeoutError:
                timed_out = True
                raise ReadTimeout from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def replacing_send(message: Message) -> None:
            # Whatever the app answers to a body that stopped coming (FastAPI says 400,
            # "error parsing the body"), the client is told the truth: 408.
            if not timed_out:
                await send(message)
            elif message["type"] == "http.response.start":
                for ours in self._timeout_response():
                    await send(ours)

        try:
            await self.app(scope, timed_receive, replacing_send)
        except ReadTimeout:
            for ours in self._timeout_response():
                await send(ours)

    def _timeout_response(self) -> tuple[Message, Message]:
        return closing_reply(request_timeout(self.timeout))


class RelativeRedirects:
    """Never let a redirect's Location come from the request's Host header: the framework's
    trailing-slash redirect writes an absolute URL from it (`http://evil.example/docs`). The
    application redirects only to itself, so an absolute Location becomes its path and query,
    under `origin` (the configured public origin) when there is one."""

    def __init__(self, app: ASGIApp, origin: str = "") -> None:
        self.app = app
        self.origin = origin.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, rewriting an absolute Location in the answer."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_relative(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, self._location(v) if k.lower() == b"location" else v)
                    for k, v in message.get("headers", [])
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_relative)

    def _location(self, value: bytes) -> bytes:
        parts = urlsplit(value.decode("latin-1"))
        if not parts.scheme and not parts.netloc and not value.startswith(b"//"):
            return value
        path = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
        return (self.origin + path).encode("latin-1")
