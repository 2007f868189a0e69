"""The wheel is the library and its command line: one top-level package, `chainrule`, built
by examples/build-wheel.sh (what the Gradescope zip and the PrairieLearn install use). In a
fresh venv outside the checkout, `import chainrule` and a notebook in a real kernel work from
a folder that holds its own `app.py` and `app/` (every Flask or FastAPI project has one)."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLEAN_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel examples/build-wheel.sh builds from this checkout."""
    out = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        ["bash", str(ROOT / "examples" / "build-wheel.sh"), str(out)],
        check=True,
        capture_output=True,
        env={**CLEAN_ENV, "PYTHON": sys.executable},
    )
    (found,) = out.glob("chainrule-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the checkout with the wheel installed (no --no-deps shortcut for
    the package itself; its dependencies come from this venv's site-packages, read after
    the fresh venv's own: a path line in a .pth, so the checkout's editable .pth is not)."""
    venv = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python")]
    subprocess.run(
        [*pip, "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = next((venv / "lib").glob("python3*/site-packages"))
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    return venv


@pytest.fixture
def learner_folder(tmp_path: Path) -> Path:
    """A learner's project folder with its own app.py and app/ package."""
    (tmp_path / "app.py").write_text("NAME = 'the learner app.py'\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("NAME = 'the learner app'\n", encoding="utf-8")
    return tmp_path


@pytest.mark.slow
def test_the_wheel_holds_one_top_level_package_chainrule(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    dist_info = {t for t in tops if t.endswith(".dist-info")}
    assert tops - dist_info == {"chainrule"}, sorted(tops)
    assert {
        "chainrule/__init__.py",
        "chainrule/cli/__init__.py",
        "chainrule/notebook/__init__.py",
        "chainrule/notebook/sliders.js",
    } <= set(names)
    assert not any(n.startswith(("app/", "templates/", "static/", "tests/")) for n in names)
    (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    requires = [line for line in text.splitlines() if line.startswith("Requires-Dist:")]
    base = [r for r in requires if "extra ==" not in r]
    assert base and not any("fastapi" in r or "uvicorn" in r for r in base), base
    assert any("fastapi" in r and "extra == 'service'" in r for r in requires), requires


IMPORT_BESIDE_AN_APP = """
import app, chainrule
assert app.NAME == 'the learner app', app.__file__
assert chainrule.__file__.startswith({venv!r}), chainrule.__file__
a, b = chainrule.Value(2.0), chainrule.Value(1.0)
e = (a + b) * (b + 1)
e.backward()
assert (e.data, a.grad, b.grad) == (6.0, 2.0, 5.0)
assert chainrule.evaluate("(a+b)*(b+1)", a=2, b=1).gradients == {{"a": 2.0, "b": 5.0}}
assert "<svg" in chainrule.draw(e).svg()
print("imported")
"""


@pytest.mark.slow
@pytest.mark.graphviz
def test_import_chainrule_from_a_folder_with_its_own_app(venv: Path, learner_folder: Path) -> None:
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", IMPORT_BESIDE_AN_APP.format(venv=str(venv))],
        cwd=learner_folder,
        env=CLEAN_ENV,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "imported" in done.stdout, done.stderr[-2000:]


@pytest.mark.slow
def test_the_console_script_grades_from_the_wheel(venv: Path, learner_folder: Path) -> None:
    problem = {"expression": "e = (a+b)*(b+1)", "values": {"a": 2, "b": 1}}
    answers = [{"name": "de/db", "wrt": "b", "answer": 5}]
    (learner_folder / "problem.json").write_text(json.dumps(problem), encoding="utf-8")
    (learner_folder / "answers.json").write_text(json.dumps(answers), encoding="utf-8")
    done = subprocess.run(
        [str(venv / "bin" / "chainrule"), "grade", "problem.json", "answers.json"],
        cwd=learner_folder,
        env=CLEAN_ENV,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["score"] == 1


NOTEBOOK_BESIDE_AN_APP = """
import nbformat
from nbclient import NotebookClient
nb = nbformat.v4.new_notebook()
nb.cells = [
    nbformat.v4.new_code_cell("import app, chainrule\\nprint(app.NAME, chainrule.__file__)"),
    nbformat.v4.new_code_cell("%load_ext chainrule"),
    nbformat.v4.new_code_cell("%%chainrule a=2 b=1\\ne = (a+b)*(b+1)"),
    nbformat.v4.new_code_cell(
        "a, b = chainrule.Value(2.0), chainrule.Value(1.0)\\n"
        "e = (a + b) * (b + 1)\\ne.backward()\\nchainrule.check(e)"
    ),
]
NotebookClient(nb, kernel_name="python3", timeout=120).execute()
first = "".join(o.get("text", "") for o in nb.cells[0].outputs)
assert first.startswith("the learner app {venv}"), first
for cell in nb.cells[2:]:
    assert any("image/svg+xml" in o.get("data", {{}}) for o in cell.outputs), cell.outputs
print("ran")
"""


@pytest.mark.slow
@pytest.mark.graphviz
def test_a_notebook_runs_in_a_real_kernel_beside_its_own_app(
    venv: Path, learner_folder: Path
) -> None:
    """The kernel is the fresh venv's python (nbclient starts the running interpreter)."""
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", NOTEBOOK_BESIDE_AN_APP.format(venv=str(venv))],
        cwd=learner_folder,
        env={**CLEAN_ENV, "HOME": str(learner_folder), "JUPYTER_PLATFORM_DIRS": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and "ran" in done.stdout, (done.stdout + done.stderr)[-3000:]


def test_the_checkout_runs_the_service_as_python_m_app() -> None:
    """From the checkout with its venv, `python -m app --help` is the service's start."""
    done = subprocess.run(
        [sys.executable, "-m", "app", "--help"],
        cwd=ROOT,
        env=CLEAN_ENV,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    for option in ("--host", "--port", "--workers"):
        assert option in done.stdout
