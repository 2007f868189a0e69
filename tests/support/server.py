"""A real uvicorn process on a free loopback port, for tests that need real HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def running_server(env: dict[str, str] | None = None, workers: int = 1) -> Iterator[str]:
    """Run `uvicorn --factory app.main:create_app`; yield its base URL; stop it by PID."""
    with running_process(env, workers) as (base, _pid):
        yield base


@contextmanager
def running_process(
    env: dict[str, str] | None = None, workers: int = 1, log: Path | None = None
) -> Iterator[tuple[str, int]]:
    """running_server, yielding (base URL, the uvicorn process's PID) (bench/abuse.py reads
    its memory)."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    command += ["--workers", str(workers)]
    environment = {**os.environ, "CHAINRULE_ACCESS_LOG": "false", **(env or {})}
    with ExitStack() as files:
        errors = files.enter_context(open(log, "wb")) if log is not None else None  # stderr
        proc = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=errors
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/api/health", timeout=1) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    if proc.poll() is not None:
                        raise RuntimeError("uvicorn exited before answering") from None
                    if time.monotonic() > deadline:
                        raise RuntimeError("uvicorn did not answer within 30 s") from None
                    time.sleep(0.1)
            yield base, proc.pid
        finally:
            stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server this process started, by its PID: SIGTERM, then SIGKILL after 10 s."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
