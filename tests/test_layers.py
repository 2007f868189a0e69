"""Imports point down only: the library `chainrule` never imports the service `app`; engine
and lang are stdlib-only (and may read the op table, chainrule/ops.py, which imports nothing
of chainrule); only the service knows HTTP; only render knows graphviz; only train NumPy.
Reads our own source files (never user text)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIB = ROOT / "chainrule"  # the library: what the wheel installs
SERVICE = ROOT / "app"  # the FastAPI service, run from the repository or the image
STDLIB = set(sys.stdlib_module_names)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(folder: str) -> list[Path]:
    return sorted((LIB / folder).rglob("*.py")) if (LIB / folder).is_dir() else [LIB / folder]


def tops(names: set[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


@pytest.mark.parametrize("folder", ["engine", "lang"])
def test_engine_and_lang_use_only_the_standard_library(folder: str) -> None:
    for path in modules(folder):
        for name in imports_of(path):
            top = name.split(".")[0]
            own = f"chainrule.{folder}"
            ok = top in STDLIB or name.startswith(own) or name == "chainrule.ops"
            assert ok or top == "__future__", (path, name)


def test_the_op_table_uses_only_the_standard_library_and_nothing_of_chainrule() -> None:
    for name in imports_of(LIB / "ops.py"):
        assert name.split(".")[0] in STDLIB | {"__future__"}, name


def test_engine_knows_nothing_of_parsing_rendering_or_http() -> None:
    for path in modules("engine"):
        assert not any(
            n.startswith(("chainrule.lang", "chainrule.build", "chainrule.render", "app"))
            for n in imports_of(path)
        ), path


def test_lang_knows_nothing_of_the_engine() -> None:
    for path in modules("lang"):
        assert not any(
            n.startswith(("chainrule.engine", "chainrule.build")) for n in imports_of(path)
        )


def test_the_library_never_imports_the_service() -> None:
    for path in LIB.rglob("*.py"):
        assert "app" not in tops(imports_of(path)), path


def test_the_library_imports_no_http_framework_nor_settings_library() -> None:
    web = {"fastapi", "starlette", "uvicorn", "pydantic", "pydantic_settings", "jinja2"}
    for path in LIB.rglob("*.py"):
        assert not tops(imports_of(path)) & web, path


def test_the_top_of_the_package_imports_only_the_standard_library() -> None:
    """`import chainrule` loads nothing but the standard library (PEP 562 lazy names)."""
    tree = ast.parse((LIB / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:  # module level, outside `if TYPE_CHECKING:`
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            module = getattr(node, "module", None)
            for name in [*names, *([module] if module else [])]:
                assert name.split(".")[0] in STDLIB | {"__future__"}, name


def test_only_render_imports_graphviz() -> None:
    for path in [*LIB.rglob("*.py"), *SERVICE.rglob("*.py")]:
        rel = path.relative_to(LIB if path.is_relative_to(LIB) else SERVICE)
        if path.is_relative_to(LIB) and rel.parts[0] == "render":
            continue
        assert "graphviz" not in tops(imports_of(path)), path


def test_no_eval_exec_or_compile_anywhere() -> None:
    for path in [*LIB.rglob("*.py"), *SERVICE.rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec", "compile"}, path
        assert "ast" not in tops(imports_of(path)), path


def test_only_train_imports_numpy() -> None:
    for path in [*LIB.rglob("*.py"), *SERVICE.rglob("*.py")]:
        if path.is_relative_to(LIB / "train"):
            continue
        assert "numpy" not in tops(imports_of(path)), path


def test_only_the_notebook_layer_imports_ipython_and_nothing_below_imports_it() -> None:
    for path in LIB.rglob("*.py"):
        rel = path.relative_to(LIB)
        names = imports_of(path)
        if rel.parts[0] != "notebook":
            assert "IPython" not in tops(names), path
            if rel.parts[0] != "__init__.py":
                assert not any(n.startswith("chainrule.notebook") for n in names), path
