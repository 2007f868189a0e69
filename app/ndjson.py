"""A streamed answer of JSON lines, produced on a thread of its own, stopped on disconnect.

The producer (a plain iterator of JSON-ready objects, e.g. a training run) runs in one
thread and hands each line to the event loop; at most `window` lines wait unsent, so a
slow reader slows the run down instead of filling memory. A client that goes away sets
`cancelled` (the producer checks it every step) and the thread ends; `on_close` runs
once, whatever happened (it gives the training turn back).

The stream's wall clock (`seconds_left`) covers waiting too: a producer waiting for room
because the reader is slow or silent stops when it runs out, and a line the client does
not take within `write_timeout` seconds ends the answer, so a client that reads nothing
holds the training turn no longer than the stream's wall budget.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
from collections.abc import Callable, Iterator
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from app.responses import json_bytes

MEDIA = "application/x-ndjson"
_END = b""
LOG = logging.getLogger("chainrule.stream")
# uvicorn's error for an answer its application left unfinished: what a stream ended for a
# silent reader is (ASGI has no way to abort a connection).
UNFINISHED = "ASGI callable returned without completing response."


class EndedOnPurpose(logging.Filter):
    """Drop uvicorn's UNFINISHED error once for each stream this process ended because its
    reader took nothing (the stream logs a warning saying so itself): not a fault of ours."""

    def __init__(self) -> None:
        super().__init__()
        self.pending = 0

    def filter(self, record: logging.LogRecord) -> bool:
        """False for the UNFINISHED record of a stream ended on purpose."""
        if self.pending and record.getMessage() == UNFINISHED:
            self.pending -= 1
            return False
        return True


ENDED_ON_PURPOSE = EndedOnPurpose()


def quiet_ended_streams() -> None:
    """Install ENDED_ON_PURPOSE on uvicorn's error logger (once)."""
    logger = logging.getLogger("uvicorn.error")
    if ENDED_ON_PURPOSE not in logger.filters:
        logger.addFilter(ENDED_ON_PURPOSE)


def line(obj: Any) -> bytes:
    """Return obj as one compact JSON line (the one writer's: non-finite floats as strings)."""
    return json_bytes(obj) + b"\n"


class NDJSONStream(Response):
    """An ASGI response streaming the producer's objects, one JSON line each."""

    media_type = MEDIA

    def __init__(
        self,
        produce: Callable[[threading.Event], Iterator[Any]],
        on_close: Callable[[], None] = lambda: None,
        window: int = 4,
        headers: dict[str, str] | None = None,
        seconds_left: Callable[[], float] = lambda: math.inf,
        write_timeout: float = math.inf,
    ) -> None:
        super().__init__(media_type=MEDIA)
        self.produce = produce
        self.on_close = on_close
        self.window = window
        self.cancelled = threading.Event()
        self.extra_headers = headers or {}
        self.seconds_left = seconds_left
        self.write_timeout = write_timeout

    def _run(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[bytes]) -> None:
        """The producer thread: put each line on the queue, waiting for room in the window."""
        room = self.room
        try:
            for obj in self.produce(self.cancelled):
                while not room.acquire(timeout=0.05):
                    if self.cancelled.is_set() or self.seconds_left() <= 0:
                        return  # gone, or the wall clock ran out waiting for a reader
                if self.cancelled.is_set():
                    return
                loop.call_soon_threadsafe(queue.put_nowait, line(obj))
        except Exception:  # a bug, not the client's doing: end the stream with a line saying so
            logging.getLogger("chainrule.error").exception("stream failed")
            failure = {"done": True, "complete": False, "error": "the server could not go on"}
            loop.call_soon_threadsafe(queue.put_nowait, line(failure))
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, _END)
            self.on_close()

    async def _send(self, send: Send, chunk: bytes, more: bool) -> None:
        """Send one chunk within the write timeout (TimeoutError: the reader is silent)."""
        message = {"type": "http.response.body", "body": chunk, "more_body": more}
        timeout = None if math.isinf(self.write_timeout) else self.write_timeout
        await asyncio.wait_for(send(message), timeout)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the lines as they come; stop the producer when the client disconnects."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        self.room = threading.Semaphore(self.window)
        headers = [
            (b"content-type", MEDIA.encode()),
            (b"cache-control", b"no-store"),
            (b"x-accel-buffering", b"no"),
            *((k.lower().encode(), v.encode()) for k, v in self.extra_headers.items()),
        ]
        thread = threading.Thread(target=self._run, args=(loop, queue), daemon=True)

        async def watch() -> None:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    self.cancelled.set()
                    return

        watcher = asyncio.create_task(watch())
        started = False
        try:
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            thread.start()
            started = True
            while True:
                getter = asyncio.ensure_future(queue.get())
                finished, _ = await asyncio.wait(
                    {getter, watcher}, return_when=asyncio.FIRST_COMPLETED
                )
                if getter not in finished:
                    getter.cancel()
                    return
                chunk = getter.result()
                if chunk == _END:
                    break
                await self._send(send, chunk, True)
                self.room.release()
            await self._send(send, b"", False)
        except TimeoutError:  # the client stopped reading: the answer ends unfinished
            LOG.warning(
                "a stream's reader took nothing for %g s: its answer is ended",
                self.write_timeout,
            )
            ENDED_ON_PURPOSE.pending += 1
        except OSError:  # the client went away (TimeoutError is an OSError too: after it)
            pass
        finally:
            self.cancelled.set()
            watcher.cancel()
            if not started:
                self.on_close()
