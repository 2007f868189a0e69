"""The wheel carries everything the service needs: templates and static files included."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "app" / "web"


@pytest.mark.slow
def test_the_wheel_ships_templates_and_static_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("chainrule-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {
        str(p.relative_to(ROOT))
        for folder in ("templates", "static")
        for p in (WEB / folder).rglob("*")
        if p.is_file()
    }
    assert wanted, "no templates or static files found"
    assert wanted <= names, sorted(wanted - names)
