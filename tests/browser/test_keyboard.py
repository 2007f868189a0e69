"""The playground by keyboard alone: the stepper, the graph and the values table, and what a
screen reader is told (the live region, the graph's active node and its name)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SEED = "c = a + b\nd = b + 1\ne = c * d"
SEED_URL = "/?" + urlencode({"expression": SEED, "a": 2, "b": 1})
RECORD = """() => {
  window.__events = [];
  for (const type of ["chainrule:select", "chainrule:toggle"])
    document.getElementById("graph").addEventListener(type, (e) =>
      window.__events.push({ type, ...e.detail }));
}"""


def ready(page: Page, server: str) -> dict[str, Any]:
    """Open the seed program; return the API's answer for it (ids, steps)."""
    page.goto(server + SEED_URL)
    expect(page.locator("#values-body tr")).to_have_count(5)
    expect(page.locator("#graph > svg > desc")).to_have_count(1)
    body = {"expression": SEED, "values": {"a": 2, "b": 1}}
    answer: dict[str, Any] = page.request.post(server + "/api/evaluate", data=body).json()
    return answer


def said(step: dict[str, Any], k: int, count: int) -> str:
    """What the live region says at step k (1-based): the server's lines, one space apart."""
    words = "; ".join(" ".join(line.split()) for line in step["text"])
    return f"Step {k} of {count}: {words}"


def focused(page: Page) -> str:
    """The id (or tag) of the element that has keyboard focus."""
    return str(page.evaluate("document.activeElement.id || document.activeElement.tagName"))


def ids_of(answer: dict[str, Any]) -> dict[str, str]:
    return {n["name"]: n["id"] for n in answer["nodes"] if n["name"]}


def test_the_stepper_keeps_focus_at_both_ends_and_steps_by_arrow_keys(
    page: Page, server: str, console_errors: list[str]
) -> None:
    answer = ready(page, server)
    count = len(answer["steps"])
    live = page.locator("#step-live")
    expect(live).to_have_attribute("aria-live", "polite")
    page.focus("#step-first")
    page.keyboard.press("Enter")
    assert focused(page) == "step-first"  # aria-disabled now, and still focused
    expect(page.locator("#step-first")).to_have_attribute("aria-disabled", "true")
    expect(live).to_have_text(said(answer["steps"][0], 1, count))
    assert "∂e/∂c = d = 2" in (live.text_content() or "")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#steps li").nth(2)).to_have_class(re.compile(r"\bcurrent\b"))
    # "Step 3 of 3: grad c = 2; ∂c/∂a = 1; grad a += 1 × 2 = 2; ..." in the server's words
    expect(live).to_have_text(said(answer["steps"][2], 3, count))
    assert (live.text_content() or "").startswith(f"Step 3 of {count}: grad c = 2; ")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#steps li").nth(1)).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("End")
    expect(page.locator("#steps li").last).to_have_class(re.compile(r"\bcurrent\b"))
    assert focused(page) == "step-first"
    # Next, pressed until the last step, keeps its focus; the next Tab goes on in order.
    page.focus("#step-first")
    page.keyboard.press("Home")
    page.focus("#step-next")
    for _ in range(count + 2):
        page.keyboard.press("Enter")
        assert focused(page) == "step-next"
    expect(page.locator("#step-next")).to_be_disabled()  # aria-disabled="true"
    page.focus("#step-last")
    page.keyboard.press("Enter")
    assert focused(page) == "step-last"
    page.keyboard.press("Tab")  # on in reading order: the list of steps (it scrolls)
    assert focused(page) == "steps"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#values-body') !== null")


def test_the_graph_moves_a_visible_focus_along_the_edges(
    page: Page, server: str, console_errors: list[str]
) -> None:
    ids = ids_of(ready(page, server))
    graph = page.locator("#graph")
    expect(graph).to_have_attribute("role", "application")
    expect(page.locator("#graph > svg > title")).to_have_text("Computation graph of e")
    expect(page.locator("#graph > svg > desc")).to_contain_text("inputs a, b")
    page.focus("#graph")
    expect(graph).to_have_attribute("aria-activedescendant", ids["e"])  # starts at the output
    expect(page.locator(f'#graph g[id="{ids["e"]}"]')).to_have_class(re.compile(r"\bkbd-focus\b"))
    label = page.locator(f'#graph g[id="{ids["e"]}"]').get_attribute("aria-label") or ""
    assert label.startswith("e = c × d (output)")
    assert "value 6, gradient 1" in label and "inputs c, d" in label
    page.keyboard.press("ArrowLeft")  # towards the inputs: c (the first input of e)
    expect(graph).to_have_attribute("aria-activedescendant", ids["c"])
    page.keyboard.press("ArrowDown")  # the next input of e
    expect(graph).to_have_attribute("aria-activedescendant", ids["d"])
    page.keyboard.press("ArrowLeft")  # d = b + 1: to b
    expect(graph).to_have_attribute("aria-activedescendant", ids["b"])
    b_label = page.locator(f'#graph g[id="{ids["b"]}"]').get_attribute("aria-label") or ""
    assert b_label.startswith("b (input)") and "used by c, d" in b_label
    page.keyboard.press("ArrowRight")  # back along the way it came
    expect(graph).to_have_attribute("aria-activedescendant", ids["d"])
    page.keyboard.press("Home")
    expect(graph).to_have_attribute("aria-activedescendant", ids["e"])
    assert focused(page) == "graph"  # DOM focus never left the graph
    expect(page.locator("#graph g.kbd-focus")).to_have_count(1)


