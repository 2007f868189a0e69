"""The wheel carries everything the service needs: the repository's top-level templates/
and static/ are mapped into the package, and the installed wheel serves the page."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SERVE_FROM_THE_WHEEL = """
import app, app.web.assets as assets
from fastapi.testclient import TestClient
from app.web.main import create_app
assert app.__file__.startswith({target!r}), app.__file__
assert str(assets.STATIC_DIR).startswith({target!r}), assets.STATIC_DIR
with TestClient(create_app()) as client:
    page = client.get("/", params={{"expression": "(a+b)*(b+1)", "a": "2", "b": "1"}})
    assert page.status_code == 200 and "<svg" in page.text, page.status_code
    assert client.get("/static/js/app.js").status_code == 200
    assert client.get("/static/css/app.css").status_code == 200
print("served")
"""


@pytest.mark.slow
def test_the_installed_wheel_serves_the_page_with_its_templates_and_static_files(
    tmp_path: Path,
) -> None:
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("chainrule-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {
        "app/web/" + str(p.relative_to(ROOT))
        for folder in ("templates", "static")
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert wanted, "no templates or static files found"
    assert wanted <= names, sorted(wanted - names)
    assert not any(n.startswith(("templates/", "static/", "tests/")) for n in names)

    # Installed on its own (dependencies from this venv), run from outside the checkout.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = SERVE_FROM_THE_WHEEL.format(target=str(target))
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/local/bin:/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "served" in done.stdout, done.stderr[-2000:]


NOTEBOOK_FROM_THE_WHEEL = """
import chainrule, app
assert chainrule.__file__.startswith({venv!r}), chainrule.__file__
assert app.__file__.startswith({venv!r}), app.__file__
a, b = chainrule.Value(2.0), chainrule.Value(1.0)
e = (a + b) * (b + 1)
e.backward()
assert (e.data, a.grad, b.grad) == (6.0, 2.0, 5.0)
assert chainrule.evaluate("(a+b)*(b+1)", a=2, b=1).gradients == {{"a": 2.0, "b": 5.0}}
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_line_magic("load_ext", "chainrule")
drawing = shell.run_cell_magic("chainrule", "a=2 b=1", "e = (a+b)*(b+1)")
assert "image/svg+xml" in drawing._repr_mimebundle_()
print("imported")
"""


@pytest.mark.slow
@pytest.mark.graphviz
def test_the_wheel_in_a_fresh_venv_outside_the_checkout_gives_import_chainrule(
    tmp_path: Path,
) -> None:
    wheels, venv = tmp_path / "wheels", tmp_path / "venv"
    pip = [sys.executable, "-m", "pip"]
    subprocess.run(
        [*pip, "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("chainrule-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"chainrule/__init__.py", "app/notebook/__init__.py", "app/notebook/sliders.js"} <= names
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run(
        [*pip, "--python", python, "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    # Its dependencies come from this venv's site-packages, appended after the fresh venv's
    # own (a path line in a .pth: the checkout's editable-install .pth there is not read).
    site = next((venv / "lib").glob("python3*/site-packages"))
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    done = subprocess.run(
        [python, "-c", NOTEBOOK_FROM_THE_WHEEL.format(venv=str(venv))],
        cwd=tmp_path,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "imported" in done.stdout, done.stderr[-2000:]


def test_the_editable_install_gives_import_chainrule_from_the_checkout(tmp_path: Path) -> None:
    """./dev installs with `pip install -e`: run from elsewhere, chainrule is the checkout's."""
    done = subprocess.run(
        [sys.executable, "-c", "import chainrule, app; print(chainrule.__file__, app.__file__)"],
        cwd=tmp_path,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    facade, app = done.stdout.split()
    assert facade == str(ROOT / "chainrule" / "__init__.py")
    assert app == str(ROOT / "app" / "__init__.py")
