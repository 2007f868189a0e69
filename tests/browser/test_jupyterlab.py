"""In real JupyterLab, in a real Chromium: a learner runs check on the seeds' double-counting
engine and sees the verdict and why (Lab hides text/plain behind rich output: the banner
must be in the HTML face), and a wide drawing fits the notebook's column."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import Page, expect

from tests.notebook.kernel import run

pytest.importorskip("jupyterlab")
pytestmark = [pytest.mark.graphviz, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SEEDS_BUG = """import chainrule

class Scalar:
    def __init__(self, val):
        self.val, self.grad, self.backward = val, 0.0, lambda: None

    def __add__(self, other):
        out = Scalar(self.val + other.val)
        def backward():
            self.grad += out.grad; other.grad += out.grad
            self.backward(); other.backward()
        out.backward = backward
        return out

    def __mul__(self, other):
        out = Scalar(self.val * other.val)
        def backward():
            self.grad += other.val * out.grad; other.grad += self.val * out.grad
            self.backward(); other.backward()
        out.backward = backward
        return out

x = Scalar(3.0)
m = x + Scalar(1.0)
y = m * m
y.grad = 1.0
y.backward()
chainrule.check(y)"""
WIDE = (
    "chainrule.evaluate('y = tanh(w1*x1 + w2*x2 + w3*x3 + w4*x4 + b)', "
    + ", ".join(f"{n}=0.5" for n in ("w1", "x1", "w2", "x2", "w3", "x3", "w4", "x4", "b"))
    + ")"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A JupyterLab server (no token, loopback) over a folder holding one notebook."""
    folder = tmp_path_factory.mktemp("lab")
    cells: list[dict[str, object]] = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": s}
        for s in (SEEDS_BUG, WIDE)
    ]
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": kernel},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (folder / "check.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    stored = run(nbformat.from_dict(notebook), cwd=folder)  # type: ignore[no-untyped-call]
    nbformat.write(stored, folder / "stored.ipynb")  # type: ignore[no-untyped-call]  # saved elsewhere
    port = _free_port()
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(folder / ".runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(folder / ".settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(folder / ".workspaces"),
        "PYTHONPATH": str(ROOT),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
         "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.ip=127.0.0.1",
         "--allow-root",
         f"--ServerApp.root_dir={folder}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("JupyterLab did not start in 30 s")
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_lab_shows_checks_verdict_and_why_and_fits_a_wide_drawing(
    page: Page, lab: str, screenshots: Path
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{lab}/lab/tree/check.ipynb")
    expect(page.locator(".jp-Notebook .jp-Cell").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=30_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    banner = page.locator(".jp-OutputArea-output .chainrule-banner").first
    expect(banner).to_be_visible(timeout=30_000)
    said = banner.inner_text()
    assert said.startswith("check failed: 2 of 4 nodes disagree with chainrule")
    assert "is used twice by one op (y = m × m) and its backward ran 2 times" in said
    assert "look at: m = x + n1" in said
    column = page.locator(".jp-Notebook .jp-Cell").nth(0).bounding_box()
    box = banner.bounding_box()
    assert column is not None and box is not None
    assert box["x"] + box["width"] <= column["x"] + column["width"] + 1  # inside the column
    wide = page.locator(".jp-Cell").nth(1).locator(".chainrule-output img.chainrule-svg")
    expect(wide).to_be_visible(timeout=30_000)
    shown = wide.evaluate("img => img.getBoundingClientRect().width")
    natural = wide.evaluate("img => img.naturalWidth")
    area = wide.evaluate("img => img.closest('.jp-OutputArea-output').clientWidth")
    assert natural > area >= shown  # wider than the column, drawn to fit it
    shown_text = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output").inner_text()
    assert "∂y/∂w1" not in shown_text  # Lab shows the HTML face, not the text/plain twin
    banner.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "jupyterlab-check.png"))


def test_a_notebook_opened_with_stored_outputs_still_shows_verdict_and_picture(
    page: Page, lab: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{lab}/lab/tree/stored.ipynb")  # not trusted: Lab sanitizes its HTML
    banner = page.locator(".jp-OutputArea-output .chainrule-banner").first
    expect(banner).to_be_visible(timeout=30_000)
    assert banner.inner_text().startswith("check failed: 2 of 4 nodes disagree with chainrule")
    drawing = page.locator(".jp-OutputArea-output img.chainrule-svg").first
    expect(drawing).to_be_visible()
    assert drawing.evaluate("img => img.complete && img.naturalWidth > 0")
