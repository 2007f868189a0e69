"""Every `dot` output is bounded before dot runs, and every dot child's memory is limited.

A 300-operation chain's PNG was 32,767 × 2,591 px and its `dot` child peaked at ~350 MB
(issue 20, item 3): the pixels are now fixed from the layout and the budget before the PNG
is drawn, each child runs under RLIMIT_AS, and the CLI uses the budget's dot timeout."""

from __future__ import annotations

import argparse
import json
import resource
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from chainrule.budget import DEFAULT_BUDGET_LIMITS, DOT_MEMORY, Budget, BudgetLimits
from chainrule.build import evaluate
from chainrule.graph import export_graph
from chainrule.render import DotOptions, Renderer, RenderError, to_dot
from tests.browser.programs import chain
from tests.support.budget import default_budget, unhurried

pytestmark = pytest.mark.graphviz
ROOT = Path(__file__).resolve().parents[2]
SLOW_MACHINE: dict[str, Any] = {"budget_dot_seconds": 60, "budget_wall_seconds": 60}
CHAIN = chain(300)  # 150 lines, 300 operations: 602 drawn nodes


def png_size(png: bytes) -> tuple[int, int]:
    """The width and height in a PNG's IHDR chunk."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def chain_dot() -> tuple[str, int]:
    graph = export_graph(evaluate(CHAIN, {"x": 1.0}, budget=default_budget()))
    return to_dot(graph, DotOptions(), budget=default_budget()), len(graph.nodes)


@pytest.mark.slow  # seconds of work: the full suite runs it, not ./dev check
def test_the_png_of_a_300_operation_chain_stays_within_the_pixel_budget() -> None:
    dot, count = chain_dot()
    width, height = png_size(Renderer(timeout=60, cache_size=4).png(dot, count, budget=unhurried()))
    assert width * height <= DEFAULT_BUDGET_LIMITS.draw_pixels
    assert max(width, height) <= 32_000
    small = Budget(BudgetLimits(draw_pixels=1_000_000))
    width, height = png_size(Renderer(timeout=60, cache_size=4).png(dot, count, small, scale=4))
    assert width * height <= 1_000_000


def test_a_scale_asks_for_more_pixels_within_the_budget() -> None:
    dot = to_dot(
        export_graph(evaluate("(a+b)*(b+1)", {"a": 2, "b": 1}, budget=default_budget())),
        DotOptions(),
        budget=default_budget(),
    )
    renderer = Renderer(timeout=60, cache_size=4)
    w1, h1 = png_size(renderer.png(dot, 6, budget=unhurried()))
    w3, h3 = png_size(renderer.png(dot, 6, scale=3, budget=unhurried()))
    assert w3 == pytest.approx(3 * w1, rel=0.05) and h3 == pytest.approx(3 * h1, rel=0.05)


def test_through_http_the_png_export_is_bounded_and_says_its_scale() -> None:
    settings = Settings(access_log=False, budget_draw_pixels=2_000_000, **SLOW_MACHINE)
    with TestClient(create_app(settings)) as c:
        params = {"expression": CHAIN, "x": 1, "scale": 4, "level": "ops"}  # not a series
        answer = c.get("/export/graph.png", params=params)
    assert answer.status_code == 200, answer.text
    width, height = png_size(answer.content)
    assert width * height <= 2_000_000
    assert answer.headers["x-chainrule-pixels"] == f"{width}x{height}"
    assert float(answer.headers["x-chainrule-scale"]) < 1  # cut down from 4 to fit


def test_the_dot_child_runs_under_an_address_space_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child the renderer starts reports its own RLIMIT_AS: the configured bytes."""
    from graphviz.backend import dot_command

    probe = "import resource, sys; sys.stdout.write(str(resource.getrlimit(resource.RLIMIT_AS)))"
    monkeypatch.setattr(dot_command, "command", lambda *a: [sys.executable, "-c", probe])
    drawing = Renderer(cache_size=0, memory=300 * 2**20)
    out = drawing._run_dot("digraph {}", "png", 10)
    assert out.decode() == str((300 * 2**20, 300 * 2**20))
    assert Settings().render_dot_memory == DOT_MEMORY  # the default of the setting


def test_a_drawing_over_the_memory_limit_is_a_clear_render_error() -> None:
    """Real dot under a 64 MiB address space cannot start its PNG renderer: refused, named."""
    dot, count = chain_dot()
    with pytest.raises(RenderError, match=r"memory limit of 64 MiB .*RENDER_DOT_MEMORY"):
        Renderer(timeout=60, cache_size=4, memory=64 * 2**20).png(dot, count, budget=unhurried())


@pytest.mark.slow  # seconds of work: the full suite runs it, not ./dev check
def test_the_dot_child_of_the_chain_png_stays_small() -> None:
    """Measured in a fresh process: the largest RSS of its children (the dot runs)."""
    script = (
        "import json, resource, struct\n"
        "from tests.hardening.test_png_bounds import chain_dot\n"
        "from chainrule.render import Renderer\n"
        "from tests.support.budget import unhurried\n"
        "dot, n = chain_dot()\n"
        "png = Renderer(timeout=60, cache_size=4).png(dot, n, unhurried())\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'kib': peak, 'size': struct.unpack('>II', png[16:24])}))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    measured: dict[str, Any] = json.loads(run.stdout)
    assert measured["kib"] < 200 * 1024, measured  # was ~350 MB before the bound
    assert resource.RLIMIT_AS  # the platform has the limit the renderer sets


def test_the_cli_uses_the_budget_s_dot_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    from chainrule.cli import render_cmd

    seen: dict[str, float] = {}

    class Spy(Renderer):
        def __init__(self, **kwargs: Any) -> None:
            seen["timeout"] = kwargs["timeout"]
            super().__init__(**kwargs)

    parser = argparse.ArgumentParser()
    render_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["render", "x*2", "x=1", "--scale", "2", "-o", "-", "--format", "svg"])
    monkeypatch.setattr(render_cmd, "Renderer", Spy)
    assert render_cmd.run(args) == 0
    assert seen["timeout"] == DEFAULT_BUDGET_LIMITS.dot_seconds  # not a 30 s of its own
