"""The repository's habits are checked, not just written down: the pre-commit hooks run
what `./dev check` runs, the licence matches pyproject, the changelog names the version."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_pre_commit_config_is_valid_and_runs_the_dev_check_linters() -> None:
    tool = Path(sys.executable).with_name("pre-commit")
    subprocess.run([str(tool), "validate-config"], cwd=ROOT, check=True, capture_output=True)
    config = (ROOT / ".pre-commit-config.yaml").read_text()
    dev = (ROOT / "dev").read_text()
    for command in ('ruff" check', 'ruff" format', 'mypy" chainrule app tests'):
        assert command in dev, command
    for command in ("ruff check", "ruff format", "mypy chainrule app tests"):
        assert command in config, command


def test_the_licence_file_is_the_one_pyproject_names() -> None:
    assert PYPROJECT["project"]["license"]["text"] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_the_changelog_has_the_released_version() -> None:
    version = PYPROJECT["project"]["version"]
    assert f"## {version}" in (ROOT / "CHANGELOG.md").read_text()


MARKER = re.compile(r"pytest\.mark\.([A-Za-z_]\w*)|(?:get_closest_marker|add_marker)\(\"(\w+)\"\)")


def names(markers: list[str]) -> set[str]:
    """The names of marker lines as pytest declares them ("slow: ...", "skipif(cond): ...")."""
    return {re.split(r"[:(]", line, maxsplit=1)[0].strip() for line in markers}


def test_every_test_marker_in_use_is_declared_and_every_declared_one_is_used(
    pytestconfig: pytest.Config,
) -> None:
    declared = names(PYPROJECT["tool"]["pytest"]["ini_options"]["markers"])
    registered = names(pytestconfig.getini("markers"))  # ours and pytest's and plugins' own
    used = set()
    for path in (ROOT / "tests").rglob("*.py"):
        for mark, looked_up in MARKER.findall(path.read_text()):
            used.add(mark or looked_up)
    assert declared <= registered
    assert used <= registered, used - registered
    assert declared <= used, declared - used  # none declared in vain (and the scan finds them)


TOP_LEVEL_TESTS_OF_THE_WHOLE_PROJECT = {
    "test_docs.py",
    "test_layers.py",
    "test_packaging.py",
    "test_repo_habits.py",
}
FOLDERS_ACROSS_THE_PROJECT = {"browser", "deploy", "hardening", "support"}


def test_tests_mirror_the_code() -> None:
    """tests/test_X.py tests chainrule/X.py, tests/X/ tests chainrule/X/ or the repository's
    X/ (tests/app/ the service in app/)."""
    tests = ROOT / "tests"
    for path in tests.glob("test_*.py"):
        module = path.name.removeprefix("test_")
        assert (ROOT / "chainrule" / module).is_file() or path.name in (
            TOP_LEVEL_TESTS_OF_THE_WHOLE_PROJECT
        ), f"{path.name}: put it in the folder of the module it tests"
    for folder in tests.iterdir():
        if folder.is_dir() and (folder / "__init__.py").is_file():
            assert (
                (ROOT / "chainrule" / folder.name).is_dir()
                or (ROOT / folder.name).is_dir()
                or folder.name in FOLDERS_ACROSS_THE_PROJECT
            ), folder.name


def test_property_tests_draw_the_same_examples_unless_exploring() -> None:
    repeat = settings.get_profile("repeat")
    assert repeat.derandomize and repeat.database is None and repeat.print_blob
    explore = settings.get_profile("explore")
    assert not explore.derandomize and explore.print_blob
    loaded = os.environ.get("HYPOTHESIS_PROFILE", "repeat")
    current = settings.default
    assert current is not None and current.derandomize == (loaded == "repeat")


MAP_LINE = re.compile(r"^ {4}((?:chainrule|app)/\S*) +\S", re.M)


def modules_of_the_code() -> set[str]:
    """Every module of chainrule/ and app/ as CONTRIBUTING's map names it (a package by its
    folder: its __init__.py is the folder's line)."""
    found = set()
    for top in ("chainrule", "app"):
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT)
            found.add(f"{rel.parent}/" if path.name == "__init__.py" else str(rel))
    return found


def modules_of_the_map() -> list[str]:
    """The paths CONTRIBUTING's section "Every module, one line each" lists, in its order."""
    text = (ROOT / "CONTRIBUTING.md").read_text()
    section = text.split("## Every module, one line each", 1)[1].split("\n## ", 1)[0]
    return MAP_LINE.findall(section)


def test_contributings_map_lists_every_module_once_and_nothing_else() -> None:
    listed = modules_of_the_map()
    assert len(listed) == len(set(listed)), "a module listed twice"
    code = modules_of_the_code()
    assert code - set(listed) == set(), "modules missing from CONTRIBUTING's map"
    assert set(listed) - code == set(), "CONTRIBUTING's map lists modules that are gone"


def test_the_map_notices_a_new_module(tmp_path: Path) -> None:
    assert "chainrule/ops.py" in modules_of_the_map()  # the parser reads real lines
    assert MAP_LINE.findall("    chainrule/new.py    something new\n") == ["chainrule/new.py"]
    assert MAP_LINE.findall("    chainrule/new.py\n") == []  # a line says what it holds


PACKAGES = sorted(
    str(p.parent.relative_to(ROOT)).replace("/", ".")
    for top in ("chainrule", "app")
    for p in (ROOT / top).rglob("__init__.py")
)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_package_attribute_is_both_a_submodule_and_something_else(package: str) -> None:
    """`import chainrule.notebook.checking as m` gives the module: a package never exports a
    name (in its namespace, its __all__ or its lazy names) that is also one of its modules."""
    script = f"""
import importlib, pkgutil, types
pkg = importlib.import_module({package!r})
subs = {{m.name for m in pkgutil.iter_modules(pkg.__path__)}}
names = set(vars(pkg)) | set(getattr(pkg, "__all__", ()))
bad = sorted(n for n in subs & names if not isinstance(vars(pkg).get(n), types.ModuleType))
print(",".join(bad))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "", f"{package} exports {out.stdout.strip()} as a name"
