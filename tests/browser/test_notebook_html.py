"""The executed example notebook, exported to HTML by nbconvert, shows its drawings in a
real Chromium: every graph is its HTML face (a verdict banner where there is one, then the
SVG as an image fitted to the output's width; a click shows it at full size)."""

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
    drawing is its HTML face: the banner, then the SVG as an <img>, fitted to the width)."""
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


# Each drawing's width, its output area's, and what its banner says.
FACES = """() => [...document.querySelectorAll('.chainrule-output')].map(face => {
  const img = face.querySelector('img.chainrule-svg');
  const banner = face.querySelector('.chainrule-banner');
  return {
    area: face.clientWidth,
    width: img.getBoundingClientRect().width,
    natural: img.naturalWidth,
    banner: banner ? banner.innerText : '',
    bannerShown: banner ? banner.getBoundingClientRect().height > 0 : false,
  };
})"""


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_exported_example_notebook_shows_every_drawing_fitted_with_its_verdict(
    page: Page, executed: tuple[Any, Path], screenshots: Path, size: str
) -> None:
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.route("**/*", offline)
    page.goto(export(executed).as_uri())
    drawings = page.locator(".chainrule-output img.chainrule-svg")
    # the program, the magic, the neuron, the check, the fix, the fix told operands=
    assert drawings.count() == 6
    seen = []
    for i in range(drawings.count()):
        drawing = drawings.nth(i)
        drawing.scroll_into_view_if_needed()
        assert drawing.is_visible(), i
        assert drawing.evaluate("img => img.complete && img.naturalWidth > 0"), i
        seen.append(drawing.evaluate(PIXELS))
    assert all(s["ink"] > 2000 for s in seen), seen  # every drawing was drawn, not a blank box
    assert [s["red"] > 200 for s in seen] == [False, False, False, True, False, False], seen
    faces = page.evaluate(FACES)
    assert all(f["width"] <= f["area"] + 0.5 for f in faces), faces  # fitted to the cell
    verdicts = [f["banner"].split("\n")[0] for f in faces]
    assert verdicts[3] == "check failed: 2 of 4 nodes disagree with chainrule"
    assert verdicts[4] == verdicts[5] == "check passed: all 4 nodes agree with chainrule"
    assert "its backward ran 2 times" in faces[3]["banner"] and faces[3]["bannerShown"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    check = page.locator(".chainrule-output").nth(3)
    check.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / f"notebook-check-{size}.png"))
    fitted = faces[3]["width"]
    check.locator("label").click()  # a click: the drawing at its full size
    image = check.locator("img.chainrule-svg")
    full = image.evaluate("img => img.getBoundingClientRect().width")
    assert full == pytest.approx(faces[3]["natural"], abs=1) and full >= fitted
    check.locator("label").click()  # and back
    again = image.evaluate("img => img.getBoundingClientRect().width")
    assert again == pytest.approx(fitted, abs=1)
