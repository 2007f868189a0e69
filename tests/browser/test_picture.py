"""The picture explains at real size: lines and calls as units, shared inputs drawn once,
find and follow any node, stepping marked in every drawing (real Chromium, 1280x800)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.browser.programs import (
    long_program,
    mlp,
    neurons,
    rnn,
    shared_chain,
    softmax_xent,
    wide_program,
)

pytestmark = pytest.mark.browser

LEGIBLE_PX = 9.0


def open_page(page: Page, server: str, expression: str, **values: float | str) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(server + "/?" + urlencode({"expression": expression, **values}))
    expect(page.locator("#graph > svg")).to_have_count(1, timeout=60_000)
    page.wait_for_function("() => !document.getElementById('graph').classList.contains('loading')")
    expect(page.locator("#level-toggle")).to_be_visible(timeout=30_000)


def label_px(page: Page) -> float:
    return float(page.evaluate("document.querySelector('#graph > svg').getScreenCTM().a * 11"))


def whole_in_view(page: Page) -> bool:
    """True if every drawn box is inside the graph's frame on screen."""
    return bool(
        page.evaluate(
            """() => {
                const f = document.getElementById('graph').getBoundingClientRect();
                return [...document.querySelectorAll('#graph > svg g.node')].every((g) => {
                    const r = g.getBoundingClientRect();
                    return r.left >= f.left - 1 && r.right <= f.right + 1
                        && r.top >= f.top - 1 && r.bottom <= f.bottom + 1;
                });
            }"""
        )
    )


# Each drawn label: its height on screen (font size x the drawing's scale) and whether it
# is inside the graph's frame across and down, not under the overview (as
# bench/playground.py --first-view counts).
LABEL_BOXES = """() => {
  const f = document.getElementById('graph').getBoundingClientRect();
  const mini = document.querySelector('#graph .minimap');
  const m = mini && !mini.hidden ? mini.getBoundingClientRect() : null;
  return [...document.querySelectorAll('#graph > svg g.node text')].map((t) => {
    const r = t.getBoundingClientRect();
    const px = parseFloat(t.getAttribute('font-size') || '11') * t.getScreenCTM().a;
    const under = m && r.right > m.left && r.left < m.right && r.bottom > m.top && r.top < m.bottom;
    return [px, r.left >= f.left - 1 && r.right <= f.right + 1,
      !under && r.top >= f.top - 1 && r.bottom <= f.bottom + 1, t.textContent];
  });
}"""


def evaluate_views(page: Page) -> list[object]:
    """The `view` of each POST /api/evaluate the page sends from now on (None: none sent)."""
    views: list[object] = []

    def record(request: Request) -> None:
        if request.url.endswith("/api/evaluate"):
            views.append(json.loads(request.post_data or "{}").get("view"))

    page.on("request", record)
    return views


def texts(page: Page, node_id: str) -> list[str]:
    return [
        t.strip()
        for t in page.locator(f'#graph > svg g.node[id="{node_id}"] text').all_text_contents()
    ]


def numbers(page: Page, node_id: str) -> tuple[str, str]:
    """The value and gradient a box shows: after its "value" and "grad" words (a box of the
    lines level), or its last two texts (the compact node; chainrule/render/dot.py)."""
    t = texts(page, node_id)
    if len(t) >= 4 and t[-4] == "value" and t[-2] == "grad":
        return t[-3], t[-1]
    return t[-2], t[-1]


def node_named(page: Page, name: str) -> str:
    return str(
        page.evaluate(
            "(name) => [...document.querySelectorAll('#values-body tr')]"
            ".find((tr) => tr.querySelector('th').textContent === name).dataset.node",
            name,
        )
    )


SERIES_NAME = re.compile(r"^(\w*?)(\d+) … (\w*?)(\d+)$")


def drawn_names(page: Page) -> set[str]:
    """The names the drawing shows a box for: a box's title, or each line a series box
    folds ("h1 … h9" names h1, h2, ..., h9)."""
    names: set[str] = set()
    for g in page.locator("#graph > svg g.node.value").all():
        first = g.locator("text").first.text_content() or ""
        m = SERIES_NAME.match(first.strip())
        if m and "series" in (g.get_attribute("class") or "") and m[1] == m[3]:
            names |= {f"{m[1]}{k}" for k in range(int(m[2]), int(m[4]) + 1)}
        else:
            names.add(first.strip())
    return names


