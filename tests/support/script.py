"""Run the installed `chainrule` console script as a user would, with a clean PATH.

The script is the one next to this interpreter (the venv's), never one found on PATH: a
fresh clone has no earlier install to find, and the tests must not depend on one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("chainrule")
CLEAN_PATH = "/usr/local/bin:/usr/bin:/bin"


def chainrule(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the venv's chainrule script with PATH holding only the system folders."""
    env = {**os.environ, "PATH": CLEAN_PATH}
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, check=check, env=env
    )
