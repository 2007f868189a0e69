"""bench/load.py against the real compose stack: 60 s at 64 connections, one replica killed
halfway, zero failed requests. A benchmark, so deselected by default; run it with

    ./dev test tests/deploy/test_load_bench.py -m bench -s

(CHAINRULE_LOAD_SECONDS shortens it). nginx's per-client rate limit is switched off for
it (CHAINRULE_NGINX_LIMITS=/dev/null): one load generator is one client, and the limit
would measure itself rather than the stack.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.deploy.conftest import REPO, Engine, Images, running_stack

pytestmark = [pytest.mark.docker, pytest.mark.bench]


def test_sixty_seconds_at_64_connections_with_a_replica_killed(
    engine: Engine, images: Images
) -> None:
    seconds = os.environ.get("CHAINRULE_LOAD_SECONDS", "60")
    with running_stack(engine, {"CHAINRULE_NGINX_LIMITS": "/dev/null"}) as stack:
        victim = stack.containers("app")[0]
        command = [sys.executable, str(REPO / "bench" / "load.py"), "--url", stack.base_url]
        command += ["--duration", seconds, "--connections", "64", "--json"]
        command += ["--kill-container", victim]
        done = subprocess.run(
            command, env=engine.env, capture_output=True, text=True, timeout=float(seconds) + 120
        )
    print(f"\n[load] {done.stderr.strip()}\n{done.stdout.strip()}")
    phases = json.loads(done.stdout.strip().splitlines()[-1])
    assert [p["phase"] for p in phases] == ["before", "after"]
    assert all(p["requests"] > 0 for p in phases)
    assert [p["errors"] for p in phases] == [0, 0]