def test_enter_selects_a_node_or_toggles_a_unit_and_the_selection_is_followed(
    page: Page, server: str, console_errors: list[str]
) -> None:
    ids = ids_of(ready(page, server))
    page.evaluate(RECORD)
    page.focus("#graph")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    page.keyboard.press(" ")
    events = page.evaluate("window.__events")
    assert events == [
        {"type": "chainrule:select", "id": ids["c"], "source": "keyboard"},
        {"type": "chainrule:select", "id": ids["c"], "source": "keyboard"},
    ]
    # A unit of the lines level (issue 16 draws them with class "unit") opens on Enter.
    page.evaluate(f"document.getElementById('{ids['c']}').classList.add('unit')")
    page.keyboard.press("Enter")
    assert page.evaluate("window.__events.at(-1)") == {"type": "chainrule:toggle", "id": ids["c"]}
    # The playground says what it selected: the graph's focus and the table's row follow.
    page.evaluate(
        "(id) => document.getElementById('graph').dispatchEvent("
        "new CustomEvent('chainrule:selected', {detail: {id}, bubbles: true}))",
        ids["b"],
    )
    expect(page.locator("#graph")).to_have_attribute("aria-activedescendant", ids["b"])
    expect(page.locator(f'#values-body tr[data-node="{ids["b"]}"]')).to_have_attribute(
        "aria-current", "true"
    )


def test_pan_and_zoom_without_dragging(page: Page, server: str, console_errors: list[str]) -> None:
    ready(page, server)
    svg = page.locator("#graph > svg")
    page.click("#zoom-in")
    page.click("#zoom-in")
    before = svg.get_attribute("viewBox")
    page.click("#pan-right")
    after_button = svg.get_attribute("viewBox")
    assert after_button != before
    page.focus("#graph")
    page.keyboard.press("Shift+ArrowLeft")  # Shift + arrows pan; the plain ones move the focus
    assert svg.get_attribute("viewBox") != after_button
    page.keyboard.press("-")
    page.keyboard.press("0")  # fit
    assert (svg.get_attribute("viewBox") or "").split()[2] != (before or "").split()[2]


def test_panning_stops_at_the_drawing_s_edge(
    page: Page, server: str, console_errors: list[str]
) -> None:
    ready(page, server)
    svg = page.locator("#graph > svg")
    # the home page's drawing fits its view: the first viewBox is the whole drawing
    home = [float(v) for v in (svg.get_attribute("viewBox") or "").split()]
    page.click("#zoom-in")
    page.click("#zoom-in")
    page.focus("#graph")
    for key in ("Shift+ArrowRight", "Shift+ArrowDown", "Shift+ArrowLeft", "Shift+ArrowUp"):
        for _ in range(40):  # far more than the drawing is wide or tall
            page.keyboard.press(key)
        x, y, w, h = (float(v) for v in (svg.get_attribute("viewBox") or "").split())
        # the view still overlaps the drawing by most of its size: it was never pushed off
        overlap_w = min(x + w, home[0] + home[2]) - max(x, home[0])
        overlap_h = min(y + h, home[1] + home[3]) - max(y, home[1])
        assert overlap_w >= 0.9 * min(w, home[2]) and overlap_h >= 0.9 * min(h, home[3]), key
    for _ in range(40):
        page.click("#pan-right")
    x, _, w, _ = (float(v) for v in (svg.get_attribute("viewBox") or "").split())
    assert min(x + w, home[0] + home[2]) - max(x, home[0]) >= 0.9 * min(w, home[2])


def test_the_table_is_the_graph_s_twin_by_keyboard(
    page: Page, server: str, console_errors: list[str]
) -> None:
    ids = ids_of(ready(page, server))
    page.evaluate(RECORD)
    first = page.locator("#values-body tr").first
    first.focus()
    assert page.evaluate("document.activeElement.tagName") == "TR"
    page.keyboard.press("ArrowDown")
    second = page.locator("#values-body tr").nth(1)
    node = second.get_attribute("data-node")
    assert page.evaluate("document.activeElement.dataset.node") == node
    page.keyboard.press("Enter")
    assert page.evaluate("window.__events") == [
        {"type": "chainrule:select", "id": node, "source": "table"}
    ]
    expect(second).to_have_class(re.compile(r"\bselected\b"))
    expect(page.locator(f'#graph > svg g.selected[id="{node}"]')).to_have_count(1)
    assert node in ids.values()


def test_table_rows_are_focusable_from_the_start_without_javascript(
    page: Page, server: str
) -> None:
    page.route(re.compile(r".*\.js(\?.*)?$"), lambda route: route.abort())
    page.goto(server + SEED_URL)
    rows = page.locator("#values-body tr")
    expect(rows).to_have_count(5)
    for k in range(5):
        expect(rows.nth(k)).to_have_attribute("tabindex", "0")
