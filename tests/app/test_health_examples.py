"""GET /api/health and GET /api/examples: every example evaluates as given."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.examples import EXAMPLES
from app.main import create_app
from app.routes import health

# The version is pyproject.toml's, read from the installed package's metadata.
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
PYPROJECT_VERSION = tomllib.loads(PYPROJECT.read_text())["project"]["version"]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(access_log=False))) as c:
        yield c


@pytest.mark.graphviz
def test_health_reports_the_versions(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["version"] == PYPROJECT_VERSION
    assert body["graphviz"].split(".")[0].isdigit()


def test_health_is_503_without_graphviz(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "graphviz_version", lambda: None)
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "version": PYPROJECT_VERSION,
        "graphviz": None,
    }


def test_the_gallery_lists_each_example_once(client: TestClient) -> None:
    gallery = client.get("/api/examples").json()
    assert [e["id"] for e in gallery] == [e.id for e in EXAMPLES]
    assert len({e["id"] for e in gallery}) == len(gallery) >= 10
    for entry in gallery:
        assert set(entry) == {"id", "title", "explanation", "expression", "values"}
        assert entry["title"] and entry["explanation"] and "\n" not in entry["explanation"]


@pytest.mark.graphviz
@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_every_example_evaluates_and_draws(client: TestClient, example: object) -> None:
    from app.examples import Example

    assert isinstance(example, Example)
    body = {"expression": example.expression, "values": example.values, "svg": True}
    response = client.post("/api/evaluate", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["warnings"] == []
    assert "<svg" in result["svg"]
    assert set(example.values) <= set(result["gradients"])


def gradients(client: TestClient, example_id: str) -> dict[str, float]:
    example = next(e for e in EXAMPLES if e.id == example_id)
    body = {"expression": example.expression, "values": example.values}
    result: dict[str, float] = client.post("/api/evaluate", json=body).json()["gradients"]
    return result


def test_the_gallery_reproduces_the_seed_values(client: TestClient) -> None:
    assert gradients(client, "chain-rule") == {"a": 2, "b": 5, "c": 2, "d": 3, "e": 1}
    assert gradients(client, "cubic")["x"] == 50
    assert gradients(client, "scalar-exercise")["x"] == 50
    assert gradients(client, "relu-negative")["x"] == 0
    assert gradients(client, "relu-positive")["x"] == 1
    three = gradients(client, "three-variables")
    for name, want in {"x": 56.46809387, "y": 119.21041870, "z": 181.95274353}.items():
        assert math.isclose(three[name], want, rel_tol=1e-6)
    squared = gradients(client, "squared-error")
    assert squared["error"] == 2.0 and squared["w"] == 6.0  # 2·error·x with error = 1
