"""Browser tests: a real uvicorn server and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page

from tests.support.server import running_server

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# An intended 4xx (a program with errors, or asked without values so that the 422 lists
# its inputs) is logged by Chromium as a failed resource: allowed; any other error is not.
ALLOWED = re.compile(r"Failed to load resource: the server responded with a status of 422")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch the OS's Chromium (Playwright cannot download its own browsers here)."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """Start the app under uvicorn on a free port; stop it by PID."""
    if shutil.which("dot") is None:
        pytest.skip("graphviz 'dot' is not installed")
    with running_server() as base:
        yield base


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder for screenshots of the main states (gitignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def console_errors(page: Page) -> Iterator[list[str]]:
    """Collect console errors and page exceptions; the test fails if any is unexpected."""
    errors: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error" and not ALLOWED.search(msg.text):
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    yield errors
    assert errors == []
