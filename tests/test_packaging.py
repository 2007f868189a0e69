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
