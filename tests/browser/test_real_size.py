"""The playground at real size: a 68-line program, a 2-4-1 MLP, a 600-operation chain."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.browser.overview import COVERED
from tests.browser.programs import chain, long_program, mlp, shared_chain

pytestmark = pytest.mark.browser

READABLE_PX = 7.5  # the smallest label height the first view may show ("about 8 px")


def open_page(page: Page, server: str, expression: str, **values: float | str) -> None:
    page.goto(server + "/?" + urlencode({"expression": expression, **values}))
    expect(page.locator("#graph > svg")).to_have_count(1, timeout=60_000)
    page.wait_for_function("() => !document.getElementById('graph').classList.contains('loading')")
    expect(page.locator("#output-line")).to_be_visible(timeout=60_000)


def label_px(page: Page) -> float:
    """The on-screen height of an 11-unit label of the drawing, in CSS pixels."""
    return float(page.evaluate("document.querySelector('#graph > svg').getScreenCTM().a * 11"))


def in_view(page: Page, selector: str) -> bool:
    """True if the centre of the element is inside the graph's box on screen (an element
    far outside the view is not even laid out: display none, no box)."""
    box = page.locator(selector).first.bounding_box()
    frame = page.locator("#graph").bounding_box()
    assert frame is not None
    if box is None:
        return False
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    inside_x = frame["x"] <= cx <= frame["x"] + frame["width"]
    return inside_x and frame["y"] <= cy <= frame["y"] + frame["height"]


def evaluate_bodies(page: Page) -> list[dict[str, object]]:
    """Collect the JSON bodies of the page's POST /api/evaluate requests from now on."""
    bodies: list[dict[str, object]] = []

    def on_request(request: Request) -> None:
        if request.url.endswith("/api/evaluate") and request.post_data:
            bodies.append(json.loads(request.post_data))

    page.on("request", on_request)
    return bodies


