"""A lean `dot` for SVG: only graphviz's core and dot-layout plugins, found once per process.

Without the pango plugin, dot measures text with its built-in Helvetica metrics (the
widths browsers' Helvetica/Arial have) instead of laying out every label with pango and
fontconfig: about 40% less time for a big drawing, the same SVG renderer. PNG still uses
the full plugin set. Anything unexpected (no dot, another layout of the plugins, a
read-only /tmp) means the usual dot is used.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

PLUGINS = ("libgvplugin_core.so*", "libgvplugin_dot_layout.so*")


@lru_cache(maxsize=1)
def core_plugins() -> str | None:
    """Return a folder holding only the core and dot-layout plugins (for GVBINDIR), or None."""
    folder: Path | None = None
    try:
        probe = subprocess.run(
            ["dot", "-v", "-Tsvg"], input=b"digraph {}", capture_output=True, timeout=10
        )
        found = re.search(rb'libdir = "([^"]+)"', probe.stderr)
        if found is None:
            return None
        libdir = Path(os.fsdecode(found[1]))
        folder = Path(tempfile.mkdtemp(prefix="chainrule-dot-"))
        atexit.register(shutil.rmtree, folder, True)
        for pattern in PLUGINS:
            for lib in libdir.glob(pattern):
                (folder / lib.name).symlink_to(lib)
        env = {**os.environ, "GVBINDIR": str(folder)}
        subprocess.run(["dot", "-c"], env=env, check=True, capture_output=True, timeout=10)
        check = subprocess.run(
            ["dot", "-Tsvg"], input=b"digraph { a }", env=env, capture_output=True, timeout=10
        )
        if check.returncode != 0 or b"<svg" not in check.stdout:
            return None
        return str(folder)
    except (OSError, subprocess.SubprocessError):
        return None


def core_plugins_env() -> dict[str, str] | None:
    """Return the environment for a lean `dot` run (the current one plus GVBINDIR), or None."""
    folder = core_plugins()
    return None if folder is None else {**os.environ, "GVBINDIR": folder}
