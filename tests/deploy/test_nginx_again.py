"""deploy/nginx.conf's one more attempt (@again_502/@again_504), in real nginx on loopback.

When nginx has given up on a request (its tries used up, or, in the compose stack, the
replica list re-resolved under it after a kill), a request that is safe to repeat is sent
once more; any other gets nginx's error as problem+json and is not replayed. The upstream
here is a small HTTP server that drops the first request for each path without answering
(as a replica killed mid-request does) and answers the next ones, one connection each.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from tests.support.nginx import Proxy, nginx_binary, running_nginx

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(nginx_binary() is None, reason="needs nginx (apt-get install -y nginx)"),
]


class DropsFirst:
    """A loopback HTTP/1.1 server: the first request for each (method, path) is dropped."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.seen: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def address(self) -> str:
        host, port = self.sock.getsockname()[:2]
        return f"{host}:{port}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            method, path = data.split(b" ", 2)[:2]
            key = (method.decode(), path.decode())
            with self.lock:
                self.seen[key] += 1
                first = self.seen[key] == 1
            if first:  # gone without a word: a reset, as from a killed replica
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            body = b'{"ok": true}'
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def flaky() -> Iterator[tuple[Proxy, DropsFirst]]:
    upstream = DropsFirst()
    try:
        with running_nginx([upstream.address]) as proxy:
            yield proxy, upstream
    finally:
        upstream.close()


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/api/health"), ("HEAD", "/"), ("POST", "/api/evaluate")]
)
def test_a_request_safe_to_repeat_gets_one_more_attempt(
    flaky: tuple[Proxy, DropsFirst], method: str, path: str
) -> None:
    proxy, upstream = flaky
    r = httpx.request(method, proxy.base_url + path, json={} if method == "POST" else None)
    assert r.status_code == 200, r.text[:300]
    assert upstream.seen[(method, path)] == 2  # dropped once, answered the second time
    assert r.headers["x-upstream"].count(upstream.address) == 2


@pytest.mark.parametrize("path", ["/api/grade", "/api/optimize", "/"])
def test_a_post_that_may_have_run_is_not_sent_again(
    flaky: tuple[Proxy, DropsFirst], path: str
) -> None:
    proxy, upstream = flaky
    r = httpx.post(proxy.base_url + path, json={})
    assert r.status_code == 502
    assert r.headers["content-type"].startswith("application/problem+json")
    assert json.loads(r.text)["status"] == 502
    assert upstream.seen[("POST", path)] == 1


def test_when_the_second_attempt_fails_too_the_answer_is_problem_json() -> None:
    dead = socket.create_server(("127.0.0.1", 0))
    address = "{}:{}".format(*dead.getsockname()[:2])
    dead.close()  # nothing listens: every attempt is refused
    with running_nginx([address]) as proxy:
        r = httpx.get(proxy.base_url + "/api/health", timeout=30)
    assert r.status_code == 502
    assert r.headers["content-type"].startswith("application/problem+json")
    assert json.loads(r.text)["detail"] == "No chainrule replica answered."
    assert r.headers["x-upstream"].count(address) == 2  # the first attempt and one more
