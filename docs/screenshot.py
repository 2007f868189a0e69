"""Take the README's picture of the playground: docs/playground.png.

Run from the repository root, with the test extra installed (`./dev check` makes it) and
Debian's chromium and graphviz on the machine:

    .venv/bin/python docs/screenshot.py            # writes docs/playground.png
    .venv/bin/python docs/screenshot.py -o x.png   # somewhere else

It starts the service on a free loopback port (as the browser tests do), opens the
playground at 1280x800 on the seeds' example `e = (a+b)*(b+1)` at a = 2, b = 1, waits for
the drawing, and saves the page. Stops the server by its PID.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import ViewportSize, sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.support.server import running_server  # noqa: E402

PROGRAM = "c = a + b\nd = b + 1\ne = c * d"
VALUES = {"a": "2", "b": "1"}
VIEW: ViewportSize = {"width": 1280, "height": 800}


def take(out: Path) -> None:
    """Save the playground as the README shows it to out (a PNG)."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with running_server() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEW, color_scheme="light")
            page.goto(base + "/?" + urlencode({"expression": PROGRAM, **VALUES}))
            page.wait_for_function(
                "() => !document.getElementById('graph').classList.contains('loading')"
            )
            page.wait_for_selector("#graph svg")
            page.screenshot(path=str(out))
        finally:
            browser.close()


def main() -> int:
    """Take the screenshot; print where it went."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "docs" / "playground.png")
    args = parser.parse_args()
    take(args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
