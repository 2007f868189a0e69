"""Where the playground's templates/ and static/ are: beside app/, at the top of the
repository (in the image too, which copies app/, templates/ and static/ side by side)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the folder that holds app/

TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"
