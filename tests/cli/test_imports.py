"""The command line loads only what its subcommand needs: `eval` runs without FastAPI,
pydantic, NumPy or graphviz loaded, and `import chainrule` loads the standard library only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("fastapi", "starlette", "uvicorn", "pydantic", "pydantic_settings", "numpy", "graphviz")


@pytest.mark.parametrize(
    "argv",
    [["eval", "(a+b)*(b+1)", "a=2", "b=1"], ["eval", "--json", "x^2", "x=3"]],
)
def test_eval_loads_no_web_stack_and_no_numpy(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from chainrule.cli import main\n"
        f"status = main({argv!r})\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "assert status == 0 and not heavy, heavy\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# What `chainrule eval` has no use for when it succeeds (each costs start-up time): the other
# layers of the library, the error table (read to report an error) and json (for --json).
UNNEEDED = (
    "chainrule.grading",
    "chainrule.graph",
    "chainrule.render",
    "chainrule.notebook",
    "chainrule.train",
    "chainrule.errors",
    "json",
)


def test_eval_loads_only_the_language_the_builder_and_the_engine() -> None:
    code = (
        "import sys\n"
        "from chainrule.cli import main\n"
        "status = main(['eval', '(a+b)*(b+1)', 'a=2', 'b=1'])\n"
        f"unneeded = sorted(m for m in sys.modules for u in {UNNEEDED!r}\n"
        "                  if m == u or m.startswith(u + '.'))\n"
        "assert status == 0 and not unneeded, unneeded\n"
        "assert 'chainrule.build' in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# What an autograder's `chainrule grade` (a process per submission) loads only when needed:
# logging for a failure, tempfile for a results file (-o); pathlib not at all.
GRADE_UNNEEDED = ("logging", "tempfile", "pathlib", *HEAVY)


def test_grade_loads_no_logging_no_pathlib_and_no_web_stack() -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "gradescope"
    argv = ["grade", str(example / "problem.json"), str(example / "submission")]
    code = (
        "import sys\n"
        "from chainrule.cli import main\n"
        f"status = main({argv!r})\n"
        f"unneeded = sorted(m for m in sys.modules if m.split('.')[0] in {GRADE_UNNEEDED!r})\n"
        "assert status == 0 and not unneeded, unneeded\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_import_chainrule_loads_the_standard_library_only() -> None:
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import chainrule\n"
        "new = sorted(m.split('.')[0] for m in set(sys.modules) - before)\n"
        "foreign = sorted({m for m in new if m not in sys.stdlib_module_names} - {'chainrule'})\n"
        "assert not foreign, foreign\n"
        "assert chainrule.Value(2.0).data == 2.0\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
