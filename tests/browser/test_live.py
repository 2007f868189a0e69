"""The /live page in a real Chromium: it opens ready, plays, pauses, steps and resets; the
boundary and the datapoint's graph change while playing and not while paused; clicks pick
the traced datapoint and add points; the URL carries the state; a phone layout."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from chainrule.train.datasets import get_dataset

pytestmark = pytest.mark.browser

PLAY, PAUSE, STEP, RESET = (f"[data-testid=live-{k}]" for k in ("play", "pause", "step", "reset"))
LOSS, BOUNDARY, GRAPH = (
    "[data-testid=live-loss]",
    "[data-testid=live-boundary]",
    "[data-testid=live-graph]",
)


def open_live(page: Page, server: str, query: str = "") -> None:
    page.goto(f"{server}/live{query}")
    expect(page.locator("html")).to_have_attribute("data-live-ready", "true", timeout=30_000)
    expect(page.locator(f"{GRAPH} svg g.node").first).to_be_attached()


def step_of(page: Page) -> int:
    return int(page.locator("#live-step").inner_text().split()[-1])


def loss_of(page: Page) -> str:
    return page.locator(LOSS).inner_text()


def plane_pixels(page: Page) -> str:
    return str(page.eval_on_selector(BOUNDARY, "c => c.toDataURL()"))


def graph_numbers(page: Page) -> str:
    """Every number the datapoint's drawing shows, in order."""
    return str(
        page.eval_on_selector(
            GRAPH, "g => [...g.querySelectorAll('svg text')].map(t => t.textContent).join('|')"
        )
    )


def layout_of(page: Page) -> str:
    """The drawing's geometry (the node boxes' paths), which patching must not change."""
    script = (
        "g => [...g.querySelectorAll('svg g.node > path, svg g.node > polygon')]"
        ".map(p => p.getAttribute('d') || p.getAttribute('points')).join('|')"
    )
    return str(page.eval_on_selector(GRAPH, script))


