"""Imports point down only: engine and lang are stdlib-only (and may read the op table,
app/ops.py, which imports nothing of the app); only web knows HTTP; only render knows
graphviz. Reads our own source files (never user text)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
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
    return sorted((APP / folder).rglob("*.py")) if (APP / folder).is_dir() else [APP / folder]


@pytest.mark.parametrize("folder", ["engine", "lang"])
def test_engine_and_lang_use_only_the_standard_library(folder: str) -> None:
    for path in modules(folder):
        for name in imports_of(path):
            top = name.split(".")[0]
            own = f"app.{folder}"
            ok = top in STDLIB or name.startswith(own) or name == "app.ops"
            assert ok or top == "__future__", (path, name)


def test_the_op_table_uses_only_the_standard_library_and_nothing_of_the_app() -> None:
    for name in imports_of(APP / "ops.py"):
        assert name.split(".")[0] in STDLIB | {"__future__"}, name


def test_engine_knows_nothing_of_parsing_rendering_or_http() -> None:
    for path in modules("engine"):
        assert not any(
            n.startswith(("app.lang", "app.build", "app.render", "app.web"))
            for n in imports_of(path)
        ), path


def test_lang_knows_nothing_of_the_engine() -> None:
    for path in modules("lang"):
        assert not any(n.startswith(("app.engine", "app.build")) for n in imports_of(path))


def test_only_the_web_layer_imports_http_frameworks() -> None:
    for path in APP.rglob("*.py"):
        if "web" in path.relative_to(APP).parts:
            continue
        names = imports_of(path)
        bad = {n for n in names if n.split(".")[0] in {"fastapi", "starlette", "uvicorn"}}
        if path.name == "serve_cmd.py":
            bad -= {"uvicorn"}
        assert not bad, (path, bad)


def test_only_render_imports_graphviz() -> None:
    for path in APP.rglob("*.py"):
        rel = path.relative_to(APP)
        if rel.parts[0] == "render" or rel.name == "render.py":
            continue
        assert not any(n.split(".")[0] == "graphviz" for n in imports_of(path)), path


def test_no_eval_exec_or_compile_in_the_app() -> None:
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec", "compile"}, path
        assert "ast" not in {n.split(".")[0] for n in imports_of(path)}, path


def test_only_train_imports_numpy() -> None:
    for path in APP.rglob("*.py"):
        if path.relative_to(APP).parts[0] == "train":
            continue
        assert not any(n.split(".")[0] == "numpy" for n in imports_of(path)), path


FACADE = APP.parent / "chainrule"


def test_the_chainrule_package_is_a_facade_over_app_and_nothing_in_app_imports_it() -> None:
    facade = sorted(FACADE.rglob("*.py"))
    assert facade, "chainrule/ is missing"
    for path in facade:
        for name in imports_of(path):
            assert name.split(".")[0] in STDLIB | {"app", "__future__"}, (path, name)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defs = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
        assert [d.name for d in defs] == ["load_ipython_extension"], path  # names only
    for path in APP.rglob("*.py"):
        assert not any(n.split(".")[0] == "chainrule" for n in imports_of(path)), path


def test_only_the_notebook_layer_imports_ipython_and_nothing_below_imports_it() -> None:
    for path in APP.rglob("*.py"):
        rel = path.relative_to(APP)
        names = imports_of(path)
        if rel.parts[0] != "notebook":
            assert not any(n.split(".")[0] == "IPython" for n in names), path
            assert not any(n.startswith("app.notebook") for n in names), path
