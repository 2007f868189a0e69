"""A phone (390x844): the overview never covers a node, an opened call leaves at least half
the graph panel to the drawing; at either size nothing of the page's own covers a node."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.overview import COVERED, UNDER_PAGE
from tests.browser.programs import mlp, neurons

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}


def open_phone(
    page: Page, server: str, program: str, values: dict[str, float], **extra: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(server + "/?" + urlencode({"expression": program, **values, **extra}))
    page.wait_for_selector("#graph > svg g.node")
    expect(page.locator("#values-body tr").first).to_be_visible()


def test_the_overview_never_covers_a_node_while_the_view_moves(
    page: Page, server: str, console_errors: list[str]
) -> None:
    program, values = mlp()
    open_phone(page, server, program, values)
    page.locator("#graph").focus()
    for key in ["+", "+", "Shift+ArrowRight", "Shift+ArrowDown", "+", "Shift+ArrowLeft", "-"]:
        page.keyboard.press(key)
        page.wait_for_timeout(120)
        assert page.evaluate(COVERED) == [], key


def test_an_opened_call_leaves_half_the_panel_to_the_drawing(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    program, values = neurons()
    open_phone(page, server, program, values, level="lines")  # (legible op by op on a phone)
    # a call's box (h1 and h2, calls of one shape, are folded into a series box)
    unit = page.locator("#graph > svg g.node.unit:not(.series)").first.get_attribute("id")
    page.locator(f'#graph > svg g.node.unit[id="{unit}"]').click()
    expect(page.locator(f'#graph > svg g.cluster[id="cluster-{unit}"]')).to_have_count(1)
    page.wait_for_timeout(200)
    graph = page.locator("#graph").bounding_box()
    panel = page.locator("#graph-panel").bounding_box()
    assert graph is not None and panel is not None
    assert graph["height"] >= panel["height"] / 2
    assert graph["height"] >= PHONE["height"] / 2 - 1
    assert page.evaluate(COVERED) == []
    page.locator("#graph-panel").screenshot(path=screenshots / "phone-opened-call.png")


@pytest.mark.parametrize("size", [PHONE, {"width": 1280, "height": 800}], ids=["phone", "desktop"])
def test_nothing_of_the_page_covers_a_node_as_boxes_open(
    page: Page, server: str, console_errors: list[str], size: ViewportSize
) -> None:
    program, values = mlp()
    open_phone(page, server, program, values, level="lines")  # boxes to open
    page.set_viewport_size(size)
    loaded = "() => !document.getElementById('graph').classList.contains('loading')"
    page.wait_for_function(loaded)
    page.locator("#graph").scroll_into_view_if_needed()
    assert page.evaluate(UNDER_PAGE) == []
    page.locator("#graph > svg g.node.unit.series").click()  # the four neurons, one by one
    for name in ("h4", "h1"):  # each box found (brought into view), then clicked for real
        page.wait_for_timeout(300)
        page.fill("#graph-find", name)
        page.press("#graph-find", "Enter")
        page.wait_for_timeout(300)
        unit = page.locator("#graph > svg g.node.unit:not(.series)", has_text=f"{name} =")
        box = str(unit.get_attribute("id"))
        unit.click()
        expect(page.locator(f'#graph > svg g.cluster[id="cluster-{box}"]')).to_have_count(1)
        page.wait_for_function(loaded)
        page.wait_for_timeout(300)
        assert page.evaluate(UNDER_PAGE) == [], name


def test_the_overview_keeps_off_the_legend_too(
    page: Page, server: str, console_errors: list[str]
) -> None:
    # two neurons on a phone, zoomed in: the overview sat on the legend (read as a node is)
    program, values = neurons()
    open_phone(page, server, program, values)
    page.locator("#graph").scroll_into_view_if_needed()
    page.locator("#graph").focus()
    for key in ["+", "+", "Shift+ArrowRight", "-"]:
        page.keyboard.press(key)
        page.wait_for_timeout(150)
        assert page.evaluate(UNDER_PAGE) == [], key


TEXTS_OUT_OF_NODES = """(svg) => {
  const out = [];
  for (const node of svg.querySelectorAll('g.node.value')) {
    const shape = node.querySelector('path, polygon').getBoundingClientRect();
    for (const t of node.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (r.left < shape.left - 0.5 || r.right > shape.right + 0.5) out.push(t.textContent);
    }
  }
  return out;
}"""


def test_a_one_line_neuron_on_a_phone_is_a_tree_with_every_text_in_its_node(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    # It was wrapped into three rows of text, its first product at the far end of the row
    # after its inputs, "sigmoid" running out of the output's box: the phone's box is half
    # the screen tall, room for the tree top down.
    values = {"w1": 0.5, "x1": 1.0, "w2": -0.3, "x2": 2.0, "b": 0.1}
    open_phone(page, server, "sigmoid(w1*x1 + w2*x2 + b)", values)
    svg = page.locator("#graph > svg")
    expect(page.locator("#level-toggle")).to_have_attribute("data-level", "ops")
    assert svg.locator("g.edge.far").count() == 0  # no rows, no edges routed between them
    tops = svg.evaluate(
        "(svg) => Object.fromEntries([...svg.querySelectorAll('g.node.value')].map("
        "(g) => [g.querySelector('text').textContent, g.getBoundingClientRect().top]))"
    )
    assert tops["w1"] == tops["x1"] == tops["w2"] == tops["x2"] < tops["b"] < tops["output"]
    assert svg.evaluate(TEXTS_OUT_OF_NODES) == []
    assert page.evaluate(COVERED) == []
    page.locator("#graph-panel").screenshot(path=screenshots / "phone-neuron.png")
