"""Interaction at real size (1280x800): selecting never scrolls the window, contribution labels
sit on their own edges clear of nodes and of one another, an opened box stays in view."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.browser.overview import COVERED
from tests.browser.programs import mlp, rnn, wide_program

pytestmark = pytest.mark.browser

NEURON = "sigmoid(w1*x1 + w2*x2 + b)"

# Every contribution label's box and its edge's, every shown node's box, in screen pixels.
LABELS = """() => {
  const box = (el) => {
    const b = el.getBoundingClientRect();
    return [b.x, b.y, b.width, b.height];
  };
  const svg = document.querySelector('#graph > svg');
  return {
    labels: [...svg.querySelectorAll('text.contribution-label')].map((t) => ({
      box: box(t), edge: t.parentNode.id, led: t.previousElementSibling?.tagName === 'line',
      along: (() => {
        const path = t.parentNode.querySelector('path');
        const m = path.getScreenCTM();
        const b = t.getBoundingClientRect();
        const c = [b.x + b.width / 2, b.y + b.height / 2];
        let best = Infinity;
        for (let k = 0; k <= 50; k++) {
          const q = path.getPointAtLength(path.getTotalLength() * k / 50);
          const p = new DOMPoint(q.x, q.y).matrixTransform(m);
          best = Math.min(best, Math.hypot(p.x - c[0], p.y - c[1]));
        }
        return best / b.height;
      })(),
    })),
    nodes: [...svg.querySelectorAll('g.node')].filter((g) => !g.hasAttribute('display')).map(box),
  };
}"""


# True if every drawn box is inside the graph's frame on screen.
WHOLE = """() => {
  const f = document.getElementById('graph').getBoundingClientRect();
  return [...document.querySelectorAll('#graph > svg g.node')].every((g) => {
    const r = g.getBoundingClientRect();
    return r.left >= f.left - 1 && r.right <= f.right + 1
      && r.top >= f.top - 1 && r.bottom <= f.bottom + 1;
  });
}"""


def overlap(a: list[float], b: list[float]) -> bool:
    """Two screen boxes [x, y, w, h] share some area (touching is not overlapping)."""
    return (
        a[0] < b[0] + b[2] - 0.5
        and b[0] < a[0] + a[2] - 0.5
        and (a[1] < b[1] + b[3] - 0.5 and b[1] < a[1] + a[3] - 0.5)
    )


def open_page(page: Page, server: str, program: str, values: dict[str, Any], **extra: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(server + "/?" + urlencode({"expression": program, **values, **extra}))
    page.wait_for_selector("#graph > svg g.node")
    expect(page.locator("#values-body tr").first).to_be_visible()


def node_named(page: Page, name: str) -> str:
    row = page.locator("#values-body tr", has=page.locator(f'th:text-is("{name}")'))
    return row.get_attribute("data-node") or ""


def select(page: Page, node: str) -> None:
    """Select a node as a click on it does (it may lie outside the panned view)."""
    page.evaluate(
        """(id) => document.getElementById('graph').dispatchEvent(
            new CustomEvent('chainrule:select', {detail: {id, source: 'graph'}}))""",
        node,
    )


def test_selecting_a_node_or_opening_a_box_never_scrolls_the_window(
    page: Page, server: str, console_errors: list[str]
) -> None:
    program, values = mlp()
    open_page(page, server, program, values, level="lines")  # a box to open
    page.evaluate("() => document.getElementById('graph').scrollIntoView({block: 'start'})")
    at = page.evaluate("() => scrollY")
    x1 = node_named(page, "x1")
    page.locator(f'#graph > svg g.node[id="{x1}"]').click()
    expect(page.locator(f'#values-body tr[data-node="{x1}"]')).to_have_class("kind-input selected")
    assert page.evaluate("() => scrollY") == at
    unit = page.locator("#graph > svg g.node.unit").last  # a box that opens, near the output
    box = unit.get_attribute("id")
    unit.click()
    expect(page.locator(f'#graph > svg g.cluster[id="cluster-{box}"]')).to_have_count(1)
    assert page.evaluate("() => scrollY") == at


@pytest.mark.parametrize(
    ("case", "program", "values", "chosen", "extra"),
    [
        ("rnn-w", *rnn(), "w", {}),
        ("wide-w0", *wide_program(), "w0", {}),
        ("mlp-ops-x1", *mlp(), "x1", {"level": "ops"}),
        ("neuron-x1", NEURON, {}, "x1", {"level": "ops"}),
    ],
)
def test_contribution_labels_sit_on_their_own_edges_clear_of_nodes_and_each_other(
    page: Page,
    server: str,
    screenshots: Path,
    console_errors: list[str],
    case: str,
    program: str,
    values: dict[str, float],
    chosen: str,
    extra: dict[str, str],
) -> None:
    open_page(page, server, program, values, **extra)
    node = node_named(page, chosen)
    select(page, node)
    expect(page.locator("#selection-sum")).to_be_visible()
    found = page.evaluate(LABELS)
    labels = found["labels"]
    out_edges = page.evaluate(
        """(id) => [...document.querySelectorAll('#graph > svg g.edge')].filter((g) => {
            const t = g.querySelector('title')?.textContent || '';
            return t.split('->')[0].trim() === id;
        }).length""",
        node,
    )
    assert len(labels) == out_edges > 0
    for k, a in enumerate(labels):
        assert not any(overlap(a["box"], n) for n in found["nodes"]), a
        assert not any(overlap(a["box"], b["box"]) for b in labels[k + 1 :]), a
        # on its edge (within two label heights of it), or tied to it by a leader line
        assert a["led"] or a["along"] <= 2.5, a
        assert a["box"][3] >= 9  # legible
    page.locator("#graph-panel").screenshot(path=screenshots / f"contributions-{case}.png")


def test_an_opened_box_and_the_output_stay_in_view(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    program, values = mlp()
    open_page(page, server, program, values, level="lines")  # a box to open
    panel = page.locator("#graph").bounding_box()
    assert panel is not None
    # the box drawn first (far from the output: the series h1 … h4, whose lines are then
    # drawn one by one), then the last
    for name in ["first", "last"]:
        boxes = page.locator("#graph > svg g.node.unit:not(.expanded)")
        box_g = boxes.first if name == "first" else boxes.last
        unit = box_g.get_attribute("id")
        series = "series" in (box_g.get_attribute("class") or "")
        lines = [node_named(page, f"h{k}") for k in range(1, 5)] if series else []
        page.locator(f'#graph > svg g.node.unit[id="{unit}"]').click()
        if series:  # opened: its lines, each a box of its own
            expect(page.locator("#graph > svg g.node.unit.series")).to_have_count(0)
            # (measured by its texts: a clicked box is selected, its thick outline may
            # reach past the drawing's edge)
            opened = [page.locator(f'#graph > svg g.node[id="{line}"] text') for line in lines]
        else:
            opened = [page.locator(f'#graph > svg g.cluster[id="cluster-{unit}"]')]
        for el in opened:
            expect(el.first).to_be_attached()
        page.wait_for_timeout(200)
        output = page.locator("#graph > svg g.node.output").first
        for el in [*(t for o in opened for t in o.all()), output]:
            box = el.bounding_box()
            assert box is not None
            assert box["x"] >= panel["x"] - 1 and box["y"] >= panel["y"] - 1, (name, box, panel)
            assert box["x"] + box["width"] <= panel["x"] + panel["width"] + 1, (name, box, panel)
            assert box["y"] + box["height"] <= panel["y"] + panel["height"] + 1, (name, box, panel)
        # the overview is shown when part of the drawing is out of view, in a corner that
        # covers no node (the MLP with its four lines drawn one by one fits whole)
        minimap = page.locator("#graph .minimap")
        if page.evaluate(WHOLE):
            expect(minimap).to_be_hidden()
        else:
            expect(minimap).to_be_visible()
        assert page.evaluate(COVERED) == []
        page.locator("#graph-panel").screenshot(path=screenshots / f"opened-{name}.png")
