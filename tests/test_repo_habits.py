"""The repository's habits are checked, not just written down: the pre-commit hooks run
what `./dev check` runs, the licence matches pyproject, the changelog names the version."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from hypothesis import settings

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


BUILTIN_MARKERS = {"parametrize", "skip", "skipif", "xfail", "usefixtures", "filterwarnings"}
MARKER = re.compile(r"pytest\.mark\.([A-Za-z_][A-Za-z0-9_]*)|get_closest_marker\(\"(\w+)\"\)")


def test_every_test_marker_in_use_is_declared() -> None:
    declared = {m.split(":")[0] for m in PYPROJECT["tool"]["pytest"]["ini_options"]["markers"]}
    used = set()
    for path in (ROOT / "tests").rglob("*.py"):
        for mark, looked_up in MARKER.findall(path.read_text()):
            used.add(mark or looked_up)
    assert {"browser", "docker", "slow", "graphviz"} <= used  # the scan finds them
    assert used - BUILTIN_MARKERS <= declared, used - BUILTIN_MARKERS - declared


def test_property_tests_draw_the_same_examples_unless_exploring() -> None:
    repeat = settings.get_profile("repeat")
    assert repeat.derandomize and repeat.database is None and repeat.print_blob
    explore = settings.get_profile("explore")
    assert not explore.derandomize and explore.print_blob
    loaded = os.environ.get("HYPOTHESIS_PROFILE", "repeat")
    current = settings.default
    assert current is not None and current.derandomize == (loaded == "repeat")