def test_a_value_change_patches_the_numbers_without_a_new_picture(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    open_page(page, server, chain(600), x=1)
    page.evaluate("document.querySelector('#graph > svg').dataset.mark = 'first'")
    bodies = evaluate_bodies(page)
    page.fill("#in-x", "2")
    answer = page.request.post(
        server + "/api/evaluate", data={"expression": chain(600), "values": {"x": 2}}
    ).json()
    output = next(n for n in answer["nodes"] if n["id"] == answer["output_id"])
    # the box showing the output: its own, or the series box of its last line (of-nK)
    box = f'#graph > svg g.node[id="{output["id"]}"], #graph > svg g.node.of-{output["id"]}'
    drawn = page.locator(box).locator("text").last
    expect(drawn).to_have_text(output["grad_text"])
    value = page.locator(box).locator("text").nth(-3)
    expect(value).to_have_text(output["value_text"])
    # The same drawing, re-labelled: no picture was asked for.
    assert page.evaluate("document.querySelector('#graph > svg').dataset.mark") == "first"
    assert bodies and all(b["svg"] is False for b in bodies if b["values"] == {"x": 2})
    page.screenshot(path=screenshots / "chain-600-patched.png")


# The drawing's root group across the graph's box: (left, right) of each, on screen.
ACROSS = """() => {
  const d = document.querySelector('#graph > svg g.graph').getBoundingClientRect();
  const p = document.getElementById('graph').getBoundingClientRect();
  return [d.left, d.right, p.left, p.right];
}"""


@pytest.mark.parametrize("program", [chain(600), shared_chain(600)], ids=["chain", "shared-w"])
def test_a_600_op_first_view_shows_its_rows_whole_across(
    page: Page, server: str, screenshots: Path, console_errors: list[str], program: str
) -> None:
    # wrapped into rows as wide as the view: the left column was cut (the rows were
    # estimated narrower than dot drew their big drawing's plain nodes, and a weight used
    # by every line adds its lanes at the right)
    open_page(page, server, program, x=1, w=0.999, level="ops")
    assert label_px(page) >= READABLE_PX
    left, right, panel_left, panel_right = page.evaluate(ACROSS)
    assert left >= panel_left - 1 and right <= panel_right + 1, (
        left,
        right,
        panel_left,
        panel_right,
    )
    page.locator("#graph-panel").screenshot(path=screenshots / f"rows-600-{program[-8:-5]}.png")


def test_the_first_view_of_a_big_graph_is_readable_and_shows_the_output(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    open_page(page, server, chain(600), x=1, level="ops")  # the op level (auto: lines)
    assert label_px(page) >= READABLE_PX
    output_id = page.evaluate("document.querySelector('#values-body tr.kind-output').dataset.node")
    assert in_view(page, f'#graph > svg g[id="{output_id}"]')
    # the overview of the rest never covers a node: the rows fill the panel, so it folds
    # away until the view leaves it a free corner
    assert page.evaluate(COVERED) == []
    page.screenshot(path=screenshots / "chain-600-first-view.png")
    # "+" zooms in towards drawn nodes, never into empty paper.
    for _ in range(3):
        page.click("#zoom-in")
    visible = page.evaluate(
        """() => {
            const frame = document.getElementById('graph').getBoundingClientRect();
            return [...document.querySelectorAll('#graph > svg g.node')].some((g) => {
                const r = g.getBoundingClientRect();
                return r.right > frame.left && r.left < frame.right
                    && r.bottom > frame.top && r.top < frame.bottom;
            });
        }"""
    )
    assert visible
    # The overview moves the view: a click on the input's place in it shows the input.
    first_id = page.evaluate("document.querySelector('#values-body tr.kind-input').dataset.node")
    assert not in_view(page, f'#graph > svg g[id="{first_id}"]')
    # Far from the view, boxes are not laid out at all (what makes big graphs fast).
    hidden = page.locator("#graph > svg g.node[display=none]").count()
    assert hidden > page.locator("#graph > svg g.node").count() / 2
    minimap = page.locator("#graph .minimap")
    for _ in range(6):  # zoomed out, the rows leave a corner free: the overview is there
        if minimap.is_visible():
            break
        page.click("#zoom-out")
    expect(minimap).to_be_visible()
    assert page.evaluate(COVERED) == []
    assert not in_view(page, f'#graph > svg g[id="{first_id}"]')
    spot = page.evaluate(
        """(id) => {
            const main = document.querySelector('#graph > svg');
            const node = main.querySelector(`g[id="${id}"]`);
            const culled = node.getAttribute('display');
            node.removeAttribute('display');  // measure it where it is drawn
            const g = node.getBoundingClientRect();
            if (culled) node.setAttribute('display', culled);
            const p = new DOMPoint(g.x + g.width / 2, g.y + g.height / 2)
                .matrixTransform(main.getScreenCTM().inverse())
                .matrixTransform(document.querySelector('#graph .minimap svg').getScreenCTM());
            return [p.x, p.y];
        }""",
        first_id,
    )
    page.mouse.click(spot[0], spot[1])
    assert in_view(page, f'#graph > svg g[id="{first_id}"]')


def test_dragging_pans_and_selects_no_text(
    page: Page, server: str, console_errors: list[str]
) -> None:
    # op by op (the lines level folds the chain into one series box, wholly in view)
    open_page(page, server, chain(200), x=1, level="ops")
    before = page.locator("#graph > svg").get_attribute("viewBox")
    box = page.locator("#graph").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # the first view is the rows at the output (the bottom): dragging down brings the start in
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(x + 3 * k, y + 20 * k)
    page.mouse.up()
    moved = page.locator("#graph > svg").get_attribute("viewBox")
    assert moved != before
    assert page.evaluate("window.getSelection().toString()") == ""
    # dragging back up far past the output's end stops at the edge it started from (the
    # rows are wider than the view: the first drag's sideways part stays)
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 41):
        page.mouse.move(x, y - 20 * k)
    page.mouse.up()
    after = str(page.locator("#graph > svg").get_attribute("viewBox")).split()
    assert after[1:] == str(before).split()[1:]
    assert after[0] == str(moved).split()[0]


def test_the_graph_fills_the_window_and_escape_leaves(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_page(page, server, chain(200), x=1)
    page.click("#graph-full")
    box = page.locator("#graph").bounding_box()
    assert box is not None and box["width"] > 1200 and box["height"] > 650
    assert label_px(page) >= READABLE_PX
    page.screenshot(path=screenshots / "chain-200-full-window.png")
    page.keyboard.press("Escape")
    box = page.locator("#graph").bounding_box()
    assert box is not None and box["width"] < 1000


def test_stepping_through_a_big_graph_keeps_the_current_node_in_view(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    open_page(page, server, chain(600), x=1)
    page.click("#step-last")  # the last step is at the start of the chain, far from the output
    current = "#graph > svg g.node.value.step-current"
    expect(page.locator(current)).to_have_count(1)
    assert in_view(page, current)
    expect(page.locator("#step-counter")).to_contain_text("Step 601 of 601")
    page.click("#step-first")
    assert in_view(page, current)
    page.click("#step-next")
    assert in_view(page, current)
    expect(page.locator("#steps li.current")).to_contain_text("grad t299 += 0.999 × 1 = 0.999")
    page.locator("#steps-heading").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "chain-600-stepping.png")
    # The long table scrolls in its own box: the page stays short.
    assert page.evaluate("document.documentElement.scrollHeight") < 5000


def test_a_68_line_program_keeps_the_editor_bounded_and_its_error_in_view(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    program = long_program(68)
    open_page(page, server, program, w=0.5, x=2, y=3)
    editor = page.locator("#editor").bounding_box()
    inputs = page.locator("#inputs").bounding_box()
    assert editor is not None and inputs is not None
    assert editor["height"] < 520  # 18 lines, then it scrolls
    assert inputs["y"] < 1000  # the inputs are not pushed off the screen
    lines = program.split("\n")
    lines[60] = lines[60].replace("*", "* *", 1)  # a syntax error on line 61
    page.locator("#expression").fill("\n".join(lines))
    expect(page.locator("#error-where")).to_contain_text("line 61")
    mark = page.locator("#backdrop mark").bounding_box()
    assert mark is not None
    assert editor["y"] <= mark["y"] and mark["y"] + mark["height"] <= editor["y"] + editor["height"]
    # The gutter scrolled with the text: the number beside the error is 61.
    scroll = page.evaluate(
        "[document.getElementById('expression').scrollTop,"
        " document.getElementById('gutter').scrollTop]"
    )
    assert scroll[0] > 0 and scroll[0] == scroll[1]
    page.screenshot(path=screenshots / "long-program-error.png")


def test_the_mlp_shows_every_input_and_explains_the_skipped_numeric_check(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    program, values = mlp()
    open_page(page, server, program, **values)
    expect(page.locator("#inputs .input-row")).to_have_count(20)
    expect(page.locator("#fd-note")).to_be_visible()
    expect(page.locator("#fd-note")).to_contain_text("20 inputs")
    expect(page.locator("#values-body tr td.fd").first).to_have_text("–")
    assert label_px(page) >= READABLE_PX
    page.screenshot(path=screenshots / "mlp.png", full_page=True)


def test_a_slider_keeps_its_range_during_a_drag(
    page: Page, server: str, console_errors: list[str]
) -> None:
    open_page(page, server, "x^2 + 1", x=2)
    slider = page.locator("#range-x")
    limits = slider.evaluate("r => [r.min, r.max]")
    box = slider.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.6, y)
    page.mouse.down()
    seen = []
    for k in range(20):  # drag towards 0, where a re-centred range would shrink to ±1
        page.mouse.move(box["x"] + box["width"] * (0.6 - 0.005 * k), y)
        page.wait_for_timeout(20)
        seen.append(slider.evaluate("r => [r.min, r.max]"))
    page.mouse.up()
    assert all(s == limits for s in seen)


def test_a_domain_error_at_the_defaults_still_shows_every_input(
    page: Page, server: str, screenshots: Path
) -> None:
    page.goto(server + "/")
    expect(page.locator("#values-body tr")).to_have_count(5)
    page.locator("#expression").fill("y = log(x - 1) + z")
    expect(page.locator("#error-message")).to_contain_text("log")
    expect(page.locator("#in-x")).to_be_visible()
    expect(page.locator("#in-z")).to_be_visible()
    expect(page.locator("#values-table")).to_have_class(re.compile(r"\bstale\b"))
    expect(page.locator("#steps")).to_have_class(re.compile(r"\bstale\b"))
    page.fill("#in-x", "3")
    expect(page.locator("#error-box")).to_be_hidden()
    expect(page.locator("#values-table")).not_to_have_class(re.compile(r"\bstale\b"))
    page.screenshot(path=screenshots / "domain-error-fixed.png")


def test_the_console_is_clean_on_load(page: Page, server: str) -> None:
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: messages.append(str(e)))
    page.goto(server + "/")
    expect(page.locator("#values-body tr")).to_have_count(5)
    expect(page.locator("#tr-params input[type=text]").first).to_be_visible()
    page.wait_for_timeout(500)
    assert messages == []  # not even a 422


def test_phone_and_dark_layouts_keep_the_big_graph_and_the_table_usable(
    browser: Browser, server: str, screenshots: Path
) -> None:
    program, values = mlp()
    for scheme in ("dark", "light"):
        context = browser.new_context(
            color_scheme=scheme, viewport={"width": 390, "height": 844}, device_scale_factor=1
        )
        page = context.new_page()
        try:
            open_page(page, server, program, **values)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            assert label_px(page) >= READABLE_PX
            # The table's further columns are reachable (it scrolls) and say so.
            wrap = page.locator("#table-wrap")
            assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")
            expect(page.locator("#table-more")).to_be_visible()
            page.locator("#graph-panel").screenshot(path=screenshots / f"mlp-phone-{scheme}.png")
            wrap.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
            wrap.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + scrollY - 60)")
            expect(page.locator("#values-table th", has_text="Difference")).to_be_in_viewport()
            page.screenshot(path=screenshots / f"mlp-phone-{scheme}-table.png")
        finally:
            context.close()


def test_a_links_precision_holds_for_patched_numbers(
    page: Page, server: str, console_errors: list[str]
) -> None:
    open_page(page, server, "y = x / 3", x=1, precision=3)
    page.fill("#in-x", "2")
    output = page.evaluate("document.querySelector('#values-body tr.kind-output').dataset.node")
    # the compact node: its value is its last text but one
    expect(page.locator(f'#graph > svg g[id="{output}"] text').nth(-2)).to_have_text("0.667")
    expect(page).to_have_url(re.compile(r"precision=3"))
