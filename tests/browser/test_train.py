"""The Train panel in a real browser: presets, training, the loss curve, traces and the fit."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Request, expect

pytestmark = pytest.mark.browser

LINE = {
    "expression": "(w*x - y)^2",
    "dataset": "noisy-line",
    "optimizer": "gd",
    "reduce": "mean",
    "lr": 0.01,
    "steps": 100,
}


def points(page: Page, selector: str) -> list[tuple[float, float]]:
    """The (x, y) points of a polyline."""
    text = page.locator(selector).get_attribute("points") or ""
    return [(float(a), float(b)) for a, b in (p.split(",") for p in text.split())]


def open_panel(page: Page, server: str) -> None:
    page.goto(server + "/")
    panel = page.locator("#train-panel")
    expect(panel).to_be_visible()
    expect(page.locator("#tr-dataset option")).to_have_count(2)
    panel.scroll_into_view_if_needed()


def test_seed_preset_trains_w_and_draws_the_loss_curve(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    datasets = httpx.get(server + "/api/datasets").json()
    w0 = next(d for d in datasets if d["name"] == "noisy-line")["params"]["w"]
    expected = httpx.post(server + "/api/optimize", json={**LINE, "params": {"w": w0}}).json()

    open_panel(page, server)
    page.click("#tr-preset-line")
    expect(page.locator("#tr-loss")).to_have_value("(w*x - y)^2")
    expect(page.locator("#tr-init-w")).to_have_value(str(w0))
    expect(page.locator("#tr-run")).to_be_focused()
    page.keyboard.press("Enter")  # the preset leaves focus on Train
    expect(page.locator("#tr-loss-chart polyline")).to_have_count(1)
    expect(page.locator("#tr-results")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#tr-run")).to_be_enabled()

    shown = page.locator('#tr-final-body td[data-name="w"]').inner_text()
    assert float(shown) == pytest.approx(expected["params"]["w"], rel=1e-7)
    assert float(shown) == pytest.approx(7, abs=0.1)  # the line's slope
    assert len(points(page, "#tr-loss-chart polyline")) == len(expected["history"]["step"]) == 101
    assert len(points(page, "#tr-param-chart polyline")) == 101
    # gradient descent on a convex loss: the curve only goes down (SVG y grows downwards)
    ys = [y for _, y in points(page, "#tr-loss-chart polyline")]
    assert ys[0] < ys[-1] and all(a <= b + 0.05 for a, b in pairwise(ys))
    expect(page.locator("#tr-fit-chart polyline")).to_have_count(1)
    # the per-example graph: row 1 of (w*x - y)^2, then the mean over the 100 rows
    expect(page.locator("#tr-graph svg g.node.value.param")).to_have_count(1)
    expect(page.locator("#tr-graph svg")).to_contain_text("mean over 100 rows")
    expect(page.locator("#tr-graph svg script")).to_have_count(0)
    page.locator("#train-panel").screenshot(path=screenshots / "train-line.png")

    linear = points(page, "#tr-loss-chart polyline")
    page.check("#tr-log")
    expect(page.locator("#tr-loss-chart svg")).to_have_attribute("data-log", "true")
    logged = points(page, "#tr-loss-chart polyline")
    assert len(logged) == len(linear) and logged != linear
    page.locator("#tr-results").screenshot(path=screenshots / "train-line-log.png")


def test_sin_preset_draws_the_fitted_cubic(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    open_panel(page, server)
    page.click("#tr-preset-sin")
    expect(page.locator("#tr-reduce")).to_have_value("sum")
    expect(page.locator("#tr-lr")).to_have_value("1e-6")
    expect(page.locator("#tr-params input[type=checkbox]")).to_have_count(4)
    page.click("#tr-run")
    expect(page.locator("#tr-fit-chart polyline")).to_have_count(1)
    fit = points(page, "#tr-fit-chart polyline")
    assert len(fit) == 120
    # a cubic close to sin(x) on [-π, π]: lowest left of 0, highest right of 0 (SVG y is down)
    ys = [y for _, y in fit]
    assert ys.index(max(ys)) < len(ys) // 2 < ys.index(min(ys))
    assert page.locator('#tr-final-body td[data-name="b"]').inner_text().startswith("0.8")
    expect(page.locator("#tr-param-chart polyline")).to_have_count(4)
    page.locator("#train-panel").screenshot(path=screenshots / "train-sin.png")


def test_csv_data_shows_the_fit_over_a_scatter(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    open_panel(page, server)
    page.fill("#tr-loss", "(m*x + c - y)^2")
    page.check("#tr-source-csv")
    page.fill(
        "#tr-csv", "x,y\n" + "\n".join(f"{x},{2 * x + 1 + (-1) ** x * 0.3}" for x in range(10))
    )
    expect(page.locator("#tr-init-m")).to_be_visible()
    expect(page.locator("#tr-init-c")).to_be_visible()
    page.select_option("#tr-optimizer", "adam")
    page.fill("#tr-lr", "0.1")
    page.fill("#tr-steps", "500")
    page.click("#tr-run")
    expect(page.locator("#tr-fit-chart g.chart-dots circle")).to_have_count(10)
    m = float(page.locator('#tr-final-body td[data-name="m"]').inner_text())
    assert m == pytest.approx(2, abs=0.1)
    page.locator("#train-panel").screenshot(path=screenshots / "train-csv.png")


def test_errors_and_divergence_are_shown(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    open_panel(page, server)
    page.fill("#tr-loss", "(w*x - y")
    expect(page.locator("#tr-loss-error")).to_be_visible()
    expect(page.locator("#tr-loss-error-text")).to_contain_text("line 1, column")
    page.click("#tr-run")
    expect(page.locator("#tr-error")).to_be_visible()
    expect(page.locator("#tr-error-snippet")).to_contain_text("^")
    page.locator("#train-panel").screenshot(path=screenshots / "train-error.png")

    page.fill("#tr-loss", "(w*x - y)^2")
    expect(page.locator("#tr-loss-error")).to_be_hidden()
    page.fill("#tr-lr", "5")
    page.click("#tr-run")
    expect(page.locator("#tr-diverged")).to_contain_text("Diverged")
    expect(page.locator("#tr-error")).to_be_hidden()


def test_dark_phone_layout(browser: Browser, server: str, screenshots: Path) -> None:
    context = browser.new_context(
        color_scheme="dark", viewport={"width": 390, "height": 844}, device_scale_factor=1
    )
    page = context.new_page()
    try:
        open_panel(page, server)
        page.click("#tr-preset-line")
        page.click("#tr-run")
        expect(page.locator("#tr-fit-chart polyline")).to_have_count(1)
        # the panel and its charts fit the phone's width (nothing scrolls sideways in it)
        panel = page.locator("#train-panel")
        box = panel.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
        assert panel.evaluate("e => e.scrollWidth <= e.clientWidth")
        svg_width = page.locator("#tr-loss-chart svg").bounding_box()
        assert svg_width is not None and svg_width["width"] <= 390
        page.locator("#train-panel").screenshot(path=screenshots / "train-dark-phone.png")
    finally:
        context.close()


def test_a_preset_clears_the_previous_results_and_settings(
    page: Page, server: str, console_errors: list[str]
) -> None:
    open_panel(page, server)
    page.click("#tr-preset-sin")
    page.fill("#tr-every", "7")
    page.click("#tr-run")
    expect(page.locator("#tr-output")).to_be_visible(timeout=30_000)
    page.click("#tr-preset-line")
    expect(page.locator("#tr-output")).to_be_hidden()  # nothing of the cubic fit stays
    expect(page.locator("#tr-empty")).to_be_visible()
    expect(page.locator("#tr-status")).to_have_text("")
    expect(page.locator("#tr-every")).to_have_value("")
    expect(page.locator("#tr-lr")).to_have_value("0.01")
    expect(page.locator("#tr-reduce")).to_have_value("mean")
    expect(page.locator("#tr-params input[type=text]")).to_have_count(1)  # w only, no a b c d


def test_a_csv_whose_header_is_not_the_losss_names_is_an_error_naming_them(
    page: Page, server: str, console_errors: list[str]
) -> None:
    open_panel(page, server)
    page.check("#tr-source-csv")
    page.fill("#tr-csv", "X,Y\n0,1\n1,3\n2,5\n3,7")
    page.click("#tr-run")
    expect(page.locator("#tr-error")).to_be_visible()
    expect(page.locator("#tr-error-detail")).to_contain_text("X, Y")
    expect(page.locator("#tr-error-detail")).to_contain_text("w, x, y")
    expect(page.locator("#tr-output")).to_be_hidden()  # no run that "trains" x and y


def test_a_loss_that_grows_by_orders_of_magnitude_is_reported_as_diverging_once(
    page: Page, server: str, screenshots: Path, console_errors: list[str]
) -> None:
    open_panel(page, server)
    page.click("#tr-preset-line")
    page.fill("#tr-lr", "0.2")
    page.click("#tr-run")
    notice = page.locator("#tr-diverged")
    expect(notice).to_be_visible(timeout=30_000)
    expect(notice).to_contain_text(re.compile(r"^Diverg"))
    assert (notice.text_content() or "").lower().count("diverg") == 1
    expect(page.locator("#tr-status")).to_contain_text("Diverg")
    expect(page.locator("#tr-status")).not_to_contain_text("Done")
    # The graph of one row fits its box.
    graph = page.locator("#tr-graph")
    svg = page.locator("#tr-graph > svg").bounding_box()
    box = graph.bounding_box()
    assert svg is not None and box is not None and svg["width"] <= box["width"] + 1
    assert graph.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    page.locator("#train-panel").screenshot(path=screenshots / "train-diverging.png")


def test_the_fit_is_the_servers_grid_plotted_and_a_typed_model_is_sent(
    page: Page, server: str, console_errors: list[str]
) -> None:
    open_panel(page, server)
    page.click("#tr-preset-line")
    with page.expect_request("**/api/optimize") as sent:
        page.click("#tr-run")
    body = json.loads(sent.value.post_data or "{}")
    assert body["fit"] == {"n": 120}  # the model is the loss's: the server reads it
    expect(page.locator("#tr-fit-chart polyline")).to_have_count(1)
    expect(page.locator("#tr-model")).to_have_attribute("placeholder", "w*x (from the loss)")
    expect(page.locator("#tr-fit-note")).to_have_text(
        "w*x with the fitted parameters, over the data (y against x)."
    )
    # only /api/optimize was asked: no program of 120 calls evaluated to draw the curve (the
    # playground's own evaluation and its finite-difference check may still arrive: they
    # evaluate the editor's program, which does not hold the typed model)
    evaluated: list[str] = []

    def on_request(request: Request) -> None:
        if "/api/evaluate" in request.url and "w*x + 1" in (request.post_data or ""):
            evaluated.append(request.post_data or "")

    page.on("request", on_request)
    page.fill("#tr-model", "w*x + 1")
    page.fill("#tr-xmin", "0")
    page.fill("#tr-xmax", "2")
    with page.expect_request("**/api/optimize") as sent:
        page.click("#tr-run")
    assert json.loads(sent.value.post_data or "{}")["fit"] == {
        "n": 120,
        "model": "w*x + 1",
        "lo": 0,
        "hi": 2,
    }
    expect(page.locator("#tr-fit-note")).to_contain_text("w*x + 1 with the fitted parameters")
    assert len(points(page, "#tr-fit-chart polyline")) == 120
    assert evaluated == []


@pytest.mark.parametrize(("button", "name"), [("line", "noisy-line"), ("sin", "sin")])
def test_a_preset_is_its_datasets_entry(
    page: Page, server: str, console_errors: list[str], button: str, name: str
) -> None:
    ds = next(d for d in httpx.get(server + "/api/datasets").json() if d["name"] == name)
    open_panel(page, server)
    page.click(f"#tr-preset-{button}")
    expect(page.locator("#tr-loss")).to_have_value(ds["expression"])
    expect(page.locator("#tr-dataset")).to_have_value(name)
    expect(page.locator("#tr-reduce")).to_have_value(ds["reduce"])
    expect(page.locator("#tr-optimizer")).to_have_value("gd")
    assert float(page.input_value("#tr-lr")) == ds["lr"]
    expect(page.locator("#tr-steps")).to_have_value(str(ds["steps"]))
    for param, value in ds["params"].items():
        assert float(page.input_value(f"#tr-init-{param}")) == value


def test_the_csv_is_read_by_the_server_and_its_mistake_shown_before_training(
    page: Page, server: str, console_errors: list[str]
) -> None:
    open_panel(page, server)
    page.check("#tr-source-csv")
    with page.expect_request("**/api/csv"):
        page.fill("#tr-csv", "x,y\n0,1\n1,oops\n")
    expect(page.locator("#tr-csv-info")).to_have_text(
        "CSV line 3, column 'y': 'oops' is not a number"
    )
    expect(page.locator("#tr-csv")).to_have_class(re.compile(r"\binvalid\b"))
    page.fill("#tr-csv", "x,y\n0,1\n1,3\n2,5\n")
    expect(page.locator("#tr-csv-info")).to_have_text("3 rows; columns x, y")
    expect(page.locator("#tr-csv")).not_to_have_class(re.compile(r"\binvalid\b"))
    # x and y are the data's columns, so only w is a parameter
    expect(page.locator("#tr-params .train-param.is-column")).to_have_count(2)
    expect(page.locator("#tr-params input[type=text]")).to_have_count(1)
