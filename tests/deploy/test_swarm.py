"""The same compose file as a stack on a single-node swarm (deploy/stack-deploy.sh)."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.deploy.conftest import REPO, Engine, Images, free_port, stack_env

pytestmark = [pytest.mark.docker, pytest.mark.slow]

STACK = "chainrule-test"
PROBLEM = {"expression": "(a+b)*(b+1)", "values": {"a": 2, "b": 1}}


def test_stack_deploy_on_a_single_node_swarm(
    engine: Engine, images: Images, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    init = engine.docker(
        "swarm",
        "init",
        "--advertise-addr",
        "127.0.0.1",
        "--listen-addr",
        "127.0.0.1:2377",
        check=False,
    )
    if init.returncode != 0:
        pytest.skip(f"docker swarm init does not work on this engine: {init.stderr.strip()}")
    t0 = time.monotonic()
    try:
        engine.run([str(REPO / "deploy" / "stack-deploy.sh"), STACK], env=stack_env(port))
        upstreams: set[str] = set()
        last = ""
        deadline = time.monotonic() + 150
        with httpx.Client(base_url=base_url, timeout=5) as client:
            while len(upstreams) < 2 and time.monotonic() < deadline:
                try:
                    r = client.get("/api/health")
                    last = f"{r.status_code} {r.text[:200]}"
                    if r.status_code == 200:
                        upstreams.add(r.headers["x-upstream"])
                except httpx.HTTPError as exc:
                    last = repr(exc)
                time.sleep(0.3)
            services = engine.docker(
                "stack", "services", STACK, "--format", "{{.Name}} {{.Replicas}}"
            )
            assert len(upstreams) == 2, f"replicas seen: {upstreams}; last answer: {last}\n" + (
                services.stdout
            )
            r = client.post("/api/evaluate", json=PROBLEM, timeout=30)
        assert r.status_code == 200, r.text
        assert r.json()["gradients"] == pytest.approx({"a": 2.0, "b": 5.0})
        assert f"{STACK}_app 2/2" in services.stdout
        with capsys.disabled():
            print(f"\n[deploy] swarm: 2 replicas served {time.monotonic() - t0:.0f} s after deploy")
    finally:
        engine.docker("stack", "rm", STACK, check=False)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            left = engine.docker(
                "ps", "-aq", "--filter", f"label=com.docker.stack.namespace={STACK}", check=False
            )
            if not left.stdout.strip():
                break
            time.sleep(1)
        engine.docker("swarm", "leave", "--force", check=False)
        # swarm's bridge outlives the engine otherwise (a later swarm init trips over it)
        engine.docker("network", "rm", "docker_gwbridge", check=False)