@pytest.mark.parametrize(
    ("program", "level"),
    [
        (mlp(), "ops"),  # 2-4-1, 30 operations: op by op, its running sums stacked
        (mlp(6), "lines"),  # 2-6-1, 44 operations: not legible op by op
        (rnn(), "lines"),
        (softmax_xent(), "ops"),
        (neurons(), "ops"),
    ],
    ids=["mlp", "mlp-2-6-1", "rnn", "softmax", "neurons"],
)
def test_the_first_view_shows_every_named_line_whole_and_legible(
    page: Page,
    server: str,
    screenshots: Path,
    console_errors: list[str],
    program: tuple[str, dict[str, float]],
    level: str,
    request: pytest.FixtureRequest,
) -> None:
    # Up to 20 operations a program is drawn op by op; above, lines and calls, lines of one
    # shape folded into a series box that names them (issue 26).
    source, values = program
    open_page(page, server, source, **values)
    assert page.locator("#level-toggle").get_attribute("data-level") == level
    named = [line.split(" = ")[0] for line in source.split("\n") if " = " in line]
    named = [n for n in named if not n.startswith("def ")]
    assert set(named) <= drawn_names(page)  # one box per named line, or its series'
    if level == "lines":
        for name in named:  # a line's own box shows its formula
            box = page.locator("#graph > svg g.node.unit", has_text=name)
            if box.count():
                expect(box.first).to_be_visible()
    assert not page.locator("#graph > svg g.copy").count()  # no dashed copies
    assert label_px(page) >= LEGIBLE_PX
    page.locator("#graph-panel").screenshot(path=screenshots / f"picture-{request.node.name}.png")
    assert whole_in_view(page)


