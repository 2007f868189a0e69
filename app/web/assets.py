"""Where the playground's templates/ and static/ are: in the installed package (the wheel
maps the repository's top-level folders into app/web/), or at the top of a source tree."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent  # app/web, as installed from the wheel
_SOURCE = _PACKAGE.parents[1]  # the repository's root, in a checkout or editable install


def asset_dir(name: str) -> Path:
    """Return the folder `name` ("templates" or "static") of the installed package or of
    the source tree, whichever this code runs from."""
    packaged = _PACKAGE / name
    return packaged if packaged.is_dir() else _SOURCE / name


TEMPLATES_DIR = asset_dir("templates")
STATIC_DIR = asset_dir("static")
