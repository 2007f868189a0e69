"""The playground in a real browser: live gradients, errors, stepping, sharing, no-JS."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, Request, expect

pytestmark = pytest.mark.browser

SEED = "c = a + b\nd = b + 1\ne = c * d"


def row(page: Page, name: str) -> str:
    """The CSS selector of the table row of a named node."""
    node = page.locator("#values-body tr", has=page.locator(f'th:text-is("{name}")'))
    node_id = node.get_attribute("data-node")
    return f'#values-body tr[data-node="{node_id}"]'


def grad_in_svg(page: Page, name: str) -> str:
    """The gradient drawn in a named node's box (its last text, by the SVG contract)."""
    node_id = page.locator(row(page, name)).get_attribute("data-node")
    return page.locator(f'#graph > svg g[id="{node_id}"] text').last.text_content() or ""


def type_program(page: Page, text: str) -> None:
    editor = page.locator("#expression")
    editor.fill("")
    editor.press_sequentially(text, delay=10)


def test_typing_a_program_updates_gradients_in_table_and_graph(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    page.goto(server + "/")
    type_program(page, "(a+b)*(b+1)")
    page.fill("#in-a", "2")
    page.fill("#in-b", "1")
    expect(page.locator("#output-value")).to_have_text("6")
    expect(page.locator(row(page, "a") + " .grad")).to_have_text("2")
    expect(page.locator(row(page, "b") + " .grad")).to_have_text("5")
    assert grad_in_svg(page, "a") == "2"
    assert grad_in_svg(page, "b") == "5"
    # The finite-difference check agrees with autodiff beside each input.
    expect(page.locator(row(page, "b") + " .fd")).to_have_text("5")
    page.screenshot(path=screenshots / "live.png", full_page=True)


def test_moving_a_slider_recomputes_at_once(
    page: Page, server: str, console_errors: list[str]
) -> None:
    page.goto(server + "/?" + urlencode({"expression": "x^2", "x": 3}))
    expect(page.locator(row(page, "x") + " .grad")).to_have_text("6")
    slider = page.locator("#range-x")
    slider.focus()
    slider.press("ArrowRight")  # one slider step up from 3
    expect(page.locator("#in-x")).not_to_have_value("3")
    x = float(page.input_value("#in-x"))
    expect(page.locator(row(page, "x") + " .grad")).to_have_text(f"{2 * x:.4g}")  # 4 digits


def test_an_error_is_underlined_at_its_column_and_the_last_graph_dims(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    page.goto(server + "/?" + urlencode({"expression": "a * b", "a": 2, "b": 3}))
    expect(page.locator(row(page, "b") + " .grad")).to_have_text("2")
    type_program(page, "a + * b")
    expect(page.locator("#error-box")).to_be_visible()
    expect(page.locator("#error-where")).to_have_text("line 1, column 5: ")
    mark = page.locator("#backdrop mark")
    expect(mark).to_have_text("*")
    # The mark sits after exactly four monospace characters ("a + ") of the text area.
    box, area = mark.bounding_box(), page.locator("#backdrop").bounding_box()
    assert box is not None and area is not None
    padding = page.evaluate(
        "parseFloat(getComputedStyle(document.getElementById('backdrop')).paddingLeft)"
    )
    assert box["x"] - area["x"] - padding == pytest.approx(4 * box["width"], abs=1.5)
    graph = page.locator("#graph")
    expect(graph).to_have_class(re.compile(r"\bstale\b"))
    expect(graph.locator("> svg")).to_have_count(1)  # the last good graph stays
    page.screenshot(path=screenshots / "error.png", full_page=True)
    type_program(page, "a + b")
    expect(page.locator("#error-box")).to_be_hidden()
    expect(graph).not_to_have_class(re.compile(r"\bstale\b"))


def test_stepping_walks_the_backward_pass_in_reverse_topological_order(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    page.goto(server + "/?" + urlencode({"expression": SEED, "a": 2, "b": 1}))
    expect(page.locator(row(page, "b") + " .grad")).to_have_text("5")
    api = page.request.post(
        server + "/api/evaluate", data={"expression": SEED, "values": {"a": 2, "b": 1}}
    ).json()
    expected = [s["node"] for s in api["steps"]]
    assert expected[0] == api["output_id"]

    page.click("#step-first")
    seen = []
    for i in range(len(expected)):
        current = page.locator("#graph > svg g.node.value.step-current")
        expect(current).to_have_count(1)
        seen.append(current.get_attribute("id"))
        if i == 0:
            # Only the output has a gradient so far: the inputs' are blank.
            expect(page.locator(row(page, "a") + " .grad")).to_have_text("")
            expect(page.locator(row(page, "e") + " .grad")).to_have_text("1")
            page.screenshot(path=screenshots / "step-first.png", full_page=True)
        if i < len(expected) - 1:
            page.click("#step-next")
    assert seen == expected
    expect(page.locator("#step-next")).to_be_disabled()
    # b is used twice: it visibly receives two contributions, 2 (through c) and 3 (through d).
    expect(page.locator(row(page, "b") + " .grad")).to_have_text(
        re.compile(r"^(2 \+ 3|3 \+ 2) = 5$")
    )
    expect(page.locator("#steps li.current")).to_contain_text("grad b += 1 × 2 = 2")
    # b's total is written out once complete; the constant 1 of d = b + 1 gets no line.
    expect(page.locator("#steps")).to_contain_text("grad b = 3 + 2 = 5")
    expect(page.locator("#steps")).not_to_contain_text("grad 1 +=")
    page.screenshot(path=screenshots / "step-last.png", full_page=True)


def test_clicking_a_node_selects_its_row(
    page: Page, server: str, console_errors: list[str]
) -> None:
    page.goto(server + "/?" + urlencode({"expression": SEED, "a": 2, "b": 1}))
    selector = row(page, "c")
    node_id = page.locator(selector).get_attribute("data-node")
    page.locator(f'#graph > svg g[id="{node_id}"]').click()
    expect(page.locator(selector)).to_have_class(re.compile(r"\bselected\b"))
    page.locator(row(page, "d")).click()
    expect(page.locator(f'#graph > svg g.selected[id="{node_id}"]')).to_have_count(0)


def test_view_toggles_redraw_the_graph(page: Page, server: str, console_errors: list[str]) -> None:
    page.goto(server + "/?" + urlencode({"expression": SEED, "a": 2, "b": 1}))
    expect(page.locator("#graph > svg")).to_have_count(1)
    expect(page.locator("#graph > svg g.edge text")).to_have_count(0)
    page.check("#opt-local-grads")
    expect(page.locator("#graph > svg g.edge text").first).to_be_visible()  # ∂target/∂source
    expect(page).to_have_url(re.compile(r"local_grads=true"))


def test_a_share_link_reproduces_the_view(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    page.goto(server + "/?" + urlencode({"expression": "x^3 + 2*x", "x": 4}))
    expect(page.locator("#output-value")).to_have_text("72")
    page.fill("#in-x", "2")
    expect(page.locator(row(page, "x") + " .grad")).to_have_text("14")
    link = page.input_value("#share-url")
    assert "x=2" in link
    page.goto(link)
    expect(page.locator("#expression")).to_have_value("x^3 + 2*x")
    expect(page.locator("#in-x")).to_have_value("2")
    expect(page.locator(row(page, "x") + " .grad")).to_have_text("14")


def test_the_page_works_without_javascript(
    browser: Browser, server: str, screenshots: Path
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server + "/?" + urlencode({"expression": "(a+b)*(b+1)", "a": 2, "b": 1}))
        expect(page.locator("#graph > svg")).to_have_count(1)
        expect(page.locator(row(page, "a") + " .grad")).to_have_text("2")
        expect(page.locator(row(page, "b") + " .grad")).to_have_text("5")
        expect(page.locator("#steps li")).to_have_count(3)
        page.screenshot(path=screenshots / "no-js.png", full_page=True)
        page.fill("#in-a", "5")
        page.click("#evaluate")
        expect(page).to_have_url(re.compile(r"a=5"))
        expect(page.locator("#output-value")).to_have_text("12")
    finally:
        context.close()


def test_dark_theme_and_phone_width(browser: Browser, server: str, screenshots: Path) -> None:
    context = browser.new_context(
        color_scheme="dark", viewport={"width": 390, "height": 844}, device_scale_factor=1
    )
    page = context.new_page()
    try:
        page.goto(server + "/?" + urlencode({"expression": SEED, "a": 2, "b": 1}))
        expect(page.locator("#values-body tr")).to_have_count(5)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # nothing overflows sideways at phone width
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(21, 23, 27)"
        page.screenshot(path=screenshots / "dark-phone.png", full_page=True)
    finally:
        context.close()


def test_the_examples_menu_loads_a_seed_example(
    page: Page, server: str, console_errors: list[str]
) -> None:
    page.goto(server + "/")
    menu = page.locator("#examples")
    expect(menu.locator("option")).not_to_have_count(1)  # filled from GET /api/examples
    menu.select_option(value="three-variables")
    expect(page.locator("#example-explanation")).to_be_visible()
    # 56.468…, 181.95…, at the page's precision (4 digits), as the drawing writes them
    expect(page.locator(row(page, "x") + " .grad")).to_have_text("56.47")
    expect(page.locator(row(page, "z") + " .grad")).to_have_text("182")


def test_copy_link_puts_the_share_url_on_the_clipboard(
    page: Page, server: str, console_errors: list[str]
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page.goto(server + "/?" + urlencode({"expression": "x^2", "x": 3}))
    expect(page.locator(row(page, "x") + " .grad")).to_have_text("6")
    page.click("#copy-link")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#share-url").input_value()
    assert "expression=x%5E2" in copied and "x=3" in copied


def test_downloads_are_real_files(page: Page, server: str, console_errors: list[str]) -> None:
    page.goto(server + "/?" + urlencode({"expression": SEED, "a": 2, "b": 1}))
    expect(page.locator(row(page, "b") + " .grad")).to_have_text("5")
    starts = {"svg": b"<?xml", "png": b"\x89PNG", "dot": b"digraph", "json": b"{"}
    for kind, start in starts.items():
        with page.expect_download() as info:
            page.click(f"#dl-{kind}")
        data = open(info.value.path(), "rb").read()  # noqa: SIM115
        assert data.lstrip().startswith(start), kind


def test_zoom_buttons_change_the_view_and_fit_restores_it(
    page: Page, server: str, console_errors: list[str]
) -> None:
    page.goto(server + "/?" + urlencode({"expression": SEED, "a": 2, "b": 1}))
    svg = page.locator("#graph > svg")
    expect(svg).to_have_count(1)
    home = svg.get_attribute("viewBox")
    page.click("#zoom-in")
    zoomed = svg.get_attribute("viewBox")
    assert zoomed != home
    home_w, zoomed_w = (float((v or "0 0 0 0").split()[2]) for v in (home, zoomed))
    assert zoomed_w < home_w  # zooming in shows less of the drawing
    page.click("#zoom-fit")
    assert svg.get_attribute("viewBox") == home


IN_VIEW = """() => {
  const g = document.getElementById('graph').getBoundingClientRect();
  const nodes = [...document.querySelectorAll('#graph > svg g.node')];
  return nodes.filter((n) => {
    const r = n.getBoundingClientRect();
    const across = r.left >= g.left - 1 && r.right <= g.right + 1;
    return across && r.top >= g.top - 1 && r.bottom <= g.bottom + 1;
  }).length + '/' + nodes.length;
}"""


def test_fit_shows_the_whole_drawing_at_the_level_chosen(
    page: Page, server: str, console_errors: list[str]
) -> None:
    # a 120-operation chain asked op by op is not legible whole: Fit showed the lines level
    # instead (a new drawing), or only the middle of the operations
    page.set_viewport_size({"width": 1280, "height": 800})
    program = "\n".join(["t0 = x"] + [f"t{k} = t{k - 1} * 0.999 + 0.01" for k in range(1, 61)])
    page.goto(server + "/?" + urlencode({"expression": program, "x": 0.5, "level": "ops"}))
    expect(page.locator("#level-toggle")).to_have_attribute("data-level", "ops")
    page.wait_for_function("() => !document.getElementById('graph').classList.contains('loading')")
    page.wait_for_timeout(1000)  # (the numeric check's request, after the first answer)
    shown, drawn = (int(v) for v in page.evaluate(IN_VIEW).split("/"))
    assert shown < drawn  # the first view: legible, so a part
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/" in r.url else None)
    page.click("#zoom-fit")
    page.wait_for_timeout(400)
    assert page.evaluate(IN_VIEW) == f"{drawn}/{drawn}"
    assert asked == []  # the same drawing, not another level's
    expect(page.locator("#level-toggle")).to_have_attribute("data-level", "ops")


def test_the_inputs_and_warnings_are_the_servers_not_read_from_the_text(
    page: Page, server: str, console_errors: list[str]
) -> None:
    page.goto(server + "/?" + urlencode({"expression": "x^2", "x": 3}))
    expect(page.locator(row(page, "x") + " .grad")).to_have_text("6")
    bodies: list[dict[str, object]] = []

    def on_request(request: Request) -> None:
        if request.url.endswith("/api/evaluate") and request.post_data:
            bodies.append(json.loads(request.post_data))

    page.on("request", on_request)
    # a new input: one request (the server takes the default for it), its field in order
    type_program(page, "cc = zeta * x\nc")
    expect(page.locator("#inputs .input-row")).to_have_count(3)
    names = page.locator("#inputs .input-row").evaluate_all("rs => rs.map(r => r.dataset.name)")
    assert names == ["zeta", "x", "c"]
    expect(page.locator("#in-zeta")).to_have_value("1")
    assert not any(b.get("values") == {} for b in bodies)  # never asked again without values
    assert all(b.get("default_value") == 1 for b in bodies if not b.get("numbers_only"))
    # the value of x is kept for a later program: no warning for it, the others are shown
    warnings = page.locator("#warnings")
    expect(warnings).to_contain_text("'cc' (line 1) is assigned but never used")
    type_program(page, "2*y")
    expect(page.locator(row(page, "y") + " .grad")).to_have_text("2")
    expect(warnings).to_be_hidden()
    # a program that cannot be computed still gets its fields, from POST /api/inputs
    with page.expect_request("**/api/inputs"):
        type_program(page, "log(q - 5)")
    expect(page.locator("#in-q")).to_be_visible()