def test_a_60_line_program_shows_every_label_at_9_px_in_the_first_view(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    source, values = wide_program(60)
    open_page(page, server, source, **values)
    assert page.locator("#level-toggle").get_attribute("data-level") == "lines"
    labels = page.evaluate(LABEL_BOXES)
    assert len(labels) > 200  # 31 lines reach the output, 6 shared inputs, the legend
    small = [t for px, _, _, t in labels if px < LEGIBLE_PX - 0.05]
    outside = [t for _, across, down, t in labels if not (across and down)]
    expect(page.locator(".minimap")).to_be_hidden()  # the whole drawing is in view
    page.screenshot(path=screenshots / "picture-60-lines-wide.png")  # the screen as it is
    assert not small and not outside
    assert not page.locator("#graph > svg g.copy").count()


def test_a_60_line_chain_is_legible_as_wide_as_the_view_and_the_rest_one_scroll_away(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    # 59 lines in a chain are 16 rows of boxes 38 points tall: 957 points, the view 581
    # (tests/render/test_lines.py): the first view is the rows around the output, every
    # label legible, every row whole across, so the rest is up, never sideways.
    open_page(page, server, long_program(60), w=0.5, x=2.0, y=3.0)
    labels = page.evaluate(LABEL_BOXES)
    assert all(px >= LEGIBLE_PX - 0.05 for px, _, _, _ in labels)
    assert all(across for _, across, _, _ in labels)
    shown = sum(1 for _, _, down, _ in labels if down)
    page.screenshot(path=screenshots / "picture-60-lines-chain.png")
    assert shown >= len(labels) / 2
    page.locator("#graph").focus()
    presses, top = 0, labels
    while presses < 7 and not any(down and t == "w0" for _, _, down, t in top):
        page.keyboard.press("Shift+ArrowUp")  # pans a tenth of the view's width up
        presses += 1
        top = page.evaluate(LABEL_BOXES)
    assert presses <= 6 and all(across for _, across, _, _ in top)
    assert sum(1 for _, _, down, _ in top if down) >= len(labels) / 2


def test_an_rnns_shared_weight_is_drawn_once_and_its_edges_sum_to_its_gradient(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    source, values = rnn()
    open_page(page, server, source, **values)
    w = node_named(page, "w")
    assert page.locator(f'#graph > svg g.node[id="{w}"]').count() == 1
    # h1..h9 are one series box: w has one edge to it, and following w lists what it adds
    # through each of the nine lines
    series = page.locator("#graph > svg g.node.unit.series", has_text="×9")
    expect(series).to_have_count(1)
    edges = page.locator(f'#graph > svg g.edge[id^="u-{w}-"]')
    assert edges.count() == 1
    assert edges.first.get_attribute("id") == f"u-{w}-{series.get_attribute('id')}"
    page.locator(f'#graph > svg g.node[id="{w}"]').click()
    expect(page.locator("#selection-sum")).to_be_visible()
    labels = page.locator("#graph > svg text.contribution-label").all_text_contents()
    assert len(labels) == 1
    grad = texts(page, w)[-1]
    total = page.locator("#selection-sum").text_content() or ""
    assert total.endswith(f"= {grad}") and "(9 parts)" in total
    assert float(labels[0]) == pytest.approx(float(grad), rel=2e-3, abs=1e-6)
    assert page.locator("#graph > svg g.edge.path-edge").count() >= 2  # w -> h1…h9 -> loss
    expect(page.locator(f'#values-body tr[data-node="{w}"]')).to_have_class(re.compile("selected"))
    page.locator("#graph-panel").screenshot(path=screenshots / "picture-rnn-follow-w.png")


def in_view(page: Page, node_id: str) -> bool:
    """True if the box of node_id is drawn and its centre is inside the graph's frame."""
    box = page.locator(f'#graph > svg g.node[id="{node_id}"]').bounding_box()
    frame = page.locator("#graph").bounding_box()
    assert frame is not None
    if box is None:
        return False
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    return bool(frame["x"] <= cx <= frame["x"] + frame["width"]) and bool(
        frame["y"] <= cy <= frame["y"] + frame["height"]
    )


def open_series_of(page: Page, name: str) -> str:
    """Click the series box that folds the line `name` (an MLP's neurons): its lines are
    drawn one by one, in view with the output; return the id of the line's own box."""
    series = page.locator("#graph > svg g.node.unit.series")
    expect(series).to_have_count(1)
    series.click()
    line = page.locator("#graph > svg g.node.unit:not(.series)", has_text=f"{name} =")
    expect(line).to_have_count(1)
    node = node_named(page, name)
    assert line.get_attribute("id") == node
    output = page.locator("#graph > svg g.node.output").get_attribute("id")
    page.wait_for_timeout(300)  # the view moves once the new drawing is in
    assert in_view(page, node) and in_view(page, str(output))
    return node


def test_a_unit_opens_in_place_and_closes_and_the_toggle_switches_levels(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    source, values = mlp()
    open_page(page, server, source, level="lines", **values)  # boxes: the lines level
    h1 = open_series_of(page, "h1")
    before = texts(page, h1)[-4:]
    page.locator(f'#graph > svg g.node.unit[id="{h1}"]').click()
    expect(page.locator(f'#graph > svg g.cluster[id="cluster-{h1}"]')).to_have_count(1)
    # the operations of h1 drawn in place, with the same numbers: its own node (value
    # then gradient, its last two texts) where the box had "value" V "grad" G
    assert before[0] == "value" and before[2] == "grad"
    assert texts(page, h1)[-2:] == [before[1], before[3]]
    assert page.locator(f'#graph > svg g.cluster[id="cluster-{h1}"]').count() == 1
    page.locator("#graph-panel").screenshot(path=screenshots / "picture-mlp-h1-open.png")
    page.locator(f'#graph > svg g.node[id="{h1}"]').click()  # its own box closes it again
    expect(page.locator(f'#graph > svg g.node.unit[id="{h1}"]')).to_have_count(1)
    # Enter on a focused unit opens it too
    page.locator(f'#graph > svg g.node.unit[id="{h1}"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator(f'#graph > svg g.cluster[id="cluster-{h1}"]')).to_have_count(1)
    page.click("#level-toggle")
    expect(page.locator("#level-toggle")).to_have_attribute("data-level", "ops")
    assert not page.locator("#graph > svg g.node.unit").count()
    expect(page).to_have_url(re.compile(r"level=ops"))
    page.reload()
    expect(page.locator("#level-toggle")).to_have_attribute("data-level", "ops", timeout=30_000)


def test_open_boxes_are_kept_in_the_share_link_and_a_reload(
    page: Page, server: str, console_errors: list[str]
) -> None:
    source, values = mlp()
    open_page(page, server, source, level="lines", **values)  # boxes: the lines level
    series = str(page.locator("#graph > svg g.node.unit.series").get_attribute("id"))
    # h4, the series' last line, opens on its own (the series has an id of its own)
    h1, h2 = open_series_of(page, "h1"), node_named(page, "h4")
    assert series not in (h1, h2)
    for unit in (h2, h1):  # real clicks: each box is in view when it is clicked
        page.locator(f'#graph > svg g.node.unit[id="{unit}"]').click()
        expect(page.locator(f'#graph > svg g.cluster[id="cluster-{unit}"]')).to_have_count(1)
        page.wait_for_function(
            "() => !document.getElementById('graph').classList.contains('loading')"
        )
    opened = ",".join(sorted((h1, h2, series)))
    expect(page).to_have_url(re.compile("expand=" + re.escape(opened.replace(",", "%2C"))))
    expect(page.locator("#share-url")).to_have_value(re.compile("expand="))
    shared = page.locator("#share-url").input_value()
    page.goto(shared)
    for unit in (h1, h2):  # drawn open by the server, and still open once the script runs
        expect(page.locator(f'#graph > svg g.cluster[id="cluster-{unit}"]')).to_have_count(1)
    page.wait_for_function("() => !document.getElementById('graph').classList.contains('loading')")
    page.wait_for_timeout(500)
    for unit in (h1, h2):
        expect(page.locator(f'#graph > svg g.cluster[id="cluster-{unit}"]')).to_have_count(1)
    page.fill("#graph-find", "h1")  # (the first view is on the output: find brings h1 in)
    page.press("#graph-find", "Enter")
    page.wait_for_timeout(300)
    page.locator(f'#graph > svg g.node[id="{h1}"]').click()  # closing one drops it from the link
    expect(page.locator(f'#graph > svg g.node.unit[id="{h1}"]')).to_have_count(1)
    expect(page).to_have_url(re.compile(f"expand={'%2C'.join(sorted((h2, series)))}(&|$)"))
    assert not console_errors


def test_an_old_share_link_opens_the_series_and_its_last_line_opens_on_a_click(
    page: Page, server: str, console_errors: list[str]
) -> None:
    # before series had ids, expand=<the series' last line> opened the series
    source, values = mlp()
    open_page(page, server, source, level="lines", **values)  # boxes: the lines level
    series = str(page.locator("#graph > svg g.node.unit.series").get_attribute("id"))
    h4 = node_named(page, "h4")
    open_page(page, server, source, level="lines", expand=h4, **values)
    expect(page.locator("#graph > svg g.node.unit.series")).to_have_count(0)  # open
    box = page.locator(f'#graph > svg g.node.unit[id="{h4}"]')
    expect(box).to_have_count(1)  # h4 drawn closed, as the old link showed it
    expect(page).to_have_url(re.compile(f"expand={series}(&|$)"))  # the link now says so
    box.click()  # opens h4 (the series stays open)
    expect(page.locator(f'#graph > svg g.cluster[id="cluster-{h4}"]')).to_have_count(1)
    expect(page.locator("#graph > svg g.node.unit.series")).to_have_count(0)
    expect(page).to_have_url(re.compile(f"expand={h4}%2C{series}(&|$)"))
    assert not console_errors


def test_an_open_call_shows_its_body_and_follows_a_value_change(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    source, values = neurons()
    open_page(page, server, source, level="lines", **values)
    h2 = open_series_of(page, "h2")  # h1 and h2, calls of one shape, are a series
    page.locator(f'#graph > svg g.node.unit[id="{h2}"]').click()
    cluster = page.locator(f'#graph > svg g.cluster[id="cluster-{h2}"]')
    expect(cluster).to_have_count(1)
    ops = page.locator("#graph > svg g.node.value", has_text="tanh")
    expect(ops).to_have_count(1)  # the body's tanh (the closed h1 and out hide theirs)
    tanh = str(ops.first.get_attribute("id"))
    before = numbers(page, tanh)
    assert before[0] == numbers(page, h2)[0]  # the body's result is the call's value
    page.locator("#graph-panel").screenshot(path=screenshots / "picture-neurons-h2-open.png")
    field = page.locator("#in-w21")
    field.fill("0.9")  # a value change redraws the open body with its new numbers
    expect(page.locator(f'#graph > svg g.node[id="{tanh}"] text').nth(-2)).not_to_have_text(
        before[0], timeout=30_000
    )
    after = numbers(page, tanh)
    assert after[0] == numbers(page, h2)[0] and after != before
    assert not console_errors


def test_find_centres_and_opens_the_unit_a_name_is_in(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    source, values = mlp()
    open_page(page, server, source, level="lines", **values)  # boxes: the lines level
    page.fill("#graph-find", "w32")
    page.press("#graph-find", "Enter")
    w32 = node_named(page, "w32")
    box = page.locator(f'#graph > svg g.node[id="{w32}"]')
    expect(box).to_have_class(re.compile(r"\bselected\b"))
    frame = page.locator("#graph").bounding_box()
    b = box.bounding_box()
    assert frame is not None and b is not None
    assert frame["x"] <= b["x"] + b["width"] / 2 <= frame["x"] + frame["width"]
    assert frame["y"] <= b["y"] + b["height"] / 2 <= frame["y"] + frame["height"]
    page.fill("#graph-find", "nothing_here")
    page.press("#graph-find", "Enter")
    expect(page.locator("#find-status")).to_contain_text("No node named")
    page.locator("#graph-panel").screenshot(path=screenshots / "picture-find-w32.png")


def test_stepping_marks_the_unit_holding_the_current_operation(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    source, values = softmax_xent()
    open_page(page, server, source, level="lines", **values)
    page.click("#step-first")
    page.click("#step-next")  # the step of -log(p1)'s log: inside the unit "loss"
    current = page.locator("#graph > svg g.node.step-current")
    expect(current).to_have_count(1)
    width = current.locator("path, polygon").first.evaluate(
        "(el) => parseFloat(getComputedStyle(el).strokeWidth)"
    )
    assert width >= 3
    assert current.first.get_attribute("id") == node_named(page, "loss")
    page.locator("#graph-panel").screenshot(path=screenshots / "picture-softmax-step.png")


def test_a_constant_has_no_gradient_anywhere(
    page: Page, server: str, console_errors: list[str]
) -> None:
    open_page(page, server, "c = a + b\nd = b + 1\ne = c * d", a=2, b=1)
    # the constant is no node: it is written in the operation that uses it ("+ 1"), which
    # names it in its class; no box shows it with a gradient
    use = page.locator('#graph > svg g.node.op[class*="const-"]')
    expect(use).to_have_count(1)
    assert re.search(r"\+\s*1\b", use.text_content() or "")
    assert not page.locator("#graph > svg g.node.value.constant").count()
    d = node_named(page, "d")
    d_class = page.locator(f'#graph > svg g.node[id="{d}"]').get_attribute("class")
    assert "const-" not in str(d_class)
    assert all("grad 1 " not in t for t in page.locator("#steps").all_text_contents())


def test_a_value_change_asks_for_numbers_only_even_for_a_weight_used_everywhere(
    page: Page, server: str, console_errors: list[str]
) -> None:
    program = shared_chain(600)
    open_page(page, server, program, x=1, w=0.999, level="ops")
    bodies: list[dict[str, object]] = []

    def on_request(request: Request) -> None:
        if request.url.endswith("/api/evaluate") and request.post_data:
            bodies.append(json.loads(request.post_data))

    page.on("request", on_request)
    page.fill("#in-w", "0.998")
    answer = page.request.post(
        server + "/api/evaluate",
        data={"expression": program, "values": {"x": 1, "w": 0.998}, "level": "ops"},
    ).json()
    out = answer["output_id"]
    node = next(n for n in answer["nodes"] if n["id"] == out)
    expect(page.locator(f'#graph > svg g[id="{out}"] text').nth(-2)).to_have_text(
        node["value_text"]
    )
    assert bodies[0].get("numbers_only") is True
    # then, once the values rest, the full answer (the steps' words) without a drawing
    page.wait_for_timeout(3000)
    assert any(b.get("numbers_only") is not True and b.get("svg") is False for b in bodies)


def test_errors_tell_the_truth(page: Page, server: str, console_errors: list[str]) -> None:
    open_page(page, server, "q = x / y", x=1, y=1)
    page.locator("#expression").fill("r = (-8)^(1/3)")
    expect(page.locator("#error-message")).to_contain_text("negative base")
    expect(page.locator("#inputs .input-row")).to_have_count(0)  # x, y are not its inputs
    expect(page.locator("#output-line")).to_be_hidden()  # "q = 1" is not this program's
    mark = page.locator("#backdrop mark").text_content()
    assert mark == "(-8)^(1/3)"
    page.locator("#expression").fill("log(sigmoid(-800))")
    expect(page.locator("#error-message")).to_contain_text("sigmoid(-800) underflows to 0")


def test_the_phone_shows_a_legible_lines_picture(
    browser: Browser, server: str, screenshots: Path
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        source, values = rnn()
        page.goto(server + "/?" + urlencode({"expression": source, **values}))
        expect(page.locator("#graph > svg g.node.unit").first).to_be_visible(timeout=60_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert label_px(page) >= LEGIBLE_PX
        page.locator("#graph-panel").screenshot(path=screenshots / "picture-rnn-phone.png")
    finally:
        context.close()


@pytest.mark.parametrize(
    ("program", "least"),
    [(softmax_xent(), 1.0), (neurons(), 1.0), (rnn(), 0.7), (mlp(), 0.85)],
    ids=["softmax", "neurons", "rnn", "mlp"],
)
def test_a_phone_gets_a_drawing_made_for_its_panel(
    browser: Browser,
    server: str,
    screenshots: Path,
    program: tuple[str, dict[str, float]],
    least: float,
) -> None:
    # The server draws for a 1280x800 panel; a phone's script asks for its own panel: the
    # rows as wide as the phone, as tall as its box at least is (half the screen), so the
    # picture reads across and scrolls only down.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    views = evaluate_views(page)
    try:
        source, values = program
        page.goto(server + "/?" + urlencode({"expression": source, **values}))
        expect(page.locator("#graph > svg")).to_have_count(1, timeout=60_000)
        page.wait_for_function(
            "() => !document.getElementById('graph').classList.contains('loading')"
        )
        page.wait_for_timeout(500)
        width = page.evaluate("document.getElementById('graph').clientWidth")
        box_least = page.evaluate(
            "parseFloat(getComputedStyle(document.getElementById('graph')).minHeight)"
        )
        assert box_least >= 844 / 2  # a phone's box: at least half the screen, whatever it holds
        w = round(width / 10) * 10  # the width, and the taller of the desktop shape and that
        assert views and views[0] == [w, max(round(w / 1.625), round(box_least / 10) * 10)]
        labels = page.evaluate(LABEL_BOXES)
        assert all(px >= LEGIBLE_PX - 0.05 for px, _, _, _ in labels)
        across = sum(1 for _, a, _, _ in labels if a)
        assert across >= len(labels) - 1  # sideways, at most one label sticks out
        shown = sum(1 for _, a, d, _ in labels if a and d)
        assert shown >= least * len(labels), (shown, len(labels))
        page.locator("#graph-panel").screenshot(path=screenshots / "picture-phone-panel.png")
    finally:
        context.close()


def test_a_desktop_panel_asks_for_no_view_of_its_own(page: Page, server: str) -> None:
    views = evaluate_views(page)
    program, values = mlp()
    open_page(page, server, program, **values)
    page.fill("#in-x1", "0.25")
    expect(page.locator("#output-line")).to_contain_text("=")
    page.wait_for_timeout(500)
    # the server's panel: drawn as served (the numeric check sends no options at all)
    assert views and all(v is None for v in views)


def test_a_gradient_is_drawn_in_the_colour_the_legend_gives_it(
    page: Page, server: str, console_errors: list[str]
) -> None:
    open_page(page, server, "c = a + b\nd = b + 1\ne = c * d", a=2, b=1)
    a = node_named(page, "a")
    value, grad, legend = page.evaluate(
        """(id) => {
            const svg = document.querySelector('#graph > svg');
            const t = [...svg.querySelectorAll(`g.node[id="${id}"] text`)];
            const key = [...svg.querySelectorAll('text')]
                .find((x) => x.textContent.trim() === 'grad');
            return [t.at(-2), t.at(-1), key].map((x) => x && getComputedStyle(x).fill);
        }""",
        a,
    )
    assert legend is not None and grad == legend and grad != value
