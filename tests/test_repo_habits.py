"""The repository's habits are checked, not just written down: the pre-commit hooks run
what `./dev check` runs, the licence matches pyproject, the changelog names the version."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_pre_commit_config_is_valid_and_runs_the_dev_check_linters() -> None:
    tool = Path(sys.executable).with_name("pre-commit")
    subprocess.run([str(tool), "validate-config"], cwd=ROOT, check=True, capture_output=True)
    config = (ROOT / ".pre-commit-config.yaml").read_text()
    dev = (ROOT / "dev").read_text()
    for command in ('ruff" check', 'ruff" format', 'mypy" app tests'):
        assert command in dev, command
    for command in ("ruff check", "ruff format", "mypy app tests"):
        assert command in config, command


def test_the_licence_file_is_the_one_pyproject_names() -> None:
    assert PYPROJECT["project"]["license"]["text"] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_the_changelog_has_the_released_version() -> None:
    version = PYPROJECT["project"]["version"]
    assert f"## {version}" in (ROOT / "CHANGELOG.md").read_text()


def test_every_test_marker_in_use_is_declared() -> None:
    declared = {m.split(":")[0] for m in PYPROJECT["tool"]["pytest"]["ini_options"]["markers"]}
    assert {"browser", "docker", "slow", "bench"} <= declared
