"""WCAG 2.1 A/AA in every state, checked by axe-core (pinned: axe-playwright-python) in Chromium.

Each test puts a page into one state a learner meets and fails on any violation of the
rules tagged wcag2a, wcag2aa, wcag21a and wcag21aa; the report names the rule, the element
and (for contrast) the measured ratio.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.browser.programs import long_program

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SEED = "c = a + b\nd = b + 1\ne = c * d"
SEED_URL = "/?" + urlencode({"expression": SEED, "a": 2, "b": 1})
AXE = Axe()


def violations(page: Page) -> list[str]:
    """Run axe-core on the page; return one line per failing element (empty: none)."""
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    result = AXE.run(page, options=options).response
    lines = []
    for v in result["violations"]:
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            why = (node.get("failureSummary") or "").replace("\n", " ")[:240]
            lines.append(f"{v['id']}: {target}: {why}")
    return lines


def assert_clean(page: Page) -> None:
    """Fail with axe's report if the page in its current state has any violation."""
    found = violations(page)
    assert found == [], "\n".join(found)


@pytest.fixture
def context_for(browser: Browser) -> Iterator[Any]:
    """Make browser contexts (closed at the end): context_for(dark=, phone=)."""
    made: list[BrowserContext] = []

    def make(dark: bool = False, phone: bool = False) -> BrowserContext:
        size = (390, 844) if phone else (1280, 800)
        viewport = ViewportSize(width=size[0], height=size[1])
        ctx = browser.new_context(
            color_scheme="dark" if dark else "light", viewport=viewport, device_scale_factor=1
        )
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


def settled(page: Page) -> None:
    """Wait for the playground's first live answer (the table filled by the script)."""
    expect(page.locator("#values-body tr")).to_have_count(5)
    expect(page.locator("#graph > svg")).to_have_count(1)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_playground_on_load(context_for: Any, server: str, dark: bool, phone: bool) -> None:
    page = context_for(dark=dark, phone=phone).new_page()
    page.goto(server + SEED_URL)
    settled(page)
    assert_clean(page)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_playground_while_stepping(context_for: Any, server: str, dark: bool) -> None:
    page = context_for(dark=dark).new_page()
    page.goto(server + SEED_URL)
    settled(page)
    page.click("#step-first")
    page.click("#step-next")
    expect(page.locator("#steps li.current")).to_have_count(1)
    assert_clean(page)  # the steps not yet reached and the blank gradients included
    page.click("#step-last")
    assert_clean(page)
    page.focus("#graph")  # the graph by keyboard: an active node named for screen readers
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#graph g.kbd-focus")).to_have_count(1)
    assert_clean(page)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_real_size_program_loaded_stepped_and_broken(
    context_for: Any, server: str, phone: bool
) -> None:
    """68 lines: the steps, the table and the error box scroll; each is reachable."""
    page = context_for(phone=phone).new_page()
    page.goto(server + "/?" + urlencode({"expression": long_program(68), "w": 1, "x": 2, "y": 3}))
    expect(page.locator("#values-body tr").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert_clean(page)
    page.click("#step-first")
    assert_clean(page)
    page.locator("#expression").fill(long_program(68) + "\nz = (w *")
    expect(page.locator("#error-box")).to_be_visible()
    assert_clean(page)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_playground_with_an_error(context_for: Any, server: str, dark: bool) -> None:
    page = context_for(dark=dark).new_page()
    page.goto(server + SEED_URL)
    settled(page)
    page.locator("#expression").fill("c = a + * b")
    expect(page.locator("#error-box")).to_be_visible()
    expect(page.locator("#graph")).to_have_class(re.compile(r"\bstale\b"))
    assert_clean(page)  # the dimmed last good graph, steps and table included


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_train_panel_after_a_run(context_for: Any, server: str, dark: bool) -> None:
    page = context_for(dark=dark).new_page()
    page.goto(server + "/")
    expect(page.locator("#train-panel")).to_be_visible()
    expect(page.locator("#tr-dataset option")).to_have_count(2)
    page.click("#tr-preset-line")
    page.click("#tr-run")
    expect(page.locator("#tr-output")).to_be_visible(timeout=20_000)
    page.wait_for_load_state("networkidle")
    assert_clean(page)


def test_the_page_without_javascript(context_for: Any, server: str) -> None:
    """axe needs script in the page: the page's own *.js requests are refused instead."""
    page = context_for().new_page()
    page.route(re.compile(r".*\.js(\?.*)?$"), lambda route: route.abort())
    page.goto(server + SEED_URL)
    expect(page.locator("#graph > svg")).to_have_count(1)
    expect(page.locator("html")).to_have_class(re.compile(r"\bno-js\b"))
    assert_clean(page)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize(
    ("path", "rendered"),
    [("/docs", ".swagger-ui .opblock"), ("/redoc", "h1:has-text('chainrule')")],
)
def test_the_api_documentation(
    context_for: Any, server: str, path: str, rendered: str, dark: bool
) -> None:
    page = context_for(dark=dark).new_page()
    page.goto(server + path)
    page.locator(rendered).first.wait_for(timeout=20_000)
    page.wait_for_load_state("networkidle")
    assert_clean(page)
    if path == "/docs":  # an operation opened, with its parameters and responses
        page.locator(".opblock-summary").first.click()
        expect(page.locator(".opblock-body").first).to_be_visible()
        assert_clean(page)


def _live_exists(server: str) -> bool:
    return httpx.get(server + "/live", timeout=10).status_code != 404


def test_the_live_page(context_for: Any, server: str) -> None:
    """/live is built on another branch: checked here as soon as it exists."""
    if not _live_exists(server):
        pytest.skip("/live answers 404 on this branch: the live page is not merged yet")
    for dark in (False, True):
        page = context_for(dark=dark).new_page()
        page.goto(server + "/live")
        page.wait_for_load_state("networkidle")
        page.locator("#live-graph svg g.unit").first.wait_for(timeout=20_000)
        assert_clean(page)
        # the network with a neuron opened (its parameters listed), then every operation
        page.locator("#live-graph svg g.unit.opens").first.click()
        expect(page.locator("#live-network-detail table")).to_be_visible()
        assert_clean(page)
        page.click("#live-graph-view")
        expect(page.locator("#live-graph svg g.node.value").first).to_be_attached()
        page.wait_for_load_state("networkidle")
        assert_clean(page)


def test_a_violation_is_reported(context_for: Any, server: str) -> None:
    """The check itself can fail: text of 1.3:1 contrast put into the page is found."""
    page = context_for().new_page()
    page.goto(server + SEED_URL)
    settled(page)
    page.evaluate(
        "() => { const p = document.createElement('p'); p.textContent = 'faint';"
        " p.style.color = '#eeeeee'; document.querySelector('main').append(p); }"
    )
    found = violations(page)
    assert any(line.startswith("color-contrast:") for line in found), found
