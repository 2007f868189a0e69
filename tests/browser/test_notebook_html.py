"""The executed example notebook, exported to HTML by nbconvert, shows its drawings in a
real Chromium: every graph is an inline SVG that is laid out, visible and readable."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from nbconvert import HTMLExporter
from playwright.sync_api import Page, Route

from tests.notebook.kernel import run_example

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """The example notebook executed in a real kernel (and the folder it ran in)."""
    if shutil.which("dot") is None:
        pytest.skip("graphviz 'dot' is not installed")
    folder = tmp_path_factory.mktemp("notebook")
    return run_example(folder), folder


def export(executed: tuple[Any, Path]) -> Path:
    """Write the executed notebook as one HTML file, as nbconvert does by default (each
    SVG an <img> of a data: URI; its sanitizer would escape inline SVG into text)."""
    nb, folder = executed
    body, _ = HTMLExporter().from_notebook_node(nb)  # type: ignore[no-untyped-call]
    page = folder / "chainrule.html"
    page.write_text(body, encoding="utf-8")
    return page


def offline(route: Route) -> None:
    """Let the file itself load; nothing from the network (MathJax, fonts, ...)."""
    if route.request.url.startswith(("http://", "https://")):
        route.abort()
    else:
        route.continue_()


# Draws an <img> into a canvas and counts its inked pixels and its red (check's marks) ones.
PIXELS = """img => {
  const c = document.createElement("canvas");
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext("2d");
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let ink = 0, red = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] > 0 && (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200)) ink++;
    if (d[i] > 180 && d[i + 1] < 80 && d[i + 2] < 80) red++;
  }
  return {ink, red, width: c.width};
}"""


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_exported_example_notebook_shows_every_drawing(
    page: Page, executed: tuple[Any, Path], screenshots: Path, size: str
) -> None:
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.route("**/*", offline)
    page.goto(export(executed).as_uri())
    images = page.locator(".jp-RenderedSVG img")
    assert images.count() == 5  # the program, the magic, the neuron, the check, the fix
    seen = []
    for i in range(images.count()):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        assert image.is_visible()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), i
        seen.append(image.evaluate(PIXELS))
    assert all(s["ink"] > 2000 for s in seen), seen  # every drawing was drawn, not a blank box
    marked = [s["red"] > 200 for s in seen]
    assert marked == [False, False, False, True, False], seen  # only the failed check is red
    # A drawing wider than the view scrolls inside its output; the page itself does not.
    areas = page.evaluate(
        "() => [...document.querySelectorAll('.jp-RenderedSVG')].map(d =>"
        " d.scrollWidth <= d.clientWidth || getComputedStyle(d).overflowX === 'auto')"
    )
    assert areas == [True] * 5
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    images.nth(3).scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / f"notebook-check-{size}.png"))
