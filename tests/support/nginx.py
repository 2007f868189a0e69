"""deploy/nginx.conf run by the machine's own nginx on loopback, in front of real uvicorns.

The configuration is the repository's, with only what ties it to the containers rewritten:
the upstream `server app:8000 resolve ...` line becomes one line per given replica with the
same parameters (nginx before 1.27.3 has no `resolve`), the Docker resolver goes, and the
paths under /tmp, the port and the limits include point into a private folder. Everything
else (buffers, timeouts, retries, max_fails, error pages) is what production runs.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.server import ROOT, free_port

CONF = ROOT / "deploy" / "nginx.conf"
LIMITS = ROOT / "deploy" / "nginx-limits.conf"
_SERVER = re.compile(r"^(\s*)server app:8000 resolve( [^;]*);$", re.MULTILINE)


def nginx_binary() -> str | None:
    """Return the nginx on PATH or in an sbin folder."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def loopback_conf(upstreams: Sequence[str], port: int, folder: Path, limits: bool) -> str:
    """Return deploy/nginx.conf rewritten for replicas at upstreams (host:port) on loopback."""
    text = CONF.read_text()
    match = _SERVER.search(text)
    assert match, "deploy/nginx.conf: no `server app:8000 resolve ...` line in its upstream"
    servers = "\n".join(f"{match.group(1)}server {u}{match.group(2)};" for u in upstreams)
    text = text[: match.start()] + servers + text[match.end() :]
    text = re.sub(r"^\s*resolver(_timeout)? [^;]*;$", "", text, flags=re.MULTILINE)
    text = text.replace("/tmp/", f"{folder}/")
    text = text.replace("listen 8080 ", f"listen 127.0.0.1:{port} ")
    text = text.replace("worker_processes auto;", "worker_processes 1;")
    text = text.replace("access_log /dev/stdout", f"access_log {folder}/access.log")
    text = text.replace("error_log stderr warn;", f"error_log {folder}/error.log warn;")
    include = LIMITS if limits else folder / "no-limits.conf"
    (folder / "no-limits.conf").write_text("")
    return text.replace("include /etc/nginx/limits.conf;", f"include {include};")


@dataclass
class Proxy:
    """A running nginx: its base URL and its error log."""

    base_url: str
    folder: Path

    def error_log(self) -> str:
        """Return what nginx has logged so far (warnings and errors)."""
        path = self.folder / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextmanager
def running_nginx(upstreams: Sequence[str], limits: bool = False) -> Iterator[Proxy]:
    """Run nginx with deploy/nginx.conf in front of upstreams; stop it by its PID."""
    binary = nginx_binary()
    assert binary, "needs nginx (apt-get install -y nginx)"
    folder = Path(tempfile.mkdtemp(prefix="chainrule-nginx-"))
    folder.chmod(0o777)  # nginx's workers run as nobody when started as root
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(loopback_conf(upstreams, port, folder, limits))
    test = subprocess.run([binary, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    proc = subprocess.Popen(
        [binary, "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(f"{base}/nginx-health", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "error.log").read_text()
                    raise RuntimeError(f"nginx did not start:\n{log}") from None
                time.sleep(0.05)
        yield Proxy(base, folder)
    finally:
        os.kill(proc.pid, signal.SIGQUIT)  # graceful: workers finish, then exit
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(folder, ignore_errors=True)


def long_program(chars: int) -> str:
    """A program of about `chars` characters, every one escaped in a URL (%XX)."""
    lines: list[str] = []
    size = 0
    while size < chars - 20:
        lines.append(f"v{len(lines)}=(a*{len(lines)})^1")
        size += len(lines[-1]) + 1
    return "\n".join([*lines, "v0"])


def raw(base_url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes; return the status, headers and body of nginx's answer."""
    host, port = base_url.removeprefix("http://").split(":")
    data = b""
    with socket.create_connection((host, int(port)), timeout=10) as s:
        # nginx may answer and close before it has read all of a too-long request.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            s.sendall(request)
        try:
            while chunk := s.recv(65536):
                data += chunk
        except ConnectionResetError:
            if not data:
                raise
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


# Requests nginx answers itself, and the status it must answer each with (problem+json).
def _request(line: bytes, *headers: bytes) -> bytes:
    return b"\r\n".join([line, b"Host: x", b"Connection: close", *headers]) + b"\r\n\r\n"


NGINX_ERRORS: dict[str, tuple[bytes, int]] = {
    "414 long URL": (_request(b"GET /?x=" + b"a" * 70_000 + b" HTTP/1.1"), 414),
    "400 long header": (_request(b"GET / HTTP/1.1", b"X-Big: " + b"b" * 70_000), 400),
    "400 bad header": (_request(b"GET / HTTP/1.1", b"Bad Header"), 400),
    "405 TRACE": (_request(b"TRACE / HTTP/1.1"), 405),
    "413 body": (_request(b"POST /api/evaluate HTTP/1.1", b"Content-Length: 300000"), 413),
}
