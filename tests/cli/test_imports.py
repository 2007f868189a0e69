"""The command line loads only what its subcommand needs: nothing but `serve` imports the
web layer, and `eval` runs without FastAPI, pydantic, NumPy or graphviz loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_layers import APP, imports_of

HEAVY = ("fastapi", "starlette", "uvicorn", "pydantic", "pydantic_settings", "numpy", "graphviz")


def test_only_serve_and_the_web_layer_import_app_web() -> None:
    for path in APP.rglob("*.py"):
        rel = path.relative_to(APP)
        if rel.parts[0] == "web" or rel.name == "serve_cmd.py":
            continue
        bad = {n for n in imports_of(path) if n == "app.web" or n.startswith("app.web.")}
        assert not bad, (path, bad)


@pytest.mark.parametrize(
    "argv",
    [["eval", "(a+b)*(b+1)", "a=2", "b=1"], ["eval", "--json", "x^2", "x=3"]],
)
def test_eval_loads_no_web_stack_and_no_numpy(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from app.cli import main\n"
        f"status = main({argv!r})\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "assert status == 0 and not heavy, heavy\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