def test_opens_ready_to_play_with_the_default_data_and_network(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_live(page, server)
    expect(page.locator("#live-data")).to_have_value("moons")
    expect(page.locator("#live-program")).to_have_value(
        re.compile(r"def neuron2\(x1, x2, w1, w2, b\)")
    )
    expect(page.locator(LOSS)).to_have_text(re.compile(r"loss \d"))
    assert step_of(page) == 0
    expect(page.locator(PLAY)).to_be_enabled()
    expect(page.locator(PAUSE)).to_be_disabled()
    assert page.locator(f"{GRAPH} svg g.node").count() > 20
    expect(page.locator("#live-trace-where")).to_contain_text("its loss is")
    page.screenshot(path=str(screenshots / "live-start.png"))


def test_play_changes_the_views_and_pause_freezes_them(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_live(page, server)
    before = (loss_of(page), plane_pixels(page), graph_numbers(page), layout_of(page))
    page.click(PLAY)
    expect(page.locator(PAUSE)).to_be_enabled()
    page.wait_for_function("() => window.__live.state.step >= 30", timeout=30_000)
    playing = (loss_of(page), plane_pixels(page), graph_numbers(page), layout_of(page))
    assert playing[0] != before[0] and playing[1] != before[1] and playing[2] != before[2]
    assert playing[3] == before[3]  # numbers patched in place: no new layout
    page.screenshot(path=str(screenshots / "live-playing.png"))
    # a click while playing traces the new point and training goes on from where it was
    at = step_of(page)
    page.locator(BOUNDARY).click(position={"x": 20, "y": 20})
    page.wait_for_function("() => window.__live.state.trace.x < -1.8")
    page.wait_for_function(f"() => window.__live.state.step > {at + 10}", timeout=30_000)
    page.wait_for_function(
        "() => Object.values(window.__live.state.latest.trace.nodes).some("
        "n => n[0] === window.__live.state.trace.x)"
    )
    expect(page.locator(PAUSE)).to_be_enabled()
    page.click(PAUSE)
    expect(page.locator(PLAY)).to_be_enabled()
    expect(page.locator("#live-status")).to_contain_text("Paused at step")
    paused = (step_of(page), loss_of(page), plane_pixels(page), graph_numbers(page))
    time.sleep(1.0)
    assert (step_of(page), loss_of(page), plane_pixels(page), graph_numbers(page)) == paused
    assert paused[0] >= 30


def seen_in_graph(page: Page) -> dict[str, float]:
    """The network's units wholly in the graph's box (not scrolled off), how many units and
    connections are drawn, and the smallest text height of the units in view (px)."""
    script = """g => {
      const view = g.getBoundingClientRect();
      const inView = (r) => r.left >= view.left - 1 && r.right <= view.right + 1
        && r.top >= view.top - 1 && r.bottom <= view.bottom + 1;
      const units = [...g.querySelectorAll(':scope > svg g.unit')];
      const shown = units.filter(n => inView(n.getBoundingClientRect()));
      const heights = shown.flatMap(n => [...n.querySelectorAll('text')])
        .map(t => t.getBoundingClientRect().height).filter(h => h > 0);
      return {units: units.length, inView: shown.length, text: Math.min(...heights),
              edges: g.querySelectorAll(':scope > svg path.network-edge').length};
    }"""
    return dict(page.eval_on_selector(GRAPH, script))


def unit_named(page: Page, name: str) -> str:
    """The CSS selector of the network's unit of a named line or input."""
    return f"{GRAPH} svg g.unit:has(> text.unit-name:text-is('{name}'))"


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_the_datapoint_is_drawn_as_the_network_and_patched_in_place(
    page: Page, server: str, screenshots: Path, console_errors: list[str], size: tuple[int, int]
) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_live(page, server)
    expect(page.locator(GRAPH)).to_have_attribute("data-level", "network")
    page.locator(GRAPH).scroll_into_view_if_needed()
    seen = seen_in_graph(page)
    # the default 2-8-8-1: x1, x2, 8 + 8 neurons, out, the label's s (c1 - c0) and the loss
    # as units; an edge per connection: 2*8 + 8*8 + 8 + (c0, c1 -> s) + (out, s -> loss)
    assert seen["units"] == 2 + 8 + 8 + 1 + 3 + 1 and seen["edges"] == 16 + 64 + 8 + 2 + 2
    assert seen["text"] >= 9  # legible
    if size == (1280, 800):
        assert seen["inView"] == seen["units"]  # the whole network in view
    # the layers side by side: inputs, first layer, second layer, out, loss from left to right
    xs = [
        page.locator(unit_named(page, name)).bounding_box()["x"]  # type: ignore[index]
        for name in ["x1", "h1_1", "h2_1", "out", "loss"]
    ]
    assert xs == sorted(xs) and len(set(xs)) == 5
    page.locator(GRAPH).screenshot(path=str(screenshots / f"live-network-{size[0]}.png"))
    # a neuron's weights are folded into it and listed on demand
    h = page.locator(unit_named(page, "h1_3"))
    expect(h).to_have_attribute("aria-expanded", "false")
    h.focus()
    page.keyboard.press("Enter")
    expect(h).to_have_attribute("aria-expanded", "true")
    detail = page.locator("#live-network-detail")
    expect(detail.locator("tr th[scope=row]")).to_have_text(["w1_3_1", "w1_3_2", "b1_3"])
    before, layout, listed = graph_numbers(page), layout_of(page), detail.inner_text()
    page.click(PLAY)
    page.wait_for_function("() => window.__live.state.step >= 20", timeout=30_000)
    assert graph_numbers(page) != before  # patched while playing
    page.click(PAUSE)
    expect(page.locator(PLAY)).to_be_enabled()
    assert detail.inner_text() != listed  # the opened neuron's weights too
    shown = graph_numbers(page).split("|")
    latest = page.evaluate(
        "() => { const t = window.__live.state.latest.trace; return t.nodes[t.output_id]; }"
    )
    assert latest[2] in shown  # the loss unit shows the last snapshot's loss text
    assert layout_of(page) == layout  # numbers patched in place: no new layout


# Every text of every unit, measured against its box (SVG units): after the widest number
# the precision writes ("grad -8.888e-88", p + 6 characters) is put in each unit's slots.
TEXTS_INSIDE = """(g, widest) => {
  const out = [];
  for (const u of g.querySelectorAll(':scope > svg g.unit')) {
    u.querySelector('text.unit-value').textContent = widest;
    u.querySelector('text.unit-grad').textContent = 'grad ' + widest;
    const box = u.querySelector('path.unit-box').getBBox();
    for (const t of u.querySelectorAll('text')) {
      const r = t.getBBox();
      out.push({text: t.textContent, left: r.x - box.x, right: box.x + box.width - r.x - r.width});
    }
  }
  return out;
}"""


def test_every_units_texts_fit_inside_its_box_at_the_pages_precision(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    # a 7-digit gradient ("grad -0.001423") ran past its unit's 92-unit box at 1280x800
    page.set_viewport_size({"width": 1280, "height": 800})
    open_live(page, server)
    precision = page.evaluate(
        "() => JSON.parse(document.querySelector('[data-draw-defaults]')"
        ".dataset.drawDefaults).precision"
    )
    widest = "-8." + "8" * (precision - 1) + "e-88"
    texts = page.eval_on_selector(GRAPH, TEXTS_INSIDE, widest)
    assert len(texts) > 20 * 3
    cut = [t for t in texts if t["left"] < 1 or t["right"] < 1]
    assert not cut, cut
    seen = seen_in_graph(page)
    assert seen["inView"] == seen["units"] and seen["text"] >= 9  # still whole, legible
    page.locator(GRAPH).screenshot(path=str(screenshots / "live-network-widest.png"))


def test_every_operation_is_one_click_away_and_back(
    page: Page, server: str, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_live(page, server)
    page.click("#live-graph-view")
    expect(page.locator(GRAPH)).to_have_attribute("data-level", re.compile("lines|ops"))
    expect(page.locator(f"{GRAPH} svg g.node.value").first).to_be_attached()
    expect(page.locator("#live-zoom")).to_be_visible()
    page.click("#live-graph-view")
    expect(page.locator(GRAPH)).to_have_attribute("data-level", "network")
    expect(page.locator("#live-zoom")).to_be_hidden()


def test_step_moves_one_optimizer_step_and_reset_goes_back(
    page: Page, server: str, console_errors: list[str]
) -> None:
    open_live(page, server)
    start = loss_of(page)
    for expected in (1, 2, 3):
        page.click(STEP)
        expect(page.locator("#live-step")).to_have_text(f"step {expected}")
    assert loss_of(page) != start
    page.select_option("#live-optimizer", "gd")  # changeable while paused
    page.fill("#live-lr", "0.5")
    page.click(STEP)
    expect(page.locator("#live-step")).to_have_text("step 4")
    page.click(RESET)
    expect(page.locator("#live-step")).to_have_text("step 0")
    expect(page.locator(LOSS)).to_have_text(start)


def test_clicking_the_plane_picks_the_traced_datapoint(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_live(page, server)
    box = page.locator(BOUNDARY).bounding_box()
    assert box is not None
    layout = layout_of(page)
    # three quarters across, one quarter down: x1 = 1, x2 = 1 on the plane [-2, 2]²
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    expect(page.locator("#live-trace-where")).to_contain_text(
        re.compile(r"x1 = 1\b|x1 = 0\.99|x1 = 1\.0")
    )
    trace = page.evaluate("() => window.__live.state.trace")
    assert trace["x"] == pytest.approx(1, abs=0.03) and trace["y"] == pytest.approx(1, abs=0.03)
    # the graph's inputs are the clicked coordinates (the texts as the server formats them)
    page.wait_for_function(
        "t => Object.values(window.__live.state.latest.trace.nodes).some(n => n[0] === t)",
        arg=trace["x"],
    )
    assert layout_of(page) == layout
    shown = graph_numbers(page).split("|")  # the network shows every unit's numbers
    assert any(s == f"{trace['x']:.4g}" for s in shown)
    page.screenshot(path=str(screenshots / "live-picked.png"))
    # the keyboard's way: arrows move the traced point (by 1/40 of the plane per press)
    page.focus(BOUNDARY)
    for key in ("ArrowLeft", "ArrowLeft", "ArrowDown"):
        page.keyboard.press(key)
    page.wait_for_function(
        "x => Math.abs(window.__live.state.trace.x - x) < 1e-9", arg=trace["x"] - 0.2
    )
    moved = page.evaluate("() => window.__live.state.trace")
    assert moved["y"] == pytest.approx(trace["y"] - 0.1)
    expect(page.locator("#live-trace-where")).to_contain_text(f"x2 = {moved['y']:.3g}")


def test_points_clicked_in_are_trained_on_and_kept_in_the_url(
    page: Page, server: str, console_errors: list[str]
) -> None:
    open_live(page, server)
    assert page.evaluate("() => window.__live.state.points.length") == 200
    page.check("input[name=live-click][value=add1]")
    plane = page.locator(BOUNDARY)
    plane.click(position={"x": 10, "y": 10})
    plane.click(position={"x": 30, "y": 12})
    assert page.evaluate("() => window.__live.state.points.length") == 202
    page.check("input[name=live-click][value=remove]")
    plane.click(position={"x": 30, "y": 12})
    assert page.evaluate("() => window.__live.state.points.length") == 201
    page.click(STEP)
    expect(page.locator("#live-step")).to_have_text("step 1")
    assert "points=" in page.url
    open_live(page, server, "?" + page.url.split("?", 1)[1])
    assert page.evaluate("() => window.__live.state.points.length") == 201
    corner = page.evaluate("() => window.__live.state.points.at(-1)")
    assert corner["cls"] == 1 and corner["x"] < -1.8 and corner["y"] > 1.8


def test_the_url_round_trips_the_state(page: Page, server: str, console_errors: list[str]) -> None:
    open_live(page, server)
    page.select_option("#live-data", "circles")
    expect(page.locator("#live-data-info")).to_contain_text("ring")
    page.fill("#live-hidden", "4")
    page.select_option("#live-activation", "relu")
    page.fill("#live-seed", "3")
    page.click("#live-build")
    expect(page.locator("#live-program")).to_have_value(re.compile(r"relu\(w1\*x1"))
    page.select_option("#live-optimizer", "momentum")
    page.fill("#live-lr", "0.1")
    for _ in range(3):
        page.click(STEP)
    expect(page.locator("#live-step")).to_have_text("step 3")
    url, loss, program = page.url, loss_of(page), page.locator("#live-program").input_value()
    assert "data=circles" in url and "step=3" in url and "opt=momentum" in url
    page.goto("about:blank")
    open_live(page, server, "?" + url.split("?", 1)[1])
    expect(page.locator("#live-step")).to_have_text("step 3")
    expect(page.locator(LOSS)).to_have_text(loss)  # the same trajectory, run again
    assert page.locator("#live-program").input_value() == program
    assert page.locator("#live-optimizer").input_value() == "momentum"
    assert page.locator("#live-lr").input_value() == "0.1"


def test_an_edited_program_is_trained_and_kept_in_the_url(
    page: Page, server: str, console_errors: list[str]
) -> None:
    open_live(page, server, "?data=xor&hidden=-")
    program = page.locator("#live-program").input_value()
    assert "def neuron" not in program  # no hidden layer: logistic regression
    edited = program.replace(
        "loss = log(1 + exp(-s*out))", "loss = log(1 + exp(-s*out)) + 0.01*k^2"
    )
    page.fill("#live-program", edited)
    page.click(STEP)
    expect(page.locator("#live-step")).to_have_text("step 1")
    assert page.evaluate("() => 'k' in window.__live.state.params")  # a new parameter, from 0
    assert "program=" in page.url


def test_paused_the_datapoint_backward_pass_can_be_stepped(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_live(page, server)
    page.click(STEP)
    expect(page.locator("#live-bw-counter")).to_contain_text("backward steps")
    page.click("#live-bw-next")
    expect(page.locator("#live-bw-counter")).to_contain_text("Step 1 of")
    expect(page.locator(f"{GRAPH} svg g.step-current").first).to_be_attached()
    page.click("#live-bw-next")
    expect(page.locator("#live-bw-counter")).to_contain_text("Step 2 of")
    page.screenshot(path=str(screenshots / "live-backward.png"))
    page.click(PLAY)
    expect(page.locator(f"{GRAPH} svg g.step-current")).to_have_count(0)
    page.click(PAUSE)


def least_squares(dataset: str, powers: range) -> float:
    """The smallest mean squared error of sum_k c_k x^k over the dataset (NumPy lstsq)."""
    cols = get_dataset(dataset).columns
    x, y = np.array(cols["x"]), np.array(cols["y"])
    design = np.stack([x**k for k in powers], axis=1)
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(np.mean((design @ coef - y) ** 2))


def test_sin_is_fitted_by_the_seeds_cubic_and_the_curve_drawn(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_live(page, server, "?data=sin")
    expect(page.locator("#live-plane-caption")).to_have_text("The fitted curve, with the data")
    expect(page.locator("#live-model")).to_have_value("cubic")
    expect(page.locator("#live-hidden")).to_be_disabled()  # the network's settings do not apply
    expect(page.locator("#live-program")).to_have_value(
        re.compile(r"pred = a \+ b\*x \+ c\*x\^2 \+ d\*x\^3\n.*loss = \(pred - y\)\^2", re.S)
    )
    start, curve = float(loss_of(page).split()[-1]), plane_pixels(page)
    page.click(PLAY)
    page.wait_for_function("() => window.__live.state.step >= 400", timeout=60_000)
    page.click(PAUSE)
    expect(page.locator(PLAY)).to_be_enabled()
    final = float(loss_of(page).split()[-1])
    best = least_squares("sin", range(4))
    assert final < start / 10
    assert final == pytest.approx(best, rel=0.01)  # the loss shows 4 digits
    assert plane_pixels(page) != curve  # the fitted curve is drawn anew
    grid = page.evaluate("() => window.__live.state.latest.grid.pred")
    assert len(grid) == 120 and max(grid) == pytest.approx(1.0, abs=0.1)  # sin's peak
    page.screenshot(path=str(screenshots / "live-sin.png"))


def test_the_noisy_line_is_fitted_by_w_times_x_and_a_network_stays_on_offer(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_live(page, server, "?data=noisy-line")
    expect(page.locator("#live-model")).to_have_value("line")
    expect(page.locator("#live-program")).to_have_value(re.compile(r"^pred = w\*x$", re.M))
    expect(page.locator("#live-optimizer")).to_have_value("gd")
    page.click(PLAY)
    page.wait_for_function("() => window.__live.state.step >= 100", timeout=60_000)
    page.click(PAUSE)
    expect(page.locator(PLAY)).to_be_enabled()
    final = float(loss_of(page).split()[-1])
    assert final == pytest.approx(least_squares("noisy-line", range(1, 2)), rel=0.001)
    assert "model=line" in page.url
    page.screenshot(path=str(screenshots / "live-line.png"))
    page.select_option("#live-model", "network")
    expect(page.locator("#live-program")).to_have_value(re.compile(r"def neuron1\(x1, w1, b\)"))
    expect(page.locator("#live-hidden")).to_be_enabled()
    expect(page.locator(LOSS)).to_have_text(re.compile(r"loss \d"))
    expect(page.locator("#live-step")).to_have_text("step 0")


def test_a_phone_layout(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_live(page, server)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    for hook in (PLAY, PAUSE, STEP, RESET, BOUNDARY):
        box = page.locator(hook).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.locator(BOUNDARY).bounding_box()["width"] > 300  # type: ignore[index]
    page.click(PLAY)
    page.wait_for_function("() => window.__live.state.step >= 10", timeout=30_000)
    page.click(PAUSE)
    page.screenshot(path=str(screenshots / "live-phone.png"))
    page.screenshot(path=str(screenshots / "live-phone-full.png"), full_page=True)
