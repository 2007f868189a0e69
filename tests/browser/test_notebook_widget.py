"""chainrule.sliders' page half (chainrule/notebook/sliders.js) in real Chromium, its kernel half
the real Python widget: a slider's move sends the values, the kernel's numbers are written
into the same SVG in place, a domain error dims the picture and says why."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

import chainrule
from chainrule.notebook.widget import ESM, slider_range

ROOT = Path(__file__).resolve().parents[2]

# anywidget's model as the page sees it (get, set, on, off, save_changes), kept in the page.
MOUNT = """async ([source, state]) => {
  const handlers = {};
  window.saved = [];
  window.model = {
    get: (k) => state[k],
    set: (k, v) => { state[k] = v; (handlers["change:" + k] || []).forEach((h) => h()); },
    on: (e, h) => { (handlers[e] ||= []).push(h); },
    off: (e, h) => { handlers[e] = (handlers[e] || []).filter((x) => x !== h); },
    save_changes: () => window.saved.push({ ...state.values }),
  };
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const widget = (await import(url)).default;
  const el = document.createElement("div");
  document.body.append(el);
  widget.render({ model: window.model, el });
}"""


@pytest.fixture
def widget() -> Any:
    if shutil.which("dot") is None:
        pytest.skip("graphviz 'dot' is not installed")
    return chainrule.sliders("c = a + b\nd = b + 1\ne = c * d", a=2, b=1)


def mount(page: Page, w: Any) -> None:
    state = {k: getattr(w, k) for k in ("svg", "values", "ranges", "numbers", "error")}
    page.set_viewport_size({"width": 1280, "height": 800})
    page.set_content("<!doctype html><html lang='en'><body></body></html>")
    page.evaluate(MOUNT, [ESM.read_text(encoding="utf-8"), state])


def grad_text(page: Page, node: str) -> str:
    return str(page.locator(f"g#{node} text").last.text_content())


def test_a_slider_move_patches_the_numbers_into_the_same_drawing(
    page: Page, widget: Any, screenshots: Path
) -> None:
    mount(page, widget)
    assert grad_text(page, "n1") == "5"  # de/db at a=2, b=1
    page.evaluate("document.querySelector('svg').dataset.mark = 'first'")
    slider = page.locator("input[type=range][name=b]")
    assert slider.get_attribute("max") == "10" and slider.get_attribute("step") == "0.01"
    slider.fill("3")  # a real input event on the range
    assert page.evaluate("window.saved.at(-1)") == {"a": 2, "b": 3}
    widget.values = page.evaluate("window.saved.at(-1)")  # the kernel's half, for real
    page.evaluate("(numbers) => window.model.set('numbers', numbers)", widget.numbers)
    assert grad_text(page, "n1") == "9"  # (b+1) + (a+b) = 4 + 5
    assert page.locator("g#n5 text").nth(-2).text_content() == "20"  # e = 5 × 4 (its value)
    assert page.evaluate("document.querySelector('svg').dataset.mark") == "first"  # in place
    assert page.locator("output").nth(1).text_content() == "3"
    page.screenshot(path=str(screenshots / "notebook-sliders.png"))


def test_a_domain_error_dims_the_drawing_and_says_why(page: Page) -> None:
    if shutil.which("dot") is None:
        pytest.skip("graphviz 'dot' is not installed")
    w = chainrule.sliders("y = log(x)", x=2)
    mount(page, w)
    w.values = {"x": -1.0}
    page.evaluate("(e) => window.model.set('error', e)", w.error)
    status = page.locator("div[role=status]")
    assert status.text_content() == "1:5: log(-1.0): operand must be > 0"
    assert page.evaluate("document.querySelector('svg').parentElement.style.opacity") == "0.5"


def test_the_slider_ranges_follow_the_playgrounds_rule(page: Page) -> None:
    source = (ROOT / "static" / "js" / "inputs.js").read_text(encoding="utf-8")
    xs = [0.0, 0.5, 1.0, 2.0, -7.5, 10.0, 99.0, 12345.0, -1e6]
    got = page.evaluate(
        """async ([source, xs]) => {
          const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
          const { sliderRange } = await import(url);
          return xs.map((x) => { const r = sliderRange(x); return [r.min, r.max, r.step]; });
        }""",
        [source, xs],
    )
    assert got == [list(slider_range(x)) for x in xs]
